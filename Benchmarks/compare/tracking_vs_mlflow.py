#!/usr/bin/env python3
"""Experiment tracking side by side: swift-mlops (SQLite workspace) vs MLflow
(its SQLite store and its file store), on the same machine in the same run.

    python3 -m venv .venv-bench && .venv-bench/bin/pip install mlflow==3.17.2
    .venv-bench/bin/python Benchmarks/compare/tracking_vs_mlflow.py [--reps 5] [--output FILE]

Measured for each system (median, min, max of --reps repetitions after one
warm-up; MLflow exactly as shared/anchors/mlflow_logging.py measures it):

  * single-call metric logging, points/s until durable: swift-mlops
    run.log(metric:) then finish(); MLflow mlflow.log_metric one point a call
    (every call commits);
  * batched, points/s until durable: swift-mlops run.log(metrics:) with 1,000
    points a call, then finish(); MLflow MlflowClient.log_batch, 1,000 a call;
  * 200 runs x (10 params + 10 metrics): start, log params, log metrics, end.
    swift-mlops is timed twice: each run's finish() waiting until it is durable
    (as MLflow's calls do) and runs ended queued with one flush at the end;
  * a filtered search, "metrics.acc > 0.5 and params.lr = '0.01'", over an
    experiment of 200 runs (created through the API) and of 10,000 runs
    (swift-mlops: created through its API; MLflow SQLite: rows cloned from an
    API-created run with SQL; MLflow file store: run directories cloned from an
    API-created run), MlflowClient.search_runs returning entities.

The swift-mlops side is the TrackingCompare executable of the Benchmarks
package (built here in release mode unless --swift-bin is given). Prints a
table and the ratios; --output writes all figures as JSON.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings

from _harness import build_swift, cpu_times, log
from _markdown import markdown_table

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
FILTER = "metrics.acc > 0.5 and params.lr = '0.01'"


def summary(values, digits=6):
    s = sorted(float(v) for v in values)
    return {"median": round(statistics.median(s), digits), "min": round(s[0], digits),
            "max": round(s[-1], digits), "n": len(s)}


def repeated(reps, label, body):
    body()  # warm-up
    values = [body() for _ in range(reps)]
    log(f"  {label}: " + " ".join(f"{v:.4g}" for v in values))
    return values


# --------------------------------------------------------------------------- MLflow

def mlflow_backend(name, uri, workdir, args):
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.ERROR)
    os.chdir(workdir)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    res = {"tracking_uri": uri}
    counter = iter(range(10 ** 9))

    n_single = args.mlflow_single_sqlite if name == "sqlite" else args.mlflow_single_file
    exp_single = client.create_experiment("single")

    def single():
        with mlflow.start_run(experiment_id=exp_single, run_name=f"single{next(counter)}"):
            t0 = time.perf_counter()
            for step in range(n_single):
                mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
            return n_single / (time.perf_counter() - t0)

    res["log_metric_single"] = {"points_per_rep": n_single,
                                "points_per_s": summary(repeated(args.reps, f"{name} log_metric points/s", single), 1)}

    exp_batch = client.create_experiment("batch")
    ts = int(time.time() * 1000)
    n_batch, size = args.mlflow_batch_points, args.batch_size
    batches = [[Metric("loss", 1.0 / (k + 1), ts, k) for k in range(b, min(b + size, n_batch))]
               for b in range(0, n_batch, size)]

    def batch():
        rid = client.create_run(exp_batch, run_name=f"batch{next(counter)}").info.run_id
        t0 = time.perf_counter()
        for b in batches:
            client.log_batch(rid, metrics=b)
        rate = n_batch / (time.perf_counter() - t0)
        client.set_terminated(rid)
        return rate

    res["log_batch"] = {"points_per_rep": n_batch, "batch_size": size,
                        "points_per_s": summary(repeated(args.reps, f"{name} log_batch points/s", batch), 1)}

    rng = random.Random(42)
    last = {}

    def specs(count):
        out = []
        for r in range(count):
            p = {f"p{j}": str(rng.randint(0, 1000)) for j in range(1, 10)}
            p["lr"] = ("0.001", "0.01", "0.1")[r % 3]
            m = {f"m{j}": rng.random() for j in range(1, 10)}
            m["acc"] = rng.random()
            out.append((p, m))
        return out

    def runs():
        exp = client.create_experiment(f"runs{next(counter)}")
        todo = specs(args.runs)
        t0 = time.perf_counter()
        for p, m in todo:
            with mlflow.start_run(experiment_id=exp):
                mlflow.log_params(p)
                mlflow.log_metrics(m)
        last["exp"] = exp
        return time.perf_counter() - t0

    res["create_runs"] = {"runs": args.runs,
                          "seconds": summary(repeated(args.reps, f"{name} {args.runs} runs (s)", runs), 4)}

    def search(exp_id, label):
        found = {}

        def one():
            t0 = time.perf_counter()
            found["n"] = len(client.search_runs([exp_id], filter_string=FILTER, max_results=50_000))
            return time.perf_counter() - t0

        reps = args.search_reps if label == args.runs else args.search_reps_large
        secs = repeated(reps, f"{name} search over {label} runs (s)", one)
        return {"runs_in_experiment": label, "matched": found["n"], "seconds": summary(secs, 5)}

    res["search_200"] = search(last["exp"], args.runs)
    if args.large_runs:
        t0 = time.perf_counter()
        exp_large = clone_runs(name, client, mlflow, uri, workdir, args.large_runs, specs(1)[0])
        res["setup_seconds_large"] = round(time.perf_counter() - t0, 2)
        res[f"search_{args.large_runs}"] = search(exp_large, args.large_runs)
    return res


def clone_runs(name, client, mlflow, uri, workdir, count, spec):
    """An experiment of `count` runs: one made through the API, the rest cloned
    from it (SQL rows, or run directories), each with its own lr and acc."""
    exp = client.create_experiment(f"large{uuid.uuid4().hex[:8]}")
    params, metrics = spec
    with mlflow.start_run(experiment_id=exp) as run:
        mlflow.log_params(params)
        mlflow.log_metrics(metrics)
    template = run.info.run_id
    rng = random.Random(7)
    lrs = [("0.001", "0.01", "0.1")[i % 3] for i in range(count - 1)]
    accs = [rng.random() for _ in range(count - 1)]
    if name == "sqlite":
        con = sqlite3.connect(os.path.join(workdir, "mlflow.db"))
        tables = [t for (t,) in con.execute("select name from sqlite_master where type='table'")]
        columns = {t: [c[1] for c in con.execute(f"pragma table_info('{t}')")] for t in tables}
        with con:
            for i in range(count - 1):
                new = uuid.uuid4().hex
                for t in tables:
                    cols = columns[t]
                    if "run_uuid" not in cols:
                        continue
                    rows = con.execute(f"select * from {t} where run_uuid = ?", (template,)).fetchall()
                    for row in rows:
                        row = dict(zip(cols, row))
                        row["run_uuid"] = new
                        if t == "runs" and "name" in row:
                            row["name"] = f"clone-{i}"
                        if t == "params" and row.get("key") == "lr":
                            row["value"] = lrs[i]
                        if t in ("metrics", "latest_metrics") and row.get("key") == "acc":
                            row["value"] = accs[i]
                        marks = ",".join("?" for _ in cols)
                        con.execute(f"insert into {t} ({','.join(cols)}) values ({marks})", [row[c] for c in cols])
        con.close()
    else:
        root = os.path.join(workdir, "mlruns", exp)
        source = os.path.join(root, template)
        with open(os.path.join(source, "meta.yaml")) as f:
            meta = f.read()
        for i in range(count - 1):
            new = uuid.uuid4().hex
            target = os.path.join(root, new)
            shutil.copytree(source, target)
            with open(os.path.join(target, "meta.yaml"), "w") as f:
                f.write(meta.replace(template, new))
            with open(os.path.join(target, "params", "lr"), "w") as f:
                f.write(lrs[i])
            with open(os.path.join(target, "metrics", "acc")) as f:
                ts_, _, step = f.read().split()
            with open(os.path.join(target, "metrics", "acc"), "w") as f:
                f.write(f"{ts_} {accs[i]!r} {step}\n")
    return exp


# --------------------------------------------------------------------------- swift-mlops

def swift_side(args):
    binary = build_swift("TrackingCompare", swift_bin=args.swift_bin)
    sizes = f"{args.runs},{args.large_runs}" if args.large_runs else str(args.runs)
    cmd = [binary, "--reps", str(args.reps), "--single-points", str(args.swift_single), "--batch-points",
           str(args.swift_batch_points), "--batch-size", str(args.batch_size), "--runs", str(args.runs),
           "--search-sizes", sizes, "--search-reps", str(args.search_reps)]
    log("swift-mlops: " + " ".join(cmd))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    for line in out.stderr.splitlines():
        log("  swift " + line)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report

def report(swift, mlflow):
    rows = []

    def med(d, *path):
        for p in path:
            if d is None:
                return None
            d = d.get(p)
        return d

    def row(label, ours, key_sqlite, key_file, higher_is_better, unit, scale=1.0):
        theirs_sql = med(mlflow.get("sqlite"), *key_sqlite)
        theirs_file = med(mlflow.get("file"), *key_file)

        def ratio(t):
            if ours is None or t is None:
                return "—"
            r = ours / t if higher_is_better else t / ours
            return f"{r:,.0f}×" if r >= 100 else f"{r:,.1f}×"

        def fmt(v):
            return "—" if v is None else f"{v * scale:,.1f} {unit}" if v * scale < 100 else f"{v * scale:,.0f} {unit}"

        rows.append((label, fmt(ours), fmt(theirs_sql), fmt(theirs_file), ratio(theirs_sql), ratio(theirs_file)))

    row("metric points/s, one per call", med(swift, "log_metric_single", "points_per_s", "median"),
        ("log_metric_single", "points_per_s", "median"), ("log_metric_single", "points_per_s", "median"), True, "pts/s")
    row("metric points/s, batched 1,000/call", med(swift, "log_batch", "points_per_s", "median"),
        ("log_batch", "points_per_s", "median"), ("log_batch", "points_per_s", "median"), True, "pts/s")
    row("200 runs × (10 params + 10 metrics), each durable", med(swift, "create_runs", "seconds_each_run_durable", "median"),
        ("create_runs", "seconds", "median"), ("create_runs", "seconds", "median"), False, "ms", 1000)
    row("200 runs × (10 params + 10 metrics), one flush", med(swift, "create_runs", "seconds_flushed_once", "median"),
        ("create_runs", "seconds", "median"), ("create_runs", "seconds", "median"), False, "ms", 1000)
    searches = [(k, v) for k, v in swift.get("search", {}).items() if k.startswith("search_")]
    for key, value in sorted(searches, key=lambda kv: kv[1]["runs_in_experiment"]):
        n = value["runs_in_experiment"]
        row(f"filtered search over {n:,} runs", value["seconds"]["median"], (key, "seconds", "median"),
            (key, "seconds", "median"), False, "ms", 1000)
    head = ("", "swift-mlops (SQLite)", "MLflow SQLite", "MLflow file store", "vs MLflow SQLite", "vs MLflow file")
    return markdown_table(head, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--large-runs", type=int, default=10_000, help="runs in the large search experiment (0: skip)")
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--swift-single", type=int, default=100_000)
    ap.add_argument("--swift-batch-points", type=int, default=1_000_000)
    ap.add_argument("--mlflow-single-sqlite", type=int, default=1000)
    ap.add_argument("--mlflow-single-file", type=int, default=10_000)
    ap.add_argument("--mlflow-batch-points", type=int, default=10_000)
    ap.add_argument("--search-reps", type=int, default=10)
    ap.add_argument("--search-reps-large", type=int, default=3)
    ap.add_argument("--backends", default="sqlite,file")
    ap.add_argument("--swift-bin", help="a built TrackingCompare executable")
    ap.add_argument("--output", help="write all figures as JSON here")
    args = ap.parse_args()

    t0_total, i0_total = cpu_times()
    start = time.monotonic()
    own0 = os.times()
    result = {"filter": FILTER, "reps": args.reps, "warmup_reps": 1, "loadavg_at_start": os.getloadavg()}
    result["swift_mlops"] = swift_side(args)
    result["mlflow"] = {}
    import mlflow
    result["mlflow_version"] = mlflow.__version__
    for backend in args.backends.split(","):
        workdir = tempfile.mkdtemp(prefix=f"mlflow-{backend}-")
        uri = "sqlite:///mlflow.db" if backend == "sqlite" else "file:./mlruns"
        log(f"MLflow {backend} store in {workdir}")
        try:
            result["mlflow"][backend] = mlflow_backend(backend, uri, workdir, args)
        finally:
            os.chdir(HERE)
            shutil.rmtree(workdir, ignore_errors=True)
    t1_total, i1_total = cpu_times()
    wall = time.monotonic() - start
    own = sum(os.times()[:4]) - sum(own0[:4])
    busy = ((t1_total - t0_total) - (i1_total - i0_total)) / os.sysconf("SC_CLK_TCK")
    result["contention"] = {"wall_s": round(wall, 1), "other_cpu_fraction":
                            round(max(0.0, busy - own) / max(1e-9, wall * (os.cpu_count() or 1)), 3)}
    table = report(result["swift_mlops"], result["mlflow"])
    result["table"] = table
    print(table)
    print(f"\nmlflow {result['mlflow_version']}; medians of {args.reps} reps; other processes used "
          f"{result['contention']['other_cpu_fraction']:.0%} of the CPUs during the run ({wall:.0f} s)")
    if args.output:
        with open(args.output, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
