#!/usr/bin/env python3
"""Data profiling throughput: swift-mlops `DatasetProfile` (ProfileCompare, a plain release build) against
whylogs `why.log(pandas=df)`, side by side in the same run.

    Benchmarks/compare/.venv-monitoring/bin/python Benchmarks/compare/profile_vs_whylogs.py [--rows 1000000] [--rounds 5]

(venv: python3 -m venv Benchmarks/compare/.venv-monitoring &&
 Benchmarks/compare/.venv-monitoring/bin/pip install -r Benchmarks/compare/requirements-monitoring.txt)

The data is that of shared/anchors/monitoring_profile.py: 1,000,000 rows x 10 float64 columns
x_i ~ N(i, 1 + i/10) plus `cat_a` (20 distinct strings "c0".."c19") and `cat_b` (1,000 distinct
"k0".."k999"), numpy default_rng(0). Python generates it once and writes it to a binary file that
ProfileCompare reads; only the profiling is timed on both sides (whylogs: why.log on the DataFrame;
swift-mlops: DatasetProfile(table) on the Table, after one warm-up). Rounds alternate whylogs and
swift-mlops; the figures are medians. Also checks that both profiles' quantiles agree with the exact
ones (and with each other) within the sketches' rank errors, and their distinct counts within the HLL
errors. Prints the CPU model and the load average (the machine may be shared).
"""
import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import warnings

from _harness import build_swift
from _markdown import cpu_model, markdown_table

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FRACTIONS = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]


def make_data(rows: int) -> pd.DataFrame:
    """Exactly the DataFrame of shared/anchors/monitoring_profile.py (numeric + categorical)."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({f"x{i}": rng.normal(i, 1 + i / 10, rows) for i in range(10)})
    df["cat_a"] = np.array([f"c{i}" for i in range(20)], dtype=object)[rng.integers(0, 20, rows)]
    df["cat_b"] = np.array([f"k{i}" for i in range(1000)], dtype=object)[rng.integers(0, 1000, rows)]
    return df


def write_data(df: pd.DataFrame, path: str) -> None:
    numeric = [c for c in df.columns if df[c].dtype == np.float64]
    categorical = [c for c in df.columns if c not in numeric]
    with open(path, "wb") as f:
        f.write(struct.pack("<QII", len(df), len(numeric), len(categorical)))
        for name in numeric:
            f.write(struct.pack("<I", len(name)) + name.encode())
            f.write(np.ascontiguousarray(df[name].to_numpy(), dtype="<f8").tobytes())
        for name in categorical:
            codes, uniques = pd.factorize(df[name])
            f.write(struct.pack("<I", len(name)) + name.encode())
            f.write(struct.pack("<I", len(uniques)))
            for value in uniques:
                encoded = str(value).encode()
                f.write(struct.pack("<I", len(encoded)) + encoded)
            f.write(codes.astype("<u4").tobytes())


def ours(binary: str, path: str, reps: int) -> dict:
    out = subprocess.run([binary, path, "--reps", str(reps)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def rank_gap(sorted_values: np.ndarray, value: float, q: float) -> float:
    """How far q lies outside the true rank interval [P(X < value), P(X <= value)]."""
    n = len(sorted_values)
    below = np.searchsorted(sorted_values, value, side="left") / n
    at_or_below = np.searchsorted(sorted_values, value, side="right") / n
    return max(below - q, q - at_or_below, 0.0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=3, help="swift-mlops reps per round (median taken)")
    args = parser.parse_args()

    # The scratch path the other monitoring comparisons (drift, CBPE) build in, so one build serves all three.
    binary = build_swift("ProfileCompare", os.path.join(ROOT, ".build-monitoring"))
    df = make_data(args.rows)
    import whylogs as why

    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "profile.bin")
        write_data(df, path)
        why.log(pandas=df)  # warm-up
        theirs, mine = [], []
        last_ours, last_theirs = None, None
        for _ in range(args.rounds):
            start = time.perf_counter()
            last_theirs = why.log(pandas=df)
            theirs.append(time.perf_counter() - start)
            last_ours = ours(binary, path, args.reps)
            mine.append(statistics.median(last_ours["seconds"]))
    load = os.getloadavg()
    rows = args.rows
    ours_rate = rows / statistics.median(mine)
    theirs_rate = rows / statistics.median(theirs)
    print(f"CPU: {cpu_model()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{rows:,} rows x {len(df.columns)} columns (10 float64, 2 string); median of {args.rounds} rounds")
    print(markdown_table(
        ["", "seconds (median)", "rows/s"],
        [("swift-mlops DatasetProfile(table)", f"{statistics.median(mine):.4f}", f"{ours_rate:,.0f}"),
         ("whylogs why.log(pandas=df)", f"{statistics.median(theirs):.4f}", f"{theirs_rate:,.0f}")]))
    print(f"ratio swift-mlops / whylogs rows/s: {ours_rate / theirs_rate:.1f}x "
          f"(swift-mlops per-round medians {[round(s, 4) for s in mine]}, whylogs {[round(s, 3) for s in theirs]})")
    print(f"swift-mlops serialised profile: {last_ours['serialized_bytes']:,} bytes")

    # Agreement: each side's quantiles against the exact ranks, and each other, within the sketch errors.
    view = last_theirs.view()
    our_error = last_ours["rank_error"]
    table = []
    worst = {"ours": 0.0, "whylogs": 0.0}
    agree = True
    for name in [c for c in df.columns if c.startswith("x")]:
        values = np.sort(df[name].to_numpy())
        kll = view.get_column(name).get_metric("distribution").kll.value
        their_error = kll.normalized_rank_error(False) if callable(getattr(kll, "normalized_rank_error", None)) \
            else kll.get_normalized_rank_error(False)
        our_q = last_ours["quantiles"][name]
        their_q = kll.get_quantiles(FRACTIONS)
        gaps_ours = [rank_gap(values, v, q) for v, q in zip(our_q, FRACTIONS)]
        gaps_theirs = [rank_gap(values, v, q) for v, q in zip(their_q, FRACTIONS)]
        # Rank distance between the two answers, measured on the exact data.
        between = [abs(np.searchsorted(values, a) - np.searchsorted(values, b)) / len(values)
                   for a, b in zip(our_q, their_q)]
        worst["ours"] = max(worst["ours"], max(gaps_ours))
        worst["whylogs"] = max(worst["whylogs"], max(gaps_theirs))
        ok = max(gaps_ours) <= our_error and max(between) <= our_error + their_error
        agree = agree and ok
        table.append((name, f"{our_q[4]:.4f}", f"{their_q[4]:.4f}", f"{max(gaps_ours):.4%}",
                      f"{max(gaps_theirs):.4%}", f"{max(between):.4%}", "yes" if ok else "NO"))
    print(f"quantiles 1..99 %: swift-mlops KLL k=200 bound {our_error:.2%}; whylogs KLL bound {their_error:.2%}")
    print(markdown_table(["column", "p50 ours", "p50 whylogs", "max rank err ours", "max rank err whylogs",
                          "max rank gap ours-whylogs", "within bounds"], table))
    card = []
    hll_error = last_ours["hll_standard_error"]
    for name in df.columns:
        exact = df[name].nunique()
        hll = view.get_column(name).get_metric("cardinality").hll.value
        est_ours = last_ours["cardinality"][name]
        est_theirs = hll.get_estimate()
        ok = abs(est_ours - exact) <= 3 * hll_error * exact
        agree = agree and ok
        card.append((name, exact, f"{est_ours:,.0f}", f"{est_theirs:,.0f}",
                     f"{(est_ours - exact) / exact:+.2%}", f"{(est_theirs - exact) / exact:+.2%}",
                     "yes" if ok else "NO"))
    print(f"distinct counts: swift-mlops HLL p=14 standard error {hll_error:.2%}; whylogs HLL lg_k=12 (1.6 %)")
    print(markdown_table(["column", "exact", "ours", "whylogs", "ours err", "whylogs err", "within 3 SE"], card))
    print(f"top items cat_a (ours): {last_ours['frequent_items'].get('cat_a', [])[:3]}")
    print("agreement:", "all within the sketches' bounds" if agree else "SOME OUTSIDE THE BOUNDS")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
