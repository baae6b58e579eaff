//! Demo-school data generator for `sencheck`.
//!
//! Writes "Hollins Park Academy", a fictional 11–16 secondary school, as five
//! MIS-style CSV exports (`pupils.csv`, `attendance.csv`, `results.csv`,
//! `exclusions.csv`, `activities.csv`) covering 2022/23, 2023/24 and 2024/25,
//! so that `sencheck check` on the folder shows realistic concerns,
//! celebrations and notes at once. Every pupil is invented: no real person's
//! details are used, and the UPNs carry a made-up school number.
//!
//! Run from the crate root:
//!
//! ```text
//! cargo run --example gen_demo -- fixtures/demo-school
//! ```
//!
//! The output is byte-for-byte the same on every run and platform: a fixed seed
//! drives a hand-written xoshiro256** generator, only `Vec`s are iterated, the
//! logarithm and exponential are computed here from IEEE-exact arithmetic
//! (not the platform's maths library), and every decimal is printed from an
//! integer. The effects built into the data are listed in the folder's README.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::PathBuf;

/// The one seed behind every draw.
const SEED: u64 = 0x484F_4C4C_494E_5321; // "HOLLINS!"

/// LA number and establishment number used in every UPN (fictional school).
const UPN_LA: &str = "938";
const UPN_ESTAB: &str = "4999";

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

/// One step of SplitMix64, used to expand a seed into generator state.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** with a cached second normal deviate.
struct Rng {
    s: [u64; 4],
    spare: Option<f64>,
}

impl Rng {
    /// An independent stream for one part of the simulation, so that changing
    /// (say) the activities model leaves the attendance figures untouched.
    fn stream(stream: u64) -> Rng {
        let mut sm = SEED ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s, spare: None }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform on the open interval (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / 9_007_199_254_740_992.0
    }

    /// Uniform integer in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform integer in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal deviate by the Box–Muller transform in Marsaglia's
    /// polar form (no trigonometry, so no platform maths library).
    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * ln(s) / s).sqrt();
                self.spare = Some(v * f);
                return u * f;
            }
        }
    }

    /// Number of successes in `n` trials of probability `p`.
    fn binomial(&mut self, n: u32, p: f64) -> u32 {
        let mut k = 0;
        for _ in 0..n {
            if self.chance(p) {
                k += 1;
            }
        }
        k
    }

    /// Fisher–Yates shuffle.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }

    /// Picks an item with probability proportional to its weight.
    /// `items` is never empty (all callers pass constant tables).
    fn pick<T: Copy>(&mut self, items: &[(T, f64)]) -> T {
        let total: f64 = items.iter().map(|item| item.1).sum();
        let mut x = self.uniform() * total;
        for &(item, weight) in items {
            if x < weight {
                return item;
            }
            x -= weight;
        }
        items[items.len() - 1].0
    }
}

// ---------------------------------------------------------------------------
// Portable elementary functions (only +, -, *, / and sqrt, all IEEE-exact)
// ---------------------------------------------------------------------------

/// Natural logarithm of a positive, finite, normal `x`.
fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7FF) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        exponent += 1;
    }
    // ln m = 2 atanh s with |s| <= 0.172; twelve terms are exact to double precision.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..12 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    2.0 * sum + exponent as f64 * std::f64::consts::LN_2
}

/// e^x, for the moderate arguments used here (clamped to ±700).
fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let k = (x / std::f64::consts::LN_2).round();
    let r = x - k * std::f64::consts::LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..=16 {
        term *= r / f64::from(i);
        sum += term;
    }
    // k lies in -1010..=1010, so the biased exponent is a valid normal one.
    sum * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}

fn logit(p: f64) -> f64 {
    ln(p / (1.0 - p))
}

/// Rounds half away from zero to an integer.
fn round_i(x: f64) -> i64 {
    x.round() as i64
}

/// Formats `value / 10^places` exactly, e.g. `fixed(-45, 2)` is `-0.45`.
fn fixed(value: i64, places: u32) -> String {
    let scale = 10_i64.pow(places);
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let scale = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = places as usize
    )
}

// ---------------------------------------------------------------------------
// UPNs
// ---------------------------------------------------------------------------

/// The 23 check letters of the DfE UPN standard (no I, O or S).
const CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// Builds a UPN from its 12 digits, as the DfE UPN standard does: the digits
/// are LA number (3) + establishment number (4) + the last two digits of the
/// year of allocation + a 3-digit serial, and the check letter in position 1 is
/// (sum of each digit × its position, the first digit being at position 2)
/// mod 23, mapped 0→A, 1→B, … over the letters A–Z without I, O and S.
fn upn_from_digits(digits: &str) -> String {
    let sum: usize = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| usize::from(b - b'0') * (i + 2))
        .sum();
    let letter = char::from(CHECK_LETTERS[sum % 23]);
    format!("{letter}{digits}")
}

/// Hands out distinct UPNs for this (fictional) school.
struct UpnBook {
    used: BTreeSet<(i32, usize)>,
}

impl UpnBook {
    fn allocate(&mut self, rng: &mut Rng, allocation_year: i32) -> String {
        let serial = loop {
            let serial = rng.between(1, 999);
            if self.used.insert((allocation_year, serial)) {
                break serial;
            }
        };
        let yy = allocation_year.rem_euclid(100);
        upn_from_digits(&format!("{UPN_LA}{UPN_ESTAB}{yy:02}{serial:03}"))
    }
}

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

type Ymd = (i64, i64, i64);

/// Days since 1970-01-01 (H. Hinnant's algorithm).
fn days_from_civil((y, m, d): Ymd) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> Ymd {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn iso_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

struct TermSpec {
    first: Ymd,
    last: Ymd,
    half_term: (Ymd, Ymd),
}

struct YearSpec {
    label: &'static str,
    start_year: i32,
    terms: [TermSpec; 3],
    bank_holidays: &'static [Ymd],
    /// Last day Year 11 are expected in before study leave and exams.
    year11_last: Ymd,
}

const TERM_NAMES: [&str; 3] = ["Autumn", "Spring", "Summer"];

const YEARS: [YearSpec; 3] = [
    YearSpec {
        label: "2022/23",
        start_year: 2022,
        terms: [
            TermSpec {
                first: (2022, 9, 5),
                last: (2022, 12, 16),
                half_term: ((2022, 10, 24), (2022, 10, 28)),
            },
            TermSpec {
                first: (2023, 1, 4),
                last: (2023, 3, 31),
                half_term: ((2023, 2, 13), (2023, 2, 17)),
            },
            TermSpec {
                first: (2023, 4, 17),
                last: (2023, 7, 21),
                half_term: ((2023, 5, 29), (2023, 6, 2)),
            },
        ],
        bank_holidays: &[(2023, 5, 1), (2023, 5, 8)],
        year11_last: (2023, 5, 26),
    },
    YearSpec {
        label: "2023/24",
        start_year: 2023,
        terms: [
            TermSpec {
                first: (2023, 9, 5),
                last: (2023, 12, 20),
                half_term: ((2023, 10, 30), (2023, 11, 3)),
            },
            TermSpec {
                first: (2024, 1, 4),
                last: (2024, 3, 28),
                half_term: ((2024, 2, 12), (2024, 2, 16)),
            },
            TermSpec {
                first: (2024, 4, 15),
                last: (2024, 7, 19),
                half_term: ((2024, 5, 27), (2024, 5, 31)),
            },
        ],
        bank_holidays: &[(2024, 5, 6)],
        year11_last: (2024, 5, 24),
    },
    YearSpec {
        label: "2024/25",
        start_year: 2024,
        terms: [
            TermSpec {
                first: (2024, 9, 4),
                last: (2024, 12, 19),
                half_term: ((2024, 10, 28), (2024, 11, 1)),
            },
            TermSpec {
                first: (2025, 1, 6),
                last: (2025, 4, 4),
                half_term: ((2025, 2, 17), (2025, 2, 21)),
            },
            TermSpec {
                first: (2025, 4, 22),
                last: (2025, 7, 22),
                half_term: ((2025, 5, 26), (2025, 5, 30)),
            },
        ],
        bank_holidays: &[(2025, 5, 5)],
        year11_last: (2025, 5, 23),
    },
];

/// The school days of one academic year, in order.
struct Calendar {
    /// (days since epoch, term index) for every school day.
    days: Vec<(i64, usize)>,
    /// Index of the first school day after Year 11's last day.
    year11_end: usize,
}

impl Calendar {
    fn new(spec: &YearSpec) -> Calendar {
        let holidays: Vec<i64> = spec.bank_holidays.iter().map(|&d| days_from_civil(d)).collect();
        let mut days = Vec::new();
        for (term, t) in spec.terms.iter().enumerate() {
            let half = days_from_civil(t.half_term.0)..=days_from_civil(t.half_term.1);
            for day in days_from_civil(t.first)..=days_from_civil(t.last) {
                let weekday = (day + 3).rem_euclid(7); // 0 = Monday
                if weekday < 5 && !half.contains(&day) && !holidays.contains(&day) {
                    days.push((day, term));
                }
            }
        }
        let last = days_from_civil(spec.year11_last);
        let year11_end = days.iter().take_while(|&&(d, _)| d <= last).count();
        Calendar { days, year11_end }
    }

    /// School days in each term within `start..end` (indices into `days`).
    fn days_per_term(&self, start: usize, end: usize) -> [u32; 3] {
        let mut counts = [0; 3];
        for &(_, term) in &self.days[start..end] {
            counts[term] += 1;
        }
        counts
    }
}

// ---------------------------------------------------------------------------
// Pupils
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sen {
    No,
    Support,
    Ehcp,
}

impl Sen {
    fn mis_text(self) -> &'static str {
        match self {
            Sen::No => "No SEN",
            Sen::Support => "SEN Support",
            Sen::Ehcp => "EHC Plan",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Need {
    Semh,
    Spld,
    Asd,
    Slcn,
    Mld,
    Oth,
    Pd,
    Hi,
    Vi,
    Nsa,
}

impl Need {
    fn code(self) -> &'static str {
        match self {
            Need::Semh => "SEMH",
            Need::Spld => "SPLD",
            Need::Asd => "ASD",
            Need::Slcn => "SLCN",
            Need::Mld => "MLD",
            Need::Oth => "OTH",
            Need::Pd => "PD",
            Need::Hi => "HI",
            Need::Vi => "VI",
            Need::Nsa => "NSA",
        }
    }
}

/// Primary needs of pupils at SEN support when they arrive (HI is placed by
/// hand, see `HI_PER_COHORT`).
const NEEDS_SUPPORT: [(Need, f64); 9] = [
    (Need::Semh, 24.0),
    (Need::Spld, 25.0),
    (Need::Asd, 14.0),
    (Need::Slcn, 11.0),
    (Need::Mld, 13.0),
    (Need::Oth, 4.0),
    (Need::Pd, 1.5),
    (Need::Vi, 0.8),
    (Need::Nsa, 4.0),
];

/// Primary needs of pupils with an EHC plan when they arrive.
const NEEDS_EHCP: [(Need, f64); 8] = [
    (Need::Asd, 36.0),
    (Need::Semh, 22.0),
    (Need::Slcn, 13.0),
    (Need::Mld, 9.0),
    (Need::Spld, 4.0),
    (Need::Pd, 5.0),
    (Need::Vi, 2.0),
    (Need::Oth, 5.0),
];

/// The need a pupil not on the record would have if identified in secondary.
const NEEDS_NEW: [(Need, f64); 8] = [
    (Need::Semh, 32.0),
    (Need::Spld, 18.0),
    (Need::Asd, 14.0),
    (Need::Slcn, 6.0),
    (Need::Mld, 10.0),
    (Need::Oth, 6.0),
    (Need::Nsa, 8.0),
    (Need::Pd, 3.0),
];

/// Pupils with hearing impairment per cohort, by the calendar year the cohort
/// started Year 7 (2018..=2024): a deliberately tiny group.
const HI_PER_COHORT: [usize; 7] = [1, 1, 1, 0, 1, 1, 0];

/// (code, share of pupils in %, chance of EAL).
const ETHNICITY: [(&str, f64, f64); 17] = [
    ("WBRI", 70.0, 0.005),
    ("WOTH", 6.0, 0.72),
    ("WIRI", 1.0, 0.02),
    ("MWBC", 3.0, 0.04),
    ("MWBA", 1.0, 0.10),
    ("MWAS", 1.0, 0.20),
    ("MOTH", 2.0, 0.25),
    ("AIND", 3.0, 0.60),
    ("APKN", 3.0, 0.70),
    ("ABAN", 2.0, 0.75),
    ("AOTH", 1.0, 0.70),
    ("BAFR", 3.0, 0.55),
    ("BCRB", 1.0, 0.02),
    ("BOTH", 0.5, 0.50),
    ("CHNE", 0.5, 0.60),
    ("OOTH", 1.0, 0.70),
    ("REFU", 1.0, 0.10),
];

/// How a pupil came to the school.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arrival {
    /// Already on roll in September 2022 (Years 8–11 then).
    Existing,
    /// The normal Year 7 intake.
    Intake,
    /// Moved in from another English school.
    FromEngland,
    /// Arrived from abroad in the given calendar year.
    FromAbroad(i32),
}

struct Pupil {
    upn: String,
    male: bool,
    /// Calendar year in which this pupil's cohort started Year 7.
    cohort: i32,
    sen: Sen,
    /// The primary need; also the need a pupil off the record would be
    /// identified with.
    need: Need,
    fsm: bool,
    pupil_premium: bool,
    eal: bool,
    cla: bool,
    ethnicity: &'static str,
    ks2_reading: Option<i64>,
    ks2_maths: Option<i64>,
    /// Latent prior attainment (average scaled score, even when unrecorded).
    ks2_latent: f64,
    /// Stable absence propensity (standard normal).
    absence_z: f64,
    /// Uniform draw deciding whether the pupil is among the few who avoid
    /// school altogether (see `avoidance_rate`).
    avoidance_u: f64,
    /// Pupil's logit share of absence that is unauthorised.
    unauthorised_logit: f64,
    /// Stable behaviour risk (standard normal).
    behaviour_z: f64,
    /// Stable liking for clubs (standard normal).
    engage_z: f64,
    /// Stable progress at KS4 (standard normal).
    progress_z: f64,
    /// Off roll for good (moved away, left Year 11 or permanently excluded).
    left: bool,
}

impl Pupil {
    fn year_group(&self, start_year: i32) -> i32 {
        start_year - self.cohort + 7
    }

    fn ks2_average_tenths(&self) -> Option<i64> {
        Some((self.ks2_reading? + self.ks2_maths?) * 5)
    }
}

fn yn(b: bool) -> &'static str {
    if b { "Y" } else { "N" }
}

/// `n` needs in proportion to the weights of `table` (systematic sampling:
/// each need gets its expected count rounded up or down), in random order.
fn spread(rng: &mut Rng, table: &[(Need, f64)], n: usize) -> Vec<Need> {
    let total: f64 = table.iter().map(|t| t.1).sum();
    let offset = rng.uniform();
    let mut needs = Vec::with_capacity(n);
    let mut cumulative = 0.0;
    for &(need, weight) in table {
        cumulative += weight / total * n as f64;
        while needs.len() < n && needs.len() as f64 + offset < cumulative {
            needs.push(need);
        }
    }
    while needs.len() < n {
        needs.push(table[0].0); // only if rounding left the last one out
    }
    rng.shuffle(&mut needs);
    needs
}

/// Share of pupils eligible for free school meals, by SEN status on arrival.
fn fsm_rate(sen: Sen) -> f64 {
    match sen {
        Sen::No => 0.205,
        Sen::Support => 0.42,
        Sen::Ehcp => 0.44,
    }
}

/// Relative chances of boys and girls being at (SEN support, EHC plan):
/// about two thirds of SEN pupils are boys.
fn sen_gender_weights(male: bool) -> (f64, f64) {
    if male { (1.28, 1.4) } else { (0.72, 0.6) }
}

/// Everything needed to create pupils.
struct Population {
    rng: Rng,
    upns: UpnBook,
    pupils: Vec<Pupil>,
}

impl Population {
    /// A pupil joining an existing cohort (SEN status drawn at random).
    fn add(&mut self, cohort: i32, arrival: Arrival) -> usize {
        let male = self.rng.chance(0.5);
        let (k_rate, e_rate) = match arrival {
            Arrival::FromAbroad(_) => (0.07, 0.01),
            _ => (0.16, 0.03),
        };
        let (k_mult, e_mult) = sen_gender_weights(male);
        let u = self.rng.uniform();
        let sen = if u < e_rate * e_mult {
            Sen::Ehcp
        } else if u < e_rate * e_mult + k_rate * k_mult {
            Sen::Support
        } else {
            Sen::No
        };
        let need = match sen {
            Sen::Ehcp => self.rng.pick(&NEEDS_EHCP),
            Sen::Support => self.rng.pick(&NEEDS_SUPPORT),
            Sen::No => self.rng.pick(&NEEDS_NEW),
        };
        // Families who move mid-phase are more often disadvantaged.
        let fsm = self.rng.chance(fsm_rate(sen) + 0.08);
        self.create(cohort, arrival, male, sen, need, fsm)
    }

    fn create(
        &mut self,
        cohort: i32,
        arrival: Arrival,
        male: bool,
        sen: Sen,
        need: Need,
        fsm: bool,
    ) -> usize {
        let rng = &mut self.rng;
        let cla = rng.chance(match sen {
            Sen::No => 0.006,
            Sen::Support => 0.02,
            Sen::Ehcp => 0.05,
        });
        let pupil_premium = fsm || cla || rng.chance(0.045);
        let abroad = matches!(arrival, Arrival::FromAbroad(_));
        let ethnicities: Vec<(usize, f64)> = ETHNICITY
            .iter()
            .enumerate()
            .map(|(i, e)| {
                // Pupils from abroad are mostly of the groups that often have EAL.
                let weight = if abroad { e.1 * e.2 * e.2 } else { e.1 };
                (i, weight)
            })
            .collect();
        let (ethnicity, _, eal_rate) = ETHNICITY[rng.pick(&ethnicities)];
        let eal = abroad || rng.chance(if sen == Sen::No { eal_rate } else { eal_rate * 0.75 });

        // KS2 scaled scores: a shared factor and one for each subject.
        let (mut mean, sd) = match sen {
            Sen::No => (107.0, 6.0),
            Sen::Support => (98.8, 6.3),
            Sen::Ehcp => (89.8, 7.0),
        };
        let (mut read_adj, mut maths_adj) = (0.0, 0.0);
        if sen != Sen::No {
            mean += match need {
                Need::Mld => -5.0,
                Need::Slcn => -2.5,
                Need::Asd => 2.0,
                Need::Semh | Need::Nsa => 0.5,
                Need::Hi => -1.0,
                _ => 0.0,
            };
            match need {
                Need::Spld => read_adj -= 3.0,
                Need::Slcn => read_adj -= 2.0,
                _ => {}
            }
            if sen == Sen::Support {
                maths_adj -= 1.5;
            }
        }
        if fsm {
            mean -= 2.0;
        }
        if eal {
            read_adj -= 1.5;
        }
        let shared = rng.normal();
        let reading = mean + read_adj + sd * (0.8 * shared + 0.6 * rng.normal());
        let maths = mean + maths_adj + sd * (0.8 * shared + 0.6 * rng.normal());
        let ks2_latent = (reading + maths) / 2.0;
        let scaled = |x: f64| -> Option<i64> {
            // Below the test's range a pupil has no scaled score.
            if x < 79.5 {
                None
            } else {
                Some(round_i(x).clamp(80, 120))
            }
        };
        let (mut ks2_reading, mut ks2_maths) = (scaled(reading), scaled(maths));
        let missing_rate = match arrival {
            Arrival::FromAbroad(_) => 1.0,
            Arrival::FromEngland => 0.05,
            _ => 0.02,
        } + if eal { 0.03 } else { 0.0 };
        if rng.chance(missing_rate) {
            ks2_reading = None;
            ks2_maths = None;
        } else if rng.chance(0.006) {
            // Absent for one of the tests.
            if rng.chance(0.5) {
                ks2_reading = None;
            } else {
                ks2_maths = None;
            }
        }

        let absence_z = rng.normal();
        let avoidance_u = rng.uniform();
        let unauthorised_logit = logit(0.28) + 0.6 * rng.normal() + 0.35 * absence_z;
        let behaviour_z = 0.45 * absence_z + 0.89 * rng.normal();
        let engage_z = -0.3 * absence_z + 0.95 * rng.normal();
        let progress_z = -0.25 * absence_z + 0.97 * rng.normal();

        // UPNs are allocated when a pupil first enters school (Reception, seven
        // years before Year 7), or on arrival from abroad.
        let allocation_year = match arrival {
            Arrival::FromAbroad(year) => year,
            _ => cohort - 7,
        };
        let upn = self.upns.allocate(&mut self.rng, allocation_year);
        self.pupils.push(Pupil {
            upn,
            male,
            cohort,
            sen,
            need,
            fsm,
            pupil_premium,
            eal,
            cla,
            ethnicity,
            ks2_reading,
            ks2_maths,
            ks2_latent,
            absence_z,
            avoidance_u,
            unauthorised_logit,
            behaviour_z,
            engage_z,
            progress_z,
            left: false,
        });
        self.pupils.len() - 1
    }

    /// A cohort of about 200 starting Year 7 in `cohort`, with its hand-placed
    /// pupils with hearing impairment.
    fn add_cohort(&mut self, cohort: i32, arrival: Arrival) {
        let size = self.rng.between(196, 212);
        let males: Vec<bool> = (0..size).map(|_| self.rng.chance(0.5)).collect();
        // (SEN support, EHC plan) shares of the cohort on arrival, filled
        // exactly so that the school's SEN profile does not hang on luck.
        let (k_rate, e_rate) = match arrival {
            Arrival::Intake => (0.122, 0.027),
            _ => (0.13, 0.029),
        };
        // About two thirds of them are boys (70% of those with a plan).
        let mut status = vec![Sen::No; size];
        for (sen, rate, boys) in [(Sen::Ehcp, e_rate, 0.7), (Sen::Support, k_rate, 0.65)] {
            let n = share_of(100.0 * rate, size);
            let n_boys = share_of(100.0 * boys, n);
            for (male, wanted) in [(true, n_boys), (false, n - n_boys)] {
                for _ in 0..wanted {
                    let pool: Vec<usize> = (0..size)
                        .filter(|&i| status[i] == Sen::No && males[i] == male)
                        .collect();
                    // The pool holds ~100 pupils and at most ~20 are wanted.
                    status[pool[self.rng.below(pool.len())]] = sen;
                }
            }
        }
        // Needs are spread over the SEN pupils in proportion to the tables.
        let count = |sen: Sen| status.iter().filter(|&&s| s == sen).count();
        let mut support_needs = spread(&mut self.rng, &NEEDS_SUPPORT, count(Sen::Support));
        let mut ehcp_needs = spread(&mut self.rng, &NEEDS_EHCP, count(Sen::Ehcp));
        // Exactly the expected number of FSM pupils in each group.
        let mut fsm = vec![false; size];
        for sen in [Sen::No, Sen::Support, Sen::Ehcp] {
            let mut members: Vec<usize> = (0..size).filter(|&i| status[i] == sen).collect();
            self.rng.shuffle(&mut members);
            for &i in members
                .iter()
                .take(share_of(100.0 * fsm_rate(sen), members.len()))
            {
                fsm[i] = true;
            }
        }
        let first = self.pupils.len();
        for i in 0..size {
            let need = match status[i] {
                Sen::Support => support_needs.pop(),
                Sen::Ehcp => ehcp_needs.pop(),
                Sen::No => None,
            };
            let need = need.unwrap_or_else(|| self.rng.pick(&NEEDS_NEW));
            self.create(cohort, arrival, males[i], status[i], need, fsm[i]);
        }
        // Cohorts run from 2018 (Year 11 in 2022/23) to 2024 (Year 7 in
        // 2024/25), and each has about 30 SEN pupils to choose from.
        let quota = HI_PER_COHORT[(cohort - 2018) as usize];
        for _ in 0..quota {
            let candidates: Vec<usize> = (first..self.pupils.len())
                .filter(|&i| self.pupils[i].sen != Sen::No && self.pupils[i].need != Need::Hi)
                .collect();
            let chosen = candidates[self.rng.below(candidates.len())];
            self.pupils[chosen].need = Need::Hi;
        }
    }
}

// ---------------------------------------------------------------------------
// Output rows
// ---------------------------------------------------------------------------

struct Row {
    year: usize,
    upn: String,
    key: String,
    line: String,
}

struct CsvFile {
    name: &'static str,
    header: &'static [&'static str],
    rows: Vec<Row>,
}

impl CsvFile {
    fn new(name: &'static str, header: &'static [&'static str]) -> CsvFile {
        CsvFile {
            name,
            header,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, year: usize, upn: &str, key: String, fields: &[&str]) {
        self.rows.push(Row {
            year,
            upn: upn.to_string(),
            key,
            line: csv_line(fields),
        });
    }

    fn render(&mut self) -> String {
        self.rows
            .sort_by(|a, b| (a.year, &a.upn, &a.key).cmp(&(b.year, &b.upn, &b.key)));
        let mut out = csv_line(self.header);
        for row in &self.rows {
            out.push_str(&row.line);
        }
        out
    }
}

/// One CSV record with CRLF ending, quoting only fields that need it.
fn csv_line(fields: &[&str]) -> String {
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line.push_str("\r\n");
    line
}

fn opt_num(x: Option<i64>) -> String {
    x.map_or_else(String::new, |v| v.to_string())
}

// ---------------------------------------------------------------------------
// Calibration
// ---------------------------------------------------------------------------
//
// Year groups of SEN pupils are small (about 30 at SEN support in a Year 11),
// so pure chance would blur the effects the demo is meant to show. Each model
// below therefore has a per-group, per-year shift on its logit (or grade)
// scale, solved for so that the group's headline rate lands on the target
// figure; pupils keep their own random draws, so who is absent, suspended or
// in a club still varies realistically within a group.

const STREAM_POPULATION: u64 = 1;
const STREAM_MOVES: u64 = 2;
const STREAM_ABSENCE: u64 = 3;
const STREAM_ABSENCE_SPLIT: u64 = 4;
const STREAM_SUSPENSION: u64 = 5;
const STREAM_PERMANENT: u64 = 6;
const STREAM_RESULTS: u64 = 7;
const STREAM_ACTIVITIES: u64 = 8;

/// The random numbers of one pupil in one year for one model, the same however
/// often the model is re-run during calibration.
fn pupil_rng(kind: u64, year: usize, pupil: usize) -> Rng {
    Rng::stream((kind << 48) | ((year as u64) << 32) | pupil as u64)
}

/// The shift below which exactly `count` of the finite `thresholds` fall (a
/// pupil is "in" when its threshold is below the shift).
fn shift_for_count(thresholds: &[f64], count: usize) -> f64 {
    let mut sorted: Vec<f64> = thresholds.iter().copied().filter(|t| t.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let k = count.min(sorted.len());
    if k == 0 {
        f64::NEG_INFINITY
    } else if k == sorted.len() {
        f64::INFINITY
    } else {
        0.5 * (sorted[k - 1] + sorted[k])
    }
}

/// Bisection for a shift at which `metric(shift)`, non-decreasing in the
/// shift, equals `target` (or first exceeds it, when it jumps over it).
fn calibrate(target: i64, mut metric: impl FnMut(f64) -> i64) -> f64 {
    let (mut lo, mut hi) = (-4.0, 4.0);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        let value = metric(mid);
        if value == target {
            return mid;
        }
        if value > target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// `percent` of `n` pupils, to the nearest pupil.
fn share_of(percent: f64, n: usize) -> usize {
    round_i(percent / 100.0 * n as f64).max(0) as usize
}

// ---------------------------------------------------------------------------
// Attendance
// ---------------------------------------------------------------------------

/// Persistent absence (% of pupils missing ≥ 10% of possible sessions):
/// flat for pupils not on the record, falling for SEN pupils.
const PA_NO_SEN: [f64; 3] = [15.2, 14.8, 15.1];
const PA_SEN: [f64; 3] = [31.0, 28.0, 25.0];
/// Attendance (% of possible sessions) of pupils with SEMH as primary need.
const ATTENDANCE_SEMH: [f64; 3] = [85.8, 86.1, 86.4];

/// Logit of the absence rate of a non-SEN Year 7 pupil without FSM (before
/// calibration).
const ABSENCE_BASE: f64 = -3.72;

/// Absence by need relative to pupils not on the record (logit scale).
fn absence_offset(p: &Pupil) -> f64 {
    if p.sen == Sen::No {
        return 0.0;
    }
    let need = match p.need {
        Need::Semh => 1.25,
        Need::Asd => 1.0,
        Need::Spld => 0.6,
        Need::Slcn | Need::Oth => 0.6,
        Need::Mld | Need::Pd => 0.7,
        Need::Hi | Need::Vi | Need::Nsa => 0.45,
    };
    need + if p.sen == Sen::Ehcp { -0.3 } else { 0.0 }
}

/// Share of pupils who are severely absent because they avoid school
/// (emotionally based school avoidance), far more often with SEMH needs or
/// autism.
fn avoidance_rate(p: &Pupil) -> f64 {
    let need = match (p.sen, p.need) {
        (Sen::No, _) => return 0.012,
        (_, Need::Semh) => 0.07,
        (_, Need::Asd) => 0.06,
        _ => 0.02,
    };
    need + if p.sen == Sen::Ehcp { 0.02 } else { 0.0 }
}

/// How widely absence varies within a need: the long tail of severe absence
/// belongs mostly to pupils with SEMH needs and autism.
fn absence_spread(p: &Pupil) -> f64 {
    match (p.sen, p.need) {
        (Sen::No, _) => 1.0,
        (_, Need::Semh) => 1.3,
        (_, Need::Asd) => 1.1,
        (_, Need::Spld) => 0.8,
        _ => 0.8,
    }
}

/// (possible, authorised, unauthorised) sessions in each term.
type TermSessions = [(u32, u32, u32); 3];

/// One pupil-year's random draws for attendance, fixed before calibration.
struct AbsenceDraws {
    possible: [u32; 3],
    year_noise: f64,
    term_noise: [f64; 3],
    /// One sorted uniform per possible session: the session is missed when
    /// its uniform is below the pupil's absence rate that term.
    sessions: [Vec<f64>; 3],
}

fn absence_draws(e: &Enrolment, y: usize, cal: &Calendar) -> AbsenceDraws {
    let mut rng = pupil_rng(STREAM_ABSENCE, y, e.pupil);
    let days = cal.days_per_term(e.start, effective_end(e, cal).max(e.start));
    let possible = days.map(|n| 2 * n);
    let year_noise = rng.normal();
    let term_noise = [rng.normal(), rng.normal(), rng.normal()];
    let sessions = possible.map(|n| {
        let mut u: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
        u.sort_by(f64::total_cmp);
        u
    });
    AbsenceDraws {
        possible,
        year_noise,
        term_noise,
        sessions,
    }
}

/// Sessions missed in each term (suspensions included) at a group level
/// `shift` on the logit scale.
fn absences(p: &Pupil, e: &Enrolment, d: &AbsenceDraws, suspended: [u32; 3], shift: f64) -> [u32; 3] {
    let logit_year = ABSENCE_BASE
        + shift
        + absence_offset(p)
        + 0.08 * f64::from(e.year_group - 7)
        + if p.fsm { 0.4 } else { 0.0 }
        + if p.avoidance_u < avoidance_rate(p) {
            1.8
        } else {
            0.0
        }
        + absence_spread(p) * (0.95 * p.absence_z + 0.45 * d.year_noise);
    let mut missed = [0; 3];
    for (term, sessions) in d.sessions.iter().enumerate() {
        let rate = logistic(logit_year + 0.35 * d.term_noise[term]);
        let absent = sessions.partition_point(|&u| u < rate) as u32;
        missed[term] = (absent + suspended[term]).min(d.possible[term]);
    }
    missed
}

fn persistently_absent(possible: [u32; 3], missed: [u32; 3]) -> bool {
    let possible: u32 = possible.iter().sum();
    let missed: u32 = missed.iter().sum();
    possible > 0 && 10 * missed >= possible
}

/// Every enrolment's sessions, with the level of absence of three groups
/// solved for: pupils not on the record (by their persistent absence rate),
/// SEN pupils with SEMH needs (by their attendance) and the other SEN pupils
/// (by the persistent absence rate of all SEN pupils).
fn attendance(
    pop: &Population,
    roll: &[Enrolment],
    y: usize,
    cal: &Calendar,
    exclusions: &[Exclusion],
) -> Vec<TermSessions> {
    let suspended: Vec<[u32; 3]> = roll
        .iter()
        .map(|e| {
            let mut sessions = [0; 3];
            for ex in exclusions.iter().filter(|x| x.pupil == e.pupil) {
                if let Some(n) = ex.sessions {
                    sessions[cal.days[ex.day].1] += n;
                }
            }
            sessions
        })
        .collect();
    let draws: Vec<AbsenceDraws> = roll.iter().map(|e| absence_draws(e, y, cal)).collect();
    let missed = |i: usize, shift: f64| {
        let e = &roll[i];
        absences(&pop.pupils[e.pupil], e, &draws[i], suspended[i], shift)
    };
    let persistent = |members: &[usize], shift: f64| {
        members
            .iter()
            .filter(|&&i| persistently_absent(draws[i].possible, missed(i, shift)))
            .count() as i64
    };
    let absence_permille = |members: &[usize], shift: f64| {
        let possible: u32 = members
            .iter()
            .map(|&i| draws[i].possible.iter().sum::<u32>())
            .sum();
        let absent: u32 = members
            .iter()
            .map(|&i| missed(i, shift).iter().sum::<u32>())
            .sum();
        round_i(1000.0 * f64::from(absent) / f64::from(possible.max(1)))
    };

    let group = |i: usize| {
        let p = &pop.pupils[roll[i].pupil];
        match (p.sen, p.need) {
            (Sen::No, _) => 0,
            (_, Need::Semh) => 1,
            _ => 2,
        }
    };
    let members = |g: usize| -> Vec<usize> { (0..roll.len()).filter(|&i| group(i) == g).collect() };
    let (no_sen, semh, other) = (members(0), members(1), members(2));
    let no_sen_target = share_of(PA_NO_SEN[y], no_sen.len()) as i64;
    let no_sen_shift = calibrate(no_sen_target, |shift| persistent(&no_sen, shift));
    let semh_target = round_i(10.0 * (100.0 - ATTENDANCE_SEMH[y]));
    let semh_shift = calibrate(semh_target, |shift| absence_permille(&semh, shift));
    let sen_target = share_of(PA_SEN[y], semh.len() + other.len()) as i64;
    let other_target = sen_target - persistent(&semh, semh_shift);
    let other_shift = calibrate(other_target, |shift| persistent(&other, shift));
    let shifts = [no_sen_shift, semh_shift, other_shift];

    roll.iter()
        .enumerate()
        .map(|(i, e)| {
            let p = &pop.pupils[e.pupil];
            let total = missed(i, shifts[group(i)]);
            let mut split = pupil_rng(STREAM_ABSENCE_SPLIT, y, e.pupil);
            let mut terms = [(0, 0, 0); 3];
            for (term, sessions) in terms.iter_mut().enumerate() {
                // Suspensions (code E) count as authorised absence.
                let absent = total[term].saturating_sub(suspended[i][term]);
                let share = logistic(p.unauthorised_logit + 0.3 * split.normal());
                let unauthorised = split.binomial(absent, share);
                *sessions = (draws[i].possible[term], total[term] - unauthorised, unauthorised);
            }
            terms
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Exclusions
// ---------------------------------------------------------------------------

/// Pupils (%) with at least one suspension in the year.
const SUSPENDED_NO_SEN: [f64; 3] = [8.1, 7.8, 8.2];
const SUSPENDED_SEN: [f64; 3] = [20.5, 19.6, 20.2];
const SUSPENDED_SEMH: [f64; 3] = [31.0, 29.0, 30.5];

const SUSPENSION_REASONS: [(&str, f64); 14] = [
    ("Persistent disruptive behaviour", 36.0),
    ("Verbal abuse against adult", 15.0),
    ("Verbal abuse against pupil", 7.0),
    ("Physical assault against pupil", 14.0),
    ("Physical assault against adult", 3.0),
    ("Drug and alcohol related", 4.0),
    ("Damage", 3.0),
    ("Inappropriate use of social media", 4.0),
    ("Bullying", 3.0),
    ("Racist abuse", 1.5),
    ("Use or threat of use of an offensive weapon", 1.5),
    ("Theft", 1.5),
    ("Sexual misconduct", 1.0),
    ("Other", 5.0),
];

const PERMANENT_REASONS: [(&str, f64); 5] = [
    ("Persistent disruptive behaviour", 45.0),
    ("Physical assault against pupil", 20.0),
    ("Physical assault against adult", 10.0),
    ("Use or threat of use of an offensive weapon", 15.0),
    ("Drug and alcohol related", 10.0),
];

const SUSPENSION_SESSIONS: [(u32, f64); 7] = [
    (1, 10.0),
    (2, 45.0),
    (3, 5.0),
    (4, 20.0),
    (6, 12.0),
    (8, 4.0),
    (10, 4.0),
];

/// Who among a group is suspended depends on this risk score.
fn suspension_risk(p: &Pupil, e: &Enrolment) -> f64 {
    let need = match (p.sen, p.need) {
        (Sen::No, _) => 0.0,
        (_, Need::Semh) => 0.8,
        (_, Need::Asd | Need::Slcn | Need::Mld | Need::Oth | Need::Nsa) => 0.3,
        (_, Need::Spld) => 0.1,
        (_, Need::Pd | Need::Hi | Need::Vi) => -0.6,
    };
    let age = match e.year_group {
        7 => -0.35,
        8 => 0.0,
        9 | 10 => 0.2,
        _ => -0.1,
    };
    need + age + if p.fsm { 0.45 } else { 0.0 } + if p.male { 0.25 } else { -0.25 } + 0.85 * p.behaviour_z
}

struct Exclusion {
    pupil: usize,
    day: usize,
    /// `None` for a permanent exclusion.
    sessions: Option<u32>,
    reason: &'static str,
}

/// Suspensions and permanent exclusions of one year; a permanent exclusion
/// ends the pupil's time on roll.
fn exclusions(pop: &mut Population, roll: &mut [Enrolment], y: usize, cal: &Calendar) -> Vec<Exclusion> {
    let mut rngs: Vec<Rng> = roll
        .iter()
        .map(|e| pupil_rng(STREAM_SUSPENSION, y, e.pupil))
        .collect();
    let thresholds: Vec<f64> = roll
        .iter()
        .zip(rngs.iter_mut())
        .map(|(e, rng)| {
            let u = rng.uniform();
            if effective_end(e, cal) <= e.start + 10 {
                f64::INFINITY // on roll too briefly
            } else {
                logit(u) - suspension_risk(&pop.pupils[e.pupil], e)
            }
        })
        .collect();
    // Groups: 0 not on the record, 1 SEMH, 2 other SEN.
    let group = |i: usize| {
        let p = &pop.pupils[roll[i].pupil];
        match (p.sen, p.need) {
            (Sen::No, _) => 0,
            (_, Need::Semh) => 1,
            _ => 2,
        }
    };
    let members = |g: usize| -> Vec<f64> {
        (0..roll.len())
            .filter(|&i| group(i) == g)
            .map(|i| thresholds[i])
            .collect()
    };
    let (no_sen, semh, other) = (members(0), members(1), members(2));
    let semh_shift = shift_for_count(&semh, share_of(SUSPENDED_SEMH[y], semh.len()));
    let semh_count = semh.iter().filter(|&&t| t < semh_shift).count();
    let other_count = share_of(SUSPENDED_SEN[y], semh.len() + other.len()).saturating_sub(semh_count);
    let shifts = [
        shift_for_count(&no_sen, share_of(SUSPENDED_NO_SEN[y], no_sen.len())),
        semh_shift,
        shift_for_count(&other, other_count),
    ];

    let mut list = Vec::new();
    for (i, (e, rng)) in roll.iter().zip(rngs.iter_mut()).enumerate() {
        if thresholds[i] >= shifts[group(i)] {
            continue;
        }
        let end = effective_end(e, cal);
        let again = if group(i) == 1 { 0.45 } else { 0.32 };
        let mut count = 1;
        while count < 6 && rng.chance(again) {
            count += 1;
        }
        let mut days = BTreeSet::new();
        while days.len() < count {
            days.insert(rng.between(e.start, end - 1));
        }
        for day in days {
            list.push(Exclusion {
                pupil: e.pupil,
                day,
                sessions: Some(rng.pick(&SUSPENSION_SESSIONS)),
                reason: rng.pick(&SUSPENSION_REASONS),
            });
        }
    }

    // One or two permanent exclusions, of pupils in Years 8–10 with repeated
    // suspensions, some weeks after their last suspension.
    let mut rng = pupil_rng(STREAM_PERMANENT, y, 0);
    let permanent = rng.between(1, 2);
    for _ in 0..permanent {
        let mut candidates: Vec<(usize, f64)> = Vec::new();
        for (i, e) in roll.iter().enumerate() {
            let p = &pop.pupils[e.pupil];
            let days: Vec<usize> = list
                .iter()
                .filter(|x| x.pupil == e.pupil)
                .map(|x| x.day)
                .collect();
            let last = days.iter().copied().max().unwrap_or(0);
            if (8..=10).contains(&e.year_group) && !p.left && days.len() >= 2 && last + 40 < e.end {
                let weight = days.len() as f64 * if p.sen == Sen::No { 1.0 } else { 2.5 };
                candidates.push((i, weight));
            }
        }
        if candidates.is_empty() {
            break;
        }
        let e = &mut roll[rng.pick(&candidates)];
        let last = list
            .iter()
            .filter(|x| x.pupil == e.pupil)
            .map(|x| x.day)
            .max()
            .unwrap_or(e.start);
        let day = last + rng.between(5, 35);
        list.push(Exclusion {
            pupil: e.pupil,
            day,
            sessions: None,
            reason: rng.pick(&PERMANENT_REASONS),
        });
        e.end = day + 1;
        pop.pupils[e.pupil].left = true;
    }
    list
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// Mean Progress 8 of each group; SEN support improves year on year.
const P8_NO_SEN: [f64; 3] = [0.12, 0.08, 0.10];
const P8_SUPPORT: [f64; 3] = [-0.60, -0.45, -0.30];
const P8_EHCP: [f64; 3] = [-1.08, -1.14, -1.10];

/// Attainment 8 estimate from the KS2 average scaled score (a national-like
/// line through (KS2, A8) points).
fn estimated_a8(ks2: f64) -> f64 {
    const POINTS: [(f64, f64); 9] = [
        (80.0, 13.0),
        (85.0, 20.5),
        (90.0, 27.5),
        (95.0, 34.0),
        (100.0, 40.5),
        (105.0, 47.0),
        (110.0, 54.5),
        (115.0, 62.5),
        (120.0, 70.0),
    ];
    if ks2 <= POINTS[0].0 {
        return (POINTS[0].1 - 1.4 * (POINTS[0].0 - ks2)).max(0.0);
    }
    for pair in POINTS.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if ks2 <= x1 {
            return y0 + (y1 - y0) * (ks2 - x0) / (x1 - x0);
        }
    }
    POINTS[POINTS.len() - 1].1
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    EnglishLanguage,
    EnglishLiterature,
    Maths,
    /// Double award: fills two EBacc entries at its grade.
    CombinedScience,
    Ebacc,
    Open,
}

/// (subject, A8 slot kind, difficulty offset in grades).
type Subject = (&'static str, Slot, f64);

const CORE: [Subject; 4] = [
    ("English Language", Slot::EnglishLanguage, 0.1),
    ("English Literature", Slot::EnglishLiterature, 0.0),
    ("Mathematics", Slot::Maths, 0.0),
    ("Combined Science", Slot::CombinedScience, -0.2),
];

const HUMANITIES: [Subject; 2] = [("History", Slot::Ebacc, -0.1), ("Geography", Slot::Ebacc, 0.0)];

const LANGUAGES: [Subject; 2] = [("French", Slot::Ebacc, -0.4), ("Spanish", Slot::Ebacc, -0.3)];

const OPTIONS: [Subject; 7] = [
    ("Art", Slot::Open, 0.3),
    ("Computer Science", Slot::Ebacc, -0.2),
    ("Drama", Slot::Open, 0.2),
    ("Music", Slot::Open, 0.1),
    ("Business", Slot::Open, -0.1),
    ("PE", Slot::Open, -0.1),
    ("Food", Slot::Open, 0.1),
];

/// Attainment 8 from (slot kind, points) of the entries that have a result.
fn attainment8(entries: &[(Slot, i64)]) -> i64 {
    let mut english = Vec::new();
    let mut maths = 0;
    let mut ebacc = Vec::new();
    let mut open = Vec::new();
    for &(slot, points) in entries {
        match slot {
            Slot::EnglishLanguage | Slot::EnglishLiterature => english.push(points),
            Slot::Maths => maths = maths.max(points),
            Slot::CombinedScience => {
                ebacc.push(points);
                ebacc.push(points);
            }
            Slot::Ebacc => ebacc.push(points),
            Slot::Open => open.push(points),
        }
    }
    english.sort_unstable_by(|a, b| b.cmp(a));
    // English is double weighted only if both English GCSEs were taken; the
    // other one may then fill an open slot.
    let english_points = match english.as_slice() {
        [] => 0,
        [only] => *only,
        [best, rest @ ..] => {
            open.extend_from_slice(rest);
            2 * best
        }
    };
    ebacc.sort_unstable_by(|a, b| b.cmp(a));
    if ebacc.len() > 3 {
        open.extend_from_slice(&ebacc[3..]);
        ebacc.truncate(3);
    }
    open.sort_unstable_by(|a, b| b.cmp(a));
    open.truncate(3);
    english_points + 2 * maths + ebacc.iter().sum::<i64>() + open.iter().sum::<i64>()
}

struct Entry {
    subject: &'static str,
    grade: String,
    target: i64,
    estimate: String,
    predicted: i64,
}

struct Exams {
    entries: Vec<Entry>,
    attainment8: i64,
    /// Progress 8 in hundredths; `None` without a KS2 average.
    progress8: Option<i64>,
}

/// One Year 11 pupil's GCSEs; `shift` moves all their grades (calibration).
fn sit_exams(p: &Pupil, pupil: usize, y: usize, shift: f64) -> Exams {
    let mut rng = pupil_rng(STREAM_RESULTS, y, pupil);
    let mut subjects: Vec<Subject> = CORE.to_vec();
    if p.sen == Sen::Ehcp && rng.chance(0.12) {
        subjects.retain(|s| s.1 != Slot::EnglishLiterature);
    }
    subjects.push(HUMANITIES[rng.below(2)]);
    let language = match p.sen {
        Sen::No => 0.58,
        Sen::Support => 0.25,
        Sen::Ehcp => 0.05,
    };
    if rng.chance(language) {
        subjects.push(LANGUAGES[rng.below(2)]);
    }
    let three = match p.sen {
        Sen::No => 0.7,
        Sen::Support => 0.5,
        Sen::Ehcp => 0.15,
    };
    let options = if rng.chance(three) { 3 } else { 2 };
    let mut pool: Vec<(Subject, f64)> = OPTIONS
        .iter()
        .map(|&o| {
            let weight = match o.0 {
                "Computer Science" if p.male => 12.0,
                "Computer Science" => 5.0,
                "PE" if p.male => 16.0,
                "PE" => 9.0,
                "Food" if p.sen != Sen::No => 18.0,
                "Art" => 14.0,
                "Business" => 13.0,
                "Drama" => 9.0,
                "Music" => 6.0,
                _ => 11.0,
            };
            (o, weight)
        })
        .collect();
    for _ in 0..options {
        let chosen = rng.pick(&pool);
        pool.retain(|o| o.0.0 != chosen.0);
        subjects.push(chosen);
    }

    // Typical grade: the KS2-based estimate plus the pupil's progress.
    let mut progress = shift + 0.75 * p.progress_z + 0.45 * rng.normal();
    if p.sen != Sen::No && p.need == Need::Semh {
        progress -= 0.3;
    }
    if p.fsm {
        progress -= 0.2;
    }
    let theta = estimated_a8(p.ks2_latent) / 10.0 + progress;

    let mut entries = Vec::new();
    let mut points = Vec::new();
    for &(subject, slot, difficulty) in &subjects {
        let mut offset = difficulty;
        if slot == Slot::Maths {
            // Maths lags English for pupils at SEN support.
            offset += match p.sen {
                Sen::Support => -0.75,
                Sen::Ehcp => -0.3,
                Sen::No => 0.0,
            };
        }
        let latent = theta + offset + 0.85 * rng.normal();
        let grade = if rng.chance(0.004) {
            String::new() // absent from the exam
        } else if latent < 0.5 {
            points.push((slot, 0));
            "U".to_string()
        } else {
            let g = round_i(latent).clamp(1, 9);
            points.push((slot, g));
            g.to_string()
        };
        // FFT-style estimate from KS2 (leaning on reading for English and on
        // maths for maths); the target is the estimate rounded up. Without
        // KS2 the school sets a target from its own baseline.
        let teacher_noise = rng.normal();
        let (estimate, target) = match (p.ks2_reading, p.ks2_maths) {
            (Some(r), Some(m)) => {
                let (r, m) = (r as f64, m as f64);
                let avg = 0.5 * (r + m);
                let basis = match slot {
                    Slot::EnglishLanguage | Slot::EnglishLiterature => 0.4 * avg + 0.6 * r,
                    Slot::Maths => 0.4 * avg + 0.6 * m,
                    _ => avg,
                };
                let tenths = round_i(estimated_a8(basis) + 5.0 * difficulty).clamp(10, 90);
                (fixed(tenths, 1), ((tenths + 9) / 10).clamp(1, 9))
            }
            _ => (
                String::new(),
                round_i(theta + 0.3 + 0.5 * teacher_noise).clamp(1, 9),
            ),
        };
        let predicted = round_i(latent + 0.15 + 0.55 * rng.normal()).clamp(1, 9);
        entries.push(Entry {
            subject,
            grade,
            target,
            estimate,
            predicted,
        });
    }
    let a8 = attainment8(&points);
    let progress8 = p
        .ks2_average_tenths()
        .map(|tenths| round_i((a8 as f64 - estimated_a8(tenths as f64 / 10.0)) * 10.0));
    Exams {
        entries,
        attainment8: a8,
        progress8,
    }
}

/// Results of everyone in Year 11 at exam time, calibrated to the P8 targets.
fn results(pop: &Population, roll: &[Enrolment], y: usize, cal: &Calendar, file: &mut CsvFile) {
    let sitting: Vec<usize> = roll
        .iter()
        .filter(|e| e.year_group == 11 && e.start < cal.year11_end && e.end >= cal.year11_end)
        .map(|e| e.pupil)
        .collect();
    for (sen, target) in [
        (Sen::No, P8_NO_SEN[y]),
        (Sen::Support, P8_SUPPORT[y]),
        (Sen::Ehcp, P8_EHCP[y]),
    ] {
        let group: Vec<usize> = sitting
            .iter()
            .copied()
            .filter(|&i| pop.pupils[i].sen == sen)
            .collect();
        let with_p8 = group
            .iter()
            .filter(|&&i| pop.pupils[i].ks2_average_tenths().is_some())
            .count();
        let goal = round_i(100.0 * target * with_p8 as f64);
        let shift = calibrate(goal, |shift| {
            group
                .iter()
                .filter_map(|&i| sit_exams(&pop.pupils[i], i, y, shift).progress8)
                .sum()
        });
        for &i in &group {
            let p = &pop.pupils[i];
            let exams = sit_exams(p, i, y, shift);
            let a8 = fixed(exams.attainment8 * 10, 1);
            let p8 = exams.progress8.map_or_else(String::new, |v| fixed(v, 2));
            for e in &exams.entries {
                file.push(
                    y,
                    &p.upn,
                    e.subject.to_string(),
                    &[
                        &p.upn,
                        YEARS[y].label,
                        e.subject,
                        &e.grade,
                        &e.target.to_string(),
                        &e.estimate,
                        &e.predicted.to_string(),
                        &a8,
                        &p8,
                    ],
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Activities
// ---------------------------------------------------------------------------

/// Pupils (%) taking part in at least one activity in the year.
const TAKING_PART_NO_SEN: [f64; 3] = [60.4, 59.6, 60.3];
const TAKING_PART_SUPPORT: [f64; 3] = [57.5, 56.4, 57.2];
const TAKING_PART_ASD: [f64; 3] = [35.5, 34.0, 35.0];
const TAKING_PART_EHCP_OTHER: [f64; 3] = [50.0, 48.0, 51.0];

const ACTIVITIES: [(&str, &str); 11] = [
    ("School Council", "Leadership"),
    ("Football", "Sport"),
    ("Netball", "Sport"),
    ("Athletics", "Sport"),
    ("Drama Club", "Arts"),
    ("Choir", "Arts"),
    ("Band", "Arts"),
    ("Coding Club", "ICT"),
    ("Chess Club", "Enrichment"),
    ("Duke of Edinburgh", "Enrichment"),
    ("Trips", "Trips"),
];

/// How keen a pupil is on clubs this year (ranks pupils within a group).
fn keenness(p: &Pupil, e: &Enrolment) -> f64 {
    let age = match e.year_group {
        7 => 0.25,
        11 => -0.35,
        _ => 0.0,
    };
    age + 1.1 * p.engage_z
}

fn activity_weight(p: &Pupil, name: &str, year_group: i32) -> f64 {
    let on_record = p.sen != Sen::No;
    let autistic = on_record && p.need == Need::Asd;
    match name {
        "School Council" if on_record => 0.35,
        "School Council" => 5.0,
        "Football" if p.male => 22.0,
        "Football" => 7.0,
        "Netball" if p.male => 0.5,
        "Netball" => 16.0,
        "Athletics" => 9.0,
        "Drama Club" if p.male => 5.0,
        "Drama Club" => 10.0,
        "Choir" if p.male => 3.0,
        "Choir" => 10.0,
        "Band" => 6.0,
        "Coding Club" if autistic => 14.0,
        "Coding Club" if p.male => 8.0,
        "Coding Club" => 4.0,
        "Chess Club" if autistic => 9.0,
        "Chess Club" => 4.0,
        "Duke of Edinburgh" if year_group >= 9 => 9.0,
        "Duke of Edinburgh" => 0.0,
        _ => 16.0, // Trips
    }
}

fn activities(pop: &Population, roll: &[Enrolment], y: usize, file: &mut CsvFile) {
    let mut rngs: Vec<Rng> = roll
        .iter()
        .map(|e| pupil_rng(STREAM_ACTIVITIES, y, e.pupil))
        .collect();
    let thresholds: Vec<f64> = roll
        .iter()
        .zip(rngs.iter_mut())
        .map(|(e, rng)| logit(rng.uniform()) - keenness(&pop.pupils[e.pupil], e))
        .collect();
    // Groups: 0 not on the record, 1 autistic, 2 other SEN support, 3 other EHCP.
    let group = |i: usize| {
        let p = &pop.pupils[roll[i].pupil];
        match (p.sen, p.need) {
            (Sen::No, _) => 0,
            (_, Need::Asd) => 1,
            (Sen::Support, _) => 2,
            (Sen::Ehcp, _) => 3,
        }
    };
    let members = |g: usize| -> Vec<f64> {
        (0..roll.len())
            .filter(|&i| group(i) == g)
            .map(|i| thresholds[i])
            .collect()
    };
    let (no_sen, asd, support, ehcp) = (members(0), members(1), members(2), members(3));
    let asd_shift = shift_for_count(&asd, share_of(TAKING_PART_ASD[y], asd.len()));
    // Autistic pupils at SEN support count towards the SEN support figure.
    let asd_support: Vec<bool> = (0..roll.len())
        .filter(|&i| group(i) == 1)
        .map(|i| pop.pupils[roll[i].pupil].sen == Sen::Support)
        .collect();
    let asd_support_in = asd
        .iter()
        .zip(&asd_support)
        .filter(|&(&t, &s)| s && t < asd_shift)
        .count();
    let support_total = support.len() + asd_support.iter().filter(|&&s| s).count();
    let support_count = share_of(TAKING_PART_SUPPORT[y], support_total).saturating_sub(asd_support_in);
    let shifts = [
        shift_for_count(&no_sen, share_of(TAKING_PART_NO_SEN[y], no_sen.len())),
        asd_shift,
        shift_for_count(&support, support_count),
        shift_for_count(&ehcp, share_of(TAKING_PART_EHCP_OTHER[y], ehcp.len())),
    ];

    for (i, (e, rng)) in roll.iter().zip(rngs.iter_mut()).enumerate() {
        if thresholds[i] >= shifts[group(i)] {
            continue;
        }
        let p = &pop.pupils[e.pupil];
        let mut count = 1;
        while count < 4 && rng.chance(0.38) {
            count += 1;
        }
        let mut pool: Vec<((&str, &str), f64)> = ACTIVITIES
            .iter()
            .map(|&a| (a, activity_weight(p, a.0, e.year_group)))
            .filter(|a| a.1 > 0.0)
            .collect();
        for _ in 0..count {
            let (name, category) = rng.pick(&pool);
            pool.retain(|a| a.0.0 != name);
            file.push(
                y,
                &p.upn,
                name.to_string(),
                &[&p.upn, YEARS[y].label, name, category],
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The simulation
// ---------------------------------------------------------------------------

/// A pupil's time on roll in one academic year (indices into its calendar).
struct Enrolment {
    pupil: usize,
    year_group: i32,
    start: usize,
    end: usize,
}

/// End of a pupil's attendable days: Year 11 stop before their exams.
fn effective_end(e: &Enrolment, cal: &Calendar) -> usize {
    if e.year_group == 11 {
        e.end.min(cal.year11_end)
    } else {
        e.end
    }
}

fn september_arrival(rng: &mut Rng, calendar_year: i32) -> Arrival {
    if rng.chance(0.4) {
        Arrival::FromAbroad(calendar_year)
    } else {
        Arrival::FromEngland
    }
}

/// Between two years: a few pupils move away, and the SEN record changes.
fn summer_changes(pop: &mut Population, rng: &mut Rng, start_year: i32) {
    for p in pop.pupils.iter_mut() {
        if p.left || !(8..=11).contains(&p.year_group(start_year)) {
            continue;
        }
        if rng.chance(0.01) {
            p.left = true;
            continue;
        }
        let ks2 = p.ks2_latent;
        match p.sen {
            Sen::Support => {
                let up = match p.need {
                    Need::Asd | Need::Pd => 0.035,
                    Need::Semh => 0.025,
                    Need::Spld | Need::Nsa => 0.0,
                    _ => 0.02,
                };
                // Pupils who have caught up come off the record; lifelong
                // needs rarely do.
                let off_ks2 = if ks2 >= 100.0 {
                    1.7
                } else if ks2 >= 95.0 {
                    1.0
                } else {
                    0.35
                };
                let off_need = match p.need {
                    Need::Asd | Need::Pd | Need::Vi => 0.3,
                    Need::Hi => 0.0,
                    _ => 1.15,
                };
                if rng.chance(up) {
                    p.sen = Sen::Ehcp;
                } else if rng.chance(0.095 * off_ks2 * off_need) {
                    p.sen = Sen::No;
                } else if matches!(p.need, Need::Semh | Need::Slcn) && rng.chance(0.02) {
                    // A diagnosis of autism changes the recorded need.
                    p.need = Need::Asd;
                }
            }
            Sen::Ehcp => {
                if rng.chance(0.01) {
                    p.sen = Sen::Support;
                }
            }
            Sen::No => {
                // Newly identified pupils: more often low attaining,
                // disadvantaged and boys.
                let w_ks2 = if ks2 < 98.0 {
                    2.6
                } else if ks2 < 102.0 {
                    1.5
                } else {
                    0.7
                };
                let w_fsm = if p.fsm { 1.3 } else { 0.95 };
                let w_male = if p.male { 1.25 } else { 0.75 };
                if rng.chance(0.021 * w_ks2 * w_fsm * w_male) {
                    p.sen = Sen::Support;
                }
            }
        }
    }
}

/// The roll of one year: moves over the summer, the new Year 7, and pupils
/// joining and leaving during the year.
fn enrol(pop: &mut Population, rng: &mut Rng, y: usize, cal: &Calendar) -> Vec<Enrolment> {
    let start_year = YEARS[y].start_year;
    if y > 0 {
        summer_changes(pop, rng, start_year);
        pop.add_cohort(start_year, Arrival::Intake);
        // September joiners into Years 8–11.
        for year_group in 8..=11 {
            for _ in 0..rng.between(0, 4) {
                let arrival = september_arrival(rng, start_year);
                pop.add(start_year + 7 - year_group, arrival);
            }
        }
    }
    let mut roll: Vec<Enrolment> = pop
        .pupils
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.left && (7..=11).contains(&p.year_group(start_year)))
        .map(|(i, p)| Enrolment {
            pupil: i,
            year_group: p.year_group(start_year),
            start: 0,
            end: cal.days.len(),
        })
        .collect();
    // Mid-year leavers (Years 7–10) …
    for e in roll.iter_mut() {
        if e.year_group <= 10 && rng.chance(0.012) {
            e.end = rng.between(10, cal.days.len() - 10);
            pop.pupils[e.pupil].left = true;
        }
    }
    // … and mid-year joiners.
    for year_group in 7..=11 {
        for _ in 0..rng.between(0, 4) {
            let arrival = september_arrival(rng, start_year + 1);
            let pupil = pop.add(start_year + 7 - year_group, arrival);
            let last = if year_group == 11 {
                cal.year11_end - 20
            } else {
                cal.days.len() - 15
            };
            roll.push(Enrolment {
                pupil,
                year_group,
                start: rng.between(5, last),
                end: cal.days.len(),
            });
        }
    }
    roll
}

struct Outputs {
    pupils: CsvFile,
    attendance: CsvFile,
    results: CsvFile,
    exclusions: CsvFile,
    activities: CsvFile,
}

fn generate() -> Outputs {
    let mut pop = Population {
        rng: Rng::stream(STREAM_POPULATION),
        upns: UpnBook {
            used: BTreeSet::new(),
        },
        pupils: Vec::new(),
    };
    let mut moves = Rng::stream(STREAM_MOVES);
    let mut out = Outputs {
        pupils: CsvFile::new(
            "pupils.csv",
            &[
                "UPN",
                "Academic Year",
                "Year Group",
                "Gender",
                "SEN Status",
                "Primary Need",
                "FSM",
                "Pupil Premium",
                "EAL",
                "CLA",
                "Ethnicity",
                "KS2 Reading",
                "KS2 Maths",
                "KS2 Average",
            ],
        ),
        attendance: CsvFile::new(
            "attendance.csv",
            &[
                "UPN",
                "Academic Year",
                "Term",
                "Possible Sessions",
                "Authorised Absences",
                "Unauthorised Absences",
            ],
        ),
        results: CsvFile::new(
            "results.csv",
            &[
                "UPN",
                "Academic Year",
                "Subject",
                "Grade",
                "Target Grade",
                "Estimate",
                "Predicted Grade",
                "Attainment 8",
                "Progress 8",
            ],
        ),
        exclusions: CsvFile::new(
            "exclusions.csv",
            &["UPN", "Academic Year", "Type", "Sessions", "Reason", "Date"],
        ),
        activities: CsvFile::new(
            "activities.csv",
            &["UPN", "Academic Year", "Activity", "Category"],
        ),
    };

    // The school in September 2022: Years 7–11.
    for cohort in 2018..=2022 {
        let arrival = if cohort == 2022 {
            Arrival::Intake
        } else {
            Arrival::Existing
        };
        pop.add_cohort(cohort, arrival);
    }

    for (y, spec) in YEARS.iter().enumerate() {
        let cal = Calendar::new(spec);
        let mut roll = enrol(&mut pop, &mut moves, y, &cal);

        let exclusions = exclusions(&mut pop, &mut roll, y, &cal);
        for ex in &exclusions {
            let upn = &pop.pupils[ex.pupil].upn;
            let (kind, sessions) = match ex.sessions {
                Some(s) => ("Suspension", s.to_string()),
                None => ("Permanent", String::new()),
            };
            let date = iso_date(cal.days[ex.day].0);
            out.exclusions.push(
                y,
                upn,
                format!("{date} {kind}"),
                &[upn, spec.label, kind, &sessions, ex.reason, &date],
            );
        }

        let sessions = attendance(&pop, &roll, y, &cal, &exclusions);
        for (e, terms) in roll.iter().zip(&sessions) {
            let upn = &pop.pupils[e.pupil].upn;
            for (term, &(possible, authorised, unauthorised)) in terms.iter().enumerate() {
                if possible > 0 {
                    out.attendance.push(
                        y,
                        upn,
                        term.to_string(),
                        &[
                            upn,
                            spec.label,
                            TERM_NAMES[term],
                            &possible.to_string(),
                            &authorised.to_string(),
                            &unauthorised.to_string(),
                        ],
                    );
                }
            }
        }

        results(&pop, &roll, y, &cal, &mut out.results);
        activities(&pop, &roll, y, &mut out.activities);
        for e in &roll {
            pupil_row(&pop.pupils[e.pupil], e, y, &mut out.pupils);
        }
        // Year 11 leave at the end of the year.
        for e in &roll {
            if e.year_group == 11 {
                pop.pupils[e.pupil].left = true;
            }
        }
    }
    out
}

fn pupil_row(p: &Pupil, e: &Enrolment, y: usize, file: &mut CsvFile) {
    let need = if p.sen == Sen::No { "" } else { p.need.code() };
    let average = p.ks2_average_tenths().map_or_else(String::new, |t| fixed(t, 1));
    file.push(
        y,
        &p.upn,
        String::new(),
        &[
            &p.upn,
            YEARS[y].label,
            &e.year_group.to_string(),
            if p.male { "M" } else { "F" },
            p.sen.mis_text(),
            need,
            yn(p.fsm),
            yn(p.pupil_premium),
            yn(p.eal),
            yn(p.cla),
            p.ethnicity,
            &opt_num(p.ks2_reading),
            &opt_num(p.ks2_maths),
            &average,
        ],
    );
}

fn main() -> io::Result<()> {
    // Self-check against a hand-computed UPN: digits 938 4999 15 001 give
    // 9·2+3·3+8·4+4·5+9·6+9·7+9·8+1·9+5·10+0·11+0·12+1·13 = 340, and
    // 340 mod 23 = 18, the 19th check letter, V.
    assert_eq!(upn_from_digits("938499915001"), "V938499915001");

    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("fixtures/demo-school"), PathBuf::from);
    let out = generate();
    fs::create_dir_all(&dir)?;
    for mut file in [
        out.pupils,
        out.attendance,
        out.results,
        out.exclusions,
        out.activities,
    ] {
        let text = file.render();
        fs::write(dir.join(file.name), text)?;
        println!("{:>7} rows  {}", file.rows.len(), dir.join(file.name).display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upn_check_letter_matches_hand_computation() {
        assert_eq!(upn_from_digits("938499915001"), "V938499915001");
        // The valid UPN in python-stdnum's documentation of `gb.upn`.
        assert_eq!(upn_from_digits("801200005001"), "B801200005001");
    }

    #[test]
    fn portable_ln_and_exp_are_accurate() {
        for x in [1e-9, 0.01, 0.5, 1.0, 2.0, 10.0, 12345.0] {
            assert!((ln(x) - x.ln()).abs() < 1e-14 * x.ln().abs().max(1.0));
        }
        for x in [-30.0, -2.5, 0.0, 0.7, 5.0, 40.0] {
            assert!((exp(x) / x.exp() - 1.0).abs() < 1e-14);
        }
    }

    #[test]
    fn attainment8_follows_the_slot_rules() {
        // English 6 and 5 (6 doubled, 5 to open), maths 4 doubled, combined
        // science 5 twice + history 3 in EBacc, open: 5, 7, 2 of art 7, pe 2.
        let entries = [
            (Slot::EnglishLanguage, 6),
            (Slot::EnglishLiterature, 5),
            (Slot::Maths, 4),
            (Slot::CombinedScience, 5),
            (Slot::Ebacc, 3),
            (Slot::Open, 7),
            (Slot::Open, 2),
        ];
        assert_eq!(attainment8(&entries), 12 + 8 + 13 + 14);
    }
}
