//! Every rule of the standard pack, on small schools where it fires and where it does not,
//! with the exact figures and text it reports. Each school is a real workspace on disk.

mod common;

use common::*;
use sencheck::finding::Outcome;

// ---------------------------------------------------------------- H: attendance

#[test]
fn h1_concern_when_sen_attendance_below_expected() {
    let r = check(
        &[kind(10, "K").absent(200, 20), kind(10, "N").absent(200, 10)],
        "",
    );
    let f = one(&r, "H1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "Pupils on the SEN record attended 90.0% of possible sessions, below the 95.0% expected."
    );
    assert_eq!(fig(f, "attendance(sen)"), ("90.0%".into(), 10));
    assert_eq!(f.size, Some(10));
}

#[test]
fn h1_celebrates_when_expected_level_met() {
    let r = check(&[kind(10, "E").absent(200, 6), kind(10, "N")], "");
    let f = one(&r, "H1");
    assert_eq!(sev(f), Outcome::Celebrate);
    assert_eq!(fig(f, "attendance(sen)"), ("97.0%".into(), 10));
}

#[test]
fn h1_exactly_at_expected_is_met() {
    // 190 of 200 is 95.0%: not below 95%.
    let r = check(&[kind(10, "K").absent(200, 10), kind(10, "N")], "");
    assert_eq!(sev(one(&r, "H1")), Outcome::Celebrate);
}

#[test]
fn h1_school_override_of_expected_attendance() {
    let r = check(
        &[kind(10, "K").absent(200, 8), kind(10, "N")],
        "[params]\nexpected_attendance = \"97%\"",
    );
    let f = one(&r, "H1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "Pupils on the SEN record attended 96.0% of possible sessions, below the 97.0% expected."
    );
}

#[test]
fn h1_group_just_under_and_at_min_group() {
    let under = check(&[kind(5, "K").absent(200, 20), kind(10, "N")], "");
    let f = one(&under, "H1");
    assert_eq!(sev(f), Outcome::TooSmall);
    assert_eq!(
        f.text,
        "too small to judge — attendance(sen) has 5 pupils with a value (minimum 6)."
    );
    let at = check(&[kind(6, "K").absent(200, 20), kind(10, "N")], "");
    assert_eq!(sev(one(&at, "H1")), Outcome::Concern);
}

#[test]
fn h1_pupils_without_attendance_are_missing_not_zero() {
    let mut no_rows = kind(3, "K");
    no_rows.sessions = None;
    let r = check(&[kind(10, "K").absent(200, 20), no_rows, kind(10, "N")], "");
    let f = one(&r, "H1");
    let x = &f.figures[0];
    assert_eq!((x.display.as_str(), x.n, x.missing, x.size), ("90.0%", 10, 3, 13));
}

/// p-values from scipy 1.17.1 (`scipy.stats.ttest_ind(a, b, equal_var=False)`,
/// `fisher_exact`, `ttest_1samp`), computed for these schools by hand: see each test.
fn close(a: f64, b: f64) -> bool {
    ((a - b) / b).abs() < 1e-9
}

#[test]
fn h2_concern_celebration_and_note() {
    // Pupils' own rates: SEN 10 × 90% and 10 × 85%; others 10 × 95% and 10 × 97%.
    let r = check(
        &[
            kind(10, "K").absent(200, 20),
            kind(10, "K").absent(200, 30),
            kind(10, "N").absent(200, 10),
            kind(10, "N").absent(200, 6),
        ],
        "",
    );
    let f = one(&r, "H2");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "SEN attendance is 87.5% against 96.0% for other pupils (-8.5pp): significantly lower."
    );
    assert_eq!(fig(f, "attendance(non_sen)"), ("96.0%".into(), 20));
    let t = &f.tests[0];
    assert_eq!(t.test, "Welch's t-test");
    assert_eq!(
        t.comparison,
        "attendance(sen) significantly below attendance(non_sen)"
    );
    assert!(close(t.p_value, 3.7937617913344087e-13), "{}", t.p_value);
    assert_eq!(t.result, "significantly below");

    let r = check(&[kind(10, "K").absent(200, 8), kind(10, "N").absent(200, 10)], "");
    let f = one(&r, "H2");
    assert_eq!(sev(f), Outcome::Celebrate);
    assert_eq!(
        f.text,
        "SEN attendance (96.0%) matches or beats other pupils' (95.0%)."
    );

    // Six SEN pupils 3 × 90%, 3 × 96% against 10 × 94%, 10 × 95%: p = 0.315.
    let r = check(
        &[
            kind(3, "K").absent(200, 20),
            kind(3, "K").absent(200, 8),
            kind(10, "N").absent(200, 12),
            kind(10, "N").absent(200, 10),
        ],
        "",
    );
    let f = one(&r, "H2");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "SEN attendance is 93.0% against 94.5% for other pupils (-1.5pp): not a significant difference."
    );
    assert!(close(f.tests[0].p_value, 0.31526538820706035));
    assert_eq!(f.tests[0].result, "no significant difference");
}

#[test]
fn h2_identical_pupils_are_not_testable_and_never_a_concern() {
    // No spread in either group: the gap cannot be judged, so the fallback note fires.
    let r = check(
        &[kind(10, "K").absent(200, 20), kind(10, "N").absent(200, 10)],
        "",
    );
    let f = one(&r, "H2");
    assert_eq!(sev(f), Outcome::Note);
    assert!(
        f.tests[0].result.starts_with("not testable"),
        "{}",
        f.tests[0].result
    );
    assert!(f.tests[0].p_value.is_finite());
}

#[test]
fn h3_significant_gap_not_significant_gap_celebration_and_small_group() {
    let others = [kind(5, "N").absent(200, 10), kind(5, "N").absent(200, 6)];
    let mut kinds = vec![
        kind(4, "K").need("SEMH").absent(200, 30),
        kind(4, "K").need("SEMH").absent(200, 40),
        kind(8, "K").need("SPLD").absent(200, 8),
        kind(3, "K").need("MLD").absent(200, 20),
        kind(3, "K").need("MLD").absent(200, 8),
        kind(3, "E").need("HI").absent(200, 60),
    ];
    kinds.extend(others);
    let r = check(&kinds, "");
    let fs = of(&r, "H3");
    let got: Vec<(Option<&str>, Outcome)> = fs.iter().map(|f| (f.group.as_deref(), f.severity)).collect();
    assert_eq!(
        got,
        vec![
            (Some("HI"), Outcome::TooSmall),
            (Some("MLD"), Outcome::Note),
            (Some("SEMH"), Outcome::Concern),
            (Some("SPLD"), Outcome::Celebrate)
        ]
    );
    assert_eq!(
        fs[0].text,
        "HI: too small to judge — attendance(need) has 3 pupils with a value (minimum 6)."
    );
    assert_eq!(
        fs[1].text,
        "MLD: attendance 93.0% against 96.0% for pupils without SEN (-3.0pp), but the gap is not significant with 6 pupils."
    );
    assert!(close(fs[1].tests[0].p_value, 0.07607866746139753));
    assert_eq!(
        fs[2].text,
        "SEMH: attendance 82.5% against 96.0% for pupils without SEN (-13.5pp): significantly lower."
    );
    assert!(close(fs[2].tests[0].p_value, 3.7850322732562526e-07));
    assert_eq!(fs[2].size, Some(8));
    assert_eq!(fs[3].text, "SPLD: attendance 96.0% meets the 95.0% expected.");
}

#[test]
fn h3_level_groups_legacy_codes_with_current() {
    // Statement (S) counts as EHC plan (E); School Action Plus (P) as SEN support (K).
    let r = check(
        &[
            kind(4, "K").absent(200, 20),
            kind(4, "P").absent(200, 30),
            kind(3, "E").absent(200, 6),
            kind(3, "S").absent(200, 6),
            kind(5, "N").absent(200, 10),
            kind(5, "N").absent(200, 6),
        ],
        "",
    );
    let fs = of(&r, "H3-level");
    assert_eq!(fs.len(), 2);
    assert_eq!(
        (fs[0].group.as_deref(), fs[0].severity, fs[0].size),
        (Some("E"), Outcome::Celebrate, Some(6))
    );
    assert_eq!(
        (fs[1].group.as_deref(), fs[1].severity, fs[1].size),
        (Some("K"), Outcome::Concern, Some(8))
    );
    assert_eq!(
        fs[1].text,
        "SEN status K: attendance 87.5% against 96.0% for pupils without SEN (-8.5pp): significantly lower."
    );
    assert!(close(fs[1].tests[0].p_value, 1.6538647362909643e-05));
}

// ---------------------------------------------------------------- I: persistent absence

#[test]
fn i1_concern_when_sen_significantly_over_represented() {
    let r = check(
        &[
            kind(10, "K").absent(200, 30),
            kind(10, "K").absent(200, 10),
            kind(2, "N").absent(200, 20), // exactly 10%: persistently absent
            kind(2, "N").absent(200, 40),
            kind(36, "N").absent(200, 10),
        ],
        "",
    );
    let f = one(&r, "I1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "50.0% of SEN pupils are persistently absent against 10.0% of other pupils. SEN pupils are 71.4% of \
         persistent absentees but 33.3% of the school: 2.14 times their share, significantly over-represented."
    );
    assert_eq!(
        fig(f, "representation(sen in persistent_absentees)"),
        ("2.14".into(), 20)
    );
    // Expected counts under 5: Fisher's exact test of 10/20 against the rest, 4/40.
    assert_eq!(f.tests[0].test, "Fisher's exact test");
    assert!(close(f.tests[0].p_value, 0.0010749337452294516));
}

#[test]
fn i1_celebration_and_note() {
    let r = check(
        &[
            kind(1, "K").absent(200, 30),
            kind(9, "K"),
            kind(2, "N").absent(200, 30),
            kind(8, "N"),
        ],
        "",
    );
    assert_eq!(sev(one(&r, "I1")), Outcome::Celebrate);
    let r = check(
        &[
            kind(3, "K").absent(200, 30),
            kind(7, "K"),
            kind(2, "N").absent(200, 30),
            kind(8, "N"),
        ],
        "",
    );
    let f = one(&r, "I1");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "30.0% of SEN pupils are persistently absent against 20.0% of other pupils (1.2 times their share): not significantly over-represented."
    );
}

// ---------------------------------------------------------------- C: identification

#[test]
fn c1_lists_low_prior_attainment_pupils_not_on_the_record() {
    let r = check(
        &[
            kind(2, "N").ks2(Some(90.5)).year_group(10),
            kind(1, "K").ks2(Some(80.0)),
            kind(1, "N").ks2(None),
            kind(5, "N").ks2(Some(95.0)),
        ],
        "",
    );
    let fs = of(&r, "C1");
    assert_eq!(fs.len(), 2);
    assert_eq!(fs[0].severity, Outcome::Note);
    assert_eq!(fs[0].pupil.as_deref(), Some("T000000000001"));
    assert_eq!(
        fs[0].text,
        "T000000000001 (Year 10): KS2 average 90.5, not on the SEN record. Is a need unidentified?"
    );
    assert_eq!(fs[1].pupil.as_deref(), Some("T000000000002"));
    // The pupil with no KS2 score could not be placed: counted, not silently dropped.
    assert!(
        r.data_notes
            .iter()
            .any(|n| n.contains("1 pupil could not be placed")),
        "{:?}",
        r.data_notes
    );
}

#[test]
fn c1_silent_when_no_pupil_qualifies() {
    let r = check(&[kind(5, "N").ks2(Some(100.0)), kind(2, "K").ks2(Some(80.0))], "");
    none(&r, "C1");
}

// ---------------------------------------------------------------- D: attainment

#[test]
fn d1_grades_and_level() {
    let r = check(
        &[
            kind(6, "K").results(3.0, 30.0),
            kind(6, "E").results(2.0, 14.5),
            kind(8, "N").results(5.0, 50.0),
        ],
        "",
    );
    let f = one(&r, "D1-grades");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(fig(f, "mean_grade(sen_ks4)"), ("2.5".into(), 12));
    let f = one(&r, "D1-level");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "Leavers with SEN support averaged 30 Attainment 8, those with an EHC plan 14.5."
    );

    let r = check(
        &[
            kind(6, "K").results(3.0, 30.0),
            kind(6, "E").results(4.0, 35.0),
            kind(8, "N").results(5.0, 50.0),
        ],
        "",
    );
    assert_eq!(sev(one(&r, "D1-level")), Outcome::Concern);
    let r = check(
        &[kind(6, "K").results(4.0, 40.0), kind(8, "N").results(5.0, 50.0)],
        "",
    );
    assert_eq!(sev(one(&r, "D1-grades")), Outcome::Note);
    assert_eq!(sev(one(&r, "D1-level")), Outcome::TooSmall);
}

// ---------------------------------------------------------------- J: exclusions

#[test]
fn j1_and_j2_exclusions() {
    let r = check(
        &[
            kind(6, "K").need("SEMH").exclusions(2),
            kind(2, "K").need("SEMH"),
            kind(4, "K").need("MLD").exclusions(1),
            kind(6, "K").need("MLD"),
            kind(2, "K").need("ASD"),
            kind(2, "N").exclusions(1),
            kind(38, "N"),
        ],
        "",
    );
    let f = one(&r, "J1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "50.0% of SEN pupils were suspended or excluded against 5.0% of other pupils: significantly more often."
    );
    assert!(close(f.tests[0].p_value, 0.00010787372412877902));
    let fs = of(&r, "J2");
    let got: Vec<(Option<&str>, Outcome)> = fs.iter().map(|f| (f.group.as_deref(), f.severity)).collect();
    // MLD (4 of 10) is not significantly over-represented, so says nothing.
    assert_eq!(
        got,
        vec![(Some("ASD"), Outcome::TooSmall), (Some("SEMH"), Outcome::Concern)]
    );
    assert_eq!(
        fs[1].text,
        "SEMH: 75.0% suspended or excluded against 20.0% of the whole school: 3.75 times the school's rate, significantly above the rest of the school."
    );
    // Fisher's exact test of 6/8 against the rest of the school, 6/52.
    assert!(
        close(fs[1].tests[0].p_value, 0.0004224084244885451),
        "{}",
        fs[1].tests[0].p_value
    );

    let r = check(
        &[
            kind(1, "K").exclusions(1),
            kind(9, "K"),
            kind(1, "N").exclusions(1),
            kind(9, "N"),
        ],
        "",
    );
    assert_eq!(sev(one(&r, "J1")), Outcome::Celebrate);
    let r = check(
        &[
            kind(2, "K").exclusions(1),
            kind(8, "K"),
            kind(1, "N").exclusions(1),
            kind(9, "N"),
        ],
        "",
    );
    let f = one(&r, "J1");
    assert_eq!(sev(f), Outcome::Note);
    assert!(close(f.tests[0].p_value, 1.0));
}

#[test]
fn j1_national_compares_with_the_latest_national_rate() {
    // 2021/22 national suspension rate for SEN support: 18.59 per 100 pupils.
    let r = check(&[kind(2, "K").exclusions(2), kind(8, "K"), kind(10, "N")], "");
    let f = one(&r, "J1-national");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "Suspensions and exclusions of pupils with SEN support came to 40.0% of their number, above the latest national rate of 18.6% (2021/22) for pupils with SEN support."
    );
    let national = &f.figures[1];
    assert_eq!(national.value, Some(0.1859));
    assert!(
        national
            .source
            .as_deref()
            .unwrap()
            .starts_with("national figure for 2021/22, DfE")
    );
    let r = check(&[kind(1, "K").exclusions(1), kind(9, "K"), kind(10, "N")], "");
    assert_eq!(sev(one(&r, "J1-national")), Outcome::Celebrate);
}

// ---------------------------------------------------------------- K: participation

#[test]
fn k1_participation() {
    let r = check(
        &[
            kind(3, "K").activities(1),
            kind(17, "K"),
            kind(24, "N").activities(2),
            kind(16, "N"),
        ],
        "",
    );
    let f = one(&r, "K1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "15.0% of SEN pupils take part in an activity against 60.0% of other pupils (-45.0pp): significantly under-represented."
    );
    // 3/20 against the rest of the school, 24/40: expected counts at least 5, so the z-test.
    assert_eq!(f.tests[0].test, "two-proportion z-test");
    assert!(
        close(f.tests[0].p_value, 0.0009569347564412716),
        "{}",
        f.tests[0].p_value
    );
    let r = check(
        &[
            kind(6, "K").activities(1),
            kind(4, "K"),
            kind(6, "N").activities(1),
            kind(4, "N"),
        ],
        "",
    );
    let f = one(&r, "K1");
    assert_eq!(sev(f), Outcome::Celebrate);
    assert_eq!(
        f.text,
        "SEN pupils take part in activities about as often as others: 60.0% against 60.0%, within the 5.0pp that counts as fair."
    );
    let r = check(
        &[
            kind(7, "K").activities(1),
            kind(6, "K"),
            kind(6, "N").activities(1),
            kind(4, "N"),
        ],
        "",
    );
    assert_eq!(sev(one(&r, "K1")), Outcome::Note);
}

#[test]
fn k1_need_flags_significantly_under_represented_need() {
    let r = check(
        &[
            kind(2, "K").need("ASD").activities(1),
            kind(8, "K").need("ASD"),
            kind(6, "K").need("SPLD").activities(1),
            kind(24, "N").activities(1),
            kind(16, "N"),
        ],
        "",
    );
    let fs = of(&r, "K1-need");
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].group.as_deref(), Some("ASD"));
    assert_eq!(
        fs[0].text,
        "ASD: 20.0% take part in an activity against 60.0% of pupils without SEN (-40.0pp): significantly fewer."
    );
    assert!(close(fs[0].tests[0].p_value, 0.034586813569516095));
}

// ---------------------------------------------------------------- A: vulnerable groups

#[test]
fn a1_over_representation_notes() {
    let r = check(
        &[
            kind(14, "K").fsm().cla().eal().boy(),
            kind(6, "K"),
            kind(6, "N").fsm(),
            kind(34, "N"),
        ],
        "",
    );
    let f = one(&r, "A1-fsm");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "70.0% of SEN pupils are eligible for free school meals against 33.3% of the school: 2.1 times the school's share. Track them closely."
    );
    // Every expected count is at least 5: the two-proportion z-test (statsmodels proportions_ztest).
    assert_eq!(f.tests[0].test, "two-proportion z-test");
    assert!(
        close(f.tests[0].p_value, 2.0416942840345147e-05),
        "{}",
        f.tests[0].p_value
    );
    assert_eq!(sev(one(&r, "A1-cla")), Outcome::Note);
    assert_eq!(sev(one(&r, "A1-eal")), Outcome::Note);
    assert_eq!(sev(one(&r, "A1-boys")), Outcome::Note);

    // Half the FSM pupils and half the others are on the record: fair representation.
    let r = check(
        &[
            kind(4, "K").fsm(),
            kind(16, "K"),
            kind(4, "N").fsm(),
            kind(16, "N"),
        ],
        "",
    );
    none(&r, "A1-fsm");
    // Four SEN pupils are too few to judge.
    let r = check(
        &[kind(2, "K").fsm(), kind(2, "K"), kind(2, "N").fsm(), kind(8, "N")],
        "",
    );
    assert_eq!(sev(one(&r, "A1-fsm")), Outcome::TooSmall);
}

#[test]
fn a2_lists_sen_pupils_in_two_vulnerable_groups() {
    let r = check(
        &[
            kind(1, "K").fsm().cla(),
            kind(1, "K").fsm(),
            kind(1, "N").fsm().cla(),
        ],
        "",
    );
    let fs = of(&r, "A2");
    assert_eq!(fs.len(), 1);
    assert_eq!(
        fs[0].text,
        "T000000000001 (Year 9, SEN K): free school meals yes, looked after yes, EAL no. Track closely."
    );
    let r = check(&[kind(2, "K").fsm(), kind(1, "N").fsm().cla()], "");
    none(&r, "A2");
}

#[test]
fn a3_movement_on_and_off_the_record() {
    let r = check(
        &[
            // Last year: pupils 1-6 SEN support, 7-8 EHC plan, 9-12 not on the record.
            kind(6, "K").year("2023/24"),
            kind(2, "E").year("2023/24"),
            kind(4, "N").year("2023/24"),
            // This year: 1-2 moved off, 3-6 stay, 7 steps down, 8 stays, 9 joins, 10-12 stay off.
            kind(2, "N").year("2024/25").ids_from(1),
            kind(4, "K").year("2024/25").ids_from(3),
            kind(1, "K").year("2024/25").ids_from(7),
            kind(1, "E").year("2024/25").ids_from(8),
            kind(1, "K").year("2024/25").ids_from(9),
            kind(3, "N").year("2024/25").ids_from(10),
            // A new pupil this year: in none of last year's groups.
            kind(1, "K").year("2024/25").ids_from(13),
        ],
        "",
    );
    let f = one(&r, "A3");
    assert_eq!(
        f.text,
        "Of 8 pupils on roll who were on the SEN record last year, 2 moved off it, 1 stepped down from an EHC plan to SEN support and 0 stepped up to an EHC plan; 1 pupils joined the record."
    );
    // Two years of data: a three-year trend cannot be judged, and says why.
    let f = one(&r, "A3-trend");
    assert_eq!(sev(f), Outcome::NoData);
    assert_eq!(
        f.text,
        "not enough years to judge a trend — 2022/23 no data → 2023/24 no data → 2024/25 25.0% (needs 3 years with data)."
    );
}

// ---------------------------------------------------------------- D: attainment

#[test]
fn d1_attainment8_concern_celebration_note() {
    let r = check(
        &[
            kind(3, "K").results(3.0, 25.0),
            kind(3, "K").results(3.0, 35.0),
            kind(4, "N").results(5.0, 48.0),
            kind(4, "N").results(5.0, 52.0),
            kind(10, "N"),
        ],
        "",
    );
    let f = one(&r, "D1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "SEN leavers' mean Attainment 8 is 30 against 50 for other leavers: 20 points lower, significantly, and at least the 15 points set as a concern (parameter attainment8_gap)."
    );
    assert_eq!(fig(f, "attainment8(sen_ks4)"), ("30".into(), 6));
    assert_eq!(fig(f, "attainment8(non_sen_ks4)"), ("50".into(), 8));
    assert!(close(f.tests[0].p_value, 0.00012928309491486826));

    let r = check(
        &[kind(6, "K").results(5.0, 50.5), kind(8, "N").results(5.0, 48.0)],
        "",
    );
    assert_eq!(sev(one(&r, "D1")), Outcome::Celebrate);
    // Significantly lower, but by less than the 15 points the school accepts: a note.
    let r = check(
        &[
            kind(3, "K").results(5.0, 35.0),
            kind(3, "K").results(5.0, 45.0),
            kind(4, "N").results(5.0, 48.0),
            kind(4, "N").results(5.0, 52.0),
        ],
        "",
    );
    let f = one(&r, "D1");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "SEN leavers' mean Attainment 8 is 40 against 50 for other leavers (10 points lower)."
    );
}

// ---------------------------------------------------------------- switches

#[test]
fn disabled_rule_and_severity_override() {
    let r = check(
        &[kind(10, "K").absent(200, 20), kind(10, "N").absent(200, 10)],
        "[rules]\ndisable = [\"H2\"]\nseverity = { H1 = \"note\" }",
    );
    assert!(of(&r, "H2").is_empty());
    assert_eq!(r.disabled, vec!["H2".to_string()]);
    assert_eq!(sev(one(&r, "H1")), Outcome::Note);
}

// ---------------------------------------------------------------- trends (three years)

const YEARS: [&str; 3] = ["2022/23", "2023/24", "2024/25"];

/// Ten SEN pupils and ten others a year, `pa[i]` of the SEN pupils persistently absent in year i.
fn persistent_absence_by_year(pa: [usize; 3]) -> Vec<Kind> {
    let mut kinds = Vec::new();
    for (y, n) in YEARS.iter().zip(pa) {
        kinds.push(kind(n, "K").year(y).absent(200, 30));
        kinds.push(kind(10 - n, "K").year(y).absent(200, 4));
        kinds.push(kind(10, "N").year(y).absent(200, 4));
    }
    kinds
}

#[test]
fn i2_falling_rising_and_flat_persistent_absence() {
    let r = check(&persistent_absence_by_year([4, 3, 2]), "");
    let f = one(&r, "I2");
    assert_eq!(sev(f), Outcome::Celebrate);
    assert_eq!(
        f.text,
        "Persistent absence among SEN pupils has fallen every year: 2022/23 40.0% → 2023/24 30.0% → 2024/25 20.0%."
    );
    let series: Vec<&str> = f.figures[0]
        .series
        .as_ref()
        .unwrap()
        .iter()
        .map(|y| y.display.as_str())
        .collect();
    assert_eq!(series, ["40.0%", "30.0%", "20.0%"]);
    let r = check(&persistent_absence_by_year([2, 3, 4]), "");
    assert_eq!(sev(one(&r, "I2")), Outcome::Concern);
    let r = check(&persistent_absence_by_year([2, 4, 3]), "");
    let f = one(&r, "I2");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "Persistent absence among SEN pupils has not moved one way: 2022/23 20.0% → 2023/24 40.0% → 2024/25 30.0%."
    );
}

#[test]
fn i2_missing_year_is_said_and_not_judged() {
    let mut kinds = persistent_absence_by_year([4, 3, 2]);
    kinds.retain(|k| k.year != "2023/24");
    let r = check(&kinds, "");
    let f = one(&r, "I2");
    assert_eq!(sev(f), Outcome::NoData);
    assert_eq!(
        f.text,
        "not enough years to judge a trend — 2022/23 40.0% → 2023/24 no data → 2024/25 20.0% (needs 3 years with data)."
    );
    // A school that accepts two years of data gets a verdict.
    let r = check(&kinds, "[params]\nmin_years = 2");
    assert_eq!(sev(one(&r, "I2")), Outcome::Celebrate);
}

#[test]
fn b4_progress_of_sen_support_over_three_years() {
    let kinds: Vec<Kind> = YEARS
        .iter()
        .zip([-0.6, -0.45, -0.3])
        .flat_map(|(y, p8)| {
            [
                kind(6, "K").year(y).results(4.0, 30.0).progress8(p8),
                kind(6, "N").year(y).results(5.0, 50.0).progress8(0.1),
            ]
        })
        .collect();
    let r = check(&kinds, "");
    let f = one(&r, "B4");
    assert_eq!(sev(f), Outcome::Celebrate);
    assert_eq!(
        f.text,
        "Progress 8 of leavers with SEN support has improved every year: 2022/23 -0.6 → 2023/24 -0.45 → 2024/25 -0.3."
    );
    let kinds: Vec<Kind> = YEARS
        .iter()
        .zip([-0.3, -0.45, -0.6])
        .map(|(y, p8)| kind(6, "K").year(y).results(4.0, 30.0).progress8(p8))
        .collect();
    assert_eq!(sev(one(&check(&kinds, ""), "B4")), Outcome::Concern);
}

#[test]
fn c4_and_d2_trends() {
    let mut kinds = Vec::new();
    for (y, (on, sen_a8)) in YEARS.iter().zip([(2, 30.0), (4, 25.0), (6, 20.0)]) {
        kinds.push(kind(on, "K").year(y).results(5.0, sen_a8).target(5.0));
        kinds.push(kind(10 - on, "K").year(y).results(3.0, sen_a8).target(5.0));
        kinds.push(kind(10, "N").year(y).results(5.0, 50.0).target(5.0));
    }
    let r = check(&kinds, "");
    let f = one(&r, "C4");
    assert_eq!(sev(f), Outcome::Celebrate);
    assert_eq!(
        f.text,
        "A rising share of SEN leavers reached their targets each year: 2022/23 20.0% → 2023/24 40.0% → 2024/25 60.0%."
    );
    let f = one(&r, "D2");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "The Attainment 8 gap between other leavers and SEN leavers has widened every year: 2022/23 20 → 2023/24 25 → 2024/25 30."
    );
    // C2 this year: 6 of 10 SEN leavers on target against all 10 others.
    let f = one(&r, "C2");
    assert_eq!(sev(f), Outcome::Celebrate);
    assert_eq!(
        f.text,
        "Most SEN leavers (60.0%) reached their target grades on average (other leavers: 100.0%)."
    );
}

// ---------------------------------------------------------------- B: against national and 0

#[test]
fn b1_against_the_national_attainment8() {
    // National Attainment 8 for SEN support, 2022/23 (the latest up to 2024/25): 33.3.
    let r = check(
        &[
            kind(4, "K").results(3.0, 25.0),
            kind(4, "K").results(3.0, 30.0),
            kind(8, "N"),
        ],
        "",
    );
    let f = one(&r, "B1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "Leavers with SEN support averaged 27.5 Attainment 8 against 33.3 (2022/23) for pupils with SEN support nationally: significantly lower."
    );
    assert_eq!(f.tests[0].test, "one-sample t-test");
    assert!(close(f.tests[0].p_value, 0.0004730052644661124));
    let r = check(
        &[kind(4, "K").results(3.0, 30.0), kind(4, "K").results(3.0, 37.0)],
        "",
    );
    assert_eq!(sev(one(&r, "B1")), Outcome::Note);
    // No EHC plan leavers: too small to judge, never a verdict.
    assert_eq!(sev(one(&r, "B1-ehc")), Outcome::TooSmall);
}

#[test]
fn b2_progress8_against_zero() {
    let r = check(
        &[
            kind(4, "K").results(3.0, 25.0).progress8(-0.8),
            kind(4, "K").results(3.0, 25.0).progress8(-0.4),
        ],
        "",
    );
    let f = one(&r, "B2");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "SEN leavers' mean Progress 8 is -0.6: significantly below the national average of 0."
    );
    assert!(close(f.tests[0].p_value, 9.58459057192917e-05));
    let r = check(
        &[
            kind(4, "K").results(3.0, 25.0).progress8(-0.3),
            kind(4, "K").results(3.0, 25.0).progress8(0.2),
        ],
        "",
    );
    assert_eq!(sev(one(&r, "B2")), Outcome::Note);
}

#[test]
fn a_value_missing_for_every_pupil_is_no_data_not_a_small_group() {
    // Results rows with no Attainment 8 at all: 6 SEN and 8 other leavers, none with a value.
    let mut sen = kind(6, "K").results(4.0, 0.0);
    sen.results = Some((4.0, f64::NAN));
    let r = check(&[sen, kind(8, "N").results(5.0, 50.0)], "");
    let f = one(&r, "D1");
    assert_eq!(sev(f), Outcome::NoData);
    assert_eq!(
        f.text,
        "no data to judge — attainment8(sen_ks4): all 6 pupils are missing the value."
    );
    assert!(f.tests.is_empty());
}
