//! The key questions of "Good to Great for SEN" and their numbered suggested questions
//! (see QUESTIONS.md in the design notes). Rules name these numbers; reports group by key question.

pub struct KeyQuestion {
    pub id: &'static str,
    pub text: &'static str,
    pub data: &'static str,
    pub when: &'static str,
}

pub static KEY_QUESTIONS: &[KeyQuestion] = &[
    KeyQuestion {
        id: "A",
        text: "Who are the potentially vulnerable groups within the SEN cohort?",
        data: "pupils",
        when: "annually",
    },
    KeyQuestion {
        id: "B",
        text: "How do SEN pupils progress across KS4 compared with other groups?",
        data: "results, benchmarks",
        when: "end of autumn term",
    },
    KeyQuestion {
        id: "C",
        text: "Did individual SEN pupils make expected progress from KS2 to KS4?",
        data: "results, targets",
        when: "end of autumn term",
    },
    KeyQuestion {
        id: "D",
        text: "How does the attainment of SEN pupils at the end of KS4 compare with non-SEN pupils?",
        data: "results",
        when: "autumn term",
    },
    KeyQuestion {
        id: "E",
        text: "How do pupils working well below age-related expectations progress compared with similar pupils nationally?",
        data: "results, benchmarks",
        when: "end of year",
    },
    KeyQuestion {
        id: "FG",
        text: "Are current Year 10 and 11 SEN pupils on track?",
        data: "tracking",
        when: "termly",
    },
    KeyQuestion {
        id: "H",
        text: "Is the attendance of SEN pupils at least at expected levels?",
        data: "attendance",
        when: "annually",
    },
    KeyQuestion {
        id: "I",
        text: "Persistent absence: are SEN pupils over-represented?",
        data: "attendance",
        when: "annually",
    },
    KeyQuestion {
        id: "J",
        text: "Exclusions: are SEN pupils over-represented?",
        data: "exclusions, benchmarks",
        when: "annually",
    },
    KeyQuestion {
        id: "K",
        text: "Are SEN pupils fairly represented in extra-curricular activities?",
        data: "activities, survey",
        when: "annually",
    },
    KeyQuestion {
        id: "Q",
        text: "Part two: the qualitative picture",
        data: "survey, evidence",
        when: "annually",
    },
];

pub static QUESTIONS: &[(&str, &str)] = &[
    (
        "A1",
        "Are vulnerable groups (FSM / pupil premium, looked after, EAL, gender, ethnicity, year group) over-represented in the SEN cohort compared with the whole school?",
    ),
    (
        "A2",
        "Which pupils appear in more than one vulnerable group, and so need closer tracking?",
    ),
    (
        "A3",
        "Movement within the SEN record: pupils moved off it, stepped down (E→K, S→P→A) or up; the trend over the last 3 years.",
    ),
    (
        "B1",
        "SEN progress compared with pupils nationally (similar schools).",
    ),
    (
        "B2",
        "Significant celebrations and concerns (significantly above / below).",
    ),
    (
        "B3",
        "Where progress is low, is it an SEN issue or a whole-school one (are many other groups also below)?",
    ),
    ("B4", "Compared with previous years: is progress improving?"),
    (
        "B5",
        "Difference in progress between English and maths (and across other subjects).",
    ),
    ("B6", "Implications for curriculum planning and provision."),
    (
        "C1",
        "Pupils working well below expected levels (low prior attainment or low estimate) who are not on the SEN record.",
    ),
    ("C2", "Do most SEN pupils achieve their targets?"),
    (
        "C3",
        "Progress and outcomes by SEN level (K and E; A, P, S) overall, in English and in maths.",
    ),
    ("C4", "A pattern or trend over the last 3 years."),
    ("C5", "Residuals in other subjects, SEN against all pupils."),
    (
        "C6",
        "Did SEN pupils achieve their predicted grades, compared with non-SEN pupils?",
    ),
    (
        "C7",
        "Significant variance within a subject between SEN and non-SEN pupils.",
    ),
    ("C8", "Significant variance across subjects."),
    (
        "D1",
        "SEN against non-SEN, and SEN support against EHC plan (SA against SA+ / statement).",
    ),
    ("D2", "The same for the previous two years: changes and trends."),
    ("D3", "Attainment across subject areas, SEN and non-SEN."),
    (
        "D4",
        "Impact of the main interventions and enrichment activities.",
    ),
    (
        "D5",
        "Did SEN pupils achieve the grades needed for the college place, employment or training they applied for?",
    ),
    (
        "E1",
        "Progress of pupils working below national expectations against the national picture for the same starting points.",
    ),
    ("E2", "Variation between English and maths."),
    (
        "FG1",
        "Are individual SEN pupils making at least expected progress in core subjects and other qualifications (on track for their target)?",
    ),
    (
        "FG2",
        "Enhanced progress: is the gap to target narrowing from term to term?",
    ),
    (
        "FG3",
        "High-priority / vulnerable SEN groups: how are they progressing; do they remain a priority?",
    ),
    (
        "FG4",
        "Are pupils on Foundation Learning pathways sufficiently challenged?",
    ),
    (
        "FG5",
        "Did pupils in targeted interventions make enhanced progress?",
    ),
    (
        "FG6",
        "Are access arrangements consistently in place for the pupils identified as needing them?",
    ),
    ("H1", "Does SEN attendance meet the expected level?"),
    (
        "H2",
        "Are there significant differences between SEN and non-SEN attendance?",
    ),
    (
        "H3",
        "Variations within the SEN record: by area of need, by level or type of support.",
    ),
    (
        "I1",
        "Are SEN pupils over-represented among persistent absentees?",
    ),
    (
        "I2",
        "Have interventions and support reduced persistent absence among SEN pupils?",
    ),
    ("J1", "Are SEN exclusion rates above local / national averages?"),
    (
        "J2",
        "Are SEN pupils, particularly in an area of need such as ASD, over-represented among excluded pupils?",
    ),
    (
        "K1",
        "Are SEN pupils fairly represented in clubs and activities (school council, ICT, drama, music, sport, trips): SEN, non-SEN, specific groups such as ASD?",
    ),
    (
        "K2",
        "What do SEN pupils say about extra-curricular provision (attitude survey)?",
    ),
    ("Q1", "Do pupils have a positive attitude towards learning?"),
    (
        "Q2",
        "Does the school have a positive, meaningful relationship with parents of SEN pupils?",
    ),
    (
        "Q3",
        "Are pupils developing their social skills and relationships well?",
    ),
    (
        "Q4",
        "Is behaviour generally positive; do pupils make well-informed choices?",
    ),
    (
        "Q5",
        "What does all of it say about staff commitment to high expectations for SEN pupils?",
    ),
    (
        "Q6",
        "Has each source of evidence been reviewed within the cycle?",
    ),
];

/// The text of a numbered question (`H2`).
pub fn question(id: &str) -> Option<&'static str> {
    QUESTIONS.iter().find(|(q, _)| *q == id).map(|(_, t)| *t)
}

/// The key question a numbered question belongs to: `FG3` → `FG`, `H2` → `H`.
pub fn key_of(id: &str) -> &str {
    id.trim_end_matches(|c: char| c.is_ascii_digit())
}

pub fn key_question(key: &str) -> Option<&'static KeyQuestion> {
    KEY_QUESTIONS.iter().find(|k| k.id == key)
}
