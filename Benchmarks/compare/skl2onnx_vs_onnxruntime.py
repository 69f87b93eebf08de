#!/usr/bin/env python3
"""The skl2onnx cases on InferenceCore and on onnxruntime, side by side in the same run (issue 15).

    python3 Benchmarks/compare/skl2onnx_vs_onnxruntime.py [--reps 3] [--seconds 1] [--batches 1,1000]
        [--only NAME,...] [--cases DIR] [--swift-bin PATH] [--output FILE]

One command: on first use it creates Benchmarks/compare/.venv-skl2onnx (the pinned tools of
Tests/Interop/skl2onnx/requirements.txt) and re-runs itself there (--no-venv: the current
interpreter). It builds `mlops` in release mode (scratch .build-skl2onnx-bench; --swift-bin uses a
given executable), then for every case of --cases (default: the committed set,
Tests/InferenceCoreTests/Resources/SKL2ONNX) with one float input, and every batch size:

  - ours: `mlops bench MODEL --batch B --seconds S --json` (seeded standard-normal rows, buffers
    preallocated, the runtime alone);
  - onnxruntime: an InferenceSession (CPU, default threads, sequential) fed seeded standard-normal
    float32 rows of the same shape, warmed up 0.2 s, then called for S seconds.

Both report the median per-call latency (batch 1) and rows per second. Each rep alternates which
side goes first, after waiting up to --wait-quiet seconds for the machine to be < 15 % busy.
Printed: medians over the reps and onnxruntime-time / our-time (> 1: we are faster), and the
geometric mean of those ratios per batch size. Correctness is not measured here: the tests compare
every case with onnxruntime's outputs.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import ROOT, build_swift, ensure_venv, log, wait_quiet  # noqa: E402
from _markdown import cpu_model, markdown_table  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REQUIREMENTS = os.path.join(ROOT, "Tests", "Interop", "skl2onnx", "requirements.txt")
DEFAULT_CASES = os.path.join(ROOT, "Tests", "InferenceCoreTests", "Resources", "SKL2ONNX")


def ours(binary, model, batch, seconds):
    out = subprocess.run(
        [binary, "bench", model, "--batch", str(batch), "--seconds", str(seconds), "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    report = json.loads(out)
    return {"p50_us": report["latency_p50_us"], "rows_per_second": report["rows_per_second"]}


def onnxruntime(model, batch, seconds):
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    inputs = session.get_inputs()
    width = inputs[0].shape[1]
    x = np.random.default_rng(42).standard_normal((batch, width)).astype(np.float32)
    feed = {inputs[0].name: x}
    names = [o.name for o in session.get_outputs()]
    end = time.perf_counter() + 0.2
    while time.perf_counter() < end:
        session.run(names, feed)
    latencies = []
    start = time.perf_counter()
    end = start + seconds
    while True:
        t0 = time.perf_counter()
        session.run(names, feed)
        t1 = time.perf_counter()
        latencies.append(t1 - t0)
        if t1 >= end:
            break
    elapsed = time.perf_counter() - start
    return {"p50_us": statistics.median(latencies) * 1e6, "rows_per_second": len(latencies) * batch / elapsed}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=DEFAULT_CASES)
    parser.add_argument("--only", default="")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--batches", default="1,1000")
    parser.add_argument("--wait-quiet", type=float, default=20)
    parser.add_argument("--swift-bin")
    parser.add_argument("--output")
    parser.add_argument("--no-venv", action="store_true")
    args = parser.parse_args()
    ensure_venv(
        __file__, os.path.join(HERE, ".venv-skl2onnx"), REQUIREMENTS, ["onnxruntime", "numpy"], skip=args.no_venv
    )
    import onnxruntime as ort

    binary = build_swift(
        "mlops", scratch=os.path.join(ROOT, ".build-skl2onnx-bench"), swift_bin=args.swift_bin, package=ROOT
    )
    with open(os.path.join(args.cases, "manifest.json")) as f:
        manifest = json.load(f)
    only = set(filter(None, args.only.split(",")))
    batches = [int(b) for b in args.batches.split(",")]
    results = []
    for case in manifest["cases"]:
        name = case["name"]
        if only and name not in only:
            continue
        model = os.path.join(args.cases, case["model"])
        session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        inputs = session.get_inputs()
        if len(inputs) != 1 or inputs[0].type != "tensor(float)":
            log(f"{name}: skipped (mlops bench drives one float input)")
            continue
        for batch in batches:
            rounds = {"ours": [], "onnxruntime": []}
            try:
                for rep in range(args.reps):
                    wait_quiet(args.wait_quiet)
                    order = ["ours", "onnxruntime"] if rep % 2 == 0 else ["onnxruntime", "ours"]
                    for side in order:
                        if side == "ours":
                            rounds[side].append(ours(binary, model, batch, args.seconds))
                        else:
                            rounds[side].append(onnxruntime(model, batch, args.seconds))
            except subprocess.CalledProcessError as error:
                log(f"{name} batch {batch}: mlops bench failed: {error.stderr.strip()[:300]}")
                results.append({"case": name, "batch": batch, "error": error.stderr.strip()[:300]})
                continue
            row = {"case": name, "batch": batch}
            for side, values in rounds.items():
                row[side] = {
                    "p50_us": statistics.median(v["p50_us"] for v in values),
                    "rows_per_second": statistics.median(v["rows_per_second"] for v in values),
                }
            # onnxruntime's time over ours: > 1 means InferenceCore is faster.
            row["speedup"] = row["ours"]["rows_per_second"] / row["onnxruntime"]["rows_per_second"]
            row["speedup_p50"] = row["onnxruntime"]["p50_us"] / row["ours"]["p50_us"]
            results.append(row)
            log(
                f"{name:36s} batch {batch:5d}: ours p50 {row['ours']['p50_us']:9.1f} us, "
                f"{row['ours']['rows_per_second']:12.0f} rows/s; onnxruntime p50 {row['onnxruntime']['p50_us']:9.1f} us, "
                f"{row['onnxruntime']['rows_per_second']:12.0f} rows/s; speedup {row['speedup']:.2f}x"
            )
    print(f"\nCPU: {cpu_model()}, {os.cpu_count()} CPUs; onnxruntime {ort.__version__}; "
          f"{args.reps} reps of {args.seconds} s, medians")
    rows = []
    for row in results:
        if "error" in row:
            rows.append((row["case"], row["batch"], "error", "", "", "", ""))
            continue
        rows.append((
            row["case"], row["batch"], f"{row['ours']['p50_us']:.1f}", f"{row['onnxruntime']['p50_us']:.1f}",
            f"{row['ours']['rows_per_second']:.0f}", f"{row['onnxruntime']['rows_per_second']:.0f}",
            f"{row['speedup']:.2f}x",
        ))
    print(markdown_table(
        ("case", "batch", "ours p50 µs", "onnxruntime p50 µs", "ours rows/s", "onnxruntime rows/s", "speedup"), rows))
    for batch in batches:
        speedups = [r["speedup"] for r in results if r["batch"] == batch and "speedup" in r]
        if speedups:
            geo = math.exp(sum(math.log(s) for s in speedups) / len(speedups))
            slower = sorted((r["speedup"], r["case"]) for r in results if r["batch"] == batch and "speedup" in r)[:5]
            print(f"batch {batch}: geometric mean speedup {geo:.2f}x over {len(speedups)} cases; "
                  f"slowest: {', '.join(f'{c} {s:.2f}x' for s, c in slower)}")
    if args.output:
        with open(args.output, "w") as f:
            json.dump({"results": results, "reps": args.reps, "seconds": args.seconds}, f, indent=1)
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
