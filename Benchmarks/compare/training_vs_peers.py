#!/usr/bin/env python3
"""Training side by side with LightGBM, XGBoost and scikit-learn: the same data, the same
settings, the same run (issue 12's benchmark).

    python3 Benchmarks/compare/training_vs_peers.py [--reps 3] [--parts gbdt,mlp] [--output FILE]

One command: on first use it creates its own virtual environment
Benchmarks/compare/.venv-training (python3 -m venv, then pip install -r
requirements-training.txt, pinned versions) and re-runs itself inside it (--no-venv uses the
current interpreter). Sections:

GBDT (--parts gbdt)
  1. builds the GBDTCompare executable of the Benchmarks package in release mode, as a host
     gets it: `swift build -c release --package-path Benchmarks --product GBDTCompare
     --scratch-path .build-training`, no flags (--swift-bin uses a given executable);
  2. writes --rows x 20 synthetic training rows (default 1,000,000) and --test-rows test rows
     (default 200,000): numpy seeds 2 * --data-seed and 2 * --data-seed + 1 (default 0 and 1, so
     every --data-seed gives rows no other one gives), features N(0, 1) with a few correlated
     pairs, one uniform and one heavy-tailed column, 2% missing values (NaN) in three columns; a binary target
     drawn from a logistic of a nonlinear function of eight of the features (interactions,
     thresholds, a sine) — as raw little-endian float64 for GBDTCompare;
  3. runs --reps rounds (each after waiting up to --wait-quiet seconds for the machine to be
     less than 15% busy). A round fits, at each of --threads thread counts (default 2), each side
     once, rotating the order between rounds so that all see the same load on this shared
     machine: swift-mlops GradientBoosting (GBDTCompare, one process per round, the thread counts
     in turn), LightGBM (lgb.train: objective binary, num_leaves 63, learning_rate 0.1, 100
     rounds, max_bin 255, min_data_in_leaf 20, seed 0, num_threads t; the timed part includes
     lgb.Dataset construction, i.e. binning) and XGBoost (xgb.train: tree_method hist,
     grow_policy lossguide, max_leaves 63, max_depth 0, eta 0.1, 100 rounds, max_bin 256,
     nthread t; timed including DMatrix construction). Every side gets the same rows and
     the same number of trees and leaves; NaN is missing for all three;
  4. prints the medians over the rounds, the time ratio swift-mlops / LightGBM (target <= 1.0),
     swift-mlops / XGBoost, each side's test ROC AUC (target: swift-mlops within 0.002 of
     LightGBM), and the CPU model.

MLP (--parts mlp)
  Imports Benchmarks/compare/training_mlp.py (written beside this script) when it exists and
  runs its run_mlp(args): MLP epoch time on digits against scikit-learn's MLPClassifier.

Exit status: 0, or 2 on a usage or build error.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from _harness import build_swift, ensure_venv, log, wait_quiet  # noqa: E402
from _markdown import cpu_model, markdown_table  # noqa: E402

VENV = os.path.join(HERE, ".venv-training")
REQUIREMENTS = os.path.join(HERE, "requirements-training.txt")
FEATURES = 20
PEER_MODULES = ("numpy", "lightgbm", "xgboost", "sklearn", "threadpoolctl")


# --------------------------------------------------------------------------- GBDT data

def synthetic(np, rows, seed):
    """Rows x 20 features and a binary target from a nonlinear logistic model."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, FEATURES))
    x[:, 1] = 0.6 * x[:, 0] + 0.8 * x[:, 1]
    x[:, 5] = 0.5 * x[:, 4] - 0.5 * x[:, 2] + 0.7 * x[:, 5]
    x[:, 7] = rng.uniform(-2, 2, rows)
    x[:, 9] = rng.standard_t(3, rows)
    margin = (1.2 * x[:, 0] - 0.8 * x[:, 1] + x[:, 2] * x[:, 3] + 1.5 * np.sin(2 * x[:, 4])
              + np.where(x[:, 7] > 0.5, 1.0, -0.5) + 0.6 * np.abs(x[:, 9]).clip(0, 4) - 0.4 * x[:, 12] ** 2
              + 0.8 * (x[:, 15] > 0) * x[:, 16])
    y = (rng.uniform(size=rows) < 1 / (1 + np.exp(-margin))).astype(np.float64)
    for column in (3, 11, 17):
        x[rng.uniform(size=rows) < 0.02, column] = np.nan
    return np.ascontiguousarray(x), y


def write_data(np, work, train, test):
    (xtr, ytr), (xte, _) = train, test
    xtr.astype("<f8").tofile(os.path.join(work, "train_x.f64"))
    ytr.astype("<f8").tofile(os.path.join(work, "train_y.f64"))
    xte.astype("<f8").tofile(os.path.join(work, "test_x.f64"))
    with open(os.path.join(work, "shape.json"), "w") as f:
        json.dump({"features": FEATURES, "train_rows": int(xtr.shape[0]), "test_rows": int(xte.shape[0])}, f)


# --------------------------------------------------------------------------- GBDT sides

def lightgbm_fit(train, test, threads, trees, leaves, learning_rate):
    import lightgbm as lgb
    params = {"objective": "binary", "num_leaves": leaves, "learning_rate": learning_rate, "max_bin": 255,
              "min_data_in_leaf": 20, "seed": 0, "num_threads": threads, "verbose": -1}
    start = time.perf_counter()
    booster = lgb.train(params, lgb.Dataset(train[0], label=train[1]), num_boost_round=trees)
    seconds = time.perf_counter() - start
    return seconds, booster.predict(test[0], num_threads=threads)


def xgboost_fit(train, test, threads, trees, leaves, learning_rate):
    import xgboost as xgb
    params = {"objective": "binary:logistic", "tree_method": "hist", "grow_policy": "lossguide",
              "max_leaves": leaves, "max_depth": 0, "eta": learning_rate, "max_bin": 256, "nthread": threads,
              "seed": 0}
    start = time.perf_counter()
    booster = xgb.train(params, xgb.DMatrix(train[0], label=train[1], nthread=threads), num_boost_round=trees)
    seconds = time.perf_counter() - start
    return seconds, booster.predict(xgb.DMatrix(test[0], nthread=threads))


def swift_round(binary, work, args, threads):
    command = [binary, "--dir", work, "--threads", ",".join(map(str, threads)), "--trees", str(args.trees),
               "--leaves", str(args.leaves), "--learning-rate", str(args.learning_rate)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        log(result.stderr)
        log("error: GBDTCompare failed")
        sys.exit(2)
    return json.loads(result.stdout)["gbdt"]


def run_gbdt(args):
    """Runs the GBDT section; returns one row (dict) per thread count."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    threads = [int(t) for t in str(args.threads).split(",") if t]
    scratch = args.scratch_path or os.path.join(ROOT, ".build-training")
    binary = build_swift("GBDTCompare", scratch, args.swift_bin, native=False)
    log(f"generating {args.rows:,} + {args.test_rows:,} synthetic rows x {FEATURES} features ...")
    train = synthetic(np, args.rows, 2 * args.data_seed)
    test = synthetic(np, args.test_rows, 2 * args.data_seed + 1)
    work = args.work or tempfile.mkdtemp(prefix="training-gbdt-")
    os.makedirs(work, exist_ok=True)
    sides = ("swift", "lightgbm", "xgboost")
    seconds = {(s, t): [] for s in sides for t in threads}
    auc = {}
    quiet = []
    try:
        write_data(np, work, train, test)
        for rnd in range(args.reps):
            if args.wait_quiet > 0:
                quiet.append(wait_quiet(args.wait_quiet))
            order = sides[rnd % 3:] + sides[:rnd % 3]
            for side in order:
                if side == "swift":
                    out = swift_round(binary, work, args, threads)
                    for t in threads:
                        seconds[(side, t)].append(out[str(t)]["fit_seconds"])
                        p = np.fromfile(os.path.join(work, f"test_p_{t}.f64"), dtype="<f8")
                        auc[(side, t)] = float(roc_auc_score(test[1], p))
                else:
                    fit = lightgbm_fit if side == "lightgbm" else xgboost_fit
                    for t in threads:
                        s, p = fit(train, test, t, args.trees, args.leaves, args.learning_rate)
                        seconds[(side, t)].append(s)
                        auc[(side, t)] = float(roc_auc_score(test[1], p))
            log(f"round {rnd + 1}/{args.reps}: " + "; ".join(
                f"{t} thread(s) " + ", ".join(f"{s} {seconds[(s, t)][-1]:.2f} s" for s in sides) for t in threads))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    rows = []
    for t in threads:
        median = {s: statistics.median(seconds[(s, t)]) for s in sides}
        rows.append({
            "benchmark": "gbdt_train_synthetic", "threads": t, "rows": args.rows, "test_rows": args.test_rows,
            "features": FEATURES, "data_seed": args.data_seed, "trees": args.trees, "leaves": args.leaves,
            "learning_rate": args.learning_rate,
            "reps": args.reps, "swift_seconds": median["swift"], "lightgbm_seconds": median["lightgbm"],
            "xgboost_seconds": median["xgboost"], "ratio_vs_lightgbm": median["swift"] / median["lightgbm"],
            "ratio_vs_xgboost": median["swift"] / median["xgboost"], "target_ratio_vs_lightgbm": 1.0,
            "swift_auc": auc[("swift", t)], "lightgbm_auc": auc[("lightgbm", t)], "xgboost_auc": auc[("xgboost", t)],
            "auc_gap_vs_lightgbm": auc[("lightgbm", t)] - auc[("swift", t)], "target_auc_gap": 0.002,
            "all_seconds": {s: seconds[(s, t)] for s in sides}, "cpu": cpu_model(), "busy_before_rounds": quiet,
        })
    return rows


def gbdt_table(rows):
    head = ("threads", "swift-mlops s", "LightGBM s", "XGBoost s", "swift/LightGBM (target <= 1.0)",
            "swift/XGBoost", "test AUC swift / LightGBM / XGBoost")
    body = [(r["threads"], f"{r['swift_seconds']:.2f}", f"{r['lightgbm_seconds']:.2f}",
             f"{r['xgboost_seconds']:.2f}",
             f"{r['ratio_vs_lightgbm']:.2f}x {'ok' if r['ratio_vs_lightgbm'] <= 1.0 else 'MISS'}",
             f"{r['ratio_vs_xgboost']:.2f}x",
             f"{r['swift_auc']:.4f} / {r['lightgbm_auc']:.4f} / {r['xgboost_auc']:.4f} "
             f"({'ok' if r['auc_gap_vs_lightgbm'] <= 0.002 else 'MISS'})") for r in rows]
    return markdown_table(head, body)


# --------------------------------------------------------------------------- MLP section

def mlp_module():
    """Benchmarks/compare/training_mlp.py, when it exists (another part of issue 12)."""
    if not os.path.exists(os.path.join(HERE, "training_mlp.py")):
        return None
    import training_mlp
    return training_mlp


# --------------------------------------------------------------------------- driver

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="gbdt,mlp", help="sections to run: gbdt, mlp")
    ap.add_argument("--reps", type=int, default=3, help="rounds (one fit of each side each)")
    ap.add_argument("--threads", default="2", help="GBDT thread counts, e.g. 1,2")
    ap.add_argument("--rows", type=int, default=1_000_000, help="GBDT training rows")
    ap.add_argument("--test-rows", type=int, default=200_000, help="GBDT test rows")
    ap.add_argument("--data-seed", type=int, default=0,
                    help="GBDT data: numpy seed 2*S for the training rows, 2*S+1 for the test rows")
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--leaves", type=int, default=63)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--wait-quiet", type=float, default=60,
                    help="before each round wait up to this many seconds for the CPUs to be < 15%% busy (0: never)")
    ap.add_argument("--swift-bin", help="a built GBDTCompare executable (skips the build)")
    ap.add_argument("--scratch-path", help="SwiftPM scratch path (default .build-training)")
    ap.add_argument("--work", help="directory for the data files (default: a temporary one, removed)")
    ap.add_argument("--output", help="write every figure as JSON here")
    ap.add_argument("--no-venv", action="store_true", help="use this interpreter, not .venv-training")
    args = ap.parse_args()
    ensure_venv(__file__, VENV, REQUIREMENTS, PEER_MODULES, args.no_venv)
    from importlib.metadata import version

    parts = set(args.parts.split(","))
    results = {}
    if "gbdt" in parts:
        rows = run_gbdt(args)
        results["gbdt"] = rows
        print("## GBDT training\n")
        print(gbdt_table(rows))
        first = rows[0]
        print(f"\nmedians of {first['reps']} rotated rounds; {first['rows']:,} x {first['features']} synthetic "
              f"training rows (2% NaN in 3 columns, data seed {first['data_seed']}), AUC on {first['test_rows']:,} "
              f"test rows; {first['trees']} "
              f"trees, {first['leaves']} leaves, learning rate {first['learning_rate']}; CPU {first['cpu']} "
              f"({os.cpu_count()} CPUs); lightgbm {version('lightgbm')}, xgboost {version('xgboost-cpu')}, "
              f"numpy {version('numpy')}, scikit-learn {version('scikit-learn')}; python {platform.python_version()}")
    if "mlp" in parts:
        module = mlp_module()
        if module is None:
            log("MLP section skipped: Benchmarks/compare/training_mlp.py is not there")
        else:
            mlp_args = argparse.Namespace(**{**vars(args), "threads": getattr(module, "DEFAULTS", {}).get(
                "threads", "1,2"), "swift_bin": None})
            rows = module.run_mlp(mlp_args)
            results["mlp"] = rows
            print("\n## MLP training epoch\n")
            print(module.table(rows) if hasattr(module, "table") else json.dumps(rows, indent=1))
    if args.output:
        with open(args.output, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
