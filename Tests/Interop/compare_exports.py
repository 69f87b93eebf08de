#!/usr/bin/env python3
"""Compare what MLflow's and TensorBoard's own readers saw in exported stores
with the workspace's JSON export (`mlops export json DIR --all`).

    compare_exports.py --json DIR [--mlflow MLFLOW_CHECK.json] [--tensorboard TB_CHECK.json]

MLFLOW_CHECK.json is the output of mlflow_read_check.py on the MLflow export,
TB_CHECK.json that of tb_read_check.py on the TensorBoard export (of active
runs). Every experiment, run, param, tag, metric point, artifact and dataset
input must read back identically (metric values bit for bit; as float32 for
TensorBoard), the captured environment must read back as MLflow's and
`mlops.env.*` tags, and TensorBoard's hparams plugin must read every run's
params, status and times and one experiment listing every param and metric.
Prints one line per problem and exits 1 if there is any.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import shlex
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


def environment_tags(env: dict, existing: dict) -> dict:
    """The tags the MLflow export derives from a run's environment (Documentation/Exporting.md):
    MLflow's own names where MLflow has one, `mlops.env.*` for the rest; existing tags win."""
    tags = dict(existing)
    dirty = env.get("git_dirty")
    conventional = [
        (env.get("git_commit"), "mlflow.source.git.commit", "mlops.env.git_commit"),
        (env.get("git_branch"), "mlflow.source.git.branch", "mlops.env.git_branch"),
        (None if dirty is None else ("true" if dirty else "false"), "mlflow.source.git.dirty", "mlops.env.git_dirty"),
        ((env.get("command_line") or [None])[0], "mlflow.source.name", "mlops.env.program"),
    ]
    for value, tag, fallback in conventional:
        if not value:
            continue
        if tag not in tags:
            tags[tag] = value
        elif tags[tag] != value and fallback not in tags:
            tags[fallback] = value
    others = {
        "mlops.env.host": env.get("host") or "",
        "mlops.env.os": env.get("operating_system") or "",
        "mlops.env.swift_version": env.get("swift_version") or "",
        "mlops.env.cpu_model": env.get("cpu_model") or "",
        "mlops.env.cpu_count": str(env.get("cpu_count")),
        "mlops.env.command_line": shlex.join(env.get("command_line") or []),
        "mlops.env.working_directory": env.get("working_directory") or "",
    }
    for tag, value in others.items():
        if value and tag not in tags:
            tags[tag] = value
    return tags


def mlflow_inputs(inputs: list) -> list:
    """The dataset inputs MLflow keeps: one per (name, digest), the first logged."""
    seen, kept = set(), []
    for i in inputs:
        if (i["name"], i["digest"]) not in seen:
            seen.add((i["name"], i["digest"]))
            kept.append(i)
    return kept


def input_key(name, digest, source, source_type, context, version):
    return (name, digest, json.dumps(source, sort_keys=True), source_type or "", context, version)


def our_source(source: str):
    """What MLflow's dataset source should hold for ours: a JSON object as given, else {"uri": source}."""
    if not source:
        return None
    if source.startswith("{") and source.endswith("}"):
        return json.loads(source)
    return {"uri": source}


DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def hparam_kind(values: list[str]) -> str:
    """The hparams type of a param over all exported runs (Documentation/Exporting.md)."""
    def own(v):
        if DECIMAL.fullmatch(v) and math.isfinite(float(v)):
            return "number"
        return "bool" if v in ("true", "false") else "string"
    kinds = {own(v) for v in values}
    return kinds.pop() if len(kinds) == 1 else "string"


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

    for exp_id, theirs in by_id.items():
        if exp_id not in experiments:
            continue
        want = sorted({(i["name"], i["digest"], i["context"] or "")
                       for r in runs.values() if r["experiment_id"] == exp_id for i in mlflow_inputs(r["inputs"])})
        got = sorted((d["name"], d["digest"], d["context"] or "") for d in theirs.get("dataset_summaries", []))
        check.expect(got == want, f"experiment {exp_id}: MLflow's dataset search lists {got}, expected {want}")

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
        if ours.get("environment"):
            tags = environment_tags(ours["environment"], tags)
            env = ours["environment"]
            # The environment must be visible through MLflow's own tag names.
            check.expect(theirs["tags"].get("mlops.env.host") == env["host"], f"{where}: mlops.env.host missing")
            check.expect(shlex.split(theirs["tags"].get("mlops.env.command_line", "")) == env["command_line"],
                         f"{where}: mlops.env.command_line does not split back into the command line")
            if env.get("git_commit"):
                check.expect(theirs["tags"].get("mlflow.source.git.commit") == env["git_commit"]
                             or theirs["tags"].get("mlops.env.git_commit") == env["git_commit"],
                             f"{where}: the git commit is not a tag")
        check.expect(theirs["tags"] == tags, f"{where}: tags differ: {theirs['tags']} != {tags}")
        want_inputs = sorted(input_key(i["name"], i["digest"], our_source(i["source"]), i["source_type"],
                                       i["context"] or None,
                                       i["data_version_id"]) for i in mlflow_inputs(ours.get("inputs", [])))
        got_inputs = sorted(
            input_key(i["name"], i["digest"], json.loads(i["source"]) if i["source"] else None,
                      i["source_type"], i["tags"].get("mlflow.data.context"), i["tags"].get("mlops.data_version_id"))
            for i in theirs.get("inputs", []))
        check.expect(got_inputs == want_inputs,
                     f"{where}: dataset inputs differ: MLflow read {got_inputs}, the workspace has {want_inputs}")
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

    def signature(scalars: dict) -> str:
        canonical = {tag: sorted((int(p["step"]), repr(float32(p["value"]))) for p in points)
                     for tag, points in scalars.items()}
        return json.dumps(canonical, sort_keys=True)

    # Each run's file names the run in its hparams session (group_name = run ID).
    run_files = [f for f in files if "experiment" not in f.get("hparams", {})]
    experiment_files = [f for f in files if "experiment" in f.get("hparams", {})]
    check.expect(len(run_files) == len(active),
                 f"TensorBoard found {len(run_files)} run event files for {len(active)} active runs")
    check.expect(len(experiment_files) == 1, f"{len(experiment_files)} files hold an hparams experiment, not 1")
    by_group = {f.get("hparams", {}).get("session_start_info", {}).get("group_name"): f for f in run_files}
    status_names = {"FINISHED": "STATUS_SUCCESS", "FAILED": "STATUS_FAILURE", "KILLED": "STATUS_FAILURE",
                    "RUNNING": "STATUS_RUNNING", "SCHEDULED": "STATUS_UNKNOWN"}
    param_values: dict[str, list[str]] = {}
    for r in active:
        for k, v in r["params"].items():
            param_values.setdefault(k, []).append(v)
    kinds = {k: hparam_kind(v) for k, v in param_values.items()}
    sessions = 0
    for r in active:
        where = f"TensorBoard run {r['run_id']} ({r['run_name']!r})"
        f = by_group.get(r["run_id"])
        check.expect(f is not None, f"{where}: no event file has its hparams session")
        if f is None:
            continue
        sessions += 1
        check.expect(signature(f["scalars"]) == signature(histories.get(r["run_id"], {})),
                     f"{where}: scalars differ from the logged metrics")
        start = f["hparams"]["session_start_info"]
        want = {}
        for k, v in r["params"].items():
            kind = kinds[k]
            want[k] = [kind, float(v) if kind == "number" else (v == "true") if kind == "bool" else v]
        got = {k: [kind, number(v) if kind == "number" else v] for k, (kind, v) in start["hparams"].items()}
        check.expect(got == want, f"{where}: hparams {got} != params {want}")
        check.expect(start["start_time_secs"] == r["start_time"] / 1000, f"{where}: session start time differs")
        end = f["hparams"].get("session_end_info", {})
        check.expect(end.get("status") == status_names[r["status"]],
                     f"{where}: session status {end.get('status')} for {r['status']}")
        if r["end_time"] is not None:
            check.expect(end.get("end_time_secs") == r["end_time"] / 1000, f"{where}: session end time differs")
    if experiment_files:
        experiment = experiment_files[0]["hparams"]["experiment"]
        infos = {h["name"]: h for h in experiment["hparam_infos"]}
        check.expect(sorted(infos) == sorted(param_values),
                     f"hparams experiment lists params {sorted(infos)}, the runs have {sorted(param_values)}")
        type_names = {"number": "DATA_TYPE_FLOAT64", "bool": "DATA_TYPE_BOOL", "string": "DATA_TYPE_STRING"}
        for k, info in infos.items():
            if k in kinds:
                check.expect(info["type"] == type_names[kinds[k]], f"hparams experiment: {k!r} has type {info['type']}")
        metric_keys = sorted({k for r in active for k in r["metrics"]})
        got_metrics = sorted(m["tag"] for m in experiment["metric_infos"])
        check.expect(got_metrics == metric_keys, f"hparams experiment lists metrics {got_metrics}, not {metric_keys}")
        check.expect(all(m["group"] == "" for m in experiment["metric_infos"]), "hparams metrics are not in the run")
    print(f"tensorboard: {sessions} hparams sessions and {len(param_values)} hparams read back")
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
