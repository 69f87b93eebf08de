#!/usr/bin/env python3
"""InferenceCore side by side with numpy, onnxruntime, OpenBLAS, XGBoost and LightGBM:
the same models, the same inputs, the same run (issue 3's benchmark).

    python3 Benchmarks/compare/inference_vs_peers.py [--reps 5] [--output FILE] [--native]

One command: on first use it creates its own virtual environment
Benchmarks/compare/.venv-inference (python3 -m venv, then pip install -r
requirements-inference.txt, pinned versions) and re-runs itself inside it
(--no-venv uses the current interpreter). It then

  1. builds the InferenceCompare executable of the Benchmarks package in release
     mode, the way a host program gets it: `swift build -c release --package-path
     Benchmarks --product InferenceCompare --scratch-path
     .build-inference-portable`, no flags and no environment variables (the
     SGEMM kernels are chosen at run time for the CPU: AVX-512, AVX2+FMA or the
     portable Swift tiles; MLOPS_ISA caps the level; see
     Documentation/Performance.md). --native builds with MLOPS_NATIVE=1
     (InferenceCore's Swift code compiled for this CPU) into
     .build-inference-native; --portable, the default, is kept for old command
     lines; --swift-bin uses a given executable;
  2. writes the models and inputs into a work directory: the MLP
     64->256(ReLU)->256(ReLU)->10(softmax) float32 as ONNX (onnx.helper; MatMul,
     Add, Relu, Softmax, opset 17; weights N(0, 1/fan_in), biases N(0, 0.01^2),
     numpy seed 0, as shared/anchors/inference_mlp.py), its inputs for batch 1,
     256 and 4096 and onnxruntime's outputs; A and B of SGEMM 1024^3 and numpy's
     C; 100,000 x 20 synthetic float32 rows (binary target from a seeded
     nonlinear function), an XGBoost model (100 trees, max_depth 6, hist) saved as
     JSON, a LightGBM model (100 trees, max_depth 6, num_leaves 63) saved as text,
     and both tools' probabilities for all rows. Raw matrices are little-endian
     float32 (.f32) or float64 (.f64), row-major;
  3. runs --reps rounds (each after waiting up to --wait-quiet seconds for the
     machine to be less than 15% busy). Each round runs, part by part (MLP, SGEMM, GBDT), one
     repetition of the Swift side (a fresh InferenceCompare process that warms up
     and checks its predictions against the peers' within a tolerance) and one of
     the peers, alternating which goes first, so that both see the same load on
     this shared machine. Peers: numpy forward pass and onnxruntime
     (intra_op_num_threads 1 and 2, inter_op 1, sequential) for the MLP;
     numpy.matmul (OpenBLAS through threadpoolctl, 1 and 2 threads) for SGEMM;
     xgboost Booster.inplace_predict (nthread 1 and 2) and lightgbm
     Booster.predict (num_threads 1 and 2) for the trees;
  4. prints a table of medians over the rounds, the Swift/peer ratios and the
     issue's targets; --output writes every figure as JSON.

Timing as shared/anchors/_common.py: batch 1 times each of --calls calls
(MLP 10,000, trees --gbdt-calls 5,000) after as many warm-up calls and keeps each
repetition's median and p99; batch 256/4096/100,000 runs as many calls as fill
--min-time seconds after a warm-up repetition and reports rows/s; SGEMM reports
2*1024^3/seconds/1e9. Exit status: 0, or 1 when the Swift predictions disagree
with a peer's (or a peer disagrees with numpy), 2 on a usage or build error.
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

from _harness import build_swift, cpu_times, ensure_venv, log, wait_quiet
from _markdown import cpu_model, markdown_table

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(HERE, ".venv-inference")
REQUIREMENTS = os.path.join(HERE, "requirements-inference.txt")
D_IN, H1, H2, D_OUT = 64, 256, 256, 10
MLP_BATCHES = (1, 256, 4096)
GEMM_N = 1024
GBDT_ROWS, GBDT_FEATURES = 100_000, 20
PEER_MODULES = ("numpy", "onnx", "onnxruntime", "xgboost", "lightgbm", "threadpoolctl")


# --------------------------------------------------------------------------- environment

def package_version(module):
    from importlib.metadata import PackageNotFoundError, version
    for name in (module, module + "-cpu"):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return None


# --------------------------------------------------------------------------- timing (as anchors/_common.py)

def percentile(sorted_vals, q):
    k = max(0, min(len(sorted_vals) - 1, int(round(q / 100.0 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


def latency(fn, calls):
    """One warm-up of `calls` calls, then one repetition of `calls` timed calls (µs)."""
    pc = time.perf_counter_ns
    for _ in range(calls):
        fn()
    ts = [0] * calls
    for i in range(calls):
        t0 = pc()
        fn()
        ts[i] = pc() - t0
    ts.sort()
    return {"median_us": statistics.median(ts) / 1e3, "p99_us": percentile(ts, 99) / 1e3,
            "mean_us": sum(ts) / len(ts) / 1e3}


def throughput(fn, rows, min_time):
    """Rows/s of one repetition lasting >= min_time, after calibration and a warm-up repetition."""
    pc = time.perf_counter
    t0 = pc()
    fn()
    calls = int(min(100_000, max(1, min_time / max(pc() - t0, 1e-7))))
    rate = 0.0
    for _ in range(2):
        t0 = pc()
        for _ in range(calls):
            fn()
        rate = rows * calls / (pc() - t0)
    return rate


# --------------------------------------------------------------------------- models and data

def mlp_weights(np):
    rng = np.random.default_rng(0)

    def layer(i, o):
        return ((rng.standard_normal((i, o)) / np.sqrt(i)).astype(np.float32),
                (0.01 * rng.standard_normal(o)).astype(np.float32))
    return [layer(D_IN, H1), layer(H1, H2), layer(H2, D_OUT)]


def mlp_inputs(np, batch):
    return np.random.default_rng(1 + batch).standard_normal((batch, D_IN)).astype(np.float32)


def numpy_forward(np, weights):
    (w1, b1), (w2, b2), (w3, b3) = weights

    def forward(x):
        h = x @ w1
        h += b1
        np.maximum(h, 0, out=h)
        h = h @ w2
        h += b2
        np.maximum(h, 0, out=h)
        z = h @ w3
        z += b3
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z
    return forward


def onnx_mlp(weights):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    initializers, nodes, previous = [], [], "x"
    for i, (w, b) in enumerate(weights, 1):
        initializers += [numpy_helper.from_array(w, f"W{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes.append(helper.make_node("MatMul", [previous, f"W{i}"], [f"mm{i}"]))
        nodes.append(helper.make_node("Add", [f"mm{i}", f"b{i}"], [f"z{i}"]))
        if i < len(weights):
            nodes.append(helper.make_node("Relu", [f"z{i}"], [f"h{i}"]))
            previous = f"h{i}"
    nodes.append(helper.make_node("Softmax", [f"z{len(weights)}"], ["y"], axis=-1))
    graph = helper.make_graph(
        nodes, "mlp_64_256_256_10", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", D_IN])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", D_OUT])], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="swift-mlops-bench")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def ort_session(blob, threads):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(blob, so, providers=["CPUExecutionProvider"])


def gbdt_data(np):
    """100,000 x 20 standard-normal float32 rows; y from a seeded nonlinear score plus noise."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((GBDT_ROWS, GBDT_FEATURES)).astype(np.float32)
    w = rng.standard_normal(10)
    score = x[:, :10] @ w + 1.5 * np.sin(x[:, 10] * x[:, 11]) + x[:, 12] * x[:, 13] - np.abs(x[:, 14])
    y = (score + 0.5 * rng.standard_normal(GBDT_ROWS) > 0).astype(np.float32)
    return x, y


def write(path, array, dtype):
    import numpy as np
    np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tofile(path)


def prepare(work, parts):
    """Writes models, inputs and the peers' outputs into `work`; returns the live peer objects."""
    import numpy as np

    peers = {}
    weights = mlp_weights(np)
    blob = onnx_mlp(weights)
    with open(os.path.join(work, "mlp.onnx"), "wb") as f:
        f.write(blob)
    forward = numpy_forward(np, weights)
    ort1 = ort_session(blob, 1)
    diffs = {}
    for batch in MLP_BATCHES:
        x = mlp_inputs(np, batch)
        y = ort1.run(["y"], {"x": x})[0]
        diffs[f"batch{batch}"] = float(np.abs(y - forward(x)).max())
        write(os.path.join(work, f"mlp_x{batch}.f32"), x, np.float32)
        write(os.path.join(work, f"mlp_y{batch}.f32"), y, np.float32)
    peers["mlp"] = {"blob": blob, "forward": forward, "ort_vs_numpy_max_abs_diff": diffs}

    rng = np.random.default_rng(0)
    a = rng.standard_normal((GEMM_N, GEMM_N), dtype=np.float32)
    b = rng.standard_normal((GEMM_N, GEMM_N), dtype=np.float32)
    c = a @ b
    for name, m in (("a", a), ("b", b), ("c", c)):
        write(os.path.join(work, f"gemm_{name}.f32"), m, np.float32)
    peers["gemm"] = {"a": a, "b": b, "c": np.empty_like(c)}
    if "gbdt" not in parts:
        return peers

    import lightgbm as lgb
    import xgboost as xgb

    x, y = gbdt_data(np)
    write(os.path.join(work, "gbdt_x.f32"), x, np.float32)
    t0 = time.perf_counter()
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 6, "eta": 0.3, "tree_method": "hist",
                         "nthread": 2, "seed": 0}, xgb.DMatrix(x, label=y), num_boost_round=100)
    xgb_train_s = time.perf_counter() - t0
    booster.save_model(os.path.join(work, "xgb.json"))
    t0 = time.perf_counter()
    lgbm = lgb.train({"objective": "binary", "max_depth": 6, "num_leaves": 63, "learning_rate": 0.1,
                      "num_threads": 2, "seed": 0, "verbose": -1}, lgb.Dataset(x, label=y), num_boost_round=100)
    lgb_train_s = time.perf_counter() - t0
    lgbm.save_model(os.path.join(work, "lgb.txt"))
    booster.set_param({"nthread": 1})
    write(os.path.join(work, "xgboost_p.f64"), booster.inplace_predict(x), np.float64)
    write(os.path.join(work, "lightgbm_p.f64"), lgbm.predict(x, num_threads=1), np.float64)
    accuracy = {"xgboost": float(((booster.inplace_predict(x) > 0.5) == (y > 0.5)).mean()),
                "lightgbm": float(((lgbm.predict(x) > 0.5) == (y > 0.5)).mean())}
    peers["gbdt"] = {"x": x, "xgboost": booster, "lightgbm": lgbm,
                     "info": {"train_seconds_2t": {"xgboost": round(xgb_train_s, 2), "lightgbm": round(lgb_train_s, 2)},
                              "train_accuracy": accuracy,
                              "lightgbm_trees": lgbm.num_trees(),
                              "xgboost_trees": booster.num_boosted_rounds()}}
    return peers


# --------------------------------------------------------------------------- peers, one repetition

def peer_mlp(peers, args):
    import numpy as np
    from threadpoolctl import threadpool_limits
    mlp = peers["mlp"]
    out = {}
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            r = {}
            x1 = mlp_inputs(np, 1)
            r["batch1"] = latency(lambda: mlp["forward"](x1), args.calls)
            for batch in MLP_BATCHES[1:]:
                xb = mlp_inputs(np, batch)
                r[f"batch{batch}"] = throughput(lambda: mlp["forward"](xb), batch, args.min_time)
            out[f"numpy_{threads}t"] = r
        session = ort_session(mlp["blob"], threads)
        r = {}
        x1 = mlp_inputs(np, 1)
        r["batch1"] = latency(lambda: session.run(["y"], {"x": x1}), args.calls)
        for batch in MLP_BATCHES[1:]:
            xb = mlp_inputs(np, batch)
            r[f"batch{batch}"] = throughput(lambda: session.run(["y"], {"x": xb}), batch, args.min_time)
        out[f"onnxruntime_{threads}t"] = r
    return out


def peer_gemm(peers, args):
    import numpy as np
    from threadpoolctl import threadpool_limits
    g = peers["gemm"]
    out = {}
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            rate = throughput(lambda: np.matmul(g["a"], g["b"], out=g["c"]), 1, max(0.5, args.min_time))
            out[f"numpy_{threads}t"] = {"gflops": rate * 2 * GEMM_N ** 3 / 1e9}
    return out


def peer_gbdt(peers, args):
    g = peers["gbdt"]
    x, x1 = g["x"], g["x"][:1].copy()
    booster, lgbm = g["xgboost"], g["lightgbm"]
    out = {}
    for threads in (1, 2):
        booster.set_param({"nthread": threads})
        r = {"batch100000": throughput(lambda: booster.inplace_predict(x), GBDT_ROWS, args.min_time)}
        if threads == 1:
            r["batch1"] = latency(lambda: booster.inplace_predict(x1), args.gbdt_calls)
        out[f"xgboost_{threads}t"] = r
        r = {"batch100000": throughput(lambda: lgbm.predict(x, num_threads=threads), GBDT_ROWS, args.min_time)}
        if threads == 1:
            r["batch1"] = latency(lambda: lgbm.predict(x1, num_threads=threads), args.gbdt_calls)
        out[f"lightgbm_{threads}t"] = r
    booster.set_param({"nthread": 1})
    return out


# --------------------------------------------------------------------------- swift

def swift_part(binary, work, part, args):
    cmd = [binary, "--dir", work, "--reps", "1", "--calls", str(args.calls), "--gbdt-calls", str(args.gbdt_calls),
           "--min-time", str(args.min_time), "--parts", part, "--threads", "1,2"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    for line in out.stderr.splitlines():
        log("  swift: " + line)
    if out.returncode != 0:
        log(f"InferenceCompare failed (exit {out.returncode}): " + " ".join(cmd))
        if out.stdout.strip():
            print(out.stdout.strip().splitlines()[-1])
        sys.exit(1)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report

def collect(rounds, *path):
    values = []
    for r in rounds:
        d = r
        for p in path:
            d = d.get(p) if isinstance(d, dict) else None
        if isinstance(d, list):
            values.extend(d)
        elif d is not None:
            values.append(d)
    return values


def med(values):
    return statistics.median(values) if values else None


def table(result):
    swift, peers = result["swift_rounds"], result["peer_rounds"]
    rows = []

    def fmt(v, unit):
        if v is None:
            return "—"
        if unit == "µs":
            return f"{v:,.2f} µs" if v < 100 else f"{v:,.0f} µs"
        if unit == "rows/s":
            return f"{v / 1e6:,.3f}M rows/s"
        return f"{v:,.1f} {unit}"

    def row(label, s_path, peer_name, p_path, unit, lower_better, target=None, target_ok=None):
        s = med(collect(swift, *s_path))
        p = med(collect(peers, *p_path))
        ratio = None
        if s and p:
            ratio = p / s if lower_better else s / p
        met = "" if target_ok is None or s is None else ("yes" if target_ok(s, p) else "**no**")
        rows.append((label, fmt(s, unit), f"{peer_name} {fmt(p, unit)}",
                     "—" if ratio is None else f"{ratio:,.2f}×", target or "", met))

    at_most = lambda bound: (lambda s, p: s <= bound)  # noqa: E731
    at_least = lambda bound: (lambda s, p: s >= bound)  # noqa: E731
    for t in (1, 2):
        tl = f"{t} thread{'s' if t > 1 else ''}"
        row(f"MLP batch 1 median latency, {tl}", ("mlp", f"{t}t", "batch1", "median_us"), f"onnxruntime {t}t",
            ("mlp", f"onnxruntime_{t}t", "batch1", "median_us"), "µs", True,
            "≤ 3 µs" if t == 1 else None, at_most(3.0) if t == 1 else None)
        row(f"MLP batch 1 median latency, {tl}", ("mlp", f"{t}t", "batch1", "median_us"), f"numpy {t}t",
            ("mlp", f"numpy_{t}t", "batch1", "median_us"), "µs", True)
        row(f"MLP batch 1 p99 latency, {tl}", ("mlp", f"{t}t", "batch1", "p99_us"), f"onnxruntime {t}t",
            ("mlp", f"onnxruntime_{t}t", "batch1", "p99_us"), "µs", True)
        for batch in MLP_BATCHES[1:]:
            target = {(4096, 1): ("≥ 1.0M rows/s", at_least(1.0e6)), (4096, 2): ("≥ 2.0M rows/s", at_least(2.0e6))}
            tgt, ok = target.get((batch, t), (None, None))
            row(f"MLP batch {batch}, {tl}", ("mlp", f"{t}t", f"batch{batch}", "rows_per_s"), f"onnxruntime {t}t",
                ("mlp", f"onnxruntime_{t}t", f"batch{batch}"), "rows/s", False, tgt, ok)
            row(f"MLP batch {batch}, {tl}", ("mlp", f"{t}t", f"batch{batch}", "rows_per_s"), f"numpy {t}t",
                ("mlp", f"numpy_{t}t", f"batch{batch}"), "rows/s", False)
    for t in (1, 2):
        tl = f"{t} thread{'s' if t > 1 else ''}"
        row(f"SGEMM 1024³, {tl}", ("sgemm", f"{t}t", "gflops"), f"numpy/OpenBLAS {t}t",
            ("gemm", f"numpy_{t}t", "gflops"), "GFLOPS", False, "≥ 0.9× OpenBLAS" if t == 1 else None,
            (lambda s, p: p is not None and s >= 0.9 * p) if t == 1 else None)
    for name, label in (("xgboost", "XGBoost model"), ("lightgbm", "LightGBM model")):
        peer = "xgboost inplace_predict" if name == "xgboost" else "lightgbm predict"
        row(f"{label} batch 1 median latency, 1 thread", ("gbdt", name, "batch1_1t", "median_us"), f"{peer} 1t",
            ("gbdt", f"{name}_1t", "batch1", "median_us"), "µs", True, "≤ 1.5 µs", at_most(1.5))
        row(f"{label} batch 1 p99 latency, 1 thread", ("gbdt", name, "batch1_1t", "p99_us"), f"{peer} 1t",
            ("gbdt", f"{name}_1t", "batch1", "p99_us"), "µs", True)
        row(f"{label} 100,000 rows, 1 thread", ("gbdt", name, "batch100000_1t", "rows_per_s"), f"{peer} 1t",
            ("gbdt", f"{name}_1t", "batch100000"), "rows/s", False, "≥ 3M rows/s", at_least(3.0e6))
        row(f"{label} 100,000 rows, 2 threads", ("gbdt", name, "batch100000_2t", "rows_per_s"), f"{peer} 2t",
            ("gbdt", f"{name}_2t", "batch100000"), "rows/s", False)
    head = ("figure (median of rounds)", "swift-mlops", "peer", "swift vs peer", "target", "met")
    return markdown_table(head, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5, help="rounds (one Swift and one peer repetition each)")
    ap.add_argument("--calls", type=int, default=10_000, help="timed batch-1 MLP calls per repetition")
    ap.add_argument("--gbdt-calls", type=int, default=5_000, help="timed batch-1 tree calls per repetition")
    ap.add_argument("--min-time", type=float, default=0.3, help="seconds per throughput repetition")
    ap.add_argument("--parts", default="mlp,sgemm,gbdt")
    ap.add_argument("--wait-quiet", type=float, default=30,
                    help="before each round wait up to this many seconds for the CPUs to be < 15%% busy (0: never)")
    ap.add_argument("--portable", action="store_true",
                    help="plain release build, kernels chosen at run time (the default; kept for old command lines)")
    ap.add_argument("--native", action="store_true", help="build with MLOPS_NATIVE=1 (Swift code for this CPU)")
    ap.add_argument("--swift-bin", help="a built InferenceCompare executable (skips the build)")
    ap.add_argument("--scratch-path", help="SwiftPM scratch path (default .build-inference-native|portable)")
    ap.add_argument("--work", help="directory for the models and inputs (default: a temporary one, removed)")
    ap.add_argument("--output", help="write every figure as JSON here")
    ap.add_argument("--no-venv", action="store_true", help="use this interpreter, not .venv-inference")
    args = ap.parse_args()
    args.reps = max(1, args.reps)
    ensure_venv(__file__, VENV, REQUIREMENTS, PEER_MODULES, args.no_venv)

    from threadpoolctl import threadpool_info

    scratch = args.scratch_path or os.path.join(ROOT, f".build-inference-{'native' if args.native else 'portable'}")
    binary = build_swift("InferenceCompare", scratch, args.swift_bin, native=args.native)
    parts = [p for p in ("mlp", "sgemm", "gbdt") if p in args.parts.split(",")]
    work = args.work or tempfile.mkdtemp(prefix="inference-vs-peers-")
    os.makedirs(work, exist_ok=True)
    result = {"machine": {"cpu": cpu_model(), "cpus": os.cpu_count(), "python": platform.python_version()},
              "loadavg_at_start": [round(v, 2) for v in os.getloadavg()],
              "versions": {m: package_version(m) for m in PEER_MODULES},
              "build": "MLOPS_NATIVE=1" if args.native else "plain release (no MLOPS_NATIVE)",
              "mlops_isa": os.environ.get("MLOPS_ISA"),
              "reps": args.reps, "calls": args.calls, "gbdt_calls": args.gbdt_calls, "min_time": args.min_time,
              "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}}
    try:
        log(f"writing models and inputs into {work} ...")
        peers = prepare(work, parts)
        result["blas"] = [{k: i.get(k) for k in ("internal_api", "version", "architecture")}
                          for i in threadpool_info() if i.get("user_api") == "blas"]
        result["mlp_ort_vs_numpy_max_abs_diff"] = peers["mlp"]["ort_vs_numpy_max_abs_diff"]
        result["gbdt_models"] = peers["gbdt"]["info"] if "gbdt" in peers else None
        bad = {k: v for k, v in peers["mlp"]["ort_vs_numpy_max_abs_diff"].items() if not v <= 1e-5}
        if bad:
            log(f"onnxruntime and numpy disagree on the MLP: {bad}")
            sys.exit(1)
        runners = {"mlp": ("mlp", peer_mlp), "sgemm": ("gemm", peer_gemm), "gbdt": ("gbdt", peer_gbdt)}
        swift_rounds, peer_rounds = [], []
        t_all, i_all = cpu_times()
        own0, start = os.times(), time.monotonic()
        quiet = []
        for rnd in range(args.reps):
            if args.wait_quiet > 0:
                quiet.append(wait_quiet(args.wait_quiet))
            s_round, p_round = {}, {}
            for part in parts:
                key, peer = runners[part]
                order = ("swift", "peer") if (rnd + parts.index(part)) % 2 == 0 else ("peer", "swift")
                for side in order:
                    if side == "swift":
                        out = swift_part(binary, work, part, args)
                        s_round[part] = out[part]
                        result["kernels"] = out.get("kernels")
                    else:
                        p_round[key] = peer(peers, args)
            swift_rounds.append(s_round)
            peer_rounds.append(p_round)
            log(f"round {rnd + 1}/{args.reps} done (load average {os.getloadavg()[0]:.1f})")
        t1, i1 = cpu_times()
        wall = time.monotonic() - start
        own = sum(os.times()[:4]) - sum(own0[:4])
        busy = ((t1 - t_all) - (i1 - i_all)) / os.sysconf("SC_CLK_TCK")
        result["contention"] = {"wall_s": round(wall, 1), "other_cpu_fraction":
                                round(max(0.0, busy - own) / max(1e-9, wall * (os.cpu_count() or 1)), 3)}
        result["loadavg_at_end"] = [round(v, 2) for v in os.getloadavg()]
        result["busy_fraction_before_rounds"] = quiet
        result["swift_rounds"], result["peer_rounds"] = swift_rounds, peer_rounds
        result["swift_agreement"] = {p: {k: v for k, v in swift_rounds[-1].get(p, {}).items() if "diff" in k}
                                     for p in parts if p != "gbdt"}
        if "gbdt" in parts:
            result["swift_agreement"]["gbdt"] = {n: swift_rounds[-1]["gbdt"][n]["max_abs_diff"]
                                                 for n in ("xgboost", "lightgbm")}
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    text = table(result)
    result["table"] = text
    print(text)
    print(f"\nswift-mlops kernels: {result.get('kernels')} ({result['build']}); medians of {args.reps} interleaved "
          f"rounds; load average {result['loadavg_at_start'][0]} at start, {result['loadavg_at_end'][0]} at end; "
          f"other processes used {result['contention']['other_cpu_fraction']:.0%} of the CPUs "
          f"({result['contention']['wall_s']:.0f} s)")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in result["versions"].items())
          + f"; BLAS: {result.get('blas')}")
    print("agreement (max |swift - peer|): " + json.dumps(result["swift_agreement"]))
    if args.output:
        with open(args.output, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
