#!/usr/bin/env python3
"""Data versioning side by side: the `mlops data` CLI against DVC, on the same data in the same run
(issue 11's benchmark).

    python3 Benchmarks/compare/data_vs_dvc.py [--rounds 5] [--only 1,3] [--quick] [--json]

One command. On first use it creates Benchmarks/compare/.venv-dvc (python3 -m venv, then
pip install dvc==3.67.1, the version of the reference measurements in shared/anchors) and calls
that venv's `dvc` executable; Python itself runs under whatever interpreter started the script
(standard library only). It builds the `mlops` executable from the repository root with
`swift build -c release --product mlops --scratch-path .build` (the plain release build a user
gets: MLOPS_NATIVE and MLOPS_TARGET_CPU are removed from the build's environment; --scratch-path
picks another build directory, --mlops PATH uses a given executable and skips the build).

Data (random bytes from os.urandom, generated once under --work-dir, default
/work/tmpbench/data_vs_dvc, and reused while the sizes match): data/big.bin, one 1 GiB file, and
data/small/, 10,000 files of 100 KiB. --quick uses data-quick/ instead: 128 MiB and 1,000 files.
Repositories live in <work-dir>/bench, removed at the start and at the end (--keep keeps them).

What one "commit of X" is:
  * DVC: `dvc add -q X`, one process, in a `git init` + `dvc init` repository (DVC's usual set-up
    and the one the reference measurements timed; --dvc-no-scm uses `dvc init --no-scm` instead),
    DVC's default cache link type (reflink,copy: a copy on ext4), analytics off, and a site cache
    dir (DVC's hash state) of its own per repository, so a fresh repository remembers no hash;
  * mlops: `mlops data add X --workspace W` then `mlops data commit -m MSG --workspace W`, two
    processes run back to back, both inside the timing (the split is in the JSON). W is
    <repo>/.mlops, the working directory is <repo>, X is relative to it. A fresh workspace is
    created before timing, as `dvc init` is, by `mlops data commit -m init`, which has nothing
    to commit.
The input is moved into the tool's repository by rename before its command and moved back after
(untimed), so both tools read the very same files. After each mlops commit, `mlops data log
--json` (untimed) must show one more commit (none more when nothing changed); after each
`dvc add`, X.dvc must have changed (not changed when nothing changed). Otherwise the script stops.

Scenarios (each: 1 warm-up round, then --rounds timed rounds; in every round both tools run, DVC
first in even rounds and mlops first in odd ones, so both see the same load):
  1 file        commit of the 1 GiB file, a fresh repository per round and tool;
  2 dir         commit of the 10,000-file directory, a fresh repository per round and tool;
  3 incremental in one repository per tool that already tracks the directory: each round rewrites
                1% (100) of the files with new random bytes (a different, spread-out set each
                round; untimed, the same files for both tools), then times the re-commit;
  4 nochange    in those repositories, the re-commit with nothing changed;
  5 edit        in one repository per tool that already tracks the 1 GiB file: each round
                overwrites one contiguous 1% region (size // 100 bytes, 10.7 MB) in the middle
                of the file with new random bytes (untimed), times the re-commit, and measures how
                much the store grew: for DVC the bytes under .dvc/cache, for mlops the bytes
                under the workspace directory, each as the sum over every file and directory
                (os.walk + lstat) of st_blocks * 512 -- the space taken on disk, measured after
                os.sync() (st_size sums are in the JSON too). Reported as % of the file size.

Before every timed command, untimed: os.sync() (so earlier writes, e.g. the previous round's,
are not flushed inside the timing) and one read of the input (so it is in the page cache). This
VM runs a DAMON "pageout" scheme that evicts page-cache pages untouched for ~30 s; without the
read, inputs are partly re-read from disk and timings drift upwards round after round. The
stores themselves are not pre-read (as in normal use). Before each round the script waits up to
--wait-quiet seconds for the machine to be less than 15% busy, and it records what share of the
CPUs other processes used during each timed command.

Prints the CPU model, the DVC version, per scenario the medians (min-max) of both tools, the
ratio DVC time / mlops time (higher: mlops faster) and issue 11's targets (>= 4x, 7x, 10x, 13x
for scenarios 1-4; <= 2% newly stored for 5). --json prints everything as one JSON object
instead. --dvc-only runs DVC alone (no build), --mlops-only runs mlops alone. Exit status: 0;
1 when a command failed or a check did not hold (the command's stderr is printed); 2 on a usage,
set-up or build error.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time

from _harness import cpu_times, log, wait_quiet
from _markdown import cpu_model, markdown_table

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(HERE, ".venv-dvc")
DVC_VERSION = "3.67.1"  # as shared/anchors/requirements.txt
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
SMALL_FILE = 100 * KiB
SIZES = {"full": {"big": GiB, "files": 10_000}, "quick": {"big": 128 * MiB, "files": 1_000}}
SCENARIOS = {  # number: (name, title, target)
    "1": ("file", "commit of one {big} file (fresh repository)", 4.0),
    "2": ("dir", "commit of {files:,} x 100 KiB files (fresh repository)", 7.0),
    "3": ("incremental", "re-commit after rewriting 1% ({changed:,}) of the files", 10.0),
    "4": ("nochange", "re-commit with nothing changed ({files:,} files)", 13.0),
    "5": ("edit", "re-commit after overwriting 1% in the middle of the {big} file", None),
}
EDIT_TARGET_PERCENT = 2.0


class Failure(Exception):
    """A command failed or a check did not hold: exit status 1."""


class SetupError(Exception):
    """The benchmark could not be set up (build, venv, missing tool): exit status 2."""


def run(cmd, cwd=None, env=None, allow=None):
    """Runs `cmd`; raises Failure naming the command and showing its stderr when it fails, unless
    `allow` (a predicate on the finished process) accepts the failure."""
    try:
        result = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        raise Failure(f"cannot run {cmd[0]}: {error}") from None
    if result.returncode != 0 and not (allow and allow(result)):
        raise Failure(f"`{shlex.join(map(str, cmd))}` (in {cwd or os.getcwd()}) failed with exit status "
                      f"{result.returncode}\n--- its stderr:\n{result.stderr.strip()[-4000:] or '(empty)'}"
                      + (f"\n--- its stdout:\n{result.stdout.strip()[-2000:]}" if result.stdout.strip() else ""))
    return result


def summary(values, digits=4):
    s = sorted(values)
    return {"median": round(statistics.median(s), digits), "min": round(s[0], digits), "max": round(s[-1], digits),
            "n": len(s), "samples": [round(v, digits) for v in values]}


def human_bytes(n):
    return f"{n / GiB:g} GiB" if n >= GiB else f"{n / MiB:g} MiB"


# --------------------------------------------------------------------------- machine load

class OtherLoad:
    """Share of the machine's CPU capacity that processes other than this one and its children
    used during a `with` block (/proc/stat counts 10 ms ticks: short blocks are coarse)."""

    def __enter__(self):
        self.t0, self.i0 = cpu_times()
        self.own0 = sum(os.times()[:4])
        self.w0 = time.monotonic()
        return self

    def __exit__(self, *exc):
        t1, i1 = cpu_times()
        wall = time.monotonic() - self.w0
        busy = ((t1 - self.t0) - (i1 - self.i0)) / os.sysconf("SC_CLK_TCK")
        own = sum(os.times()[:4]) - self.own0
        self.fraction = max(0.0, busy - own) / max(1e-9, wall * (os.cpu_count() or 1))
        return False


# --------------------------------------------------------------------------- data

def files_under(path):
    if os.path.isfile(path):
        return [path]
    out = []
    for root, _dirs, names in os.walk(path):
        out.extend(os.path.join(root, n) for n in names)
    return sorted(out)


_WARM_BUFFER = memoryview(bytearray(16 * MiB))


def warm(path):
    """Reads every file under `path` once (untimed) so it is in the page cache when the timed
    command starts: this VM's DAMON pageout scheme evicts pages not touched for ~30 s."""
    for name in files_under(path):
        with open(name, "rb", buffering=0) as handle:
            while handle.readinto(_WARM_BUFFER):
                pass


def write_random(path, size):
    with open(path, "wb") as handle:
        left = size
        while left:
            step = min(left, 16 * MiB)
            handle.write(os.urandom(step))
            left -= step


def small_name(index):
    return f"f{index:05d}.bin"


def prepare_data(data_dir, sizes):
    """Generates big.bin and small/ under `data_dir` unless files of the right sizes are there."""
    big, small = os.path.join(data_dir, "big.bin"), os.path.join(data_dir, "small")
    names = [small_name(i) for i in range(sizes["files"])]
    try:
        ok = os.path.getsize(big) == sizes["big"] and sorted(os.listdir(small)) == names and all(
            os.path.getsize(os.path.join(small, n)) == SMALL_FILE for n in names)
    except OSError:
        ok = False
    if ok:
        log(f"reusing the data in {data_dir}")
        return
    log(f"generating {human_bytes(sizes['big'])} + {sizes['files']:,} x 100 KiB of random bytes in {data_dir} ...")
    start = time.perf_counter()
    shutil.rmtree(data_dir, ignore_errors=True)
    os.makedirs(small)
    write_random(big, sizes["big"])
    for name in names:
        write_random(os.path.join(small, name), SMALL_FILE)
    os.sync()
    log(f"  done in {time.perf_counter() - start:.1f} s")


def spread_indices(count, picks, round_index):
    """`picks` distinct indices spread over range(count), a different set for each round."""
    step = max(1, count // picks) + 1
    while math.gcd(step, count) != 1:
        step += 1
    return sorted({(round_index * 13 + 1 + k * step) % count for k in range(picks)})


def store_size(path):
    """(st_blocks * 512, st_size) summed over every file and directory under `path` (lstat)."""
    blocks = size = 0
    for root, dirs, names in os.walk(path):
        for name in dirs + names:
            st = os.lstat(os.path.join(root, name))
            blocks += st.st_blocks * 512
            size += st.st_size
    return blocks, size


class Moved:
    """Moves `source` to `target` (rename) for the duration of a `with` block, then back."""

    def __init__(self, source, target):
        self.source, self.target = source, target

    def __enter__(self):
        os.rename(self.source, self.target)
        return self.target

    def __exit__(self, *exc):
        os.rename(self.target, self.source)
        return False


# --------------------------------------------------------------------------- the tools

class DVC:
    label = "DVC"
    key = "dvc"

    def __init__(self, bench, scm):
        self.bin = os.path.join(VENV, "bin", "dvc")
        self.bench, self.scm = bench, scm
        self.config = os.path.join(bench, "dvc-config")

    @staticmethod
    def ensure_venv():
        """Creates .venv-dvc with dvc==DVC_VERSION unless it is there; returns `dvc --version`."""
        dvc = os.path.join(VENV, "bin", "dvc")
        version = None
        if os.path.exists(dvc):
            result = subprocess.run([dvc, "--version"], capture_output=True, text=True)
            version = result.stdout.strip() if result.returncode == 0 else None
        if version != DVC_VERSION:
            python = os.path.join(VENV, "bin", "python")
            try:
                if not os.path.exists(python):
                    log(f"creating {VENV} (python3 -m venv; pip install dvc=={DVC_VERSION}) ...")
                    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
                subprocess.run([python, "-m", "pip", "install", "-q", f"dvc=={DVC_VERSION}"], check=True,
                               stdout=sys.stderr)
            except (subprocess.CalledProcessError, OSError) as error:
                raise SetupError(f"could not install dvc=={DVC_VERSION} into {VENV}: {error}") from None
            version = run([dvc, "--version"]).stdout.strip()
        return version

    def env(self, repo):
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(self.bin) + os.pathsep + env.get("PATH", "")
        env["DVC_NO_ANALYTICS"] = "1"
        env["DVC_SITE_CACHE_DIR"] = repo + "-site-cache"  # DVC's hash state: one per repository
        env["DVC_GLOBAL_CONFIG_DIR"] = os.path.join(self.config, "global")
        env["DVC_SYSTEM_CONFIG_DIR"] = os.path.join(self.config, "system")
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        return env

    def new_repo(self, repo):
        self.remove_repo(repo)
        os.makedirs(repo)
        env = self.env(repo)
        if self.scm:
            run(["git", "init", "-q"], cwd=repo, env=env)
            run([self.bin, "init", "-q"], cwd=repo, env=env)
        else:
            run([self.bin, "init", "-q", "--no-scm"], cwd=repo, env=env)
        run([self.bin, "config", "core.analytics", "false"], cwd=repo, env=env)

    @staticmethod
    def remove_repo(repo):
        shutil.rmtree(repo, ignore_errors=True)
        shutil.rmtree(repo + "-site-cache", ignore_errors=True)

    def state(self, repo, target):
        try:
            with open(os.path.join(repo, target + ".dvc")) as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def commit(self, repo, target, message):
        env = self.env(repo)
        cmd = [self.bin, "add", "-q", target]
        start = time.perf_counter()
        run(cmd, cwd=repo, env=env)
        return {"seconds": time.perf_counter() - start}

    def check(self, repo, target, before, changed):
        after = self.state(repo, target)
        if after is None:
            raise Failure(f"`dvc add {target}` in {repo} left no {target}.dvc")
        if changed and after == before:
            raise Failure(f"`dvc add {target}` in {repo} did not change {target}.dvc although {target} changed")
        if not changed and after != before:
            raise Failure(f"`dvc add {target}` in {repo} changed {target}.dvc although nothing changed")

    @staticmethod
    def store(repo):
        return os.path.join(repo, ".dvc", "cache")


class Mlops:
    label = "mlops"
    key = "mlops"

    def __init__(self, binary):
        self.bin = binary
        self.log_format_warned = False

    @staticmethod
    def build(scratch):
        cmd = ["swift", "build", "-c", "release", "--package-path", ROOT, "--product", "mlops",
               "--scratch-path", scratch]
        env = dict(os.environ)
        env.pop("MLOPS_NATIVE", None)
        env.pop("MLOPS_TARGET_CPU", None)
        log(" ".join(cmd))
        try:
            built = subprocess.run(cmd, env=env, stdout=sys.stderr)
        except OSError as error:
            raise SetupError(f"cannot run swift: {error}") from None
        if built.returncode != 0:
            raise SetupError(f"building mlops failed (exit status {built.returncode}); see the output above")
        bin_dir = subprocess.run(cmd + ["--show-bin-path"], env=env, capture_output=True, text=True,
                                 check=True).stdout.strip().splitlines()[-1]
        return os.path.join(bin_dir, "mlops")

    def version(self):
        result = subprocess.run([self.bin, "version"], capture_output=True, text=True)
        return result.stdout.strip().replace("\n", "; ") if result.returncode == 0 else None

    @staticmethod
    def workspace(repo):
        return os.path.join(repo, ".mlops")

    def new_repo(self, repo):
        self.remove_repo(repo)
        os.makedirs(repo)
        # Creates the workspace (the first command does), untimed, as `dvc init` is for DVC.
        result = run([self.bin, "data", "commit", "-m", "init", "--workspace", self.workspace(repo)], cwd=repo)
        if not os.path.isdir(self.workspace(repo)):
            raise Failure(f"`mlops data commit -m init` exited 0 but created no workspace at {self.workspace(repo)}"
                          f" (stdout: {result.stdout.strip()!r})")

    @staticmethod
    def remove_repo(repo):
        shutil.rmtree(repo, ignore_errors=True)

    def commit(self, repo, target, message):
        ws = self.workspace(repo)
        add = [self.bin, "data", "add", target, "--workspace", ws]
        commit = [self.bin, "data", "commit", "-m", message, "--workspace", ws]
        start = time.perf_counter()
        run(add, cwd=repo)
        middle = time.perf_counter()
        result = run(commit, cwd=repo)
        end = time.perf_counter()
        return {"seconds": end - start, "add_seconds": middle - start, "commit_seconds": end - middle,
                "nothing_to_commit": "nothing to commit" in result.stdout.lower() + result.stderr.lower()}

    def commit_count(self, repo):
        """The number of commits `mlops data log --json` lists, or None when its shape is unknown."""
        cmd = [self.bin, "data", "log", "--workspace", self.workspace(repo), "--max-count", "1000000", "--json"]
        result = run(cmd, cwd=repo, allow=lambda r: "no commits yet" in r.stderr)
        if result.returncode != 0:
            return 0  # `data log` on a branch without commits fails, saying so
        out = result.stdout
        try:
            value = json.loads(out) if out.strip() else []
        except json.JSONDecodeError:
            try:  # one JSON object per line
                return len([json.loads(line) for line in out.splitlines() if line.strip()])
            except json.JSONDecodeError:
                value = None
        if isinstance(value, dict):
            lists = [v for v in value.values() if isinstance(v, list)]
            value = lists[0] if len(lists) == 1 else None
        if isinstance(value, list):
            return len(value)
        if not self.log_format_warned:
            log(f"warning: cannot count the commits in `mlops data log --json` output ({out[:200]!r}); "
                "commits are not checked")
            self.log_format_warned = True
        return None

    def state(self, repo, target):
        return self.commit_count(repo)

    def check(self, repo, target, before, changed):
        after = self.commit_count(repo)
        if before is None or after is None:
            return
        if changed and after != before + 1:
            raise Failure(f"`mlops data add {target}` + `mlops data commit` in {repo}: `mlops data log` lists "
                          f"{after} commits, expected {before + 1}")
        if not changed and after != before:
            raise Failure(f"`mlops data commit` in {repo} recorded a commit although nothing changed "
                          f"({before} -> {after} commits)")

    def store(self, repo):
        return self.workspace(repo)


# --------------------------------------------------------------------------- scenarios

class Bench:
    def __init__(self, args, tools, data_dir, sizes):
        self.args, self.tools, self.sizes = args, tools, sizes
        self.data = data_dir
        self.bench = os.path.join(args.work_dir, "bench")
        self.tracked = {}  # (tool key, target) -> repo tracking it
        self.commits = 0

    def path(self, *parts):
        return os.path.join(self.data, *parts)

    def order(self, round_index):
        return self.tools if round_index % 2 == 0 else list(reversed(self.tools))

    def timed_commit(self, tool, repo, target, changed):
        """One timed commit of `target` (already inside `repo`): sync, warm, time, check."""
        before = tool.state(repo, target)
        os.sync()
        warm(os.path.join(repo, target))
        self.commits += 1
        with OtherLoad() as load:
            sample = tool.commit(repo, target, f"bench commit {self.commits}")
        sample["other_cpu"] = round(load.fraction, 3)
        tool.check(repo, target, before, changed)
        return sample

    def rounds(self, number, one_round):
        """Runs the warm-up round (index -1) and the timed rounds; returns the timed samples per tool."""
        samples = {tool.key: [] for tool in self.tools}
        name = SCENARIOS[number][0]
        for r in range(-1, self.args.rounds):
            busy = wait_quiet(self.args.wait_quiet, digits=3) if self.args.wait_quiet > 0 else None
            got = one_round(r)
            text = " | ".join(f"{t.label} {got[t.key]['seconds']:.3f} s" + (
                f" (add {got[t.key]['add_seconds']:.3f} + commit {got[t.key]['commit_seconds']:.3f})"
                if "add_seconds" in got[t.key] else "") + (
                f", +{got[t.key]['stored_percent']:.2f}%" if "stored_percent" in got[t.key] else "")
                for t in self.order(r))
            log(f"  [{number} {name}] {'warm-up' if r < 0 else f'round {r + 1}'}: {text}"
                + (f"   (busy before: {busy:.0%})" if busy is not None else ""))
            if r >= 0:
                for t in self.tools:
                    samples[t.key].append(got[t.key])
        return samples

    def fresh_commit(self, number, target):
        """Scenarios 1 and 2: a fresh repository per round and tool."""
        def one_round(r):
            got = {}
            for tool in self.order(r):
                repo = os.path.join(self.bench, f"{tool.key}-fresh")
                tool.new_repo(repo)
                try:
                    with Moved(self.path(target), os.path.join(repo, target)):
                        got[tool.key] = self.timed_commit(tool, repo, target, changed=True)
                    os.sync()
                    got[tool.key]["store_bytes"] = store_size(tool.store(repo))[0]
                finally:
                    tool.remove_repo(repo)
            return got
        return self.rounds(number, one_round)

    def tracking(self, tool, target):
        """A repository of `tool` whose last commit holds `target` as it is now (made on first use)."""
        key = (tool.key, target)
        if key not in self.tracked:
            repo = os.path.join(self.bench, f"{tool.key}-tracks-{target}")
            tool.new_repo(repo)
            with Moved(self.path(target), os.path.join(repo, target)):
                tool.commit(repo, target, "initial")
            self.tracked[key] = repo
        return self.tracked[key]

    def forget(self, target):
        for (key, t), repo in list(self.tracked.items()):
            if t == target:
                next(tool for tool in self.tools if tool.key == key).remove_repo(repo)
                del self.tracked[(key, t)]

    def recommit(self, number, target, change, measure_store=False):
        """Scenarios 3, 4 and 5: change the input (untimed) and re-commit it in the tracking repositories."""
        for tool in self.tools:
            self.tracking(tool, target)

        def one_round(r):
            changed = change(r)
            os.sync()
            got = {}
            for tool in self.order(r):
                repo = self.tracking(tool, target)
                with Moved(self.path(target), os.path.join(repo, target)):
                    if measure_store:
                        os.sync()
                        blocks0, size0 = store_size(tool.store(repo))
                    got[tool.key] = self.timed_commit(tool, repo, target, changed=changed)
                    if measure_store:
                        os.sync()
                        blocks1, size1 = store_size(tool.store(repo))
                        got[tool.key].update(
                            stored_bytes=blocks1 - blocks0, stored_size_bytes=size1 - size0,
                            stored_percent=100.0 * (blocks1 - blocks0) / self.sizes["big"],
                            stored_size_percent=100.0 * (size1 - size0) / self.sizes["big"])
            return got
        return self.rounds(number, one_round)

    def run(self, number):
        sizes = self.sizes
        changed = sizes["files"] // 100
        if number == "1":
            return self.fresh_commit(number, "big.bin")
        if number == "2":
            return self.fresh_commit(number, "small")
        if number == "3":
            def rewrite(r):
                for i in spread_indices(sizes["files"], changed, r + 1):
                    write_random(self.path("small", small_name(i)), SMALL_FILE)
                return True
            return self.recommit(number, "small", rewrite)
        if number == "4":
            result = self.recommit(number, "small", lambda r: False)
            self.forget("small")
            return result
        if number == "5":
            region = sizes["big"] // 100
            offset = sizes["big"] // 2 - region // 2

            def edit(r):
                with open(self.path("big.bin"), "r+b", buffering=0) as handle:
                    handle.seek(offset)
                    handle.write(os.urandom(region))
                return True
            result = self.recommit(number, "big.bin", edit, measure_store=True)
            self.forget("big.bin")
            return result
        raise AssertionError(number)


# --------------------------------------------------------------------------- report

def scenario_result(number, samples, sizes, tools):
    name, title, target = SCENARIOS[number]
    out = {"name": name, "title": title.format(big=human_bytes(sizes["big"]), files=sizes["files"],
                                               changed=sizes["files"] // 100)}
    for tool in tools:
        got = samples[tool.key]
        entry = {"seconds": summary([s["seconds"] for s in got]),
                 "other_cpu_fraction": summary([s["other_cpu"] for s in got], 3)}
        for extra in ("add_seconds", "commit_seconds"):
            if extra in got[0]:
                entry[extra] = summary([s[extra] for s in got])
        if "nothing_to_commit" in got[0]:
            entry["printed_nothing_to_commit"] = [s["nothing_to_commit"] for s in got]
        for extra, digits in (("store_bytes", 0), ("stored_bytes", 0), ("stored_size_bytes", 0),
                              ("stored_percent", 3), ("stored_size_percent", 3)):
            if extra in got[0]:
                entry[extra] = summary([s[extra] for s in got], digits)
        out[tool.key] = entry
    if "dvc" in out and "mlops" in out:
        out["ratio_dvc_over_mlops"] = round(out["dvc"]["seconds"]["median"] / out["mlops"]["seconds"]["median"], 2)
        if target is not None:
            out["target_ratio"] = target
            out["target_met"] = out["ratio_dvc_over_mlops"] >= target
    if number == "5":
        out["region_bytes"] = sizes["big"] // 100
        out["target_stored_percent_max"] = EDIT_TARGET_PERCENT
        if "mlops" in out:
            out["target_met"] = out["mlops"]["stored_percent"]["median"] <= EDIT_TARGET_PERCENT
    return out


def report(result):
    def secs(entry):
        if entry is None:
            return "—"
        s = entry["seconds"]
        return f"{s['median']:.3f} s ({s['min']:.3f}–{s['max']:.3f})"

    rows = []
    for number, sc in result["scenarios"].items():
        ratio = sc.get("ratio_dvc_over_mlops")
        target = sc.get("target_ratio")
        met = sc.get("target_met")
        rows.append((f"{number}. {sc['title']}", secs(sc.get("dvc")), secs(sc.get("mlops")),
                     "—" if ratio is None else f"{ratio:.1f}×",
                     f"≥ {target:g}×" if target else "", "" if target is None or met is None else
                     ("yes" if met else "no")))
        if number == "5":
            def pct(entry):
                if entry is None:
                    return "—"
                p, b = entry["stored_percent"], entry["stored_bytes"]["median"]
                return f"{p['median']:.2f}% ({b / 1e6:,.1f} MB; {p['min']:.2f}–{p['max']:.2f}%)"
            rows.append(("5. newly stored, % of the file (on-disk blocks)", pct(sc.get("dvc")),
                         pct(sc.get("mlops")), "", f"≤ {EDIT_TARGET_PERCENT:g}%",
                         "" if sc.get("target_met") is None or "mlops" not in sc else
                         ("yes" if sc["target_met"] else "no")))
    head = ("scenario (median of rounds, min–max)", "DVC " + (result.get("dvc_version") or ""), "mlops",
            "DVC / mlops", "target", "met")
    return markdown_table(head, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds per scenario, after 1 warm-up (default 5)")
    ap.add_argument("--only", help="scenarios to run, by number or name, comma-separated (e.g. 1,3 or edit)")
    ap.add_argument("--quick", action="store_true", help="128 MiB and 1,000 files instead of 1 GiB and 10,000")
    ap.add_argument("--json", action="store_true", help="print everything as one JSON object")
    ap.add_argument("--work-dir", default="/work/tmpbench/data_vs_dvc",
                    help="data and repositories (default %(default)s)")
    ap.add_argument("--mlops", help="an mlops executable to use instead of building one")
    ap.add_argument("--scratch-path", default=os.path.join(ROOT, ".build"),
                    help="SwiftPM scratch path of the mlops build (default: .build at the repository root)")
    ap.add_argument("--dvc-only", action="store_true", help="run DVC alone (no mlops build)")
    ap.add_argument("--mlops-only", action="store_true", help="run mlops alone (no DVC venv)")
    ap.add_argument("--dvc-no-scm", action="store_true", help="`dvc init --no-scm` instead of git init + dvc init")
    ap.add_argument("--wait-quiet", type=float, default=10.0,
                    help="before each round, wait up to this many seconds for the machine to be < 15%% busy")
    ap.add_argument("--keep", action="store_true", help="keep <work-dir>/bench (the repositories) afterwards")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if args.dvc_only and args.mlops_only:
        ap.error("--dvc-only and --mlops-only exclude each other")
    by_name = {name: number for number, (name, _, _) in SCENARIOS.items()}
    selected = list(SCENARIOS)
    if args.only:
        selected = []
        for item in args.only.split(","):
            number = by_name.get(item.strip(), item.strip())
            if number not in SCENARIOS:
                ap.error(f"unknown scenario {item!r}: use 1-5 or {', '.join(by_name)}")
            if number not in selected:
                selected.append(number)
        selected.sort()
    args.work_dir = os.path.abspath(args.work_dir)
    try:
        return measure(args, selected)
    except SetupError as error:
        log(f"error: {error}")
        return 2
    except Failure as error:
        log(f"error: {error}")
        return 1


def measure(args, selected):
    mode = "quick" if args.quick else "full"
    sizes = SIZES[mode]
    bench = os.path.join(args.work_dir, "bench")
    tools = []
    result = {"benchmark": "data_vs_dvc", "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "cpu_model": cpu_model(), "cpus": os.cpu_count(), "kernel": platform.release(),
              "loadavg_at_start": os.getloadavg(), "mode": mode, "rounds": args.rounds, "warmup_rounds": 1,
              "data": {"big_file_bytes": sizes["big"], "small_files": sizes["files"],
                       "small_file_bytes": SMALL_FILE}}
    if not args.dvc_only:
        binary = os.path.abspath(args.mlops) if args.mlops else Mlops.build(args.scratch_path)
        if not os.access(binary, os.X_OK):
            raise SetupError(f"no mlops executable at {binary}")
        mlops = Mlops(binary)
        result["mlops"] = {"binary": binary, "built": not args.mlops, "version": mlops.version()}
    if not args.mlops_only:
        if not args.dvc_no_scm and shutil.which("git") is None:
            raise SetupError("`dvc init` needs git: install it, or use --dvc-no-scm")
        result["dvc_version"] = DVC.ensure_venv()
        result["dvc_init"] = "dvc init --no-scm" if args.dvc_no_scm else "git init + dvc init"
        result["dvc_cache_type"] = "default (reflink,copy)"
        tools.append(DVC(bench, scm=not args.dvc_no_scm))
    if not args.dvc_only:
        tools.append(mlops)
    os.makedirs(args.work_dir, exist_ok=True)
    try:
        result["filesystem"] = subprocess.run(["stat", "-f", "-c", "%T", args.work_dir], capture_output=True,
                                              text=True).stdout.strip()
    except OSError:
        pass
    data_dir = os.path.join(args.work_dir, "data" if mode == "full" else "data-quick")
    prepare_data(data_dir, sizes)
    shutil.rmtree(bench, ignore_errors=True)
    os.makedirs(bench)
    log(f"CPU: {result['cpu_model']}; DVC {result.get('dvc_version', '(not run)')}; "
        f"mlops {result.get('mlops', {}).get('binary', '(not run)')}")
    runner = Bench(args, tools, data_dir, sizes)
    result["scenarios"] = {}
    t0, i0 = cpu_times()
    own0, start = sum(os.times()[:4]), time.monotonic()
    try:
        for number in selected:
            log(f"scenario {number} ({SCENARIOS[number][0]}) ...")
            samples = runner.run(number)
            result["scenarios"][number] = scenario_result(number, samples, sizes, tools)
    finally:
        if not args.keep:
            shutil.rmtree(bench, ignore_errors=True)
    t1, i1 = cpu_times()
    wall = time.monotonic() - start
    busy = ((t1 - t0) - (i1 - i0)) / os.sysconf("SC_CLK_TCK")
    own = sum(os.times()[:4]) - own0
    result["contention"] = {"wall_s": round(wall, 1), "other_cpu_fraction":
                            round(max(0.0, busy - own) / max(1e-9, wall * (os.cpu_count() or 1)), 3)}
    result["loadavg_at_end"] = os.getloadavg()
    table = report(result)
    result["table"] = table
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"CPU: {result['cpu_model']} ({result['cpus']} CPUs); DVC {result.get('dvc_version', '—')} "
              f"({result.get('dvc_init', '—')}); mlops {result.get('mlops', {}).get('version') or '—'}")
        print(f"data: {human_bytes(sizes['big'])} file, {sizes['files']:,} x 100 KiB files ({mode}); "
              f"{args.rounds} rounds + 1 warm-up; other processes used "
              f"{result['contention']['other_cpu_fraction']:.0%} of the CPUs during the {wall:.0f} s run\n")
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
