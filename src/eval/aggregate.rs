//! Aggregates over a cohort: the pupil is the unit, so each pupil contributes one value
//! (their sessions summed, their grades averaged) and missing values are left out and counted.

use super::{Evaluator, Members};
use crate::plan::{Agg, Unit};

/// A figure about a cohort.
#[derive(Debug, Clone)]
pub struct Fig {
    pub value: Option<f64>,
    pub unit: Unit,
    /// Pupils whose values counted.
    pub n: usize,
    pub missing: usize,
    pub size: usize,
    /// The per-pupil values behind the figure, kept for significance tests.
    pub sample: Sample,
    /// Not measured on pupils: a literal, a parameter, a national figure.
    pub constant: bool,
    /// Where a fixed figure comes from.
    pub source: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub enum Sample {
    #[default]
    None,
    /// `k` of `n` pupils.
    Proportion { k: usize, n: usize },
    /// One value per pupil.
    Values(Vec<f64>),
    /// A group's count among an outcome, against the school's.
    Representation {
        x_group: usize,
        n_group: usize,
        x_school: usize,
        n_school: usize,
    },
}

impl Sample {
    /// How many pupils a share or representation counts (its numerator).
    pub fn count(&self) -> Option<usize> {
        match self {
            Sample::Proportion { k, .. } => Some(*k),
            Sample::Representation { x_group, .. } => Some(*x_group),
            Sample::None | Sample::Values(_) => None,
        }
    }
}

impl Fig {
    pub fn constant(v: f64, unit: Unit) -> Fig {
        Fig {
            value: Some(v),
            unit,
            n: 0,
            missing: 0,
            size: 0,
            sample: Sample::None,
            constant: true,
            source: None,
        }
    }
    /// The counts of a figure without its value and sample (for arithmetic on figures).
    pub fn counts_only(&self) -> Fig {
        Fig {
            value: None,
            unit: self.unit,
            n: self.n,
            missing: self.missing,
            size: self.size,
            sample: Sample::None,
            constant: self.constant,
            source: None,
        }
    }
}

impl Evaluator<'_> {
    pub(super) fn aggregate(&mut self, agg: &Agg, members: &Members, unit: Unit) -> Fig {
        let size = members.len();
        let values = |ev: &Self, e| -> (Vec<f64>, usize) {
            let mut v = Vec::with_capacity(size);
            let mut missing = 0;
            for &r in members {
                match ev.pvalue(e, r as usize) {
                    Some(x) => v.push(x),
                    None => missing += 1,
                }
            }
            (v, missing)
        };
        let fig = |value: Option<f64>, n, missing, sample| Fig {
            // A sum that overflowed is no figure at all.
            value: value.filter(|v: &f64| v.is_finite()),
            unit,
            n,
            missing,
            size,
            sample,
            constant: false,
            source: None,
        };
        match agg {
            Agg::Count => fig(Some(size as f64), size, 0, Sample::None),
            Agg::Share(f) => {
                let (mut k, mut n) = (0, 0);
                for &r in members {
                    match self.filter(f, r as usize) {
                        Some(true) => {
                            k += 1;
                            n += 1;
                        }
                        Some(false) => n += 1,
                        None => {}
                    }
                }
                let value = (n > 0).then(|| k as f64 / n as f64);
                fig(value, n, size - n, Sample::Proportion { k, n })
            }
            Agg::Mean(e) | Agg::Median(e) | Agg::Min(e) | Agg::Max(e) | Agg::Sum(e) => {
                let (v, missing) = values(self, e);
                let value = if v.is_empty() {
                    if matches!(agg, Agg::Sum(_)) {
                        Some(0.0)
                    } else {
                        None
                    }
                } else {
                    Some(match agg {
                        Agg::Mean(_) => v.iter().sum::<f64>() / v.len() as f64,
                        Agg::Median(_) => median(&v),
                        Agg::Min(_) => v.iter().copied().fold(f64::INFINITY, f64::min),
                        Agg::Max(_) => v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        _ => v.iter().sum(),
                    })
                };
                let n = v.len();
                fig(value, n, missing, Sample::Values(v))
            }
            Agg::Rate(num, den) => {
                let (mut sn, mut sd, mut rates, mut missing) = (0.0, 0.0, Vec::new(), 0);
                for &r in members {
                    match self.joint(num, den, r as usize) {
                        Some((a, b)) if b > 0.0 => {
                            sn += a;
                            sd += b;
                            rates.push(a / b);
                        }
                        _ => missing += 1,
                    }
                }
                let value = (sd > 0.0).then(|| sn / sd).filter(|v: &f64| v.is_finite());
                let n = rates.len();
                fig(value, n, missing, Sample::Values(rates))
            }
        }
    }
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len().is_multiple_of(2) {
        (s[m - 1] + s[m]) / 2.0
    } else {
        s[m]
    }
}
