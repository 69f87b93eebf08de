#!/usr/bin/env python3
"""The Open Inference Protocol example server side by side with the servers people deploy, over
HTTP on 127.0.0.1, in the same run (issue 13's benchmark).

    python3 Benchmarks/compare/serving_vs_peers.py [--reps 3] [--seconds 10] [--output FILE]

One command: on first use it creates its own virtual environment
Benchmarks/compare/.venv-serving (python3 -m venv, then pip install -r
requirements-serving.txt) and re-runs itself inside it (--no-venv uses the current
interpreter). It needs Debian's `wrk` (apt-get install wrk). It then

  1. writes the MLP 64->256(ReLU)->256(ReLU)->10(softmax), float32, as ONNX (MatMul, Add,
     Relu, Softmax, opset 17; weights N(0, 1/fan_in), biases N(0, 0.01^2), numpy seed 0: the
     same graph as inference_vs_peers.py) and one request body: one row of 64 standard-normal
     float32 values (numpy seed 1), {"inputs":[{"name":"x","shape":[1,64],"datatype":"FP32",
     "data":[...]}]};
  2. builds the example package Documentation/Examples/OIPServer in release mode
     (--scratch-path .build-release inside it) unless --ours-bin is given;
  3. starts, one at a time, each server on a free port of 127.0.0.1:
       ours    OIPServer MODEL --name mlp (ModelServer, dynamic batching on: max batch 64,
               max queue delay 100 us, Hummingbird on its default event loops);
       kserve  KServe's Python ModelServer (kserve.Model subclass whose predict runs an
               onnxruntime session; 1 uvicorn worker, the default; REST only);
       triton  Triton through PyTriton (the @batch-decorated function runs the same
               onnxruntime session; dynamic batching on: max batch 64, max queue delay 100 us);
     onnxruntime sessions use intra_op_num_threads 1 (two cores: the server needs the other);
  4. checks that each answers the same request with the same 10 outputs (within 1e-5 of
     onnxruntime's in this process) before timing it;
  5. drives each with wrk (one thread, a Lua script posting the same body to
     /v2/models/mlp/infer, keep-alive) at 1, 16 and 64 connections for --seconds after a
     2-second warm-up, --reps times, servers interleaved within each repetition (each after
     waiting up to --wait-quiet seconds for the machine to be less than 15% busy); any non-2xx
     answer or socket error is counted and reported;
  6. prints the medians over the repetitions: requests/s, p50 and p99 latency, and the
     ratios ours/peer (the issue's targets at 64 connections: >= 5x KServe's and >= 2x
     Triton's requests/s, with a lower p99). --output writes every figure as JSON.

A peer that cannot be installed or started is reported with its error and the others are
measured. Exit status: 0, 1 when a server answers wrongly, 2 on a usage or build error.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
import uuid

from _harness import build_swift, ensure_venv, log, wait_quiet  # noqa: E402
from _markdown import cpu_model, markdown_table  # noqa: E402
# The MLP (numpy seed 0 weights, its ONNX form) and the quiet-machine wait are inference_vs_peers.py's.
from inference_vs_peers import D_IN, D_OUT, mlp_weights, onnx_mlp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(ROOT, "Documentation", "Examples", "OIPServer")
VENV = os.path.join(HERE, ".venv-serving")
REQUIREMENTS = os.path.join(HERE, "requirements-serving.txt")
CONNECTIONS = (1, 16, 64)
SERVERS = ("ours", "kserve", "triton")


# --------------------------------------------------------------------------- environment

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- model and body

def ort_session(path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


# --------------------------------------------------------------------------- the peers' servers
# Run as `serving_vs_peers.py --serve kserve|triton PORT MODEL` in a child process.

def serve_kserve(port, model_path):
    import numpy as np
    from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer

    class MLP(Model):
        def __init__(self, name):
            super().__init__(name)
            self.session = None
            self.load()

        def load(self):
            self.session = ort_session(model_path)
            self.ready = True
            return self.ready

        async def predict(self, payload: InferRequest, headers=None, response_headers=None) -> InferResponse:
            x = payload.inputs[0].as_numpy().astype(np.float32, copy=False)
            y = self.session.run(None, {"x": x})[0]
            output = InferOutput(name="y", shape=list(y.shape), datatype="FP32")
            output.set_data_from_numpy(y, binary_data=False)
            # KServe's response model needs an id; its own runtimes generate one when the request has none.
            return InferResponse(model_name=self.name, infer_outputs=[output],
                                 response_id=payload.id or str(uuid.uuid4()))

    ModelServer(http_port=port, enable_grpc=False, workers=1).start([MLP("mlp")])


def serve_triton(port, model_path):
    import numpy as np
    from pytriton.decorators import batch
    from pytriton.model_config import DynamicBatcher, ModelConfig, Tensor
    from pytriton.triton import Triton, TritonConfig

    session = ort_session(model_path)

    @batch
    def infer(x):
        return {"y": session.run(None, {"x": x.astype(np.float32, copy=False)})[0]}

    config = TritonConfig(http_port=port, grpc_port=free_port(), metrics_port=free_port(), log_verbose=0)
    with Triton(config=config) as triton:
        triton.bind(
            model_name="mlp", infer_func=infer,
            inputs=[Tensor(name="x", dtype=np.float32, shape=(D_IN,))],
            outputs=[Tensor(name="y", dtype=np.float32, shape=(D_OUT,))],
            config=ModelConfig(max_batch_size=64, batcher=DynamicBatcher(max_queue_delay_microseconds=100)),
            strict=False)
        triton.serve()


# --------------------------------------------------------------------------- running servers

def start(name, ours_bin, model_path, work):
    """Starts server `name` on a free port; returns (process, port) once /v2/health/ready is 200."""
    port = free_port()
    log_path = os.path.join(work, f"{name}.log")
    logfile = open(log_path, "w")
    if name == "ours":
        command = [ours_bin, model_path, "--name", "mlp", "--port", str(port),
                   "--max-batch-size", "64", "--max-queue-delay-us", "100"]
    else:
        command = [sys.executable, os.path.abspath(__file__), "--serve", name, str(port), model_path]
    env = dict(os.environ)
    if name == "triton":
        # PyTriton's Python-backend stub links libpython by name; without this it may load the
        # system's libpython of another patch release than the interpreter whose stdlib it runs.
        libdir = sysconfig.get_config_var("LIBDIR")
        if libdir:
            env["LD_LIBRARY_PATH"] = libdir + os.pathsep + env.get("LD_LIBRARY_PATH", "")
    process = subprocess.Popen(command, stdout=logfile, stderr=subprocess.STDOUT, cwd=work,
                               start_new_session=True, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            logfile.close()
            with open(log_path) as f:
                tail = f.read()[-3000:]
            raise RuntimeError(f"{name} exited with status {process.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/models/mlp/ready", timeout=1) as r:
                if r.status == 200:
                    return process, port
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.25)
    stop(process)
    raise RuntimeError(f"{name} was not ready within 120 s (log: {log_path})")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def post(port, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v2/models/mlp/infer", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


WRK_SCRIPT = r"""
local f = io.open(os.getenv("OIP_BODY"), "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def run_wrk(port, connections, seconds, work, body_path):
    script = os.path.join(work, "post.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT)
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", script,
               f"http://127.0.0.1:{port}/v2/models/mlp/infer"]
    out = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, OIP_BODY=body_path))
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            result = json.loads(line[len("WRKJSON "):])
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
            return result
    raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")


# --------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", default=",".join(map(str, CONNECTIONS)))
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--wait-quiet", type=float, default=60,
                        help="before each server's runs, wait up to this many seconds for the machine to be < 15%% busy")
    parser.add_argument("--ours-bin", help="an OIPServer executable to use instead of building one")
    parser.add_argument("--output", help="write every figure as JSON to this file")
    parser.add_argument("--no-venv", action="store_true")
    parser.add_argument("--serve", nargs=3, metavar=("PEER", "PORT", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        peer, port, model = args.serve
        {"kserve": serve_kserve, "triton": serve_triton}[peer](int(port), model)
        return 0
    ensure_venv(__file__, VENV, REQUIREMENTS, ("numpy", "onnx", "onnxruntime"), args.no_venv)
    if shutil.which("wrk") is None:
        log("error: wrk is not installed (apt-get install wrk)")
        return 2
    import numpy as np

    connections = [int(c) for c in args.connections.split(",")]
    servers = [s for s in args.servers.split(",") if s]
    work = tempfile.mkdtemp(prefix="serving-vs-peers-")
    model_path = os.path.join(work, "mlp.onnx")
    with open(model_path, "wb") as f:
        f.write(onnx_mlp(mlp_weights(np)))
    row = np.random.default_rng(1).standard_normal((1, D_IN)).astype(np.float32)
    body = json.dumps({"inputs": [{"name": "x", "shape": [1, D_IN], "datatype": "FP32",
                                   "data": [float(v) for v in row[0]]}]}).encode()
    body_path = os.path.join(work, "body.json")
    with open(body_path, "wb") as f:
        f.write(body)
    reference = ort_session(model_path).run(None, {"x": row})[0][0]

    ours_bin = (build_swift("OIPServer", os.path.join(EXAMPLE, ".build-release"), args.ours_bin, package=EXAMPLE)
                if "ours" in servers else None)
    unavailable, wrong = {}, False

    # Correctness first: every server answers the request with onnxruntime's outputs.
    for name in list(servers):
        try:
            process, port = start(name, ours_bin, model_path, work)
        except Exception as error:  # noqa: BLE001 - a peer that cannot start is reported, not fatal
            unavailable[name] = str(error)
            servers.remove(name)
            log(f"{name}: not measured: {error}")
            continue
        try:
            answer = post(port, body)
            output = next(o for o in answer["outputs"] if o["name"] == "y")
            values = np.array(output["data"], dtype=np.float32).reshape(-1)
            gap = float(np.max(np.abs(values - reference)))
            log(f"{name}: outputs {output['shape']} {output['datatype']}, max |diff| to onnxruntime {gap:.2e}")
            if values.shape != (D_OUT,) or gap > 1e-5:
                log(f"error: {name} answered {values} instead of {reference}")
                wrong = True
        finally:
            stop(process)
    if wrong:
        return 1

    # Timing: each repetition starts each server once and runs every connection count.
    results = {name: {c: [] for c in connections} for name in servers}
    for rep in range(args.reps):
        order = servers if rep % 2 == 0 else list(reversed(servers))
        for name in order:
            busy = wait_quiet(args.wait_quiet)
            log(f"rep {rep + 1} {name}: machine {busy:.0%} busy before starting")
            process, port = start(name, ours_bin, model_path, work)
            try:
                run_wrk(port, 8, 2, work, body_path)  # warm-up
                for c in connections:
                    result = run_wrk(port, c, args.seconds, work, body_path)
                    results[name][c].append(result)
                    log(f"rep {rep + 1} {name:6} c={c:<3} {result['rps']:9.0f} req/s  p50 {result['p50_us']:6d} us  "
                        f"p99 {result['p99_us']:6d} us  errors {result['errors']}")
            finally:
                stop(process)

    def med(name, c, key):
        return statistics.median(r[key] for r in results[name][c])

    head = ["server", "connections", "req/s", "p50 (us)", "p99 (us)", "errors"]
    rows = []
    for name in servers:
        for c in connections:
            rows.append((name, c, f"{med(name, c, 'rps'):,.0f}", f"{med(name, c, 'p50_us'):,.0f}",
                         f"{med(name, c, 'p99_us'):,.0f}", sum(r["errors"] for r in results[name][c])))
    print(f"\nCPU: {cpu_model()}; {os.cpu_count()} logical CPUs; medians of {args.reps} runs of "
          f"{args.seconds} s (wrk -t1, keep-alive, one row of 64 FP32 per request)\n")
    print(markdown_table(head, rows))
    if "ours" in servers:
        ratio_rows = []
        for peer in (s for s in servers if s != "ours"):
            for c in connections:
                rps = med("ours", c, "rps") / med(peer, c, "rps")
                p99 = med("ours", c, "p99_us") / max(med(peer, c, "p99_us"), 1)
                target = {"kserve": 5, "triton": 2}.get(peer)
                met = ""
                if c == 64 and target:
                    met = "yes" if rps >= target and p99 < 1 else "no"
                ratio_rows.append((peer, c, f"{rps:.2f}x", f"{p99:.2f}x", f">= {target}x, p99 lower" if c == 64 else "",
                                   met))
        print()
        print(markdown_table(["ours / peer", "connections", "req/s", "p99", "target", "met"], ratio_rows))
    for name, error in unavailable.items():
        print(f"\n{name}: not measured: {error.splitlines()[0] if error else ''}")
    if args.output:
        with open(args.output, "w") as f:
            json.dump({"cpu": cpu_model(), "reps": args.reps, "seconds": args.seconds, "results": results,
                       "unavailable": unavailable}, f, indent=1, default=str)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
