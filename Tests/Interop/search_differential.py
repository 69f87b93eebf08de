#!/usr/bin/env python3
"""Run the same run filters through `mlops runs search` and through MLflow's
own `search_runs` on the workspace's MLflow export, and compare the runs found.

    search_differential.py --mlruns DIR --mlops BIN --workspace WS [--seed N] [--count N]

DIR is `mlops export mlflow DIR --workspace WS` (every run carries the tag
`mlops.run_id`, which maps MLflow's run IDs back). The filters are

  * generated from the exported runs' own keys and values: metrics
    (= != > >= < <= against values the runs have), params and tags (= !=,
    LIKE and ILIKE on fragments of values, IS NULL, IS NOT NULL, a missing
    key), attributes (run_name, status, user_id, start_time, end_time,
    run_id with = and IN), datasets (name, digest, context), and AND of
    two or three of them -- including the tags the export derives from the
    captured environment (`mlflow.source.git.*`, `mlops.env.*`, `mlops.run_id`);
  * filter strings in the style of MLflow's own test suite (quoting forms,
    aliases, case of keywords, spacing), instantiated with the runs' keys.

MLflow's file store has no OR, so no filter uses it. A filter MLflow rejects
is skipped (and counted); one MLflow accepts must be accepted by mlops and
find exactly the same runs. Run IDs differ between the two (MLflow's are the
32 hex digits of swift-mlops' IDs), so a filter naming a run ID, or the
`mlflow.parentRunId` tag, is written with each side's own IDs. Filters on
`artifact_uri` are not generated: the two stores' artifact locations differ
by design. Nor are LIKE / ILIKE filters on a key some run holds a multi-line
value under: MLflow's file store turns LIKE into a Python regular expression
whose `%` and `_` do not match a line break (and whose `$` matches before a
final one), while its SQL stores -- and mlops -- follow SQL, where `%` matches
any characters; such filters are counted as excluded.

Prints one block per disagreement (the filter, the runs only one side found)
and a summary line; exits 1 on any disagreement.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

RUN_ID_TAG = "mlops.run_id"
PARENT_TAG = "mlflow.parentRunId"


def quote_key(key: str) -> str | None:
    """`key` in backticks, or None if it cannot be written in both grammars."""
    if "`" in key or "\\" in key:
        return None
    return f"`{key}`"


def quote_value(value: str) -> str | None:
    """`value` in single quotes, or None if it needs escaping (the grammars escape differently)."""
    if "'" in value or "\\" in value or "\n" in value or "\r" in value:
        return None
    return f"'{value}'"


def number(value: float) -> str | None:
    if not math.isfinite(value):
        return None
    return repr(float(value))


def like_fragment(value: str, rng: random.Random) -> str | None:
    """A run of letters and digits from `value`: MLflow's file store turns LIKE patterns into
    regular expressions, so only characters that mean themselves in both are used."""
    pieces = re.findall(r"[A-Za-z0-9]+", value)
    if not pieces:
        return None
    piece = rng.choice(pieces)
    if len(piece) > 3:
        start = rng.randrange(0, len(piece) - 2)
        piece = piece[start:start + rng.randrange(2, len(piece) - start + 1)]
    return piece


class Filters:
    """Pairs (mlops filter, mlflow filter), each with where it came from."""

    def __init__(self, runs, rng: random.Random):
        self.runs = runs
        self.rng = rng
        self.pairs: list[tuple[str, str, str]] = []
        self.seen: set[tuple[str, str]] = set()
        self.to_mlops = {r["mlflow_id"]: r["mlops_id"] for r in runs}
        self.excluded: list[str] = []
        # The keys (and attributes) some run has a multi-line value under.
        self.multiline = {key for r in runs for entity in ("params", "tags")
                          for key, value in r[entity].items() if re.search(r"[\n\r]", value)}
        self.multiline |= {key for r in runs for key in ("run_name", "user_id") if re.search(r"[\n\r]", r[key] or "")}

    def add(self, mlops_filter: str | None, mlflow_filter: str | None = None, origin: str = "generated"):
        if mlops_filter is None:
            return
        mlflow_filter = mlops_filter if mlflow_filter is None else mlflow_filter
        if (mlops_filter, mlflow_filter) in self.seen:
            return
        self.seen.add((mlops_filter, mlflow_filter))
        if re.search(r"\bI?LIKE\b", mlflow_filter, re.IGNORECASE) and any(
                form in mlflow_filter for key in self.multiline for form in (f"`{key}`", f'"{key}"', f".{key} ")):
            self.excluded.append(mlflow_filter)
            return
        self.pairs.append((mlops_filter, mlflow_filter, origin))

    # Clauses, each returned as (mlops text, mlflow text) or None.

    def metric_clause(self):
        run = self.rng.choice(self.runs)
        if not run["metrics"]:
            return None
        key, value = self.rng.choice(sorted(run["metrics"].items()))
        k, v = quote_key(key), number(value)
        if k is None or v is None:
            return None
        op = self.rng.choice(["=", "!=", ">", ">=", "<", "<="])
        text = f"metrics.{k} {op} {v}"
        return text, text

    def text_clause(self, entity: str):
        run = self.rng.choice(self.runs)
        items = sorted(run[entity].items())
        if not items:
            return None
        key, value = self.rng.choice(items)
        k = quote_key(key)
        if k is None:
            return None
        kind = self.rng.choice(["=", "!=", "LIKE", "ILIKE", "IS NULL", "IS NOT NULL", "missing"])
        if kind in ("IS NULL", "IS NOT NULL"):
            text = f"{entity}.{k} {kind}"
            return text, text
        if kind == "missing":
            text = f"{entity}.`no-such-{entity}` {self.rng.choice(['=', '!=', 'IS NULL', 'IS NOT NULL'])}"
            text = text if text.endswith("NULL") else text + " 'x'"
            return text, text
        if kind in ("LIKE", "ILIKE"):
            fragment = like_fragment(value, self.rng)
            if fragment is None:
                return None
            if kind == "ILIKE":
                fragment = fragment.swapcase()
            pattern = self.rng.choice([f"%{fragment}%", f"{fragment}%", f"%{fragment}"])
            text = f"{entity}.{k} {kind} '{pattern}'"
            return text, text
        if entity == "tags" and key == PARENT_TAG:
            mlops_value = self.to_mlops.get(value, value)
            a, b = quote_value(mlops_value), quote_value(value)
            if a is None or b is None:
                return None
            return f"tags.{k} {kind} {a}", f"tags.{k} {kind} {b}"
        v = quote_value(value)
        if v is None:
            return None
        text = f"{entity}.{k} {kind} {v}"
        return text, text

    def attribute_clause(self):
        run = self.rng.choice(self.runs)
        key = self.rng.choice(["run_name", "status", "user_id", "start_time", "end_time", "run_id", "run_id_in"])
        if key in ("start_time", "end_time"):
            value = run[key]
            if value is None:
                return None
            op = self.rng.choice(["=", "!=", ">", ">=", "<", "<="])
            text = f"attributes.{key} {op} {value}"
            return text, text
        if key == "run_id":
            op = self.rng.choice(["=", "!="])
            return f"attributes.run_id {op} '{run['mlops_id']}'", f"attributes.run_id {op} '{run['mlflow_id']}'"
        if key == "run_id_in":
            chosen = self.rng.sample(self.runs, min(len(self.runs), self.rng.randrange(1, 4)))
            op = self.rng.choice(["IN", "NOT IN"])
            a = ", ".join(f"'{r['mlops_id']}'" for r in chosen)
            b = ", ".join(f"'{r['mlflow_id']}'" for r in chosen)
            return f"attributes.run_id {op} ({a})", f"attributes.run_id {op} ({b})"
        value = run[key]
        if key != "status" and self.rng.random() < 0.4:
            fragment = like_fragment(value, self.rng)
            if fragment is None:
                return None
            op = self.rng.choice(["LIKE", "ILIKE"])
            fragment = fragment.swapcase() if op == "ILIKE" else fragment
            text = f"attributes.{key} {op} '%{fragment}%'"
            return text, text
        v = quote_value(value)
        if v is None:
            return None
        op = self.rng.choice(["=", "!="])
        text = f"attributes.{key} {op} {v}"
        return text, text

    def dataset_clause(self):
        inputs = [d for r in self.runs for d in r["datasets"]]
        if not inputs:
            return None
        dataset = self.rng.choice(inputs)
        key = self.rng.choice(["name", "digest", "context"])
        value = dataset[key]
        if value is None:
            return None
        op = self.rng.choice(["=", "!=", "IN", "NOT IN", "LIKE"])
        if op in ("IN", "NOT IN"):
            others = [d[key] for d in inputs if d[key] is not None and quote_value(d[key])]
            values = {value, *self.rng.sample(others, min(len(others), 2))}
            quoted = [quote_value(v) for v in sorted(values)]
            if None in quoted:
                return None
            text = f"datasets.{key} {op} ({', '.join(quoted)})"
            return text, text
        if op == "LIKE":
            fragment = like_fragment(value, self.rng)
            if fragment is None:
                return None
            text = f"datasets.{key} LIKE '%{fragment}%'"
            return text, text
        v = quote_value(value)
        if v is None:
            return None
        text = f"datasets.{key} {op} {v}"
        return text, text

    def clause(self):
        for _ in range(50):
            choice = self.rng.random()
            if choice < 0.25:
                made = self.metric_clause()
            elif choice < 0.45:
                made = self.text_clause("params")
            elif choice < 0.7:
                made = self.text_clause("tags")
            elif choice < 0.9:
                made = self.attribute_clause()
            else:
                made = self.dataset_clause()
            if made is not None:
                return made
        raise SystemExit("error: could not generate a clause from the exported runs")

    def every_key(self):
        """One clause per key and kind, so that every key the runs have is tried at least once."""
        for entity in ("params", "tags"):
            keys = sorted({k for r in self.runs for k in r[entity]})
            for key in keys:
                k = quote_key(key)
                if k is None:
                    continue
                self.add(f"{entity}.{k} IS NULL")
                self.add(f"{entity}.{k} IS NOT NULL")
                values = sorted({r[entity][key] for r in self.runs if key in r[entity]})
                value = self.rng.choice(values)
                if entity == "tags" and key == PARENT_TAG:
                    a, b = quote_value(self.to_mlops.get(value, value)), quote_value(value)
                    if a and b:
                        self.add(f"tags.{k} = {a}", f"tags.{k} = {b}")
                    continue
                v = quote_value(value)
                if v is not None:
                    self.add(f"{entity}.{k} = {v}")
                    self.add(f"{entity}.{k} != {v}")
        keys = sorted({k for r in self.runs for k in r["metrics"]})
        for key in keys:
            values = sorted(r["metrics"][key] for r in self.runs if key in r["metrics"]
                            and math.isfinite(r["metrics"][key]))
            k = quote_key(key)
            if k is None or not values:
                continue
            middle = values[len(values) // 2]
            for op in ("=", ">", "<="):
                self.add(f"metrics.{k} {op} {number(middle)}")

    def generate(self, count: int):
        self.every_key()
        while len(self.pairs) < count:
            parts = [self.clause() for _ in range(self.rng.choice([1, 1, 2, 3]))]
            joiner = self.rng.choice([" AND ", " and "])
            self.add(joiner.join(p[0] for p in parts), joiner.join(p[1] for p in parts))

    def mlflow_style(self):
        """Filter strings shaped like those in MLflow's own tests (tests/utils/test_search_utils.py,
        tests/store/tracking/test_file_store.py), with this store's keys and values."""
        metric = next((k for r in self.runs for k in sorted(r["metrics"]) if quote_key(k)), None)
        param = next(((k, v) for r in self.runs for k, v in sorted(r["params"].items())
                      if quote_key(k) and quote_value(v)), None)
        run = self.runs[0]
        texts = [
            "", "attributes.status = 'FINISHED'", "attribute.status != 'FINISHED'", "attr.status = 'FAILED'",
            "run.status = 'RUNNING'", "attributes.status = 'KILLED'", "attributes.status in ('FINISHED', 'FAILED')",
            f"attributes.run_name = '{run['run_name']}'", "attributes.run_name LIKE '%a%'",
            "attributes.run_name ILIKE '%A%'", "attributes.`run name` LIKE '%1%'", "attributes.`Run name` = 'x'",
            "attributes.start_time > 0", "attributes.start_time >= 0 and attributes.end_time > 0",
            "attributes.created > 1", "attributes.end_time < 9999999999999", "attributes.user_id != ''",
            "attributes.lifecycle_stage = 'active'", "attributes.end_time IS NULL", "metrics.nope IS NULL",
            "params.nope IS NULL", "tags.nope IS NOT NULL", "tags.`mlflow.runName` IS NOT NULL",
            "tags.`mlflow.source.git.dirty` = 'true'", "tags.`mlflow.source.git.dirty` = 'false'",
            "tags.`mlflow.source.git.dirty` IS NULL", "tags.`mlflow.source.git.commit` LIKE '%'",
            "tags.`mlflow.source.git.branch` IS NOT NULL", "tags.`mlflow.source.name` ILIKE '%MLOPS%'",
            "tags.`mlops.env.host` IS NOT NULL", "tags.`mlops.env.os` LIKE 'Linux%'",
            "tags.`mlops.env.cpu_count` != '0'", "tags.`mlops.env.swift_version` LIKE '6.%'",
            "tags.`mlops.env.command_line` LIKE '%demo%'", "tags.`mlops.env.working_directory` IS NOT NULL",
            "tags.`mlops.run_id` IS NOT NULL", f"tags.`mlops.run_id` = '{run['mlops_id']}'",
            "tags.\"mlflow.user\" LIKE '%'", "datasets.context = 'training'", "datasets.context IN ('training', 'eval')",
            "datasets.name LIKE '%.csv'", "datasets.digest != 'x'", "run_name = 'x'", "status = 'FINISHED'",
            "attributes.run_id IN ()", "metrics.x > 'a'", "params.x > 1", "tags.x = 1",
        ]
        if metric:
            q = quote_key(metric)
            texts += [
                f"metrics.{q} > 0", f"metrics.{q}>=0", f"metric.{q} < 1e9", f"metrics.\"{metric}\" != 0",
                f"metrics.{q} = -1", f"metrics.{q} > -1e-3 AND metrics.{q} < 1e3", f"`metrics`.{q} >= 0.5",
                f"metrics.{q} IS NULL", f"metrics.{q} LIKE '1'", f"metrics.{q} > 0 and params.nope = 'x'",
            ]
        if param:
            key, value = param
            q = quote_key(key)
            texts += [
                f"params.{q} = '{value}'", f"param.{q} != '{value}'", f"params.\"{key}\" = \"{value}\"",
                f"parameter.{q} LIKE '%'", f"parameters.{q} ILIKE '%'", f"params.{q} IS NOT NULL",
                f"params.{q} IS NULL", f"params.{q} IN ('{value}')", f"params.{q} = '{value}' AND status = 'FINISHED'",
                f"params.{q} = '{value}' and attributes.status = 'FINISHED' and tags.`mlops.run_id` IS NOT NULL",
            ]
        for text in texts:
            self.add(text, origin="mlflow-style")


def mlflow_runs(store: str):
    import mlflow
    from mlflow.entities import ViewType
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri="file:" + os.path.abspath(store))
    experiments = client.search_experiments(view_type=ViewType.ACTIVE_ONLY)
    ids = [e.experiment_id for e in experiments]
    return client, ids, mlflow


def search_mlflow(client, experiment_ids, text):
    runs, token = [], None
    while True:
        page = client.search_runs(experiment_ids, filter_string=text, max_results=1000, page_token=token)
        runs.extend(page)
        token = page.token
        if not token:
            return runs


def search_mlops(binary: str, workspace: str, text: str):
    process = subprocess.run(
        [binary, "runs", "search", "--workspace", workspace, "--json", "--max-results", "50000", text],
        capture_output=True, text=True)
    if process.returncode != 0:
        return None, process.stderr.strip() or process.stdout.strip()
    page = json.loads(process.stdout)
    if page.get("nextPageToken"):
        raise SystemExit(f"error: more than 50,000 runs match {text!r}")
    return {run["info"]["runID"] for run in page["runs"]}, None


def describe(run) -> dict:
    info, data = run.info, run.data
    datasets = []
    for dataset_input in run.inputs.dataset_inputs if run.inputs else []:
        context = next((t.value for t in dataset_input.tags if t.key == "mlflow.data.context"), None)
        datasets.append({"name": dataset_input.dataset.name, "digest": dataset_input.dataset.digest,
                         "context": context})
    return {"mlflow_id": info.run_id, "mlops_id": data.tags.get(RUN_ID_TAG), "run_name": info.run_name,
            "status": info.status, "user_id": info.user_id, "start_time": info.start_time,
            "end_time": info.end_time, "params": dict(data.params), "tags": dict(data.tags),
            "metrics": dict(data.metrics), "datasets": datasets}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mlruns", required=True, help="the MLflow export of the workspace")
    parser.add_argument("--mlops", required=True, help="the mlops executable")
    parser.add_argument("--workspace", required=True, help="the workspace that was exported")
    parser.add_argument("--seed", type=int, default=17, help="seed of the generated filters")
    parser.add_argument("--count", type=int, default=300, help="how many filters to generate (at least)")
    args = parser.parse_args()

    client, experiment_ids, mlflow = mlflow_runs(args.mlruns)
    runs = [describe(r) for r in search_mlflow(client, experiment_ids, "")]
    if not runs or any(r["mlops_id"] is None for r in runs):
        print(f"error: the export has {len(runs)} runs, some without the tag {RUN_ID_TAG}", file=sys.stderr)
        return 1
    to_mlops = {r["mlflow_id"]: r["mlops_id"] for r in runs}

    filters = Filters(runs, random.Random(args.seed))
    filters.generate(args.count)
    filters.mlflow_style()

    agreed = {"generated": 0, "mlflow-style": 0}
    rejected_by_mlflow = []
    problems = []
    for mlops_text, mlflow_text, origin in filters.pairs:
        try:
            expected = {to_mlops.get(r.info.run_id, r.info.run_id)
                        for r in search_mlflow(client, experiment_ids, mlflow_text)}
        except mlflow.exceptions.MlflowException as error:
            rejected_by_mlflow.append((mlflow_text, str(error).splitlines()[0]))
            continue
        found, error = search_mlops(args.mlops, args.workspace, mlops_text)
        if error is not None:
            problems.append(f"mlops rejects a filter MLflow accepts ({len(expected)} runs):\n"
                            f"  filter: {mlops_text}\n  error:  {error}")
            continue
        if found != expected:
            only_mlops = sorted(found - expected)
            only_mlflow = sorted(expected - found)
            problems.append(f"the runs found differ:\n  mlops filter:  {mlops_text}\n"
                            f"  mlflow filter: {mlflow_text}\n"
                            f"  only mlops found ({len(only_mlops)}):  {only_mlops[:5]}\n"
                            f"  only MLflow found ({len(only_mlflow)}): {only_mlflow[:5]}")
            continue
        agreed[origin] += 1

    for problem in problems:
        print(problem)
    total = len(filters.pairs)
    print(f"search differential: {sum(agreed.values())} of {total - len(rejected_by_mlflow)} filters agree "
          f"({agreed['generated']} generated from {len(runs)} runs' keys and values, {agreed['mlflow-style']} in "
          f"the style of MLflow's tests); {len(rejected_by_mlflow)} rejected by MLflow and skipped; "
          f"{len(filters.excluded)} LIKE filters on multi-line values excluded; {len(problems)} disagree")
    if os.environ.get("SEARCH_DIFFERENTIAL_VERBOSE"):
        for text, reason in rejected_by_mlflow:
            print(f"  MLflow rejects {text!r}: {reason}")
        for text in filters.excluded:
            print(f"  excluded {text!r}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
