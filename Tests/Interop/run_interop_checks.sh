#!/usr/bin/env bash
# Exports a workspace with known runs as an MLflow file store and as TensorBoard
# event files, reads both back with MLflow's and TensorBoard's own readers, and
# compares every experiment, run, param, tag, metric point, artifact, dataset
# input, environment tag and TensorBoard hparams session with the workspace's
# own JSON export; then runs a few hundred filters (generated from the exported
# runs' keys and values, and in the style of MLflow's tests) through both
# `mlops runs search` and MLflow's `search_runs` (search_differential.py).
# Exits non-zero on any mismatch.
#
#   Tests/Interop/run_interop_checks.sh
#
# Needs a Python with mlflow (3.x; mlflow-skinny is enough) and tensorboard: $PYTHON, else .venv-ci/bin/python
# (python3 -m venv .venv-ci && .venv-ci/bin/pip install -r Tests/Interop/requirements.txt).
# Builds the package and its tests first (a no-op after `swift build --build-tests`);
# set SWIFT_SCRATCH to build in another scratch directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
export MLFLOW_ALLOW_FILE_STORE=true

python=${PYTHON:-.venv-ci/bin/python}
if ! "$python" -c 'import mlflow, tensorboard' 2>/dev/null; then
    echo "error: $python cannot import mlflow and tensorboard; see the header of $0" >&2
    exit 1
fi
scratch=()
if [[ -n "${SWIFT_SCRATCH:-}" ]]; then scratch=(--scratch-path "$SWIFT_SCRATCH"); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mlops-interop.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/log.txt"
run() {
    # Runs a step quietly; prints its output only if it fails.
    if ! "$@" >>"$log" 2>&1; then
        echo "error: step failed: $*" >&2
        tail -n 60 "$log" >&2
        exit 1
    fi
}

echo "interop: building"
run swift build "${scratch[@]}" --build-tests
bin=$(swift build "${scratch[@]}" --show-bin-path)
ws="$work/workspace"

echo "interop: writing the workspace (mlops demo + the interop fixture)"
run "$bin/mlops" demo --workspace "$ws"
run env MLOPS_INTEROP_WORKSPACE="$ws" swift test "${scratch[@]}" --skip-build --filter ExportInteropFixtureTests
if ! grep -q 'writeInteropWorkspace() passed' "$log"; then
    echo "error: the interop fixture test did not run" >&2
    tail -n 40 "$log" >&2
    exit 1
fi

echo "interop: exporting"
run "$bin/mlops" export mlflow "$work/mlruns" --workspace "$ws"
run "$bin/mlops" export tensorboard "$work/tensorboard" --workspace "$ws"
run "$bin/mlops" export json "$work/json" --workspace "$ws" --all

echo "interop: reading back with mlflow and tensorboard"
"$python" Tests/Interop/mlflow_read_check.py --strict "$work/mlruns" >"$work/mlflow.json" || {
    echo "error: mlflow_read_check.py reported problems:" >&2
    "$python" -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1])).get("problems", [])))' \
        "$work/mlflow.json" >&2 || cat "$work/mlflow.json" >&2
    exit 1
}
"$python" Tests/Interop/tb_read_check.py --strict "$work/tensorboard" >"$work/tensorboard.json" || {
    echo "error: tb_read_check.py reported problems:" >&2
    "$python" -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1])).get("problems", [])))' \
        "$work/tensorboard.json" >&2 || cat "$work/tensorboard.json" >&2
    exit 1
}
"$python" Tests/Interop/compare_exports.py --json "$work/json" --mlflow "$work/mlflow.json" \
    --tensorboard "$work/tensorboard.json"

echo "interop: exporting again over the first exports (files replaced in place, nothing removed)"
run "$bin/mlops" export mlflow "$work/mlruns" --workspace "$ws"
run "$bin/mlops" export tensorboard "$work/tensorboard" --workspace "$ws"
"$python" Tests/Interop/mlflow_read_check.py --strict "$work/mlruns" >"$work/mlflow-again.json"
"$python" Tests/Interop/tb_read_check.py --strict "$work/tensorboard" >"$work/tensorboard-again.json"
"$python" Tests/Interop/compare_exports.py --json "$work/json" --mlflow "$work/mlflow-again.json" \
    --tensorboard "$work/tensorboard-again.json" >/dev/null
if find "$work/mlruns" "$work/tensorboard" -name '.mlops-tmp-*' | grep -q .; then
    echo "error: the exports left temporary files behind" >&2
    exit 1
fi

echo "interop: search differential (mlops runs search vs MLflow's search_runs on the export)"
"$python" Tests/Interop/search_differential.py --mlruns "$work/mlruns" --mlops "$bin/mlops" --workspace "$ws"

echo "interop: filtered exports"
run_id=$("$python" -c 'import json,sys; print([r["run_id"] for r in json.load(open(sys.argv[1])) if r["run_name"] == "trial-1"][0])' \
    "$work/json/runs.json")
run "$bin/mlops" export mlflow "$work/one-run" --workspace "$ws" --run "$run_id"
run "$bin/mlops" export json "$work/one-run-json" --workspace "$ws" --run "$run_id"
"$python" Tests/Interop/mlflow_read_check.py --strict "$work/one-run" >"$work/one-run.json"
"$python" Tests/Interop/compare_exports.py --json "$work/one-run-json" --mlflow "$work/one-run.json" >/dev/null
run "$bin/mlops" export tensorboard "$work/sweep" --workspace "$ws" --experiment "interop sweep"
count=$(find "$work/sweep" -mindepth 3 -name '*tfevents*' | wc -l)
top=$(find "$work/sweep" -maxdepth 1 -name '*tfevents*' | wc -l)
if [[ "$count" -ne 20 || "$top" -ne 1 ]]; then
    echo "error: --experiment 'interop sweep' exported $count run event files and $top hparams experiment" \
        "files, expected 20 and 1" >&2
    exit 1
fi
"$python" Tests/Interop/tb_read_check.py --strict "$work/sweep" >"$work/sweep.json"
"$python" -c '
import json, sys
files = json.load(open(sys.argv[1]))["files"]
experiment = [f["hparams"]["experiment"] for f in files if "experiment" in f["hparams"]][0]
names = sorted(h["name"] for h in experiment["hparam_infos"])
sys.exit(0 if names == ["index", "lr", "shuffle"] else f"the sweep export lists hparams {names}")' "$work/sweep.json"
echo "interop: ok"
