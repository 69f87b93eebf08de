#!/usr/bin/env python3
"""Monitoring's drift detection side by side with Evidently and numpy/scipy: the same data, the same run
(issue 14's drift benchmark).

    python3 Benchmarks/compare/drift_vs_peers.py [--reps 5] [--rows 100000] [--output FILE]

One command: on first use it creates its own virtual environment Benchmarks/compare/.venv-monitoring
(python3 -m venv, then pip install -r requirements-monitoring.txt, pinned versions) and re-runs itself
inside it (--no-venv uses the current interpreter). It then

  1. builds the DriftCompare executable of the Benchmarks package in release mode
     (`swift build -c release --package-path Benchmarks --product DriftCompare --scratch-path
     .build-monitoring`, shared with the other monitoring comparisons; --swift-bin uses a given executable);
  2. writes the data of shared/anchors/monitoring_profile.py once, as little-endian float64,
     column-major: numpy default_rng(1), reference = 10 columns of N(0, 1), then current = 10
     columns of N(0.1, 1) for x0..x2 and N(0, 1) for the rest, --rows rows each;
  3. runs --reps rounds, each after waiting up to --wait-quiet seconds for the machine to be less than
     15% busy. Each round runs one DriftCompare process (which builds its tables, warms up once and
     times --inner-reps runs of each mode; only the drift computation is timed) and one repetition of
     each peer, alternating which goes first. Peers: Evidently `Report([DataDriftPreset()]).run(...)`
     (default tests: normed Wasserstein for these columns), and the anchor's numpy PSI (10 reference-
     decile bins) + scipy `ks_2samp` over all columns. Ours: the default rule (normed Wasserstein),
     and PSI (Evidently's bins) + KS (scipy's p-value) for like-for-like;
  4. checks that our per-column methods, statistics (1e-9 relative) and decisions equal Evidently's,
     and our KS statistics and p-values equal scipy's;
  5. prints medians, ratios against the issue's targets (>= 5x numpy+scipy, >= 50x Evidently), the CPU
     model and the load average; --output writes every figure as JSON.

Exit status: 0, or 1 when a result disagrees with Evidently or scipy, 2 on a usage or build error.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _harness import build_swift, ensure_venv, log, wait_quiet
from _markdown import cpu_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(HERE, ".venv-monitoring")
REQUIREMENTS = os.path.join(HERE, "requirements-monitoring.txt")
PEER_MODULES = ("numpy", "scipy", "pandas", "evidently")
COLUMNS = 10
EVIDENTLY_METHODS = {
    "Wasserstein distance (normed)": "wasserstein", "K-S p_value": "ks", "PSI": "psi",
    "Jensen-Shannon distance": "jensenshannon", "chi-square p_value": "chisquare", "Z-test p_value": "z",
}


def make_data(np, rows):
    """The anchor's drift data (shared/anchors/monitoring_profile.py)."""
    rng = np.random.default_rng(1)
    ref = [rng.normal(0, 1, rows) for _ in range(COLUMNS)]
    cur = [rng.normal(0.1 if i < 3 else 0.0, 1, rows) for i in range(COLUMNS)]
    return ref, cur


def anchor_psi(np, ref, cur, bins=10, eps=1e-4):
    edges = np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1])
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=bins) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=bins) / len(cur)
    r = np.clip(r, eps, None)
    c = np.clip(c, eps, None)
    return float(np.sum((c - r) * np.log(c / r)))


def close(a, b, rel=1e-9):
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-15


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5, help="rounds (each: one Swift process, one run per peer)")
    ap.add_argument("--inner-reps", type=int, default=5, help="timed runs per mode inside each Swift process")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--wait-quiet", type=float, default=20.0)
    ap.add_argument("--swift-bin")
    ap.add_argument("--scratch-path")
    ap.add_argument("--output")
    ap.add_argument("--no-venv", action="store_true")
    args = ap.parse_args()
    ensure_venv(__file__, VENV, REQUIREMENTS, PEER_MODULES, args.no_venv)

    import warnings
    warnings.filterwarnings("ignore")
    import numpy as np
    import pandas as pd
    from scipy.stats import ks_2samp
    from evidently import Report
    from evidently.presets import DataDriftPreset

    binary = build_swift("DriftCompare", args.scratch_path or os.path.join(ROOT, ".build-monitoring"), args.swift_bin)
    ref, cur = make_data(np, args.rows)
    work = tempfile.mkdtemp(prefix="drift-compare-")
    np.ascontiguousarray(np.stack(ref)).astype("<f8").tofile(os.path.join(work, "reference.f64"))
    np.ascontiguousarray(np.stack(cur)).astype("<f8").tofile(os.path.join(work, "current.f64"))
    ref_df = pd.DataFrame({f"x{i}": ref[i] for i in range(COLUMNS)})
    cur_df = pd.DataFrame({f"x{i}": cur[i] for i in range(COLUMNS)})

    def run_swift():
        cmd = [binary, "--dir", work, "--rows", str(args.rows), "--columns", str(COLUMNS),
               "--reps", str(args.inner_reps)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            log(out.stderr)
            sys.exit(1)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def run_evidently():
        t0 = time.perf_counter()
        snap = Report([DataDriftPreset()]).run(current_data=cur_df, reference_data=ref_df)
        return time.perf_counter() - t0, snap

    def run_numpy_scipy():
        t0 = time.perf_counter()
        psi = {f"x{i}": anchor_psi(np, ref[i], cur[i]) for i in range(COLUMNS)}
        ks = {f"x{i}": ks_2samp(ref[i], cur[i]) for i in range(COLUMNS)}
        return time.perf_counter() - t0, (psi, ks)

    # Warm-up (imports, caches) of each peer, untimed.
    run_evidently()
    run_numpy_scipy()
    rounds = []
    for index in range(args.reps):
        busy = wait_quiet(args.wait_quiet)
        entry = {"busy_before": busy, "loadavg": os.getloadavg()[0]}
        order = ("swift", "peers") if index % 2 == 0 else ("peers", "swift")
        for side in order:
            if side == "swift":
                entry["swift"] = run_swift()
            else:
                entry["evidently_s"], snap = run_evidently()
                entry["numpy_scipy_s"], baseline = run_numpy_scipy()
        rounds.append(entry)
        log(f"round {index + 1}: ours default {statistics.median(entry['swift']['default']) * 1e3:.1f} ms, "
            f"ours psi+ks {statistics.median(entry['swift']['psi_ks']) * 1e3:.1f} ms, evidently "
            f"{entry['evidently_s']:.3f} s, numpy+scipy {entry['numpy_scipy_s']:.3f} s (busy {busy}, "
            f"load {entry['loadavg']:.2f})")

    # ---- agreement
    failures = []
    swift = rounds[-1]["swift"]["columns"]
    evid = {}
    for m in snap.dict()["metrics"]:
        cfg = m.get("config", {})
        if cfg.get("type", "").endswith("ValueDrift"):
            evid[cfg["column"]] = (EVIDENTLY_METHODS.get(cfg["method"], cfg["method"]), float(m["value"]),
                                   float(cfg["threshold"]))
    for col in swift["default"]:
        name = col["column"]
        method, value, threshold = evid[name]
        drift = value >= threshold if method in ("wasserstein", "psi", "jensenshannon") else (
            value <= threshold if method == "ks" else value < threshold)
        score = col.get("p_value", col["statistic"])
        if col["method"] != method or not close(score, value) or col["drift"] != drift:
            failures.append(f"{name}: ours {col['method']} {score} drift={col['drift']}, "
                            f"evidently {method} {value} drift={drift}")
    psi, ks = baseline
    for col in swift["ks"]:
        ref_ks = ks[col["column"]]
        if not close(col["statistic"], float(ref_ks.statistic)) or not close(col["p_value"], float(ref_ks.pvalue)):
            failures.append(f"{col['column']}: ours KS {col['statistic']} p {col['p_value']}, scipy "
                            f"{float(ref_ks.statistic)} p {float(ref_ks.pvalue)}")

    med = statistics.median
    ours_default = med([med(r["swift"]["default"]) for r in rounds])
    ours_psi_ks = med([med(r["swift"]["psi_ks"]) for r in rounds])
    ours_profiles = med([med(r["swift"]["from_profiles"]) for r in rounds])
    ours_profile_build = med([med(r["swift"]["profile_build"]) for r in rounds])
    evidently_s = med([r["evidently_s"] for r in rounds])
    numpy_scipy_s = med([r["numpy_scipy_s"] for r in rounds])
    result = {
        "cpu": cpu_model(), "rows": args.rows, "columns": COLUMNS, "rounds": rounds,
        "median_s": {"ours_default": ours_default, "ours_psi_ks": ours_psi_ks, "evidently_default": evidently_s,
                     "numpy_psi_scipy_ks": numpy_scipy_s, "ours_default_from_profiles": ours_profiles,
                     "ours_profile_both_tables": ours_profile_build},
        "ratios": {"evidently_over_ours_default": evidently_s / ours_default,
                   "numpy_scipy_over_ours_default": numpy_scipy_s / ours_default,
                   "numpy_scipy_over_ours_psi_ks": numpy_scipy_s / ours_psi_ks},
        "agreement_failures": failures,
    }
    print(f"CPU: {result['cpu']}; {args.rows:,} vs {args.rows:,} rows x {COLUMNS} columns; {args.reps} rounds; "
          f"load average now {os.getloadavg()}")
    print(f"{'':38}{'median':>12}")
    print(f"{'ours, default rule (Wasserstein)':38}{ours_default * 1e3:>10.1f} ms")
    print(f"{'ours, PSI + KS (all columns)':38}{ours_psi_ks * 1e3:>10.1f} ms")
    print(f"{'ours, default rule from profiles':38}{ours_profiles * 1e3:>10.1f} ms"
          f"  (profiling both tables: {ours_profile_build * 1e3:.1f} ms, untimed in the line above)")
    print(f"{'Evidently DataDriftPreset()':38}{evidently_s * 1e3:>10.1f} ms")
    print(f"{'numpy PSI + scipy ks_2samp':38}{numpy_scipy_s * 1e3:>10.1f} ms")
    r = result["ratios"]
    print(f"Evidently / ours default: {r['evidently_over_ours_default']:.1f}x (target >= 50x)")
    print(f"numpy+scipy / ours default: {r['numpy_scipy_over_ours_default']:.1f}x (target >= 5x)")
    print(f"numpy+scipy / ours PSI+KS: {r['numpy_scipy_over_ours_psi_ks']:.1f}x")
    drifted = [c["column"] for c in swift["default"] if c["drift"]]
    print(f"drifted columns (ours = Evidently): {drifted}")
    if failures:
        print("DISAGREEMENT:\n  " + "\n  ".join(failures))
    else:
        print("per-column methods, statistics (1e-9 rel.) and decisions equal Evidently's; KS equals scipy's")
    if args.output:
        with open(args.output, "w") as f:
            json.dump(result, f, indent=1)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
