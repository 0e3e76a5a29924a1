#!/usr/bin/env python3
"""Reference values for galley-core's statistics module, computed with SciPy and numpy.

Writes JSON fixtures to crates/galley-core/tests/fixtures/stats/, which
crates/galley-core/tests/stats_reference.rs compares against. The Rust tests read only the
committed JSON; Python is needed only to regenerate it.

Regenerate (from the repository root; any recent SciPy works, the versions used are recorded in
every fixture):

    python3 -m venv /tmp/statsvenv
    /tmp/statsvenv/bin/pip install scipy numpy
    /tmp/statsvenv/bin/python scripts/stats_fixtures.py

Inputs are drawn from a fixed numpy seed and stored in the fixtures, so a rerun with the same
numpy gives the same files. Bootstrap intervals depend on the random stream, which differs
between SciPy and Galley; the fixtures therefore also record how much SciPy's own bounds move
across seeds, to put the Rust test's tolerance in context.
"""

import json
import platform
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/galley-core/tests/fixtures/stats"
INPUT_SEED = 20240611
BOOT_SEED = 12345
RESAMPLES = 10_000
CONFIDENCE = 0.95
SPREAD_SEEDS = 20  # SciPy reruns with other seeds, to measure Monte Carlo spread
PERCENTILES = [0, 1, 2.5, 5, 10, 25, 33.3, 50, 66.7, 75, 90, 95, 97.5, 99, 99.9, 100]


def source():
    return {
        "generator": "scripts/stats_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def floats(a):
    return [float(x) for x in a]


def make_inputs():
    rng = np.random.default_rng(INPUT_SEED)
    grades = np.array([0.0, 0.25, 0.5, 0.75, 1.0])

    def judge(n):
        return rng.choice(grades, size=n, p=[0.05, 0.1, 0.2, 0.35, 0.3])

    def regrade(a, shifts, p):
        return np.clip(a + rng.choice(shifts, size=a.size, p=p), 0.0, 1.0)

    single = {
        "small_n10": np.round(rng.beta(5, 3, size=10), 3),
        "pass_fail_n200": (rng.random(200) < 0.7).astype(float),
        "judge_scores_n300": judge(300),
        "latency_ms_n37": np.round(rng.lognormal(6.0, 0.6, size=37), 1),
    }

    a40 = judge(40)
    a120 = judge(120)
    a10 = judge(10)
    a20 = np.round(rng.normal(0.6, 0.15, size=20), 4)
    a60 = np.round(rng.normal(0.6, 0.15, size=60), 4)
    a12, b12 = judge(12), judge(12)
    while np.any(a12 == b12):  # ties among |a - b| but no zero differences
        same = a12 == b12
        b12[same] = judge(int(same.sum()))
    passes_a = (rng.random(200) < 0.72).astype(float)
    paired = {
        "ties_zeros_n40": (a40, regrade(a40, [-0.5, -0.25, 0.0, 0.25], [0.1, 0.3, 0.4, 0.2])),
        "ties_zeros_n120": (a120, regrade(a120, [-0.25, 0.0, 0.25, 0.5], [0.25, 0.45, 0.2, 0.1])),
        "ties_zeros_n10": (a10, regrade(a10, [-0.5, -0.25, 0.0, 0.25], [0.15, 0.3, 0.2, 0.35])),
        "ties_n12": (a12, b12),
        "no_ties_n20": (a20, np.round(a20 - rng.normal(0.05, 0.1, size=20), 4)),
        "no_ties_n60": (a60, np.round(a60 - rng.normal(0.03, 0.1, size=60), 4)),
        "pass_fail_n200": (passes_a, np.where(rng.random(200) < 0.15, 1 - passes_a, passes_a)),
    }
    for name in ("no_ties_n20", "no_ties_n60"):
        a, b = paired[name]
        d = np.abs(a - b)
        assert np.all(d != 0) and np.unique(d).size == d.size, f"{name} must have no ties"
    return single, paired


def scipy_bootstrap(values, method, seed):
    res = stats.bootstrap(
        (values,),
        np.mean,
        n_resamples=RESAMPLES,
        confidence_level=CONFIDENCE,
        method=method,
        rng=np.random.default_rng(seed),
    )
    ci = res.confidence_interval
    return float(ci.low), float(ci.high)


def bootstrap_case(name, values, kind):
    case = {"name": name, "kind": kind, "values": floats(values), "mean": float(np.mean(values))}
    for method, key in (("BCa", "bca"), ("percentile", "percentile")):
        low, high = scipy_bootstrap(values, method, BOOT_SEED)
        others = [scipy_bootstrap(values, method, BOOT_SEED + 1 + s) for s in range(SPREAD_SEEDS)]
        spread = max(max(abs(lo - low), abs(hi - high)) for lo, hi in others)
        case[key] = {"low": low, "high": high, "scipySeedSpread": spread}
    return case


def wilcoxon_method(d):
    """The p-value method scipy 1.17's wilcoxon(method='auto') picks (see _wilcoxon_nd)."""
    n_zero = int(np.count_nonzero(d == 0))
    nz = np.abs(d[d != 0])
    has_ties = np.unique(nz).size < nz.size
    if d.size > 50:
        return "normal"
    if not has_ties and n_zero == 0:
        return "exact"
    return "permutation" if d.size <= 13 else "normal"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    single, paired = make_inputs()

    describe = {
        "source": source(),
        "reference": "numpy.mean, numpy.percentile (method='linear')",
        "cases": [
            {
                "name": name,
                "values": floats(v),
                "mean": float(np.mean(v)),
                "percentiles": PERCENTILES,
                "expected": floats(np.percentile(v, PERCENTILES)),
            }
            for name, v in single.items()
        ],
    }

    boot_cases = [bootstrap_case(n, v, "mean") for n, v in single.items() if n != "latency_ms_n37"]
    for name, (a, b) in paired.items():
        case = bootstrap_case(name, a - b, "pairedDifference")
        case["a"], case["b"] = floats(a), floats(b)
        del case["values"]
        boot_cases.append(case)
    bootstrap = {
        "source": source(),
        "reference": "scipy.stats.bootstrap((x,), np.mean, n_resamples, confidence_level, "
        "method='BCa'|'percentile', rng=np.random.default_rng(seed)); paired cases on x = a - b",
        "resamples": RESAMPLES,
        "confidence": CONFIDENCE,
        "scipySeed": BOOT_SEED,
        "spreadSeeds": SPREAD_SEEDS,
        "cases": boot_cases,
    }

    binom_args = [
        (3, 10, 0.5), (0, 1, 0.5), (5, 10, 0.5), (7, 20, 0.3), (60, 100, 0.5), (13, 40, 0.25),
        (1200, 2500, 0.5), (1100, 2500, 0.45), (5, 1000, 0.01), (1400, 3000, 0.5),
        (900, 3000, 0.5), (2, 50, 0.5), (30, 31, 0.5), (17, 60, 0.1),
    ]
    sign_cases = []
    for name, (a, b) in paired.items():
        d = a - b
        k, m = int(np.sum(d > 0)), int(np.sum(d < 0))
        sign_cases.append({
            "name": name, "a": floats(a), "b": floats(b),
            "aBetter": k, "bBetter": m, "ties": int(np.sum(d == 0)),
            "pValue": float(stats.binomtest(k, k + m, 0.5).pvalue),
        })
    binomial = {
        "source": source(),
        "reference": "scipy.stats.binomtest(k, n, p, alternative='two-sided').pvalue; sign "
        "tests as binomtest(#a>b, #a!=b, 0.5)",
        "binomtest": [
            {"k": k, "n": n, "p": p, "pValue": float(stats.binomtest(k, n, p).pvalue)}
            for k, n, p in binom_args
        ],
        "signTest": sign_cases,
    }

    wil_cases = []
    for name, (a, b) in paired.items():
        res = stats.wilcoxon(a, b)
        d = a - b
        wil_cases.append({
            "name": name, "a": floats(a), "b": floats(b),
            "statistic": float(res.statistic), "pValue": float(res.pvalue),
            "n": int(np.count_nonzero(d)), "zeros": int(np.count_nonzero(d == 0)),
            "method": wilcoxon_method(d),
        })
    wilcoxon = {
        "source": source(),
        "reference": "scipy.stats.wilcoxon(a, b) with defaults (zero_method='wilcox', "
        "correction=False, method='auto'); method recorded by scipy's auto rule",
        "cases": wil_cases,
    }

    for fname, data in (
        ("describe.json", describe),
        ("bootstrap.json", bootstrap),
        ("binomial.json", binomial),
        ("wilcoxon.json", wilcoxon),
    ):
        path = OUT / fname
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
