#!/usr/bin/env python3
"""Generates the skl2onnx interop cases: scikit-learn models converted by skl2onnx, run by onnxruntime.

Each case is trained on seeded synthetic data, converted with skl2onnx (classifiers with
zipmap=False, so outputs are tensors), and run by onnxruntime on held-out rows. For each case the
output directory gets:

  <name>.onnx        the converted model
  <name>.json        {"inputs": {...}, "outputs": {...}}: every tensor as
                     {"type": "float32|float64|int64|string|bool", "shape": [...], "values": [...]}
                     (NaN as null); inputs are what the model was fed, outputs what onnxruntime gave
and one manifest.json listing the cases, the versions and the tolerance.

The Swift test `SKL2ONNXCaseTests` runs every case and compares: labels (int64, string, bool)
exactly, numbers within 1e-4 absolute + 1e-4 relative. With MLOPS_SKL2ONNX_DIR set it runs the cases
of that directory (CI generates a fresh set there); without it, the committed set of seed 20261207.

Usage: generate_cases.py --out DIR [--seed N] [--rows 200] [--only NAME,...]
"""

import argparse
import hashlib
import json
import os
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")

import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import sklearn  # noqa: E402
import skl2onnx  # noqa: E402
from skl2onnx import to_onnx  # noqa: E402
from skl2onnx.common.data_types import FloatTensorType, StringTensorType  # noqa: E402
from sklearn import (  # noqa: E402
    cluster,
    compose,
    decomposition,
    discriminant_analysis,
    ensemble,
    impute,
    linear_model,
    naive_bayes,
    neighbors,
    neural_network,
    pipeline,
    preprocessing,
    svm,
    tree,
)
from sklearn.datasets import make_classification, make_regression  # noqa: E402

TARGET_OPSET = {"": 21, "ai.onnx.ml": 3}
TOLERANCE = {"atol": 1e-4, "rtol": 1e-4}


def tensor_json(array):
    array = np.asarray(array)
    kind = array.dtype.kind
    if kind in "OUS":
        return {"type": "string", "shape": list(array.shape), "values": [str(v) for v in array.ravel()]}
    if kind == "b":
        return {"type": "bool", "shape": list(array.shape), "values": [bool(v) for v in array.ravel()]}
    if kind in "iu":
        return {"type": "int64", "shape": list(array.shape), "values": [int(v) for v in array.ravel()]}
    name = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64"}[array.dtype]
    values = [None if np.isnan(v) else float(v) for v in array.ravel().astype(np.float64)]
    return {"type": name, "shape": list(array.shape), "values": values}


class Data:
    """Seeded synthetic data sets, float32, with held-out rows the models never saw."""

    def __init__(self, seed, rows, train=400, features=8):
        self.seed = seed
        self.rows = rows
        n = train + rows
        x, y = make_classification(
            n_samples=n, n_features=features, n_informative=5, n_redundant=1, n_classes=2, random_state=seed
        )
        self.binary = self._split(x.astype(np.float32), y.astype(np.int64), train)
        x, y = make_classification(
            n_samples=n,
            n_features=features,
            n_informative=6,
            n_redundant=1,
            n_classes=3,
            n_clusters_per_class=1,
            random_state=seed + 1,
        )
        self.multiclass = self._split(x.astype(np.float32), y.astype(np.int64), train)
        x, y = make_regression(n_samples=n, n_features=features, n_informative=6, noise=5.0, random_state=seed + 2)
        self.regression = self._split(x.astype(np.float32), (y / 50).astype(np.float32), train)
        x, y = make_regression(
            n_samples=n, n_features=features, n_informative=6, n_targets=2, noise=5.0, random_state=seed + 3
        )
        self.regression2 = self._split(x.astype(np.float32), (y / 50).astype(np.float32), train)
        rng = np.random.default_rng(seed + 4)
        # Missing values: 10 % of every column, in training and held-out rows alike.
        x, y = self.binary[0].copy(), self.binary[1]
        xt = self.binary[2].copy()
        x[rng.random(x.shape) < 0.1] = np.nan
        xt[rng.random(xt.shape) < 0.1] = np.nan
        self.binary_nan = (x, y, xt, self.binary[3])
        x, y = self.regression[0].copy(), self.regression[1]
        xt = self.regression[2].copy()
        x[rng.random(x.shape) < 0.1] = np.nan
        xt[rng.random(xt.shape) < 0.1] = np.nan
        self.regression_nan = (x, y, xt, self.regression[3])
        # Non-negative counts for MultinomialNB.
        self.counts = (
            np.abs(self.multiclass[0]).round().astype(np.float32),
            self.multiclass[1],
            np.abs(self.multiclass[2]).round().astype(np.float32),
            self.multiclass[3],
        )

    @staticmethod
    def _split(x, y, train):
        return x[:train], y[:train], x[train:], y[train:]


def mixed_frame(seed, rows, train=400):
    """A table with numeric and text columns, one ONNX input per column (the ColumnTransformer case)."""
    import pandas as pd

    rng = np.random.default_rng(seed + 5)
    n = train + rows
    colors = np.array(["red", "green", "blue", "violet"])
    sizes = np.array(["S", "M", "L"])
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 12, n).astype(np.float32),
            "income": rng.lognormal(10, 0.5, n).astype(np.float32),
            "score": rng.normal(0, 1, n).astype(np.float32),
            "color": colors[rng.integers(0, len(colors), n)],
            "size": sizes[rng.integers(0, len(sizes), n)],
        }
    )
    logit = (
        0.05 * (frame["age"] - 40)
        + 0.8 * frame["score"]
        + (frame["color"] == "red") * 1.0
        - (frame["size"] == "S") * 0.7
    )
    y = (logit + rng.normal(0, 0.5, n) > 0).astype(np.int64).to_numpy()
    # A category the encoder never saw, in a few held-out rows (handle_unknown='ignore').
    test = frame.iloc[train:].copy()
    test.iloc[:5, test.columns.get_loc("color")] = "black"
    return frame.iloc[:train], y[:train], test, y[train:]


def cases(data):
    """(name, estimator, (x_train, y_train, x_test), options) for every case."""
    b, m, r, r2 = data.binary, data.multiclass, data.regression, data.regression2
    s = data.seed
    yield "linear_regression", linear_model.LinearRegression(), r, {}
    yield "ridge", linear_model.Ridge(alpha=1.0), r, {}
    yield "lasso", linear_model.Lasso(alpha=0.01), r, {}
    yield "elastic_net", linear_model.ElasticNet(alpha=0.01), r, {}
    yield "sgd_regressor", linear_model.SGDRegressor(random_state=s), r, {}
    yield "linear_svr", svm.LinearSVR(random_state=s, max_iter=5000), r, {}
    yield "logistic_binary", linear_model.LogisticRegression(max_iter=1000), b, {}
    yield "logistic_multiclass", linear_model.LogisticRegression(max_iter=1000), m, {}
    yield "ridge_classifier", linear_model.RidgeClassifier(), m, {}
    yield "sgd_classifier", linear_model.SGDClassifier(loss="log_loss", random_state=s), m, {}
    yield "linear_svc", svm.LinearSVC(random_state=s, max_iter=5000), m, {}
    yield "lda", discriminant_analysis.LinearDiscriminantAnalysis(), m, {}
    yield "decision_tree_classifier", tree.DecisionTreeClassifier(max_depth=6, random_state=s), m, {}
    yield "decision_tree_regressor", tree.DecisionTreeRegressor(max_depth=6, random_state=s), r, {}
    yield "random_forest_classifier", ensemble.RandomForestClassifier(
        n_estimators=15, max_depth=6, random_state=s
    ), m, {}
    yield "random_forest_regressor", ensemble.RandomForestRegressor(
        n_estimators=15, max_depth=6, random_state=s
    ), r, {}
    yield "random_forest_regressor_2_targets", ensemble.RandomForestRegressor(
        n_estimators=10, max_depth=5, random_state=s
    ), r2, {}
    yield "extra_trees_classifier", ensemble.ExtraTreesClassifier(n_estimators=15, max_depth=6, random_state=s), b, {}
    yield "extra_trees_regressor", ensemble.ExtraTreesRegressor(n_estimators=15, max_depth=6, random_state=s), r, {}
    yield "gradient_boosting_binary", ensemble.GradientBoostingClassifier(
        n_estimators=30, max_depth=3, random_state=s
    ), b, {}
    yield "gradient_boosting_multiclass", ensemble.GradientBoostingClassifier(
        n_estimators=20, max_depth=3, random_state=s
    ), m, {}
    yield "gradient_boosting_regressor", ensemble.GradientBoostingRegressor(
        n_estimators=30, max_depth=3, random_state=s
    ), r, {}
    # HistGradientBoosting* are left out: skl2onnx 1.20 cannot convert them from scikit-learn 1.9
    # (it writes a bool into an ints attribute and onnx.helper rejects the node).
    yield "decision_tree_nan", tree.DecisionTreeClassifier(max_depth=6, random_state=s), data.binary_nan, {}
    yield "random_forest_nan", ensemble.RandomForestRegressor(
        n_estimators=10, max_depth=5, random_state=s
    ), data.regression_nan, {}
    yield "adaboost_classifier", ensemble.AdaBoostClassifier(n_estimators=20, random_state=s), m, {}
    yield "adaboost_regressor", ensemble.AdaBoostRegressor(n_estimators=20, random_state=s), r, {}
    yield "bagging_classifier", ensemble.BaggingClassifier(
        tree.DecisionTreeClassifier(max_depth=4), n_estimators=8, random_state=s
    ), b, {}
    yield "voting_regressor", ensemble.VotingRegressor(
        [("lr", linear_model.LinearRegression()), ("dt", tree.DecisionTreeRegressor(max_depth=4, random_state=s))]
    ), r, {}
    yield "mlp_classifier", neural_network.MLPClassifier(
        hidden_layer_sizes=(16, 8), max_iter=500, random_state=s
    ), m, {}
    yield "mlp_regressor", neural_network.MLPRegressor(hidden_layer_sizes=(16, 8), max_iter=500, random_state=s), r, {}
    yield "svc_rbf_probability", svm.SVC(kernel="rbf", probability=True, random_state=s), b, {}
    yield "svc_rbf_multiclass", svm.SVC(kernel="rbf", probability=True, random_state=s), m, {}
    yield "svc_linear", svm.SVC(kernel="linear"), m, {}
    yield "svc_poly", svm.SVC(kernel="poly", degree=3), b, {}
    yield "svc_sigmoid", svm.SVC(kernel="sigmoid", gamma=0.01), b, {}
    yield "nu_svc", svm.NuSVC(kernel="rbf"), b, {}
    yield "svr_rbf", svm.SVR(kernel="rbf"), r, {}
    yield "svr_linear", svm.SVR(kernel="linear"), r, {}
    yield "nu_svr", svm.NuSVR(), r, {}
    yield "one_class_svm", svm.OneClassSVM(gamma="scale", nu=0.1), r, {}
    yield "kneighbors_classifier", neighbors.KNeighborsClassifier(n_neighbors=5), m, {}
    yield "kneighbors_classifier_distance", neighbors.KNeighborsClassifier(n_neighbors=5, weights="distance"), b, {}
    yield "kneighbors_regressor", neighbors.KNeighborsRegressor(n_neighbors=5), r, {}
    yield "gaussian_nb", naive_bayes.GaussianNB(), m, {}
    yield "bernoulli_nb", naive_bayes.BernoulliNB(), b, {}
    yield "multinomial_nb", naive_bayes.MultinomialNB(), data.counts, {}
    yield "kmeans", cluster.KMeans(n_clusters=4, n_init=3, random_state=s), r, {}
    yield "minibatch_kmeans", cluster.MiniBatchKMeans(n_clusters=3, n_init=3, random_state=s), m, {}
    yield "pca", decomposition.PCA(n_components=4), r, {}
    yield "pca_whiten", decomposition.PCA(n_components=3, whiten=True), r, {}
    yield "truncated_svd", decomposition.TruncatedSVD(n_components=3, random_state=s), r, {}
    yield "standard_scaler", preprocessing.StandardScaler(), r, {}
    yield "minmax_scaler", preprocessing.MinMaxScaler(), r, {}
    yield "maxabs_scaler", preprocessing.MaxAbsScaler(), r, {}
    yield "robust_scaler", preprocessing.RobustScaler(), r, {}
    yield "normalizer_l2", preprocessing.Normalizer(norm="l2"), r, {}
    yield "normalizer_l1", preprocessing.Normalizer(norm="l1"), r, {}
    yield "normalizer_max", preprocessing.Normalizer(norm="max"), r, {}
    yield "binarizer", preprocessing.Binarizer(threshold=0.2), r, {}
    yield "kbins_ordinal", preprocessing.KBinsDiscretizer(
        n_bins=4, encode="ordinal", strategy="quantile", quantile_method="averaged_inverted_cdf"
    ), r, {}
    yield "kbins_onehot", preprocessing.KBinsDiscretizer(
        n_bins=3, encode="onehot-dense", strategy="uniform"
    ), r, {}
    yield "polynomial_linear_regression", pipeline.make_pipeline(
        preprocessing.PolynomialFeatures(degree=2), linear_model.LinearRegression()
    ), r, {}
    yield "simple_imputer", impute.SimpleImputer(strategy="median"), data.regression_nan, {}
    yield "imputer_gradient_boosting", pipeline.make_pipeline(
        impute.SimpleImputer(strategy="mean"),
        ensemble.GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=s),
    ), data.binary_nan, {}
    yield "scaler_logistic_pipeline", pipeline.make_pipeline(
        preprocessing.StandardScaler(), linear_model.LogisticRegression(max_iter=1000)
    ), m, {}
    yield "isolation_forest", ensemble.IsolationForest(n_estimators=20, random_state=s), r, {}


def convert(name, model, x_train, extra):
    options = None
    if sklearn.base.is_classifier(model) and not isinstance(model, (svm.LinearSVC, linear_model.RidgeClassifier)):
        options = {id(model): {"zipmap": False}}
    return to_onnx(model, x_train[:1], target_opset=TARGET_OPSET, options=options)


def run_case(name, model, split, out, rows):
    x_train, y_train, x_test = split[0], split[1], split[2][:rows]
    model.fit(x_train, y_train)
    onx = convert(name, model, x_train, None)
    return save_case(name, onx, {onx.graph.input[0].name: x_test}, out)


def save_case(name, onx, feeds, out):
    path = os.path.join(out, f"{name}.onnx")
    with open(path, "wb") as f:
        f.write(onx.SerializeToString())
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    results = session.run(names, feeds)
    record = {
        "inputs": {k: tensor_json(v) for k, v in feeds.items()},
        "outputs": {k: tensor_json(v) for k, v in zip(names, results)},
    }
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(record, f, separators=(",", ":"))
    ops = sorted({(n.domain or "ai.onnx") + ":" + n.op_type for n in onx.graph.node})
    declared = {}
    for o in onx.graph.output:
        dims = [d.dim_value if d.HasField("dim_value") else None for d in o.type.tensor_type.shape.dim]
        declared[o.name] = dims
    computed = {k: list(np.asarray(v).shape) for k, v in zip(names, results)}
    mismatch = [
        k
        for k, dims in declared.items()
        if len(dims) != len(computed[k]) or any(d not in (None, c) for d, c in zip(dims, computed[k]))
    ]
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return {
        "name": name,
        "model": f"{name}.onnx",
        "data": f"{name}.json",
        "sha256": digest,
        "opsets": {(o.domain or "ai.onnx"): o.version for o in onx.opset_import},
        "ops": ops,
        "declared_output_shape_mismatch": mismatch,
    }


def column_transformer_case(seed, rows, out):
    """ColumnTransformer: StandardScaler on numeric columns, OneHotEncoder on text, one input per column."""
    train, y, test, _ = mixed_frame(seed, rows)
    numeric = ["age", "income", "score"]
    text = ["color", "size"]
    model = pipeline.Pipeline(
        [
            (
                "prep",
                compose.ColumnTransformer(
                    [
                        ("num", preprocessing.StandardScaler(), numeric),
                        ("cat", preprocessing.OneHotEncoder(handle_unknown="ignore"), text),
                    ]
                ),
            ),
            ("clf", linear_model.LogisticRegression(max_iter=1000)),
        ]
    )
    model.fit(train, y)
    initial = [(c, FloatTensorType([None, 1])) for c in numeric] + [(c, StringTensorType([None, 1])) for c in text]
    onx = to_onnx(
        model,
        initial_types=initial,
        target_opset=TARGET_OPSET,
        options={id(model): {"zipmap": False}},
    )
    feeds = {c: test[c].to_numpy().astype(np.float32).reshape(-1, 1) for c in numeric}
    feeds.update({c: test[c].to_numpy().astype(object).reshape(-1, 1) for c in text})
    entry = save_case("column_transformer_mixed", onx, feeds, out)
    # The same rows as a CSV whose columns are named after the inputs (for `mlops predict`).
    csv_path = os.path.join(out, "column_transformer_mixed_inputs.csv")
    with open(csv_path, "w") as f:
        f.write(",".join(numeric + text) + "\n")
        for i in range(len(test)):
            cells = [repr(float(np.float32(test[c].iloc[i]))) for c in numeric] + [str(test[c].iloc[i]) for c in text]
            f.write(",".join(cells) + "\n")
    entry["csv"] = "column_transformer_mixed_inputs.csv"
    return entry


def handmade_cases(seed, rows, out):
    """Graphs built with onnx.helper for supported ops no converted model exercises.

    Gemm with transposes, alpha and beta; Constant; Transpose; Flatten of a rank-3 tensor;
    LogSoftmax; OneHot with its values input. Weights are seeded; onnxruntime gives the outputs.
    """
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed + 6)
    x = rng.normal(0, 1, (rows, 8)).astype(np.float32)
    w = rng.normal(0, 0.5, (6, 8)).astype(np.float32)  # [N, K], used with transB
    bias = rng.normal(0, 0.1, (6,)).astype(np.float32)
    nodes = [
        helper.make_node("Constant", [], ["W"], value=numpy_helper.from_array(w, "W")),
        helper.make_node("Constant", [], ["C"], value=numpy_helper.from_array(bias, "C")),
        helper.make_node("Gemm", ["X", "W", "C"], ["G"], alpha=0.75, beta=2.0, transB=1),
        helper.make_node("Reshape", ["G", "shape3"], ["G3"]),
        helper.make_node("Transpose", ["G3"], ["T3"], perm=[0, 2, 1]),
        helper.make_node("Flatten", ["T3"], ["F"], axis=1),
        helper.make_node("LogSoftmax", ["F"], ["log_probabilities"], axis=-1),
        helper.make_node("ArgMax", ["F"], ["index"], axis=1, keepdims=0),
        helper.make_node("OneHot", ["index", "depth", "values"], ["one_hot"], axis=-1),
    ]
    initializers = [
        numpy_helper.from_array(np.array([-1, 2, 3], dtype=np.int64), "shape3"),
        numpy_helper.from_array(np.array(6, dtype=np.int64), "depth"),
        numpy_helper.from_array(np.array([-1.0, 4.0], dtype=np.float32), "values"),
    ]
    graph = helper.make_graph(
        nodes,
        "handmade_gemm_logsoftmax_onehot",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 8])],
        [
            helper.make_tensor_value_info("log_probabilities", TensorProto.FLOAT, [None, 6]),
            helper.make_tensor_value_info("one_hot", TensorProto.FLOAT, [None, 6]),
        ],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)], producer_name="onnx.helper")
    model.ir_version = 10
    onnx.checker.check_model(model)
    entry = save_case("onnx_helper_gemm_logsoftmax_onehot", model, {"X": x}, out)
    entry["producer"] = f"onnx.helper (onnx {onnx.__version__})"
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    data = Data(args.seed, args.rows)
    entries = []
    failures = []
    for name, model, split, _ in cases(data):
        if only and name not in only:
            continue
        try:
            entries.append(run_case(name, model, split, args.out, args.rows))
        except Exception as error:  # a case skl2onnx or onnxruntime cannot handle is reported, not hidden
            failures.append({"name": name, "error": f"{type(error).__name__}: {error}"[:300]})
    if not only or "column_transformer_mixed" in only:
        try:
            entries.append(column_transformer_case(args.seed, args.rows, args.out))
        except Exception as error:
            failures.append({"name": "column_transformer_mixed", "error": f"{type(error).__name__}: {error}"[:300]})
    if not only or "onnx_helper_gemm_logsoftmax_onehot" in only:
        try:
            entries.append(handmade_cases(args.seed, args.rows, args.out))
        except Exception as error:
            failures.append({"name": "onnx_helper", "error": f"{type(error).__name__}: {error}"[:300]})
    manifest = {
        "generator": "Tests/Interop/skl2onnx/generate_cases.py",
        "argv": sys.argv[1:],
        "seed": args.seed,
        "rows": args.rows,
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "skl2onnx": skl2onnx.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": ort.__version__,
        },
        "target_opset": {("ai.onnx" if k == "" else k): v for k, v in TARGET_OPSET.items()},
        "tolerance": TOLERANCE,
        "cases": entries,
        "generator_failures": failures,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{len(entries)} cases written to {args.out}; {len(failures)} failed in the generator")
    for failure in failures:
        print(f"  {failure['name']}: {failure['error']}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
