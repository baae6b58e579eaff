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

#[test]
fn h2_concern_celebration_and_note() {
    let r = check(
        &[kind(10, "K").absent(200, 20), kind(10, "N").absent(200, 10)],
        "",
    );
    let f = one(&r, "H2");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "SEN attendance is 90.0% against 95.0% for other pupils, a gap of -5.0pp."
    );
    assert_eq!(fig(f, "attendance(non_sen)"), ("95.0%".into(), 10));

    let r = check(&[kind(10, "K").absent(200, 8), kind(10, "N").absent(200, 10)], "");
    let f = one(&r, "H2");
    assert_eq!(sev(f), Outcome::Celebrate);
    assert_eq!(
        f.text,
        "SEN attendance (96.0%) matches or beats other pupils' (95.0%)."
    );

    let r = check(
        &[kind(10, "K").absent(200, 12), kind(10, "N").absent(200, 10)],
        "",
    );
    let f = one(&r, "H2");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "SEN attendance (94.0%) is below other pupils' (95.0%) by -1.0pp, within the +2.0pp the school accepts."
    );
}

#[test]
fn h3_one_finding_per_need_with_small_groups_not_judged() {
    let r = check(
        &[
            kind(8, "K").need("SEMH").absent(200, 30),
            kind(8, "K").need("SPLD").absent(200, 8),
            kind(3, "E").need("HI").absent(200, 60),
            kind(10, "N").absent(200, 10),
        ],
        "",
    );
    let fs = of(&r, "H3");
    let got: Vec<(Option<&str>, Outcome)> = fs.iter().map(|f| (f.group.as_deref(), f.severity)).collect();
    assert_eq!(
        got,
        vec![
            (Some("HI"), Outcome::TooSmall),
            (Some("SEMH"), Outcome::Concern),
            (Some("SPLD"), Outcome::Celebrate)
        ]
    );
    assert_eq!(
        fs[1].text,
        "SEMH: attendance 85.0% against 95.0% for pupils without SEN (-10.0pp)."
    );
    assert_eq!(fs[1].size, Some(8));
    assert_eq!(fs[2].text, "SPLD: attendance 96.0% meets the 95.0% expected.");
    assert_eq!(
        fs[0].text,
        "HI: too small to judge — attendance(need) has 3 pupils with a value (minimum 6)."
    );
}

#[test]
fn h3_level_groups_legacy_codes_with_current() {
    // Statement (S) counts as EHC plan (E); School Action Plus (P) as SEN support (K).
    let r = check(
        &[
            kind(4, "K").absent(200, 20),
            kind(4, "P").absent(200, 20),
            kind(3, "E").absent(200, 6),
            kind(3, "S").absent(200, 6),
            kind(10, "N").absent(200, 10),
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
        "SEN status K: attendance 90.0% against 95.0% for pupils without SEN (-5.0pp)."
    );
}

// ---------------------------------------------------------------- I: persistent absence

#[test]
fn i1_concern_when_sen_over_represented_among_persistent_absentees() {
    let r = check(
        &[
            kind(4, "K").absent(200, 30),
            kind(6, "K").absent(200, 10),
            kind(2, "N").absent(200, 20), // exactly 10%: persistently absent
            kind(8, "N").absent(200, 10),
        ],
        "",
    );
    let f = one(&r, "I1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "40.0% of SEN pupils are persistently absent against 20.0% of other pupils: 2 times as likely. \
         SEN pupils are 66.7% of persistent absentees and 50.0% of the school."
    );
    assert_eq!(fig(f, "persistent_absence(sen)"), ("40.0%".into(), 10));
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
            kind(2, "K").absent(200, 30),
            kind(6, "K"),
            kind(2, "N").absent(200, 30),
            kind(8, "N"),
        ],
        "",
    );
    let f = one(&r, "I1");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "25.0% of SEN pupils are persistently absent against 20.0% of other pupils (1.25 times as likely, under the 1.5 the school treats as over-representation)."
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
fn d1_attainment8_concern_celebration_note() {
    let r = check(
        &[
            kind(6, "K").results(3.0, 30.0),
            kind(8, "N").results(5.0, 50.0),
            kind(10, "N"),
        ],
        "",
    );
    let f = one(&r, "D1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "SEN leavers' mean Attainment 8 is 30 against 50 for other leavers: 20 points lower, at least the 15 the school treats as a concern."
    );
    assert_eq!(fig(f, "attainment8(sen_ks4)"), ("30".into(), 6));
    assert_eq!(fig(f, "attainment8(non_sen_ks4)"), ("50".into(), 8));

    let r = check(
        &[kind(6, "K").results(5.0, 50.5), kind(8, "N").results(5.0, 48.0)],
        "",
    );
    assert_eq!(sev(one(&r, "D1")), Outcome::Celebrate);
    let r = check(
        &[kind(6, "K").results(5.0, 40.0), kind(8, "N").results(5.0, 50.0)],
        "",
    );
    let f = one(&r, "D1");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "SEN leavers' mean Attainment 8 is 40 against 50 for other leavers (10 points lower)."
    );
}

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
            kind(4, "K").need("SEMH").exclusions(2),
            kind(4, "K").need("SEMH"),
            kind(2, "K").need("ASD"),
            kind(1, "N").exclusions(1),
            kind(9, "N"),
        ],
        "",
    );
    let f = one(&r, "J1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "40.0% of SEN pupils were suspended or excluded against 10.0% of other pupils: 4 times as likely."
    );
    let fs = of(&r, "J2");
    assert_eq!(fs.len(), 2);
    assert_eq!(
        (fs[0].group.as_deref(), fs[0].severity),
        (Some("ASD"), Outcome::TooSmall)
    );
    assert_eq!(
        (fs[1].group.as_deref(), fs[1].severity),
        (Some("SEMH"), Outcome::Concern)
    );
    assert_eq!(
        fs[1].text,
        "SEMH: 50.0% suspended or excluded against 10.0% of pupils without SEN (5 times as likely)."
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
    none(&r, "J2");
    let r = check(
        &[
            kind(2, "K").exclusions(1),
            kind(14, "K"),
            kind(1, "N").exclusions(1),
            kind(9, "N"),
        ],
        "",
    );
    assert_eq!(sev(one(&r, "J1")), Outcome::Note);
}

// ---------------------------------------------------------------- K: participation

#[test]
fn k1_participation() {
    let r = check(
        &[
            kind(3, "K").activities(1),
            kind(7, "K"),
            kind(6, "N").activities(2),
            kind(4, "N"),
        ],
        "",
    );
    let f = one(&r, "K1");
    assert_eq!(sev(f), Outcome::Concern);
    assert_eq!(
        f.text,
        "30.0% of SEN pupils take part in an activity against 60.0% of other pupils (-30.0pp)."
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
        "SEN pupils take part in activities as much as others: 60.0% against 60.0%."
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
fn k1_need_flags_under_represented_need() {
    let r = check(
        &[
            kind(2, "K").need("ASD").activities(1),
            kind(6, "K").need("ASD"),
            kind(6, "K").need("SPLD").activities(1),
            kind(6, "N").activities(1),
            kind(4, "N"),
        ],
        "",
    );
    let fs = of(&r, "K1-need");
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].group.as_deref(), Some("ASD"));
    assert_eq!(
        fs[0].text,
        "ASD: 25.0% take part in an activity against 60.0% of pupils without SEN (-35.0pp)."
    );
}

// ---------------------------------------------------------------- A: vulnerable groups

#[test]
fn a1_over_representation_notes() {
    let r = check(
        &[
            kind(6, "K").fsm().cla().eal().boy(),
            kind(4, "K"),
            kind(2, "N").fsm(),
            kind(8, "N"),
        ],
        "",
    );
    let f = one(&r, "A1-fsm");
    assert_eq!(sev(f), Outcome::Note);
    assert_eq!(
        f.text,
        "60.0% of SEN pupils are eligible for free school meals against 40.0% of the school: 1.5 times their share. Track them closely."
    );
    assert_eq!(sev(one(&r, "A1-cla")), Outcome::Note);
    assert_eq!(sev(one(&r, "A1-eal")), Outcome::Note);
    assert_eq!(sev(one(&r, "A1-boys")), Outcome::Note);

    let r = check(
        &[kind(2, "K").fsm(), kind(8, "K"), kind(2, "N").fsm(), kind(8, "N")],
        "",
    );
    none(&r, "A1-fsm");
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
