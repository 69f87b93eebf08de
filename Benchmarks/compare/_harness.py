"""Shared harness of the compare scripts: progress lines, the script's own virtual environment, how busy
the machine is, the release build of the Swift side."""

import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def log(text):
    """Writes a progress line to standard error."""
    print(text, file=sys.stderr, flush=True)


def ensure_venv(script, venv, requirements, modules, skip=False):
    """Re-executes `script` (the caller's __file__, same arguments) inside the virtual environment `venv`,
    creating it on first use and installing `requirements` when one of `modules` does not import there.
    Does nothing when `skip` (--no-venv) or when already running inside `venv`."""
    if skip or os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        log(f"creating {venv} (python3 -m venv; pip install -r {os.path.basename(requirements)}) ...")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    check = subprocess.run([python, "-c", "import " + ", ".join(modules)], capture_output=True)
    if check.returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", requirements], check=True, stdout=sys.stderr)
    os.execv(python, [python, os.path.abspath(script)] + sys.argv[1:])


def cpu_times():
    """(all, idle + iowait) jiffies of all CPUs so far, from /proc/stat."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:9]]
    return sum(parts), parts[3] + parts[4]


def busy_fraction(interval=1.0):
    """Fraction of all CPUs busy (any process) over `interval` seconds."""
    t0, i0 = cpu_times()
    time.sleep(interval)
    t1, i1 = cpu_times()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_quiet(max_wait, digits=2):
    """Waits up to `max_wait` s for the machine to be < 15% busy; returns the last busy fraction, rounded
    to `digits` decimals."""
    start, busy = time.monotonic(), busy_fraction()
    while busy >= 0.15 and time.monotonic() - start < max_wait:
        busy = busy_fraction()
    return round(busy, digits)


def build_swift(product, scratch=None, swift_bin=None, native=None, package=None):
    """The path of `product` built with `swift build -c release` of `package` (default: the Benchmarks
    package) in the scratch path `scratch` (None: SwiftPM's default, the package's .build); `swift_bin`
    (--swift-bin), when given, instead. `native`: None
    builds in the caller's environment; False without MLOPS_NATIVE and MLOPS_TARGET_CPU (as a host builds
    it); True with MLOPS_NATIVE=1 and without MLOPS_TARGET_CPU. Exits with status 2 when the build fails."""
    if swift_bin:
        return swift_bin
    cmd = ["swift", "build", "-c", "release", "--package-path", package or os.path.join(ROOT, "Benchmarks"),
           "--product", product] + (["--scratch-path", scratch] if scratch else [])
    env = None
    if native is not None:
        env = dict(os.environ)
        env.pop("MLOPS_TARGET_CPU", None)
        env.pop("MLOPS_NATIVE", None)
        if native:
            env["MLOPS_NATIVE"] = "1"
    log(("MLOPS_NATIVE=1 " if native else "") + " ".join(cmd))
    if subprocess.run(cmd, env=env, stdout=sys.stderr).returncode != 0:
        log(f"building {product} failed")
        sys.exit(2)
    bin_dir = subprocess.run(cmd + ["--show-bin-path"], env=env, check=True, capture_output=True,
                             text=True).stdout.strip().splitlines()[-1]
    return os.path.join(bin_dir, product)
