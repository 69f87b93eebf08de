#!/usr/bin/env python
"""Records the drift test vectors of Tests/MonitoringTests/Drift (DriftVectorTests).

For each case: reference and current values (numbers as Python repr strings, so NaN/inf and every bit
round-trip), the column kind, and the expected output of
  * scipy.stats.ks_2samp (statistic, p-value; method='auto'),
  * Evidently's legacy stattests (evidently.legacy.calculations.stattests): wasserstein (normed), psi,
    jensenshannon, chisquare, z — called exactly as Evidently's get_one_column_drift calls them
    (inf -> NaN, dropna, then the test with the column type),
  * Evidently's default test choice (_get_default_stattest) and its decision at the default threshold.

Run (from the repository root, venv per Benchmarks/compare/requirements-monitoring.txt):
  Benchmarks/compare/.venv-monitoring/bin/python Benchmarks/compare/make_drift_vectors.py
"""
from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pandas as pd
import scipy
from scipy.stats import ks_2samp, wasserstein_distance

import evidently
from evidently.legacy.calculations.stattests.registry import _get_default_stattest
from evidently.legacy.calculations.stattests.psi import _psi
from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon
from evidently.legacy.calculations.stattests.chisquare_stattest import _chi_stat_test
from evidently.legacy.calculations.stattests.z_stattest import _z_stat_test
from evidently.legacy.calculations.stattests.wasserstein_distance_norm import _wasserstein_distance_norm
from evidently.legacy.core import ColumnType

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "MonitoringTests", "Drift",
                   "Resources", "drift_vectors.json")
NAMES = {"ks": "ks", "psi": "psi", "wasserstein": "wasserstein", "jensenshannon": "jensenshannon",
         "chisquare": "chisquare", "z": "z"}


def r(x) -> str:
    return repr(float(x))


def enc(values, dtype):
    if dtype in ("double", "int"):
        return [r(v) for v in values]
    if dtype == "bool":
        return [bool(v) for v in values]
    return [str(v) for v in values]


VECTORS: list = []
_VECTOR_INDEX: dict = {}


def vector(values) -> int:
    """Index of `values` in the shared vector table (cases share their 12,000-value reference)."""
    key = json.dumps(values)
    if key not in _VECTOR_INDEX:
        _VECTOR_INDEX[key] = len(VECTORS)
        VECTORS.append(values)
    return _VECTOR_INDEX[key]


def case(name, ref, cur, dtype, kind):
    """One recorded case; ref/cur are raw lists (may hold NaN/inf for doubles)."""
    if dtype == "int":
        rs, cs = pd.Series(np.asarray(ref, dtype=np.int64)), pd.Series(np.asarray(cur, dtype=np.int64))
    elif dtype == "double":
        rs, cs = pd.Series(np.asarray(ref, dtype=np.float64)), pd.Series(np.asarray(cur, dtype=np.float64))
    elif dtype == "bool":
        rs, cs = pd.Series(np.asarray(ref, dtype=bool)), pd.Series(np.asarray(cur, dtype=bool))
    else:
        rs, cs = pd.Series(list(ref), dtype=object), pd.Series(list(cur), dtype=object)
    # Evidently's cleaning in get_one_column_drift.
    rs = rs.replace([-np.inf, np.inf], np.nan).dropna()
    cs = cs.replace([-np.inf, np.inf], np.nan).dropna()
    ct = ColumnType.Numerical if kind == "numerical" else ColumnType.Categorical
    out = {"name": name, "type": dtype, "kind": kind, "reference": vector(enc(ref, dtype)),
           "current": vector(enc(cur, dtype)),
           "reference_count": int(len(rs)), "current_count": int(len(cs))}
    default = _get_default_stattest(rs, cs, ct)
    out["default_method"] = NAMES[default.name]
    out["default_threshold"] = r(default.default_threshold)
    exp = {}
    if kind == "numerical" and dtype != "bool":
        ks = ks_2samp(rs.to_numpy(dtype=float), cs.to_numpy(dtype=float))
        exp["ks"] = {"statistic": r(ks.statistic), "p_value": r(ks.pvalue)}
        w, _ = _wasserstein_distance_norm(rs, cs, ct, 0.1)
        exp["wasserstein"] = {"statistic": r(w), "raw": r(wasserstein_distance(rs, cs)), "std": r(np.std(rs))}
    p, _ = _psi(rs, cs, ct, 0.1)
    exp["psi"] = {"statistic": r(p)}
    j, _ = _jensenshannon(rs, cs, ct, 0.1)
    exp["jensenshannon"] = {"statistic": r(j)}
    n_unique = pd.concat([rs, cs]).nunique()
    if kind == "categorical" or n_unique <= 5:
        chi_p, _ = _chi_stat_test(rs, cs, ct, 0.05)
        exp["chisquare"] = {"p_value": r(chi_p)}
        z_p, _ = _z_stat_test(rs, cs, ct, 0.05)
        exp["z"] = {"p_value": r(z_p)}
    out["expected"] = exp
    # Evidently's decision with its default test and threshold.
    score = None
    m = out["default_method"]
    if m in exp:
        score = float(exp[m].get("p_value", exp[m].get("statistic")))
    thr = default.default_threshold
    if m == "ks":
        drift = score <= thr
    elif m in ("chisquare", "z"):
        drift = score < thr
    else:
        drift = score >= thr
    out["default_drift"] = bool(drift)
    return out


def main():
    cases = []
    rng = np.random.default_rng(20261207)
    # Small samples: exact KS path.
    cases.append(case("small_int_ties", rng.integers(0, 10, 40), rng.integers(1, 12, 35), "int", "numerical"))
    cases.append(case("small_equal_n", rng.normal(0, 1, 50), rng.normal(0.5, 1, 50), "double", "numerical"))
    cases.append(case("small_equal_n_ties", np.round(rng.normal(0, 1, 60), 1), np.round(rng.normal(0, 1, 60), 1),
                      "double", "numerical"))
    cases.append(case("small_unequal_no_drift", rng.normal(0, 1, 300), rng.normal(0, 1, 220), "double", "numerical"))
    cases.append(case("tiny_five_values", [1.0, 2.0, 3.0, 2.0], [2.5, 4.0, 4.0], "double", "numerical"))
    cases.append(case("single_values", [3.5], [7.25], "double", "numerical"))
    cases.append(case("small_with_nan_inf", list(rng.normal(0, 1, 30)) + [np.nan, np.inf, -np.inf],
                      [np.nan] + list(rng.normal(0.3, 1.2, 25)) + [np.inf], "double", "numerical"))
    cases.append(case("exact_medium", rng.normal(0, 1, 3000), rng.normal(0.05, 1, 2000), "double", "numerical"))
    cases.append(case("exact_limit", rng.normal(0, 1, 10000), rng.normal(0.02, 1, 900), "double", "numerical"))
    # Asymptotic KS path (max(n1, n2) > 10,000), covering kstwo.sf's branches through en = n1*n2/(n1+n2).
    base = rng.normal(0, 1, 12000)
    for size, shift in ((3, 0.0), (5, 2.0), (8, 0.3), (20, 0.0), (20, 0.6), (40, 1.0), (60, 0.2), (100, 0.0),
                        (130, 0.5), (400, 0.0), (400, 0.3), (2000, 0.0), (2000, 0.08), (10001, 0.05)):
        cases.append(case(f"asymptotic_{size}_{shift}", base, rng.normal(shift, 1, size), "double", "numerical"))
    cases.append(case("asymptotic_far_shift", base, rng.normal(5, 1, 2000), "double", "numerical"))
    cases.append(case("asymptotic_half", base, rng.normal(1.5, 1, 30), "double", "numerical"))
    cases.append(case("asymptotic_small_t", base, np.quantile(base, [0.2, 0.5, 0.8]), "double", "numerical"))
    lin = np.linspace(0, 1, 12000)
    cases.append(case("asymptotic_dmtw_large_n", lin, np.linspace(0, 1, 3000) + 0.004, "double", "numerical"))
    cases.append(case("asymptotic_dmtw_large_n_2", lin, np.linspace(0, 1, 3000) + 0.0015, "double", "numerical"))
    # Defaults: Wasserstein and JS on > 1000 reference rows.
    cases.append(case("large_wasserstein", rng.normal(0, 1, 5000), rng.normal(0.15, 1, 4000), "double", "numerical"))
    cases.append(case("large_few_values", rng.integers(0, 3, 3000), rng.integers(0, 4, 2000), "int", "numerical"))
    cases.append(case("psi_int_sturges", rng.integers(0, 40, 500), rng.integers(3, 45, 400), "int", "numerical"))
    cases.append(case("psi_twenty_values", rng.integers(0, 20, 1500), rng.integers(0, 22, 1200), "int", "numerical"))
    # Constant columns.
    cases.append(case("constant_large", np.full(1200, 5.0), np.full(900, 5.0), "double", "numerical"))
    cases.append(case("constant_small_differs", np.full(10, 5.0), np.full(8, 6.0), "double", "numerical"))
    cases.append(case("constant_small_same", np.full(10, 5.0), np.full(8, 5.0), "double", "numerical"))
    # Categorical.
    cats = np.array(["a", "b", "c", "d"])
    cases.append(case("categorical_unseen", cats[rng.integers(0, 4, 500)],
                      np.array(["a", "b", "c", "e"])[rng.integers(0, 4, 400)], "string", "categorical"))
    cases.append(case("categorical_same_set", cats[rng.integers(0, 4, 600)], cats[rng.integers(0, 4, 500)],
                      "string", "categorical"))
    cases.append(case("categorical_large", np.array([f"k{i}" for i in range(30)])[rng.integers(0, 30, 3000)],
                      np.array([f"k{i}" for i in range(32)])[rng.integers(0, 32, 2500)], "string", "categorical"))
    cases.append(case("binary_bool", rng.random(300) < 0.3, rng.random(250) < 0.45, "bool", "categorical"))
    cases.append(case("binary_strings", np.array(["no", "yes"])[(rng.random(400) < 0.5).astype(int)],
                      np.array(["no", "yes"])[(rng.random(300) < 0.52).astype(int)], "string", "categorical"))
    cases.append(case("binary_one_side", ["x"] * 20, ["x"] * 10 + ["y"] * 5, "string", "categorical"))
    cases.append(case("numeric_as_categorical", rng.integers(0, 6, 200), rng.integers(0, 7, 150), "int",
                      "categorical"))
    doc = {"generator": "Benchmarks/compare/make_drift_vectors.py",
           "versions": {"scipy": scipy.__version__, "numpy": np.__version__, "pandas": pd.__version__,
                        "evidently": evidently.__version__},
           "vectors": VECTORS, "cases": cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")
    for c in cases:
        print(c["name"], c["default_method"], c["expected"].get("ks", {}).get("p_value"))


if __name__ == "__main__":
    main()
