#!/usr/bin/env python3
"""MLP training epoch time: Training's MLP against scikit-learn's MLPClassifier on the digits
data, same architecture, batch size and epochs, in the same run (issue 12's MLP benchmark).

    python3 Benchmarks/compare/training_mlp.py [--reps 5] [--epochs 200] [--output FILE]

Run alone, it creates (on first use) and re-runs itself inside Benchmarks/compare/.venv-training
(python3 -m venv, pip install -r requirements-training.txt, pinned versions; --no-venv uses the
current interpreter). Imported, `run_mlp(args)` does the work and returns a list of result rows
(dicts) for Benchmarks/compare/training_vs_peers.py; `args` is any object with the attributes of
this script's options (missing ones take the defaults below; see `DEFAULTS`).

What it does:

  1. builds the MLPCompare executable of the Benchmarks package in release mode, as a host gets
     it: `swift build -c release --package-path Benchmarks --product MLPCompare --scratch-path
     .build-training`, no flags (the SGEMM kernels are chosen at run time for the CPU);
     --swift-bin uses a given executable;
  2. loads digits from the project's test resources (Tests/TrainingTests/Resources/datasets,
     a copy of the shared datasets), takes the fixed train split (1,437 rows x 64 features) and
     the test split (360 rows), standardises both with the train rows' mean and population
     standard deviation (scale 1 for a constant column), and writes them as raw float64 for
     MLPCompare;
  3. runs --reps rounds (each after waiting up to --wait-quiet seconds for the machine to be
     less than 15% busy). A round runs, at 1 and at 2 threads, one fit of each side, alternating
     which side goes first: scikit-learn's MLPClassifier(hidden_layer_sizes=(64,), activation
     relu, solver adam, batch_size=200, max_iter=EPOCHS, n_iter_no_change=EPOCHS+1 so that
     every fit runs all EPOCHS epochs, random_state=0) with its BLAS limited by threadpoolctl;
     and MLPCompare with the same settings (one MLPCompare process per round runs both thread
     counts; its own warm-up is untimed). The epoch time is a fit's wall time divided by the
     epochs it ran;
  4. prints the medians over the rounds, the ratio scikit-learn / swift-mlops (> 1: swift-mlops
     is faster; the issue's target is >= 3), the test accuracy of both, and the CPU model.

scikit-learn runs in float64 (its dtype for float64 input); swift-mlops in float32 on its SGEMM
kernels with float64 loss sums. Exit status 0, 2 on a usage or build error.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from _harness import build_swift, ensure_venv, log, wait_quiet  # noqa: E402
from _markdown import cpu_model, markdown_table  # noqa: E402

VENV = os.path.join(HERE, ".venv-training")
REQUIREMENTS = os.path.join(HERE, "requirements-training.txt")
DATASETS = os.path.join(ROOT, "Tests", "TrainingTests", "Resources", "datasets")
PEER_MODULES = ("numpy", "sklearn", "threadpoolctl")
HIDDEN, BATCH = 64, 200
DEFAULTS = {"reps": 5, "epochs": 200, "threads": "1,2", "wait_quiet": 30.0, "swift_bin": None,
            "scratch_path": None, "work": None, "output": None, "no_venv": False}


def option(args, name):
    value = getattr(args, name, None)
    return DEFAULTS[name] if value is None else value


# --------------------------------------------------------------------------- data

def digits(np):
    """The standardised digits train and test rows: (x_train, y_train, x_test, y_test)."""
    with open(os.path.join(DATASETS, "digits.csv")) as f:
        rows = list(csv.reader(f))[1:]
    with open(os.path.join(DATASETS, "digits_split.csv")) as f:
        folds = [line.strip() for line in f][1:]
    x = np.array([[float(v) for v in r[:-1]] for r in rows])
    y = np.array([int(float(r[-1])) for r in rows])
    train = np.array([fold == "train" for fold in folds])
    mean = x[train].mean(axis=0)
    scale = x[train].std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    return xs[train], y[train], xs[~train], y[~train]


def write_data(work, data):
    x_train, y_train, x_test, y_test = data
    for name, array in (("train_x", x_train), ("train_y", y_train), ("test_x", x_test), ("test_y", y_test)):
        array.astype("<f8").tofile(os.path.join(work, name + ".f64"))


# --------------------------------------------------------------------------- the two sides

def swift_round(binary, work, epochs, threads):
    cmd = [binary, "--dir", work, "--features", "64", "--classes", "10", "--epochs", str(epochs),
           "--batch", str(BATCH), "--hidden", str(HIDDEN), "--reps", "1", "--threads",
           ",".join(str(t) for t in threads)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    for line in out.stderr.splitlines():
        log("  swift: " + line)
    if out.returncode != 0:
        log(f"MLPCompare failed (exit {out.returncode}): " + " ".join(cmd))
        sys.exit(1)
    return json.loads(out.stdout.strip().splitlines()[-1])


def sklearn_fit(data, epochs, threads):
    """One timed scikit-learn fit at `threads` BLAS threads: (epoch ms, epochs, test accuracy)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits
    x_train, y_train, x_test, y_test = data
    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="adam", batch_size=BATCH,
                          max_iter=epochs, n_iter_no_change=epochs + 1, random_state=0)
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(x_train, y_train)
        elapsed = time.perf_counter() - start
    accuracy = float((model.predict(x_test) == y_test).mean())
    return elapsed * 1e3 / model.n_iter_, model.n_iter_, accuracy


# --------------------------------------------------------------------------- driver

def run_mlp(args):
    """Runs the benchmark; returns one row (dict) per thread count with the medians and ratio."""
    import numpy as np
    from threadpoolctl import threadpool_info

    reps = max(1, int(option(args, "reps")))
    epochs = max(1, int(option(args, "epochs")))
    threads = [int(t) for t in str(option(args, "threads")).split(",") if t]
    scratch = option(args, "scratch_path") or os.path.join(ROOT, ".build-training")
    binary = build_swift("MLPCompare", scratch, option(args, "swift_bin"), native=False)
    data = digits(np)
    work = option(args, "work") or tempfile.mkdtemp(prefix="training-mlp-")
    os.makedirs(work, exist_ok=True)
    swift = {t: [] for t in threads}
    peer = {t: [] for t in threads}
    accuracy = {}
    quiet = []
    blas = [{k: i.get(k) for k in ("internal_api", "version", "num_threads")}
            for i in threadpool_info() if i.get("user_api") == "blas"]
    kernels = None
    try:
        write_data(work, data)
        # Warm the peer once (imports, first BLAS call), untimed.
        sklearn_fit(data, 2, 1)
        for rnd in range(reps):
            if float(option(args, "wait_quiet")) > 0:
                quiet.append(wait_quiet(float(option(args, "wait_quiet"))))
            order = ("swift", "peer") if rnd % 2 == 0 else ("peer", "swift")
            for side in order:
                if side == "swift":
                    out = swift_round(binary, work, epochs, threads)
                    kernels = out.get("kernels")
                    for t in threads:
                        entry = out["mlp"][str(t)]
                        swift[t] += entry["epoch_ms"]
                        accuracy[("swift", t)] = entry["test_accuracy"]
                else:
                    for t in threads:
                        ms, _, acc = sklearn_fit(data, epochs, t)
                        peer[t].append(ms)
                        accuracy[("sklearn", t)] = acc
            log(f"round {rnd + 1}/{reps}: " + ", ".join(
                f"{t} thread(s) swift {swift[t][-1]:.3f} ms, sklearn {peer[t][-1]:.3f} ms" for t in threads))
    finally:
        if not option(args, "work"):
            shutil.rmtree(work, ignore_errors=True)
    rows = []
    for t in threads:
        s, p = statistics.median(swift[t]), statistics.median(peer[t])
        rows.append({
            "benchmark": "mlp_epoch_digits", "threads": t, "epochs": epochs, "batch_size": BATCH,
            "hidden_layer_sizes": [HIDDEN], "rows": int(data[0].shape[0]), "reps": reps,
            "swift_epoch_ms": s, "sklearn_epoch_ms": p, "speedup": p / s, "target_speedup": 3.0,
            "swift_epoch_ms_all": swift[t], "sklearn_epoch_ms_all": peer[t],
            "swift_test_accuracy": accuracy[("swift", t)], "sklearn_test_accuracy": accuracy[("sklearn", t)],
            "cpu": cpu_model(), "kernels": kernels, "blas": blas, "busy_before_rounds": quiet,
        })
    return rows


def table(rows):
    head = ("threads", "swift-mlops ms/epoch", "scikit-learn ms/epoch", "speedup (target >= 3)",
            "test accuracy swift / sklearn")
    body = [(r["threads"], f"{r['swift_epoch_ms']:.3f}", f"{r['sklearn_epoch_ms']:.3f}",
             f"{r['speedup']:.1f}x {'ok' if r['speedup'] >= r['target_speedup'] else 'MISS'}",
             f"{r['swift_test_accuracy']:.4f} / {r['sklearn_test_accuracy']:.4f}") for r in rows]
    return markdown_table(head, body)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=DEFAULTS["reps"], help="rounds (one fit of each side each)")
    ap.add_argument("--epochs", type=int, default=DEFAULTS["epochs"], help="epochs per fit")
    ap.add_argument("--threads", default=DEFAULTS["threads"], help="thread counts, e.g. 1,2")
    ap.add_argument("--wait-quiet", type=float, default=DEFAULTS["wait_quiet"],
                    help="before each round wait up to this many seconds for the CPUs to be < 15%% busy (0: never)")
    ap.add_argument("--swift-bin", help="a built MLPCompare executable (skips the build)")
    ap.add_argument("--scratch-path", help="SwiftPM scratch path (default .build-training)")
    ap.add_argument("--work", help="directory for the data files (default: a temporary one, removed)")
    ap.add_argument("--output", help="write every figure as JSON here")
    ap.add_argument("--no-venv", action="store_true", help="use this interpreter, not .venv-training")
    args = ap.parse_args()
    ensure_venv(__file__, VENV, REQUIREMENTS, PEER_MODULES, option(args, "no_venv"))
    from importlib.metadata import version
    rows = run_mlp(args)
    print(table(rows))
    first = rows[0]
    print(f"\nmedians of {first['reps']} interleaved rounds, {first['epochs']} epochs per fit, digits train split "
          f"({first['rows']} rows, standardised), 64 ReLU units, Adam, batch {first['batch_size']}; "
          f"CPU {first['cpu']} ({os.cpu_count()} CPUs); swift-mlops kernels: {first['kernels']}; "
          f"scikit-learn {version('scikit-learn')}, numpy {version('numpy')}, BLAS {first['blas']}; "
          f"python {platform.python_version()}")
    if args.output:
        with open(args.output, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
