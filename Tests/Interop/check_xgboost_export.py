"""Scores swift-mlops' XGBoost JSON exports of gradient-boosted trees with xgboost itself.

    python Tests/Interop/check_xgboost_export.py DIR

DIR holds, for each model NAME, the files the Swift test
GradientBoostingXGBoostTests.writeTheInteropFiles writes when MLOPS_XGBOOST_EXPORT_DIR=DIR:
NAME.json (the model), NAME_features.csv (a header of feature names, then one row per
sample; an empty field is a missing value) and NAME_expected.csv (per row: the probability
of class 1 for a binary model, every class's probability for a multiclass one, else the
prediction, as computed by swift-mlops in double precision). Each model is loaded with
xgboost.Booster(model_file=...) and must predict every value within 1e-5 (relative to the
value for predictions larger than 1). Exits non-zero on any mismatch.
"""

import glob
import os
import sys

import numpy as np
import xgboost


def check(model_path: str) -> str | None:
    base = model_path[: -len(".json")]
    with open(base + "_features.csv") as handle:
        names = handle.readline().strip().split(",")
    features = np.genfromtxt(base + "_features.csv", delimiter=",", skip_header=1, dtype=np.float64)
    features = features.reshape(-1, len(names))
    expected = np.loadtxt(base + "_expected.csv", delimiter=",", dtype=np.float64, ndmin=2)
    booster = xgboost.Booster(model_file=model_path)
    if booster.feature_names != names:
        return f"{model_path}: feature names {booster.feature_names} != {names}"
    matrix = xgboost.DMatrix(features, missing=np.nan, feature_names=names)
    got = np.asarray(booster.predict(matrix), dtype=np.float64).reshape(expected.shape[0], -1)
    if got.shape != expected.shape:
        return f"{model_path}: xgboost predicts shape {got.shape}, expected {expected.shape}"
    error = np.abs(got - expected) / np.maximum(1.0, np.abs(expected))
    worst = float(error.max())
    if not worst <= 1e-5:
        row = int(np.unravel_index(error.argmax(), error.shape)[0])
        return f"{model_path}: largest difference {worst:.3g} at row {row} ({got[row]} vs {expected[row]})"
    print(f"ok {os.path.basename(model_path)}: {expected.shape[0]} rows, largest difference {worst:.3g}")
    return None


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    models = sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))
    if not models:
        print(f"error: no model JSON files in {sys.argv[1]}", file=sys.stderr)
        return 1
    failures = [message for message in map(check, models) if message]
    for message in failures:
        print("error: " + message, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
