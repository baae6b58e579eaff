//! The canonical data model: which tables a workspace may hold, their columns, the type of
//! each column, and the header names common MIS exports use for it. Rules are type-checked
//! against this schema, so a rule compiles the same whatever files a school has.

/// What a column holds, after its cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// A pupil identifier (UPN or anything stable).
    Id,
    /// An academic year such as `2024/25`.
    Year,
    /// A number (grades, scores, sessions, year groups).
    Number,
    /// Yes / no.
    Bool,
    /// One of a closed list of codes (see [`CodeSet`]).
    Code(CodeSet),
    /// Free text (subjects, activities, reasons).
    Text,
    /// A calendar date, kept as `YYYY-MM-DD` text.
    Date,
    /// A percentage, kept as a fraction: `94.5%`, `94.5` and `0.945` are all 0.945.
    Percent,
}

impl ColType {
    pub fn describe(self) -> &'static str {
        match self {
            ColType::Id => "a pupil identifier",
            ColType::Year => "an academic year such as 2024/25",
            ColType::Number => "a number",
            ColType::Bool => "yes or no",
            ColType::Code(set) => set.describe(),
            ColType::Text => "text",
            ColType::Date => "a date (YYYY-MM-DD or DD/MM/YYYY)",
            ColType::Percent => "a percentage such as 94.5%",
        }
    }
}

/// Closed code lists, from the DfE census (see docs/data.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSet {
    Sen,
    Need,
    Gender,
    ExclusionKind,
}

impl CodeSet {
    pub fn codes(self) -> &'static [&'static str] {
        match self {
            CodeSet::Sen => &["N", "K", "E", "A", "P", "S"],
            CodeSet::Need => &[
                "SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH", "NSA",
                "BESD",
            ],
            CodeSet::Gender => &["M", "F"],
            CodeSet::ExclusionKind => &["suspension", "permanent"],
        }
    }
    pub fn describe(self) -> &'static str {
        match self {
            CodeSet::Sen => "an SEN status code: N, K, E (legacy A, P, S)",
            CodeSet::Need => {
                "a primary need code: SPLD, MLD, SLD, PMLD, SEMH, SLCN, HI, VI, MSI, PD, ASD, OTH, NSA (legacy BESD)"
            }
            CodeSet::Gender => "M or F",
            CodeSet::ExclusionKind => "suspension or permanent",
        }
    }
    /// Values MIS exports commonly use for a code, already lower-cased.
    pub fn default_values(self) -> &'static [(&'static str, &'static str)] {
        match self {
            CodeSet::Sen => &[
                ("no sen", "N"),
                ("monitoring", "N"),
                ("none", "N"),
                ("no special educational need", "N"),
                ("no", "N"),
                ("sen support", "K"),
                ("support", "K"),
                ("ehc plan", "E"),
                ("ehcp", "E"),
                ("ehc", "E"),
                ("education, health and care plan", "E"),
                ("education health and care plan", "E"),
                ("statement", "S"),
                ("statement of sen", "S"),
                ("school action", "A"),
                ("school action plus", "P"),
            ],
            CodeSet::Need => &[
                ("specific learning difficulty", "SPLD"),
                ("moderate learning difficulty", "MLD"),
                ("severe learning difficulty", "SLD"),
                ("profound and multiple learning difficulty", "PMLD"),
                ("social, emotional and mental health", "SEMH"),
                ("speech, language and communication needs", "SLCN"),
                ("hearing impairment", "HI"),
                ("vision impairment", "VI"),
                ("visual impairment", "VI"),
                ("multi-sensory impairment", "MSI"),
                ("physical disability", "PD"),
                ("autistic spectrum disorder", "ASD"),
                ("other difficulty/disability", "OTH"),
                ("other difficulty or disability", "OTH"),
                ("sen support but no specialist assessment of type of need", "NSA"),
                ("behaviour, emotional and social difficulties", "BESD"),
            ],
            CodeSet::Gender => &[("male", "M"), ("boy", "M"), ("female", "F"), ("girl", "F")],
            CodeSet::ExclusionKind => &[
                ("fixed term", "suspension"),
                ("fixed-term", "suspension"),
                ("fixed period", "suspension"),
                ("fixed term exclusion", "suspension"),
                ("fixed-term exclusion", "suspension"),
                ("suspended", "suspension"),
                ("permanent exclusion", "permanent"),
                ("perm", "permanent"),
            ],
        }
    }
    /// Legacy codes that count as a current one unless a rule names the legacy code itself.
    pub fn family(self, code: &str) -> &'static [&'static str] {
        match (self, code) {
            (CodeSet::Sen, "K") => &["K", "A", "P"],
            (CodeSet::Sen, "E") => &["E", "S"],
            (CodeSet::Need, "SEMH") => &["SEMH", "BESD"],
            _ => &[],
        }
    }
    /// The current code a legacy one counts as (for grouping).
    pub fn current(self, code: &str) -> &str {
        match (self, code) {
            (CodeSet::Sen, "A" | "P") => "K",
            (CodeSet::Sen, "S") => "E",
            (CodeSet::Need, "BESD") => "SEMH",
            _ => code,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
    /// Sessions add up over a pupil's rows (terms, episodes).
    Sum,
    /// Other numbers are averaged over a pupil's rows (subjects).
    Mean,
}

#[derive(Debug)]
pub struct ColumnSchema {
    pub name: &'static str,
    pub ty: ColType,
    /// Normalised header names (lower case, letters and digits only) that mean this column,
    /// most specific first: the first alias a file has wins.
    pub aliases: &'static [&'static str],
    pub reduce: Reduce,
    pub doc: &'static str,
}

#[derive(Debug)]
pub struct TableSchema {
    pub name: &'static str,
    /// Rows belong to a pupil in a year (linked to `pupils` by `upn` and `year`).
    pub pupil_keyed: bool,
    pub doc: &'static str,
    pub columns: &'static [ColumnSchema],
}

impl TableSchema {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableId(pub usize);

impl TableId {
    pub const PUPILS: TableId = TableId(0);
    pub fn schema(self) -> &'static TableSchema {
        &TABLES[self.0]
    }
    pub fn by_name(name: &str) -> Option<TableId> {
        TABLES.iter().position(|t| t.name == name).map(TableId)
    }
    pub fn all() -> impl Iterator<Item = TableId> {
        (0..TABLES.len()).map(TableId)
    }
}

macro_rules! col {
    ($name:literal, $ty:expr, [$($alias:literal),*], $doc:literal) => {
        ColumnSchema { name: $name, ty: $ty, aliases: &[$($alias),*], reduce: Reduce::Mean, doc: $doc }
    };
    ($name:literal, $ty:expr, [$($alias:literal),*], sum, $doc:literal) => {
        ColumnSchema { name: $name, ty: $ty, aliases: &[$($alias),*], reduce: Reduce::Sum, doc: $doc }
    };
}

const UPN: ColumnSchema = col!(
    "upn",
    ColType::Id,
    [
        "upn",
        "uniquepupilnumber",
        "pupilupn",
        "studentupn",
        "pupilid",
        "studentid",
        "adno",
        "admissionnumber",
        "admissionno"
    ],
    "the pupil's Unique Pupil Number (or any stable pupil id)"
);
const YEAR: ColumnSchema = col!(
    "year",
    ColType::Year,
    ["academicyear", "acadyear", "schoolyear", "year"],
    "the academic year, e.g. 2024/25"
);

use ColType::*;

pub static TABLES: &[TableSchema] = &[
    TableSchema {
        name: "pupils",
        pupil_keyed: true,
        doc: "one row per pupil per year: the SEN record and characteristics",
        columns: &[
            UPN,
            YEAR,
            col!(
                "year_group",
                Number,
                [
                    "yeargroup",
                    "ncyear",
                    "yeargrp",
                    "curriculumyear",
                    "nationalcurriculumyear",
                    "yr"
                ],
                "national curriculum year group, 7 to 11"
            ),
            col!("gender", Code(CodeSet::Gender), ["gender", "sex"], "M or F"),
            col!(
                "sen",
                Code(CodeSet::Sen),
                ["sen", "senstatus", "senprovision", "senstage", "sencode"],
                "SEN status: N, K (SEN support), E (EHC plan); legacy A, P, S"
            ),
            col!(
                "need",
                Code(CodeSet::Need),
                [
                    "need",
                    "primaryneed",
                    "senprimaryneed",
                    "sentype",
                    "primarysentype",
                    "primarysenneed",
                    "senneed"
                ],
                "primary type of need"
            ),
            col!(
                "fsm",
                Bool,
                ["fsm", "fsmeligible", "freeschoolmeals", "fsmeligibility"],
                "eligible for free school meals"
            ),
            col!(
                "pupil_premium",
                Bool,
                ["pupilpremium", "pp", "pupilpremiumeligible", "ppeligible"],
                "eligible for the pupil premium"
            ),
            col!(
                "eal",
                Bool,
                ["eal", "englishasanadditionallanguage", "firstlanguagenotenglish"],
                "English as an additional language"
            ),
            col!(
                "cla",
                Bool,
                [
                    "cla",
                    "lookedafter",
                    "lookedafterchild",
                    "childlookedafter",
                    "inlacare",
                    "lac"
                ],
                "child looked after"
            ),
            col!(
                "ethnicity",
                Text,
                ["ethnicity", "ethniccode", "ethnicgroup", "ethnicitycode"],
                "ethnicity code"
            ),
            col!(
                "pathway",
                Text,
                ["pathway", "curriculumpathway"],
                "curriculum pathway (e.g. Foundation Learning)"
            ),
            col!(
                "access_arrangements",
                Bool,
                ["accessarrangements", "examaccessarrangements"],
                "access arrangements identified"
            ),
            col!(
                "ks2_reading",
                Number,
                [
                    "ks2reading",
                    "ks2readingscaledscore",
                    "ks2readingscore",
                    "ks2read"
                ],
                "KS2 reading scaled score"
            ),
            col!(
                "ks2_maths",
                Number,
                ["ks2maths", "ks2mathsscaledscore", "ks2mathsscore", "ks2mat"],
                "KS2 maths scaled score"
            ),
            col!(
                "ks2_average",
                Number,
                [
                    "ks2average",
                    "ks2averagescaledscore",
                    "ks2averagescore",
                    "ks2aps",
                    "ks2avg"
                ],
                "KS2 average scaled score"
            ),
        ],
    },
    TableSchema {
        name: "attendance",
        pupil_keyed: true,
        doc: "sessions per pupil per year or term",
        columns: &[
            UPN,
            YEAR,
            col!("term", Text, ["term", "period"], "term, if the export is by term"),
            col!(
                "possible",
                Number,
                [
                    "possible",
                    "possiblesessions",
                    "sessionspossible",
                    "possiblemarks"
                ],
                sum,
                "possible sessions"
            ),
            col!(
                "present",
                Number,
                [
                    "present",
                    "presentsessions",
                    "sessionspresent",
                    "attendedsessions",
                    "sessionsattended",
                    "attended"
                ],
                sum,
                "sessions attended"
            ),
            col!(
                "absent",
                Number,
                [
                    "absent",
                    "absences",
                    "totalabsences",
                    "overallabsence",
                    "sessionsmissed",
                    "absentsessions"
                ],
                sum,
                "sessions missed (authorised and unauthorised)"
            ),
            col!(
                "authorised",
                Number,
                [
                    "authorised",
                    "authorisedabsences",
                    "authorisedabsence",
                    "authorized",
                    "authorizedabsences",
                    "authorisedsessions"
                ],
                sum,
                "authorised absences"
            ),
            col!(
                "unauthorised",
                Number,
                [
                    "unauthorised",
                    "unauthorisedabsences",
                    "unauthorisedabsence",
                    "unauthorized",
                    "unauthorizedabsences",
                    "unauthorisedsessions"
                ],
                sum,
                "unauthorised absences"
            ),
            col!(
                "percent",
                Percent,
                [
                    "attendancepercent",
                    "attendancepercentage",
                    "attendance",
                    "attendancerate",
                    "percentattendance",
                    "attendancepct"
                ],
                "attendance as a percentage, for exports without session counts"
            ),
        ],
    },
    TableSchema {
        name: "results",
        pupil_keyed: true,
        doc: "end of KS4 results, one row per pupil per subject",
        columns: &[
            UPN,
            YEAR,
            col!(
                "subject",
                Text,
                ["subject", "subjectname", "qualification", "course"],
                "subject"
            ),
            col!(
                "grade",
                Number,
                ["grade", "result", "finalgrade", "actualgrade"],
                "grade achieved, as points (GCSE 9 to 1; U = 0)"
            ),
            col!("target", Number, ["target", "targetgrade"], "target grade"),
            col!(
                "estimate",
                Number,
                ["estimate", "fftestimate", "estimatedgrade"],
                "estimated grade"
            ),
            col!(
                "predicted",
                Number,
                ["predicted", "predictedgrade", "prediction"],
                "predicted grade"
            ),
            col!(
                "attainment8",
                Number,
                ["attainment8", "a8", "att8", "attainment8score"],
                "pupil's Attainment 8 score"
            ),
            col!(
                "progress8",
                Number,
                ["progress8", "p8", "progress8score"],
                "pupil's Progress 8 score"
            ),
        ],
    },
    TableSchema {
        name: "exclusions",
        pupil_keyed: true,
        doc: "one row per suspension or permanent exclusion",
        columns: &[
            UPN,
            YEAR,
            col!(
                "kind",
                Code(CodeSet::ExclusionKind),
                ["kind", "type", "exclusiontype", "category"],
                "suspension or permanent"
            ),
            col!(
                "sessions",
                Number,
                ["sessions", "length", "sessionsexcluded", "numberofsessions"],
                sum,
                "sessions excluded"
            ),
            col!("reason", Text, ["reason", "exclusionreason"], "reason"),
            col!("date", Date, ["date", "startdate", "exclusiondate"], "start date"),
        ],
    },
    TableSchema {
        name: "activities",
        pupil_keyed: true,
        doc: "one row per pupil per extra-curricular activity",
        columns: &[
            UPN,
            YEAR,
            col!(
                "activity",
                Text,
                ["activity", "club", "activityname", "clubname"],
                "activity"
            ),
            col!(
                "category",
                Text,
                ["category", "activitytype", "type"],
                "kind of activity (sport, arts, leadership, ...)"
            ),
        ],
    },
    TableSchema {
        name: "tracking",
        pupil_keyed: true,
        doc: "current Y10/11 tracking, one row per pupil per subject per term",
        columns: &[
            UPN,
            YEAR,
            col!("term", Text, ["term", "period", "datacollection"], "term"),
            col!("subject", Text, ["subject", "subjectname"], "subject"),
            col!(
                "working_at",
                Number,
                ["workingat", "current", "currentgrade", "workingatgrade"],
                "grade the pupil is working at"
            ),
            col!("target", Number, ["target", "targetgrade"], "target grade"),
        ],
    },
    TableSchema {
        name: "interventions",
        pupil_keyed: true,
        doc: "one row per intervention episode",
        columns: &[
            UPN,
            YEAR,
            col!(
                "name",
                Text,
                ["name", "intervention", "interventionname"],
                "intervention"
            ),
            col!("subject", Text, ["subject"], "subject"),
            col!("start", Date, ["start", "startdate"], "start date"),
            col!("end", Date, ["end", "enddate"], "end date"),
        ],
    },
    TableSchema {
        name: "destinations",
        pupil_keyed: true,
        doc: "one row per leaver",
        columns: &[
            UPN,
            YEAR,
            col!(
                "destination",
                Text,
                ["destination", "leaverdestination"],
                "college, employment or training"
            ),
            col!(
                "entry_met",
                Bool,
                ["entrymet", "entryrequirementsmet", "metentry"],
                "met the entry requirements"
            ),
        ],
    },
    TableSchema {
        name: "benchmarks",
        pupil_keyed: false,
        doc: "reference figures (newer national figures, or the local authority's), one row per figure",
        columns: &[
            col!(
                "measure",
                Text,
                ["measure", "indicator"],
                "the measure, named as in national(measure, group)"
            ),
            YEAR,
            col!(
                "group",
                Text,
                ["group", "senstatus", "breakdown"],
                "the group, named as in national(measure, group)"
            ),
            col!(
                "value",
                Number,
                ["value", "figure"],
                "the figure, in the units of the built-in national figures (17.84 for 17.84%)"
            ),
            col!(
                "source",
                Text,
                ["source", "publication"],
                "where the figure comes from"
            ),
        ],
    },
];

/// Normalises a header for alias matching: lower case, letters and digits only.
pub fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
