//! Edge cases: every one must give a defined result, never NaN.
use super::*;
