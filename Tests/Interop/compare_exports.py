#!/usr/bin/env python3
"""Compare what MLflow's and TensorBoard's own readers saw in exported stores
with the workspace's JSON export (`mlops export json DIR --all`).

    compare_exports.py --json DIR [--mlflow MLFLOW_CHECK.json] [--tensorboard TB_CHECK.json]

MLFLOW_CHECK.json is the output of mlflow_read_check.py on the MLflow export,
TB_CHECK.json that of tb_read_check.py on the TensorBoard export (of active
runs). Every experiment, run, param, tag, metric point and artifact must read
back identically (metric values bit for bit; as float32 for TensorBoard).
Prints one line per problem and exits 1 if there is any.
"""
from __future__ import annotations

import argparse
import json
import math
import struct
import sys
from collections import Counter

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def mlflow_run_id(run_id: str) -> str:
    """The exporter's mapping: a 26-character SortableID -> 32 hex digits of its 128 bits."""
    value = 0
    for ch in run_id.upper():
        value = value * 32 + CROCKFORD.index(ch)
    return f"{value:032x}"


def number(v):
    """JSON numbers and the strings NaN/Infinity/-Infinity -> float."""
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return float(v)


def same_double(a, b) -> bool:
    a, b = number(a), number(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return struct.pack("<d", a) == struct.pack("<d", b)


def float32(v) -> float:
    """v rounded to float32 (overflowing to +-inf), as TensorBoard stores it."""
    import numpy as np  # noqa: PLC0415  (installed with mlflow and tensorboard)
    with np.errstate(over="ignore"):
        return float(np.float32(number(v)))


def point_key(step, timestamp, value):
    v = number(value)
    return (int(step), int(timestamp), "nan" if math.isnan(v) else struct.pack("<d", v).hex())


class Checker:
    def __init__(self):
        self.problems: list[str] = []
        self.checks = 0

    def expect(self, condition: bool, message: str):
        self.checks += 1
        if not condition:
            self.problems.append(message)


def load_json_export(directory):
    with open(f"{directory}/experiments.json") as f:
        experiments = {e["experiment_id"]: e for e in json.load(f)}
    with open(f"{directory}/runs.json") as f:
        runs = {r["run_id"]: r for r in json.load(f)}
    with open(f"{directory}/metrics.json") as f:
        histories: dict[str, dict[str, list]] = {}
        for row in json.load(f):
            histories.setdefault(row["run_id"], {}).setdefault(row["key"], []).append(row)
    return experiments, runs, histories


def compare_mlflow(check: Checker, seen: dict, experiments, runs, histories):
    check.expect(not seen.get("problems"), f"mlflow_read_check problems: {seen.get('problems')}")
    by_id = {e["experiment_id"]: e for e in seen.get("experiments", [])}
    for exp_id, ours in experiments.items():
        theirs = by_id.get(exp_id)
        check.expect(theirs is not None, f"experiment {exp_id} ({ours['name']!r}) not listed by MLflow")
        if theirs is None:
            continue
        where = f"experiment {exp_id}"
        check.expect(theirs["name"] == ours["name"], f"{where}: name {theirs['name']!r} != {ours['name']!r}")
        check.expect(theirs["lifecycle_stage"] == ours["lifecycle_stage"], f"{where}: lifecycle_stage differs")
        check.expect(theirs["creation_time"] == ours["creation_time"], f"{where}: creation_time differs")
        check.expect(theirs["last_update_time"] == ours["last_update_time"], f"{where}: last_update_time differs")
        tags = dict(ours["tags"], **{"mlops.experiment_id": exp_id})
        check.expect(theirs["tags"] == tags, f"{where}: tags {theirs['tags']} != {tags}")
    for exp_id, theirs in by_id.items():
        if exp_id not in experiments:
            check.expect(exp_id == "0" and not theirs["runs"], f"MLflow lists an unexpected experiment {exp_id}")

    seen_runs = {}
    for e in seen.get("experiments", []):
        for r in e["runs"]:
            seen_runs[r["run_id"]] = (e["experiment_id"], r)
    check.expect(len(seen_runs) == len(runs), f"MLflow lists {len(seen_runs)} runs, the workspace has {len(runs)}")
    for run_id, ours in runs.items():
        hex_id = mlflow_run_id(run_id)
        found = seen_runs.get(hex_id)
        check.expect(found is not None, f"run {run_id} ({hex_id}) not listed by MLflow")
        if found is None:
            continue
        exp_id, theirs = found
        where = f"run {run_id} ({ours['run_name']!r})"
        check.expect(exp_id == ours["experiment_id"], f"{where}: in experiment {exp_id}, not {ours['experiment_id']}")
        for field in ("run_name", "status", "lifecycle_stage", "user_id", "start_time", "end_time"):
            check.expect(theirs[field] == ours[field], f"{where}: {field} {theirs[field]!r} != {ours[field]!r}")
        check.expect(theirs["params"] == ours["params"], f"{where}: params differ: {theirs['params']} != {ours['params']}")
        tags = dict(ours["tags"], **{"mlops.run_id": run_id})
        if "mlflow.parentRunId" in tags:
            tags["mlflow.parentRunId"] = mlflow_run_id(tags["mlflow.parentRunId"])
        check.expect(theirs["tags"] == tags, f"{where}: tags differ: {theirs['tags']} != {tags}")
        check.expect(theirs.get("artifacts") == ours["artifacts"],
                     f"{where}: artifacts {theirs.get('artifacts')} != {ours['artifacts']}")
        ours_hist = histories.get(run_id, {})
        theirs_hist = theirs.get("metric_history", {})
        check.expect(sorted(theirs_hist) == sorted(ours_hist),
                     f"{where}: metric keys {sorted(theirs_hist)} != {sorted(ours_hist)}")
        for key, points in ours_hist.items():
            a = Counter(point_key(p["step"], p["timestamp"], p["value"]) for p in points)
            b = Counter(point_key(p["step"], p["timestamp"], p["value"]) for p in theirs_hist.get(key, []))
            check.expect(a == b, f"{where}: metric {key!r}: MLflow read {sum(b.values())} points "
                                 f"that differ from the {sum(a.values())} logged ({(a - b) or (b - a)})")
            # The latest value: MLflow takes the max by (step, timestamp, value); on a full tie of
            # (step, timestamp) the tracker keeps the last logged. Either is one of the tied points.
            latest = ours["metrics"][key]
            top = max((int(p["step"]), int(p["timestamp"])) for p in points)
            tied = [p["value"] for p in points if (int(p["step"]), int(p["timestamp"])) == top]
            check.expect((latest["step"], latest["timestamp"]) == top, f"{where}: latest {key!r} is not the last step")
            their_latest = theirs["metrics"].get(key)
            check.expect(their_latest is not None and any(same_double(their_latest, v) for v in tied),
                         f"{where}: MLflow's latest {key!r} {their_latest} is none of {tied}")


def compare_tensorboard(check: Checker, seen: dict, experiments, runs, histories):
    check.expect(not seen.get("problems"), f"tb_read_check problems: {seen.get('problems')}")
    # The TensorBoard export holds active runs of active experiments.
    active = [r for r in runs.values()
              if r["lifecycle_stage"] == "active" and experiments[r["experiment_id"]]["lifecycle_stage"] == "active"]
    files = seen.get("files", [])
    check.expect(len(files) == len(active), f"TensorBoard found {len(files)} event files for {len(active)} active runs")

    def signature(scalars: dict) -> str:
        canonical = {tag: sorted((int(p["step"]), repr(float32(p["value"]))) for p in points)
                     for tag, points in scalars.items()}
        return json.dumps(canonical, sort_keys=True)

    expected = Counter(signature(histories.get(r["run_id"], {})) for r in active)
    got = Counter(signature(f["scalars"]) for f in files)
    missing, extra = expected - got, got - expected
    check.expect(not missing and not extra,
                 f"TensorBoard scalars differ from the logged metrics: {sum(missing.values())} runs not matched, "
                 f"{sum(extra.values())} files unexplained")
    for f in files:
        check.expect(f["file_version"] == "brain.Event:2", f"{f['path']}: file_version {f['file_version']!r}")
    return sum(len(p) for f in files for p in f["scalars"].values())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", required=True, help="directory of `mlops export json --all`")
    ap.add_argument("--mlflow", help="mlflow_read_check.py output")
    ap.add_argument("--tensorboard", help="tb_read_check.py output")
    args = ap.parse_args(argv)
    experiments, runs, histories = load_json_export(args.json)
    check = Checker()
    check.expect(len(runs) > 0, "the JSON export has no runs")
    points = sum(len(p) for h in histories.values() for p in h.values())
    if args.mlflow:
        with open(args.mlflow) as f:
            compare_mlflow(check, json.load(f), experiments, runs, histories)
    if args.tensorboard:
        with open(args.tensorboard) as f:
            scalars = compare_tensorboard(check, json.load(f), experiments, runs, histories)
        print(f"tensorboard: {scalars} scalars read back")
    for problem in check.problems:
        print("MISMATCH:", problem)
    print(f"interop: {len(experiments)} experiments, {len(runs)} runs, {points} metric points compared")
    print(f"interop checks: {check.checks}, mismatches: {len(check.problems)}")
    return 1 if check.problems else 0


if __name__ == "__main__":
    sys.exit(main())
