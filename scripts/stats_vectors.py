#!/usr/bin/env python3
"""Make tests/vectors/stats.json: reference values for sencheck's statistics module.

Every expected value comes from scipy or statsmodels, the tools a statistician
would reach for. The script also recomputes each one independently (exact
rational arithmetic, or mpmath at 50 digits or more) and refuses to write the
file if a test result from scipy/statsmodels and the independent value disagree
by more than 1e-11 relative, so a vector never enshrines a library bug. For the
distribution grids and Wilson bounds a disagreeing library value is replaced by
the independent one and listed under meta.library_values_replaced_by_mpmath
(scipy 1.17.1: the Cauchy cdf near 0 and gammaln near 1 and 2 are off by up to
3e-9; statsmodels leaves ~1e-17 of rounding on Wilson bounds that are exactly 0).

Made with (see scripts/requirements-stats.txt):
    Python 3.11.7, numpy 2.4.6, scipy 1.17.1, statsmodels 0.15.0, mpmath 1.3.0

Run from the repository root:
    pip install -r scripts/requirements-stats.txt
    python3 scripts/stats_vectors.py
CI does not run this; it only runs `cargo test`, which reads the JSON.
"""

from __future__ import annotations

import json
import math
import platform
import sys
from fractions import Fraction
from math import comb
from pathlib import Path

import mpmath as mp
import numpy as np
import scipy
import scipy.special as sc
import scipy.stats as st
import statsmodels
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

mp.mp.dps = 50

OUT = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "stats.json"
CROSS_TOL = 1e-11  # scipy/statsmodels against the independent recomputation
TINY = 1e-300  # below this the references themselves are at the limit of doubles
TIE = Fraction(10_000_001, 10_000_000)  # 1 + 1e-7: ties in two-sided exact tests

ALTS = ["two-sided", "less", "greater"]
SM_ALT = {"two-sided": "two-sided", "less": "smaller", "greater": "larger"}
CONFS = [0.90, 0.95, 0.99]

worst_cross = {"rel": 0.0, "where": ""}


def cross(name: str, lib: float, indep, tol: float = CROSS_TOL) -> None:
    """Fail unless the library value and the independent value agree."""
    indep = float(indep)
    if abs(lib) < TINY and abs(indep) < TINY:
        return
    rel = abs(lib - indep) / max(abs(indep), TINY)
    if rel > worst_cross["rel"]:
        worst_cross.update(rel=rel, where=name)
    if rel > tol:
        sys.exit(f"cross-check failed for {name}: library {lib!r} vs independent {indep!r} (rel {rel:.3e})")


overrides: list[dict] = []


def pick(name: str, lib: float, indep, tol: float = CROSS_TOL) -> tuple[float, dict]:
    """For the distribution grids: the library value, unless it disagrees with the
    50-digit value, in which case the 50-digit value (rounded to a double) is used
    and the case says so. Returns (expected, extra fields for the case)."""
    indep_f = float(indep)
    if abs(lib) < TINY and abs(indep_f) < TINY:
        return lib, {}
    rel = abs(lib - indep_f) / max(abs(indep_f), TINY)
    if rel <= tol:
        if rel > worst_cross["rel"]:
            worst_cross.update(rel=rel, where=name)
        return lib, {}
    if not any(o["case"] == name for o in overrides):
        overrides.append({"case": name, "library": lib, "mpmath": indep_f, "relative_error": rel})
    return indep_f, {"reference": "mpmath", "library_value": lib}


def f(x) -> float:
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"non-finite reference value {x}")
    return x


# ---------------------------------------------------------------------------
# Distribution functions on grids
# ---------------------------------------------------------------------------


def mp_ncdf(x: float):
    return mp.ncdf(mp.mpf(x))


def normal_vectors():
    xs = sorted(
        set(
            [0.0, 1e-300, -1e-20, 1e-8, 0.1, -0.5, 0.6744897501960817, 0.7, -1.0, 1.959963984540054]
            + [round(v, 6) for v in np.linspace(-38.4, 8.5, 95)]
            + [-10.0, -11.4, -12.0, -20.0, -26.5, -37.5, 5.65, 5.66, 8.0, 8.2]
        )
    )
    cdf, sf = [], []
    for x in xs:
        c, c_note = pick(f"normal_cdf({x})", f(sc.ndtr(x)), mp_ncdf(x))
        s, s_note = pick(f"normal_sf({x})", f(st.norm.sf(x)), mp_ncdf(-x))
        cdf.append({"x": x, "expected": c, **c_note})
        sf.append({"x": x, "expected": s, **s_note})
    ps = sorted(
        set(
            [1e-300, 1e-200, 1e-100, 1e-50, 1e-30, 1e-20, 1e-12, 1e-11, 1e-10, 1e-6, 1e-3]
            + [0.005, 0.01, 0.025, 0.05, 0.07, 0.075, 0.1, 0.2, 0.3, 0.4, 0.45, 0.49, 0.5]
            + [0.5000001, 0.51, 0.6, 0.75, 0.9, 0.925, 0.95, 0.975, 0.99, 0.999, 1 - 1e-10, 1 - 1e-15]
        )
    )
    quant = []
    for p in ps:
        q = f(sc.ndtri(p))
        if p == 0.5:
            exact = 0
        elif p < 0.5:
            exact = mp.findroot(lambda z: mp.log(mp.ncdf(z)) - mp.log(p), mp.mpf(q))
        else:
            exact = mp.findroot(lambda z: mp.log(mp.ncdf(-z)) - mp.log(1 - mp.mpf(p)), mp.mpf(q))
        q, note = pick(f"normal_quantile({p})", q, exact)
        quant.append({"p": p, "expected": q, **note})
    return cdf, sf, quant


def ln_gamma_vectors():
    xs = sorted(
        set(
            [1e-300, 1e-10, 1e-3, 0.1, 0.25, 0.5, 0.75, 0.999, 0.9999999, 1.0000001, 1.001, 1.2]
            + [1.4616321449683622, 1.5, 1.9, 1.999999, 2.000001, 2.1, 2.5, 2.5000001, 3.0, 3.7]
            + [5.5, 9.99, 10.0, 10.01, 15.0, 33.3, 100.0, 1234.5, 5001.0, 1e5, 1e6, 1e10, 1e100, 1e300]
        )
    )
    out = []
    for x in xs:
        v, note = pick(f"ln_gamma({x})", f(sc.gammaln(x)), mp.loggamma(mp.mpf(x)))
        out.append({"x": x, "expected": v, **note})
    return out


def inc_beta_vectors():
    shapes = [0.05, 0.5, 1.0, 2.5, 10.0, 37.3, 100.0, 2500.0]
    xs = [1e-12, 1e-5, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.99999]
    out = []
    for a in shapes:
        for b in shapes:
            for x in xs:
                exact = mp_ibeta_pair(a, b, mp.mpf(x), 1 - mp.mpf(x))[0]
                v, note = pick(f"inc_beta({a},{b},{x})", f(sc.betainc(a, b, x)), exact)
                out.append({"a": a, "b": b, "x": x, "expected": v, **note})
    return out


def mp_t_sf(t: float, df: float):
    """P(T > t) at 50 digits, through the incomplete beta function."""
    t, df = mp.mpf(t), mp.mpf(df)
    tail = mp_t_tail(abs(t), df)
    return tail if t >= 0 else 1 - tail


def mp_ibeta(a, b, x, y):
    """Regularized I_x(a, b), y = 1 - x, by the all-positive series
    x^a y^b / (a B(a, b)) * 2F1(a + b, 1; a + 1; x); no cancellation, so 50
    digits stay 50 digits. Converges quickly for x below the mean a / (a + b)."""
    a, b, x, y = mp.mpf(a), mp.mpf(b), mp.mpf(x), mp.mpf(y)
    log_pref = a * mp.log(x) + b * mp.log(y) - mp.log(a) - (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b))
    total, term, k = mp.mpf(1), mp.mpf(1), 0
    while True:
        term *= (a + b + k) / (a + 1 + k) * x
        total += term
        k += 1
        if term < total * mp.eps:
            return mp.exp(log_pref) * total


def mp_ibeta_pair(a, b, x, y):
    """(I_x(a, b), I_y(b, a)), each series run on the side where it converges."""
    a, b = mp.mpf(a), mp.mpf(b)
    if x <= (a + 1) / (a + b + 2):
        v = mp_ibeta(a, b, x, y)
        return v, 1 - v
    v = mp_ibeta(b, a, y, x)
    return 1 - v, v


def mp_t_tail(t, df):
    """P(T > |t|) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2), to 50 digits.

    Where the direct series would need more than 20,000 terms (x very close to
    1, i.e. huge df), use 1 - I_y(1/2, df/2) instead, whose series is short, at
    a working precision raised by the number of digits the subtraction cancels.
    """
    t, df = abs(mp.mpf(t)), mp.mpf(df)
    if t == 0:
        return mp.mpf(1) / 2
    x = df / (df + t * t)
    y = t * t / (df + t * t)
    half = mp.mpf(1) / 2
    if 127 / y < 20_000:
        return mp_ibeta(df / 2, half, x, y) / 2
    # Magnitude of the answer, from the normal approximation of the tail.
    digits = int(min(t * t / 2, (df + 1) / 2 * mp.log1p(t * t / df)) / mp.log(10)) + 5
    with mp.workdps(60 + digits):
        x = df / (df + t * t)
        y = t * t / (df + t * t)
        value = (1 - mp_ibeta(half, df / 2, y, x)) / 2
    return +value


def mp_t_quantile(p: float, df: float, start: float):
    """Newton's method at 50 digits from the library's answer, on the smaller
    tail, so that even p = 1e-30 converges."""
    dfm = mp.mpf(df)
    lc = mp.loggamma((dfm + 1) / 2) - mp.loggamma(dfm / 2) - mp.log(dfm * mp.pi) / 2
    small = mp.mpf(p) if p < 0.5 else 1 - mp.mpf(p)
    sign = -1 if p < 0.5 else 1
    u = abs(mp.mpf(start))  # solve P(T > u) = small for u > 0
    for _ in range(60):
        pdf = mp.exp(lc - (dfm + 1) / 2 * mp.log1p(u * u / dfm))
        step = (mp_t_sf(u, df) - small) / pdf
        u += step
        if abs(step) < abs(u) * mp.mpf(10) ** -40:
            return sign * u
    raise RuntimeError(f"t quantile did not converge for p={p}, df={df}")


DFS = [0.5, 1.0, 1.5, 2.0, 2.7, 5.0, 12.34, 30.0, 100.5, 1000.0, 9876.5, 1e6]


def t_vectors():
    ts = [-1e6, -300.0, -40.0, -12.5, -4.0, -2.0, -1.0, -0.3, -1e-5, 0.0, 1e-8, 0.2, 0.9, 1.96, 3.3, 7.0, 25.0, 1e4]
    cdf, sf = [], []
    for df in DFS:
        for t in ts:
            c, c_note = pick(f"t_cdf({t},{df})", f(sc.stdtr(df, t)), mp_t_sf(-t, df))
            s, s_note = pick(f"t_sf({t},{df})", f(st.t.sf(t, df)), mp_t_sf(t, df))
            cdf.append({"t": t, "df": df, "expected": c, **c_note})
            sf.append({"t": t, "df": df, "expected": s, **s_note})
    ps = [1e-30, 1e-10, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.4, 0.49, 0.5, 0.6, 0.9, 0.95, 0.975, 0.999, 1 - 1e-10]
    quant = []
    for df in DFS:
        for p in ps:
            q = f(sc.stdtrit(df, p))
            if abs(q) > 1e300:
                continue
            if p != 0.5:
                exact = mp_t_quantile(p, df, q)
                q, note = pick(f"t_quantile({p},{df})", q, exact)
            else:
                note = {}
            quant.append({"p": p, "df": df, "expected": q, **note})
    return cdf, sf, quant


def mp_binom_pmf(k: int, n: int, p: float):
    p = mp.mpf(p)
    return mp.binomial(n, k) * p**k * (1 - p) ** (n - k)


def binomial_vectors():
    cases = [(1, 0.5), (10, 0.3), (20, 0.05), (37, 0.9), (100, 0.5), (1000, 0.01), (2500, 0.93), (5000, 0.3), (5000, 0.001)]
    pmf, cdf, sf = [], [], []
    for n, p in cases:
        mean = n * p
        sd = math.sqrt(n * p * (1 - p))
        ks = {0, 1, n - 1, n, int(mean), int(mean) + 1}
        for z in (-12, -6, -3, -1.5, 1.5, 3, 6, 12):
            k = int(round(mean + z * sd))
            if 0 <= k <= n:
                ks.add(k)
        exact = [mp_binom_pmf(i, n, p) for i in range(n + 1)] if n <= 1000 else None
        for k in sorted(k for k in ks if 0 <= k <= n):
            v = f(st.binom.pmf(k, n, p))
            cross(f"binom_pmf({k},{n},{p})", v, mp_binom_pmf(k, n, p))
            pmf.append({"k": k, "n": n, "p": p, "expected": v})
            c = f(st.binom.cdf(k, n, p))
            s = f(st.binom.sf(k, n, p))
            if exact is not None:
                cross(f"binom_cdf({k},{n},{p})", c, mp.fsum(exact[: k + 1]))
                cross(f"binom_sf({k},{n},{p})", s, mp.fsum(exact[k + 1 :]))
            else:
                ib = mp_ibeta_pair(k + 1, n - k, mp.mpf(p), 1 - mp.mpf(p))[0] if k < n else mp.mpf(0)
                cross(f"binom_sf({k},{n},{p})", s, ib)
                cross(f"binom_cdf({k},{n},{p})", c, 1 - ib)
            cdf.append({"k": k, "n": n, "p": p, "expected": c})
            sf.append({"k": k, "n": n, "p": p, "expected": s})
    return pmf, cdf, sf


def exact_hyper_weights(M: int, n: int, N: int):
    lo, hi = max(0, N - (M - n)), min(n, N)
    return lo, hi, {x: comb(n, x) * comb(M - n, N - x) for x in range(lo, hi + 1)}, comb(M, N)


def hypergeom_vectors():
    # (population M, successes n, draws N) in scipy's naming.
    cases = [(10, 4, 5), (20, 7, 12), (100, 30, 40), (500, 20, 250), (1200, 150, 90), (6000, 1200, 2500), (9000, 300, 4000)]
    pmf, cdf, sf = [], [], []
    for M, n, N in cases:
        lo, hi, w, total = exact_hyper_weights(M, n, N)
        mean = N * n / M
        sd = math.sqrt(N * n / M * (M - n) / M * (M - N) / max(M - 1, 1))
        ks = {lo, hi, lo + 1, hi - 1, int(mean)}
        for z in (-15, -8, -3, -1, 1, 3, 8, 15):
            ks.add(int(round(mean + z * sd)))
        for k in sorted(k for k in ks if lo <= k <= hi):
            v = f(st.hypergeom.pmf(k, M, n, N))
            cross(f"hyper_pmf({k},{M},{n},{N})", v, Fraction(w[k], total))
            c = f(st.hypergeom.cdf(k, M, n, N))
            s = f(st.hypergeom.sf(k, M, n, N))
            cross(f"hyper_cdf({k},{M},{n},{N})", c, Fraction(sum(w[x] for x in range(lo, k + 1)), total))
            cross(f"hyper_sf({k},{M},{n},{N})", s, Fraction(sum(w[x] for x in range(k + 1, hi + 1)), total))
            row = {"k": k, "population": M, "successes": n, "draws": N}
            pmf.append({**row, "expected": v})
            cdf.append({**row, "expected": c})
            sf.append({**row, "expected": s})
    return pmf, cdf, sf


# ---------------------------------------------------------------------------
# Proportion tests
# ---------------------------------------------------------------------------


def mp_wilson(k: int, n: int, conf: float):
    """The Wilson bounds at 50 digits. At k = 0 the lower bound is exactly 0 and
    at k = n the upper bound exactly 1 (centre and half-width are then equal)."""
    z = mp.sqrt(2) * mp.erfinv(mp_frac(Fraction(repr(conf))))
    q, z2 = mp_frac(Fraction(k, n)), z * z
    denom = 1 + z2 / n
    centre = (q + z2 / (2 * n)) / denom
    dist = z * mp.sqrt(q * (1 - q) / n + z2 / (4 * n * n)) / denom
    low = mp.mpf(0) if k == 0 else centre - dist
    high = mp.mpf(1) if k == n else centre + dist
    return low, high


def wilson(k: int, n: int, conf: float):
    """statsmodels' Wilson interval. Where statsmodels leaves rounding dust
    (about 1e-17) on a bound that is exactly 0 or 1, the exact bound is used."""
    lo, hi = proportion_confint(k, n, alpha=1 - conf, method="wilson")
    exact_lo, exact_hi = mp_wilson(k, n, conf)
    lo, _ = pick(f"wilson_low({k},{n},{conf})", f(lo), exact_lo)
    hi, _ = pick(f"wilson_high({k},{n},{conf})", f(hi), exact_hi)
    return lo, hi


def newcombe(x1, n1, x2, n2, conf):
    lo, hi = confint_proportions_2indep(x1, n1, x2, n2, compare="diff", method="newcomb", alpha=1 - conf)
    return f(lo), f(hi)


def exact_fisher_p(a: int, b: int, c: int, d: int, alt: str):
    """Fisher's p-value in exact rational arithmetic, ties within 1 + 1e-7."""
    M, n, N = a + b + c + d, a + b, a + c
    lo, hi, w, total = exact_hyper_weights(M, n, N)
    if alt == "less":
        return Fraction(sum(w[x] for x in range(lo, a + 1)), total)
    if alt == "greater":
        return Fraction(sum(w[x] for x in range(a, hi + 1)), total)
    thr = w[a] * TIE
    return min(Fraction(sum(v for v in w.values() if v <= thr), total), Fraction(1))


def two_prop_z_row(x1, n1, x2, n2, alt, conf):
    z, p = proportions_ztest([x1, x2], [n1, n2], alternative=SM_ALT[alt])
    lo, hi = newcombe(x1, n1, x2, n2, conf)
    row = {"x1": x1, "n1": n1, "x2": x2, "n2": n2, "alternative": alt, "confidence": conf}
    if math.isnan(z):
        # Both groups all-yes or all-no: statsmodels divides 0 by 0. Defined here
        # as p = 1 with no statistic (the proportions are identical).
        assert x1 * n2 == x2 * n1
        row.update(statistic=None, p_value=1.0, defined_not_reference=True)
    else:
        pooled = Fraction(x1 + x2, n1 + n2)
        zx = mp_frac(Fraction(x1, n1) - Fraction(x2, n2)) / mp_sqrt(pooled * (1 - pooled) * (Fraction(1, n1) + Fraction(1, n2)))
        cross(f"two_prop_z z {row}", f(z), zx)
        pz = {"two-sided": 2 * mp.ncdf(-abs(zx)), "less": mp.ncdf(zx), "greater": mp.ncdf(-zx)}[alt]
        cross(f"two_prop_z p {row}", f(p), pz)
        row.update(statistic=f(z), p_value=f(p))
    row.update(estimate=f(x1 / n1 - x2 / n2), ci_low=lo, ci_high=hi)
    return row


def fisher_row(a, b, c, d, alt, conf):
    res = st.fisher_exact([[a, b], [c, d]], alternative=alt)
    p = f(res.pvalue)
    cross(f"fisher {a,b,c,d,alt}", p, exact_fisher_p(a, b, c, d, alt))
    odds = float(res.statistic)
    lo, hi = newcombe(a, a + b, c, c + d, conf)
    return {
        "a": a, "b": b, "c": c, "d": d, "alternative": alt, "confidence": conf,
        "statistic": odds if (b > 0 and c > 0) else None,
        "p_value": p, "estimate": f(a / (a + b) - c / (c + d)), "ci_low": lo, "ci_high": hi,
    }


def exact_binom_two_sided(k, n, p0):
    pm = [mp_binom_pmf(i, n, p0) for i in range(n + 1)]
    d = pm[k] * mp.mpf(1 + 1e-7)
    return min(mp.fsum(v for v in pm if v <= d), 1)


def binomial_test_row(k, n, p0, alt, conf):
    p = f(st.binomtest(k, n, p0, alternative=alt).pvalue)
    if n <= 2000:
        if alt == "less":
            indep = mp.fsum(mp_binom_pmf(i, n, p0) for i in range(k + 1))
        elif alt == "greater":
            indep = mp.fsum(mp_binom_pmf(i, n, p0) for i in range(k, n + 1))
        elif k == p0 * n:
            indep = 1
        else:
            indep = exact_binom_two_sided(k, n, p0)
        cross(f"binomtest {k,n,p0,alt}", p, indep)
    lo, hi = wilson(k, n, conf)
    return {"k": k, "n": n, "p0": p0, "alternative": alt, "confidence": conf, "statistic": None,
            "p_value": p, "estimate": f(k / n), "ci_low": lo, "ci_high": hi}


def one_prop_z_row(k, n, p0, alt, conf):
    z, p = proportions_ztest(k, n, value=p0, alternative=SM_ALT[alt], prop_var=p0)
    # p0 as the decimal it was written as (0.1 means one tenth), as a reader means it.
    p0x = mp_frac(Fraction(repr(p0)))
    zx = (mp_frac(Fraction(k, n)) - p0x) / mp.sqrt(p0x * (1 - p0x) / n)
    cross(f"one_prop_z z {k,n,p0}", f(z), zx)
    pz = {"two-sided": 2 * mp.ncdf(-abs(zx)), "less": mp.ncdf(zx), "greater": mp.ncdf(-zx)}[alt]
    cross(f"one_prop_z p {k,n,p0,alt}", f(p), pz)
    lo, hi = wilson(k, n, conf)
    return {"k": k, "n": n, "p0": p0, "alternative": alt, "confidence": conf, "statistic": f(z),
            "p_value": f(p), "estimate": f(k / n), "ci_low": lo, "ci_high": hi}


def z_is_valid(x1, n1, x2, n2) -> bool:
    """Every expected count n_i * col_j / N at least 5 (integer arithmetic)."""
    total, yes = n1 + n2, x1 + x2
    return all(n * col >= 5 * total for n in (n1, n2) for col in (yes, total - yes))


def compare_row(x1, n1, x2, n2, alt, conf):
    if z_is_valid(x1, n1, x2, n2):
        row = two_prop_z_row(x1, n1, x2, n2, alt, conf)
        row["test"] = "TwoProportionZ"
    else:
        r = fisher_row(x1, n1 - x1, x2, n2 - x2, alt, conf)
        row = {"x1": x1, "n1": n1, "x2": x2, "n2": n2, "alternative": alt, "confidence": conf,
               **{k: r[k] for k in ("statistic", "p_value", "estimate", "ci_low", "ci_high")}}
        row["test"] = "FisherExact"
    return row


def vs_value_row(k, n, p0, alt, conf):
    if n * p0 < 5 or n * (1 - p0) < 5:
        row = binomial_test_row(k, n, p0, alt, conf)
        row["test"] = "BinomialExact"
    else:
        row = one_prop_z_row(k, n, p0, alt, conf)
        row["test"] = "OneProportionZ"
    return row


TWO_GROUP_CASES = [
    # (x1, n1, x2, n2): SEN group first, everyone else second.
    (12, 40, 30, 160), (3, 8, 40, 200), (0, 12, 25, 300), (12, 12, 280, 300), (5, 25, 5, 25),
    (50, 200, 50, 200), (7, 21, 14, 42), (45, 150, 410, 1100), (1, 3, 0, 2), (0, 7, 0, 50),
    (9, 9, 60, 60), (30, 31, 2, 40), (150, 300, 1800, 4700), (400, 600, 1500, 4400),
    (900, 1000, 100, 1000), (2, 2000, 150, 3000), (6, 30, 5, 45), (10, 50, 12, 60), (1, 6, 2, 6),
]

FISHER_TABLES = [
    # (a, b, c, d): rows are groups, first column has the outcome.
    (3, 5, 40, 160), (1, 9, 11, 3), (0, 7, 12, 280), (7, 0, 120, 180), (5, 5, 5, 5), (0, 5, 0, 10),
    (2, 2, 3, 3), (8, 2, 1, 5), (20, 180, 80, 120), (10, 0, 0, 10), (0, 25, 25, 0), (1, 1, 1, 1),
    (40, 960, 160, 3840), (300, 200, 1500, 3000), (1, 2999, 40, 1960), (60, 40, 2, 98),
    (600, 400, 200, 800), (3, 1, 1, 3),
]

ONE_GROUP_CASES = [
    # (k, n, p0): a group against a national rate.
    (3, 10, 0.12), (0, 15, 0.2), (15, 15, 0.9), (8, 40, 0.11), (2, 6, 0.5), (45, 300, 0.12),
    (1, 500, 0.01), (30, 500, 0.01), (7, 1000, 0.02), (2400, 5000, 0.5), (4700, 5000, 0.93),
    (0, 4000, 0.002), (25, 60, 0.3), (5, 50, 0.1), (1, 1, 0.3), (520, 1000, 0.5),
]


def proportion_sections():
    tz, fe, bt, oz, cp, pv, wi = [], [], [], [], [], [], []
    for i, (x1, n1, x2, n2) in enumerate(TWO_GROUP_CASES):
        for alt in ALTS:
            conf = CONFS[(i + ALTS.index(alt)) % 3]
            tz.append(two_prop_z_row(x1, n1, x2, n2, alt, conf))
            cp.append(compare_row(x1, n1, x2, n2, alt, conf))
    for i, (a, b, c, d) in enumerate(FISHER_TABLES):
        for alt in ALTS:
            if (a + b) == 0 or (c + d) == 0:
                continue
            fe.append(fisher_row(a, b, c, d, alt, CONFS[(i + ALTS.index(alt)) % 3]))
    for i, (k, n, p0) in enumerate(ONE_GROUP_CASES):
        for alt in ALTS:
            conf = CONFS[(i + ALTS.index(alt)) % 3]
            bt.append(binomial_test_row(k, n, p0, alt, conf))
            oz.append(one_prop_z_row(k, n, p0, alt, conf))
            pv.append(vs_value_row(k, n, p0, alt, conf))
    for k, n in [(0, 1), (1, 1), (0, 6), (3, 6), (6, 6), (1, 12), (17, 40), (0, 300), (150, 300), (299, 300), (1, 5000), (2500, 5000), (4999, 5000)]:
        for conf in CONFS:
            lo, hi = wilson(k, n, conf)
            wi.append({"k": k, "n": n, "confidence": conf, "low": lo, "high": hi})
    return tz, fe, bt, oz, cp, pv, wi


def representation_rows():
    rows = []
    cases = [
        # (x_in_group, n_group, x_in_school, n_school): e.g. SEN persistent absentees.
        (30, 150, 120, 1000), (12, 60, 100, 1000), (2, 8, 30, 900), (0, 40, 50, 1000),
        (45, 180, 210, 1200), (5, 20, 5, 400), (100, 200, 150, 1500), (9, 70, 80, 600),
    ]
    for i, (xg, ng, xs, ns) in enumerate(cases):
        for alt in ALTS:
            conf = CONFS[(i + ALTS.index(alt)) % 3]
            test = compare_row(xg, ng, xs - xg, ns - ng, alt, conf)
            test = {k: test[k] for k in ("test", "statistic", "p_value", "estimate", "ci_low", "ci_high")}
            rows.append({"x_in_group": xg, "n_group": ng, "x_in_school": xs, "n_school": ns,
                         "alternative": alt, "confidence": conf,
                         "index": f((xg / ng) / (xs / ns)), **test})
    return rows


# ---------------------------------------------------------------------------
# Means
# ---------------------------------------------------------------------------


def exact_mean_var(xs):
    fr = [Fraction(x) for x in xs]
    m = sum(fr) / len(fr)
    v = sum((x - m) ** 2 for x in fr) / (len(fr) - 1)
    return m, v


def mp_sqrt(fr: Fraction):
    return mp.sqrt(mp.mpf(fr.numerator) / fr.denominator)


def mp_frac(fr: Fraction):
    return mp.mpf(fr.numerator) / fr.denominator


def mp_t_pvalue(t, df, alt):
    """p-value at 50 digits for an mpf t and df."""
    tail = mp_t_tail(abs(t), df)  # P(T > |t|)
    if alt == "two-sided":
        return 2 * tail
    if alt == "less":
        return tail if t <= 0 else 1 - tail
    return tail if t >= 0 else 1 - tail


def datasets():
    rng = np.random.default_rng(20240917)

    def att(n, mean, spread):  # attendance rates rounded to 4 places, within [0, 1]
        return [round(float(v), 4) for v in np.clip(rng.normal(mean, spread, n), 0, 1)]

    def score(n, mean, sd, places=2):
        return [round(float(v), places) for v in rng.normal(mean, sd, n)]

    pairs = [
        ("attendance small", att(8, 0.89, 0.06), att(40, 0.94, 0.03)),
        ("attendance medium", att(60, 0.91, 0.05), att(240, 0.945, 0.03)),
        ("attendance large", att(900, 0.925, 0.04), att(4100, 0.95, 0.025)),
        ("two each", [0.8, 0.9], [0.95, 0.97]),
        ("one group constant", [0.9, 0.9, 0.9, 0.9, 0.9], att(30, 0.94, 0.02)),
        ("equal groups", att(25, 0.93, 0.04), None),
        ("progress scores", score(35, -0.4, 1.1), score(160, 0.1, 0.9)),
        ("unequal spread", score(12, 50.0, 25.0, 1), score(400, 52.0, 4.0, 1)),
        ("far apart p ~ 1e-30", att(80, 0.82, 0.03), att(300, 0.95, 0.02)),
        ("far apart p < 1e-300", att(1500, 0.80, 0.02), att(3500, 0.95, 0.02)),
        ("large values", score(40, 1.0e6, 2.0e3), score(50, 1.001e6, 2.5e3)),
        ("nearly equal", score(300, 10.0, 1.0, 3), score(300, 10.0, 1.0, 3)),
    ]
    out = []
    for name, a, b in pairs:
        if b is None:
            b = list(a)
        out.append((name, a, b))
    return out


def welch_rows():
    rows = []
    for i, (name, a, b) in enumerate(datasets()):
        for alt in ALTS:
            conf = CONFS[(i + ALTS.index(alt)) % 3]
            res = st.ttest_ind(a, b, equal_var=False, alternative=alt)
            ci = st.ttest_ind(a, b, equal_var=False).confidence_interval(conf)
            (m1, v1), (m2, v2) = exact_mean_var(a), exact_mean_var(b)
            se2 = v1 / len(a) + v2 / len(b)
            df = se2**2 / ((v1 / len(a)) ** 2 / (len(a) - 1) + (v2 / len(b)) ** 2 / (len(b) - 1))
            t = mp_frac(m1 - m2) / mp_sqrt(se2)
            dfm = mp.mpf(df.numerator) / df.denominator
            cross(f"welch t {name}", f(res.statistic), t)
            cross(f"welch df {name}", f(res.df), dfm)
            cross(f"welch p {name} {alt}", f(res.pvalue), mp_t_pvalue(t, dfm, alt))
            rows.append({"name": name, "a": a, "b": b, "alternative": alt, "confidence": conf,
                         "statistic": f(res.statistic), "df": f(res.df), "p_value": float(res.pvalue),
                         "estimate": f(np.mean(a) - np.mean(b)), "ci_low": f(ci.low), "ci_high": f(ci.high)})
    return rows


def one_sample_rows():
    rows, intervals = [], []
    refs = [0.95, 0.93, 0.0, 0.94, 0.9, 0.5, 1.0, -0.2, 55.0, 1.0e6, 0.85, 10.0]
    for i, (name, a, _) in enumerate(datasets()):
        mu = refs[i]
        for alt in ALTS:
            conf = CONFS[(i + ALTS.index(alt)) % 3]
            res = st.ttest_1samp(a, mu, alternative=alt)
            m, v = exact_mean_var(a)
            if v == 0:
                continue
            t = (mp_frac(m) - mp.mpf(mu)) / mp_sqrt(v / len(a))
            cross(f"t1 t {name}", f(res.statistic), t)
            cross(f"t1 p {name} {alt}", f(res.pvalue), mp_t_pvalue(t, mp.mpf(len(a) - 1), alt))
            ci = st.ttest_1samp(a, mu).confidence_interval(conf)
            rows.append({"name": name, "a": a, "mu": mu, "alternative": alt, "confidence": conf,
                         "statistic": f(res.statistic), "df": f(res.df), "p_value": float(res.pvalue),
                         "estimate": f(np.mean(a)), "ci_low": f(ci.low), "ci_high": f(ci.high)})
        if exact_mean_var(a)[1] == 0:
            continue
        for conf in CONFS:
            ci = st.ttest_1samp(a, 0.0).confidence_interval(conf)
            intervals.append({"name": name, "a": a, "confidence": conf, "low": f(ci.low), "high": f(ci.high)})
    return rows, intervals


def summary_rows():
    rows = []
    samples = [[1.0], [2.0, 4.0], [3.0, 1.0, 2.0], [0.9, 0.95, 0.91, 0.97], [5.5, -1.25, 3.0, 3.0, 8.75, 0.0]]
    samples += [a for _, a, _ in datasets()[:4]]
    for xs in samples:
        row = {"data": xs, "mean": f(np.mean(xs)), "median": f(np.median(xs))}
        cross("mean", row["mean"], Fraction(sum(Fraction(x) for x in xs), len(xs)))
        row["variance"] = f(np.var(xs, ddof=1)) if len(xs) > 1 else None
        if len(xs) > 1:
            cross("variance", row["variance"], exact_mean_var(xs)[1])
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------
# Edge cases: our defined results where the libraries give NaN or raise
# ---------------------------------------------------------------------------


def edge_cases():
    def scipy_says(fn):
        try:
            return repr(fn())
        except Exception as e:  # noqa: BLE001 - any library complaint is recorded
            return f"{type(e).__name__}: {e}"

    return [
        {"function": "compare_proportions", "inputs": [0, 0, 5, 20], "expect": {"not_testable": "EmptyGroup"},
         "library": scipy_says(lambda: proportions_ztest([0, 5], [0, 20]))},
        {"function": "compare_proportions", "inputs": [6, 5, 5, 20], "expect": {"not_testable": "InvalidInput"},
         "library": "count above group size: statsmodels computes a proportion above 1"},
        {"function": "two_proportion_z", "inputs": [0, 10, 0, 20], "expect": {"p_value": 1.0, "statistic": None},
         "library": scipy_says(lambda: proportions_ztest([0, 0], [10, 20]))},
        {"function": "two_proportion_z", "inputs": [10, 10, 20, 20], "expect": {"p_value": 1.0, "statistic": None},
         "library": scipy_says(lambda: proportions_ztest([10, 20], [10, 20]))},
        {"function": "fisher_exact", "inputs": [0, 0, 3, 4], "expect": {"not_testable": "EmptyGroup"},
         "library": scipy_says(lambda: st.fisher_exact([[0, 0], [3, 4]]))},
        {"function": "fisher_exact", "inputs": [0, 4, 0, 9], "expect": {"p_value": 1.0, "statistic": None},
         "library": scipy_says(lambda: st.fisher_exact([[0, 4], [0, 9]]))},
        {"function": "binomial_test", "inputs": [0, 0, 0.3], "expect": {"not_testable": "EmptyGroup"},
         "library": scipy_says(lambda: st.binomtest(0, 0, 0.3))},
        {"function": "binomial_test", "inputs": [2, 5, 0.0], "expect": {"not_testable": "InvalidInput"},
         "library": "p0 = 0 or 1 leaves nothing to test; sencheck requires 0 < p0 < 1"},
        {"function": "welch_t", "inputs": [[0.9], [0.8, 0.95, 0.9]], "expect": {"not_testable": "TooFewValues"},
         "library": scipy_says(lambda: st.ttest_ind([0.9], [0.8, 0.95, 0.9], equal_var=False))},
        {"function": "welch_t", "inputs": [[], [0.8, 0.95]], "expect": {"not_testable": "EmptyGroup"},
         "library": scipy_says(lambda: st.ttest_ind([], [0.8, 0.95], equal_var=False))},
        {"function": "welch_t", "inputs": [[0.9, 0.9, 0.9], [0.9, 0.9]], "expect": {"p_value": 1.0, "statistic": None, "estimate": 0.0},
         "library": scipy_says(lambda: st.ttest_ind([0.9, 0.9, 0.9], [0.9, 0.9], equal_var=False))},
        {"function": "welch_t", "inputs": [[0.8, 0.8, 0.8], [0.9, 0.9]], "expect": {"not_testable": "NoVariation"},
         "library": scipy_says(lambda: st.ttest_ind([0.8, 0.8, 0.8], [0.9, 0.9], equal_var=False))},
        {"function": "one_sample_t", "inputs": [[0.7], 0.9], "expect": {"not_testable": "TooFewValues"},
         "library": scipy_says(lambda: st.ttest_1samp([0.7], 0.9))},
        {"function": "one_sample_t", "inputs": [[0.9, 0.9, 0.9], 0.9], "expect": {"p_value": 1.0, "statistic": None, "estimate": 0.9},
         "library": scipy_says(lambda: st.ttest_1samp([0.9, 0.9, 0.9], 0.9))},
        {"function": "one_sample_t", "inputs": [[0.9, 0.9, 0.9], 0.95], "expect": {"not_testable": "NoVariation"},
         "library": scipy_says(lambda: st.ttest_1samp([0.9, 0.9, 0.9], 0.95))},
        {"function": "representation", "inputs": [10, 100, 10, 100], "expect": {"not_testable": "NoComparisonGroup"},
         "library": "the group is the whole school"},
        {"function": "representation", "inputs": [0, 30, 0, 900], "expect": {"index": None, "p_value": 1.0},
         "library": "nobody in the school has the outcome: index 0/0"},
    ]


def main() -> None:
    ncdf, nsf, nq = normal_vectors()
    tcdf, tsf, tq = t_vectors()
    bpmf, bcdf, bsf = binomial_vectors()
    hpmf, hcdf, hsf = hypergeom_vectors()
    tz, fe, bt, oz, cp, pv, wi = proportion_sections()
    t1, ti = one_sample_rows()
    data = {
        "meta": {
            "generated_by": "scripts/stats_vectors.py",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "mpmath": mp.__version__,
            "relative_tolerance": 1e-9,
            "absolute_floor": TINY,
            "worst_cross_check": worst_cross,
            "library_values_replaced_by_mpmath": overrides,
        },
        "normal_cdf": ncdf, "normal_sf": nsf, "normal_quantile": nq,
        "ln_gamma": ln_gamma_vectors(), "inc_beta": inc_beta_vectors(),
        "t_cdf": tcdf, "t_sf": tsf, "t_quantile": tq,
        "binomial_pmf": bpmf, "binomial_cdf": bcdf, "binomial_sf": bsf,
        "hypergeometric_pmf": hpmf, "hypergeometric_cdf": hcdf, "hypergeometric_sf": hsf,
        "two_proportion_z": tz, "fisher_exact": fe, "binomial_test": bt, "one_proportion_z": oz,
        "compare_proportions": cp, "proportion_vs_value": pv, "wilson_interval": wi,
        "representation": representation_rows(),
        "welch_t": welch_rows(), "one_sample_t": t1, "t_interval": ti,
        "summary": summary_rows(), "edge_cases": edge_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w") as fh:
        json.dump(data, fh, allow_nan=False, separators=(",", ":"))
        fh.write("\n")
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    print(f"wrote {OUT} with {sum(counts.values())} cases: {counts}")
    print(f"worst scipy/statsmodels vs independent agreement: {worst_cross['rel']:.2e} at {worst_cross['where']}")
    for o in overrides:
        print(f"library value replaced by mpmath: {o}")


if __name__ == "__main__":
    main()
