#!/usr/bin/env python3
"""Reference values for galley-core's inter-rater agreement statistics.

Krippendorff's alpha (nominal, ordinal, interval) comes from the `krippendorff` package, Cohen's
kappa from scikit-learn's `cohen_kappa_score`, Fleiss' kappa from statsmodels' `fleiss_kappa` on
the count table of `aggregate_raters`. Writes one JSON file per dataset to
crates/galley-core/tests/fixtures/agreement/, which
crates/galley-core/tests/agreement_reference.rs compares against. The Rust tests read only the
committed JSON; Python is needed only to regenerate it.

Regenerate (from the repository root; the package versions used are recorded in every fixture):

    python3 -m venv /tmp/agreevenv
    /tmp/agreevenv/bin/pip install krippendorff statsmodels scikit-learn numpy
    /tmp/agreevenv/bin/python scripts/agreement_fixtures.py

Ratings are stored as units x raters, with null for a missing rating. They are drawn from a
fixed numpy seed, so a rerun with the same numpy gives the same files. Kappas are recorded only
where they apply: Cohen's for exactly two raters and no missing ratings, Fleiss' for no missing
ratings.
"""

import json
import platform
from importlib.metadata import version
from pathlib import Path

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/galley-core/tests/fixtures/agreement"
SEED = 20240917
LEVELS = ["nominal", "ordinal", "interval"]


def source():
    return {
        "generator": "scripts/agreement_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "krippendorff": version("krippendorff"),
        "scikitLearn": version("scikit-learn"),
        "statsmodels": version("statsmodels"),
    }


def noisy_raters(rng, categories, n_units, n_raters, p_keep, p_missing=0.0):
    """Each unit has a true category; each rater gives it with probability p_keep, otherwise a
    neighbouring category (so ordinal and interval alpha exceed nominal alpha)."""
    k = len(categories)
    truth = rng.integers(0, k, size=n_units)
    units = []
    for t in truth:
        row = []
        for _ in range(n_raters):
            if rng.random() < p_missing:
                row.append(None)
                continue
            i = int(t)
            if rng.random() >= p_keep:
                i = int(np.clip(i + rng.choice([-2, -1, 1, 2], p=[0.15, 0.35, 0.35, 0.15]), 0, k - 1))
            row.append(int(categories[i]))
        units.append(row)
    return units


def paper_example():
    """Section C of Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":
    observers A-D (rows) over units 1-12, 0 = missing; transposed to units x raters."""
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
        [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
    ]
    return [[v or None for v in unit] for unit in zip(*observers)]


def datasets():
    rng = np.random.default_rng(SEED)
    return [
        ("paper_example", "Krippendorff (2011) worked example: 4 raters, 12 units, values 1-5, missing", paper_example()),
        ("two_raters_3cat_n30", "2 raters, 30 units, 3 categories, complete",
         noisy_raters(rng, [0, 1, 2], 30, 2, 0.7)),
        ("two_raters_5cat_n40_low", "2 raters, 40 units, 5 categories, complete, weak agreement",
         noisy_raters(rng, [1, 2, 3, 4, 5], 40, 2, 0.3)),
        ("three_raters_4cat_n20", "3 raters, 20 units, 4 categories, complete",
         noisy_raters(rng, [1, 2, 3, 4], 20, 3, 0.75)),
        ("three_raters_gapped_missing_n25", "3 raters, 25 units, codes 1/2/4/7, about 25% missing",
         noisy_raters(rng, [1, 2, 4, 7], 25, 3, 0.65, p_missing=0.25)),
        ("five_raters_5cat_n60", "5 raters, 60 units, 5 categories, complete",
         noisy_raters(rng, [1, 2, 3, 4, 5], 60, 5, 0.6)),
    ]


def expected(units):
    data = np.array([[np.nan if v is None else v for v in unit] for unit in units], dtype=float)
    complete = not np.isnan(data).any()
    out = {
        "alpha": {
            level: float(krippendorff.alpha(reliability_data=data.T, level_of_measurement=level))
            for level in LEVELS
        },
        "cohenKappa": None,
        "fleissKappa": None,
    }
    if complete and data.shape[1] == 2:
        out["cohenKappa"] = float(cohen_kappa_score(data[:, 0].astype(int), data[:, 1].astype(int)))
    if complete:
        table, _ = aggregate_raters(data.astype(int))
        out["fleissKappa"] = float(fleiss_kappa(table, method="fleiss"))
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    src = source()
    for name, description, units in datasets():
        doc = {
            "source": src,
            "name": name,
            "description": description,
            "units": units,
            "expected": expected(units),
        }
        # One unit per line keeps the files short and easy to diff.
        doc["units"] = "@units@"
        rows = ",\n".join("    " + json.dumps(unit) for unit in units)
        text = json.dumps(doc, indent=2).replace('"@units@"', "[\n" + rows + "\n  ]")
        path = OUT / f"{name}.json"
        path.write_text(text + "\n")
        print(f"wrote {path.relative_to(ROOT)}: {doc['expected']}")


if __name__ == "__main__":
    main()
