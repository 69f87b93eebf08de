"""Generates the extra tree-model fixtures in this folder (run once; the tests only read the output).

    python3 -m venv venv && venv/bin/pip install xgboost==3.2.0 lightgbm==4.7.0 numpy
    venv/bin/python make_tree_fixtures.py            # xgboost 3.x and lightgbm models
    venv2/bin/python make_tree_fixtures.py --xgb2    # with xgboost==2.1.4: the xgb2_* models

Each model NAME gets NAME.json or NAME.txt, NAME_inputs.csv (header f0..fN, empty field = NaN,
shortest round-trip decimals) and NAME_expected.csv with the outputs of the real library's predict.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20240611)


def fmt(v):
    v = float(v)
    return "" if v != v else repr(v)


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(fmt(v) for v in r) + "\n")


def data(n, d, nan_rate=0.0):
    X = RNG.normal(size=(n, d))
    X[:, 1] = np.round(X[:, 1] * 2)      # a feature with repeated values (ties at thresholds)
    X[:, 2] = np.abs(X[:, 2]) * 10
    if nan_rate:
        X[RNG.random(X.shape) < nan_rate] = np.nan
    return X


def xgb_thresholds(booster):
    import json
    gb = json.loads(booster.save_raw("json"))["learner"]["gradient_booster"]
    trees = gb["model"]["trees"] if "model" in gb else gb["gbtree"]["model"]["trees"]
    out = []
    for t in trees:
        for n, lc in enumerate(t["left_children"]):
            if lc != -1:
                out.append((t["split_indices"][n], float(np.float32(t["split_conditions"][n]))))
    return out


def inputs_with_edges(X, thresholds, d):
    rows = [np.full(d, np.nan), np.zeros(d)]
    for k, (f, t) in enumerate(thresholds[:24]):
        r = X[k % len(X)].copy()
        r[f] = t
        rows.append(r)
        r2 = X[(k + 7) % len(X)].copy()
        r2[f] = np.nextafter(t, -np.inf)    # a float64 just below: rounds to t in float32
        rows.append(r2)
    rows.extend(X[:120])
    return np.array(rows)


def xgb_models():
    import xgboost as xgb
    d = 6
    X = data(600, d, nan_rate=0.05)
    y_bin = (np.nan_to_num(X[:, 0]) + 0.5 * np.nan_to_num(X[:, 1]) > 0).astype(int)
    y_mc = (np.nan_to_num(X[:, 0]) > 0).astype(int) + (np.nan_to_num(X[:, 3]) > 0.4).astype(int)
    y_reg = np.nan_to_num(X[:, 0]) * 2 + np.nan_to_num(X[:, 2]) * 0.3
    y_pos = np.exp(0.3 * np.nan_to_num(X[:, 0])) + 0.1
    y_cnt = RNG.poisson(y_pos)
    specs = [
        ("xgb_multiclass_softprob", {"objective": "multi:softprob", "num_class": 3}, y_mc, "multi"),
        ("xgb_multiclass_softmax", {"objective": "multi:softmax", "num_class": 3}, y_mc, "softmax"),
        ("xgb_reg_logistic", {"objective": "reg:logistic"}, (y_bin * 0.8 + 0.1), "single"),
        ("xgb_logitraw", {"objective": "binary:logitraw"}, y_bin, "single"),
        ("xgb_poisson", {"objective": "count:poisson"}, y_cnt, "single"),
        ("xgb_gamma", {"objective": "reg:gamma"}, y_pos, "single"),
        ("xgb_tweedie", {"objective": "reg:tweedie"}, y_pos, "single"),
        ("xgb_absoluteerror", {"objective": "reg:absoluteerror"}, y_reg, "single"),
        ("xgb_dart", {"objective": "binary:logistic", "booster": "dart", "rate_drop": 0.3, "skip_drop": 0.0}, y_bin,
         "single"),
    ]
    for name, params, y, kind in specs:
        params = dict(params, max_depth=4, eta=0.3, seed=1, nthread=1)
        b = xgb.train(params, xgb.DMatrix(X, y, missing=np.nan), 12)
        b.save_model(os.path.join(HERE, f"{name}.json"))
        Xi = inputs_with_edges(X, xgb_thresholds(b), d)
        dm = xgb.DMatrix(Xi, missing=np.nan)
        margin = b.predict(dm, output_margin=True)
        out = b.predict(dm)
        write_csv(os.path.join(HERE, f"{name}_inputs.csv"), [f"f{i}" for i in range(d)], Xi)
        if kind == "multi":
            k = margin.shape[1]
            header = [f"probability_{i}" for i in range(k)] + [f"margin_{i}" for i in range(k)]
            rows = np.hstack([out, margin])
        elif kind == "softmax":
            k = margin.shape[1]
            header = ["class"] + [f"margin_{i}" for i in range(k)]
            rows = np.hstack([out[:, None], margin])
        else:
            header = ["prediction", "margin"]
            rows = np.stack([out, margin], axis=1)
        write_csv(os.path.join(HERE, f"{name}_expected.csv"), header, rows)
    # Categorical splits: must be rejected.
    import pandas as pd
    df = pd.DataFrame({"a": pd.Categorical(RNG.integers(0, 4, 300).astype(str)), "b": RNG.normal(size=300)})
    yc = (df["a"].cat.codes.values % 2 == 0).astype(int)
    b = xgb.train({"objective": "binary:logistic", "max_depth": 2, "tree_method": "hist"},
                  xgb.DMatrix(df, yc, enable_categorical=True), 3)
    b.save_model(os.path.join(HERE, "xgb_categorical.json"))


def xgb2_models():
    import xgboost as xgb
    d = 5
    X = data(400, d, nan_rate=0.05)
    y_bin = (np.nan_to_num(X[:, 0]) > 0).astype(int)
    y_mc = (np.nan_to_num(X[:, 0]) > 0).astype(int) + (np.nan_to_num(X[:, 3]) > 0.4).astype(int)
    for name, params, y, kind in [
        ("xgb2_binary", {"objective": "binary:logistic"}, y_bin, "single"),
        ("xgb2_multiclass", {"objective": "multi:softprob", "num_class": 3}, y_mc, "multi"),
    ]:
        b = xgb.train(dict(params, max_depth=3, seed=1, nthread=1), xgb.DMatrix(X, y, missing=np.nan), 8)
        b.save_model(os.path.join(HERE, f"{name}.json"))
        Xi = inputs_with_edges(X, xgb_thresholds(b), d)
        dm = xgb.DMatrix(Xi, missing=np.nan)
        margin, out = b.predict(dm, output_margin=True), b.predict(dm)
        write_csv(os.path.join(HERE, f"{name}_inputs.csv"), [f"f{i}" for i in range(d)], Xi)
        if kind == "multi":
            k = margin.shape[1]
            write_csv(os.path.join(HERE, f"{name}_expected.csv"),
                      [f"probability_{i}" for i in range(k)] + [f"margin_{i}" for i in range(k)],
                      np.hstack([out, margin]))
        else:
            write_csv(os.path.join(HERE, f"{name}_expected.csv"), ["prediction", "margin"],
                      np.stack([out, margin], axis=1))


def lgb_thresholds(booster):
    out = []
    for t in booster.dump_model()["tree_info"]:
        stack = [t["tree_structure"]]
        while stack:
            n = stack.pop()
            if "split_feature" in n:
                if isinstance(n["threshold"], (int, float)):
                    out.append((n["split_feature"], float(n["threshold"])))
                stack += [n["left_child"], n["right_child"]]
    return out


def lgb_inputs(X, thresholds, d):
    rows = [np.full(d, np.nan), np.zeros(d)]
    for k, (f, t) in enumerate(thresholds[:24]):
        r = X[k % len(X)].copy()
        r[f] = t
        rows.append(r)
        r2 = X[(k + 5) % len(X)].copy()
        r2[f] = np.nextafter(t, np.inf)
        rows.append(r2)
    for v in (1e-36, -1e-36, 1e-35, -1e-35, 2e-35, -0.0):
        r = X[3].copy()
        r[:] = v
        rows.append(r)
    rows.extend(X[:120])
    return np.array(rows)


def lgb_models():
    import lightgbm as lgb
    d = 6
    X = data(800, d, nan_rate=0.05)
    X[RNG.random(X.shape) < 0.1] = 0.0      # zeros, for zero_as_missing
    y_bin = (np.nan_to_num(X[:, 0]) + 0.5 * np.nan_to_num(X[:, 1]) > 0).astype(int)
    y_mc = (np.nan_to_num(X[:, 0]) > 0).astype(int) + (np.nan_to_num(X[:, 3]) > 0.4).astype(int)
    y_reg = np.nan_to_num(X[:, 0]) * 2 + np.nan_to_num(X[:, 2]) * 0.3
    y_cnt = RNG.poisson(np.exp(0.3 * np.nan_to_num(X[:, 0])))
    base = {"num_leaves": 15, "learning_rate": 0.2, "min_data_in_leaf": 5, "verbose": -1, "seed": 1,
            "num_threads": 1, "deterministic": True}
    specs = [
        ("lgb_multiclass", {"objective": "multiclass", "num_class": 3}, y_mc, "multi"),
        ("lgb_regression", {"objective": "regression"}, y_reg, "single"),
        ("lgb_zero_missing", {"objective": "binary", "zero_as_missing": True, "sigmoid": 0.7}, y_bin, "single"),
        ("lgb_rf", {"objective": "binary", "boosting": "rf", "bagging_fraction": 0.7, "bagging_freq": 1,
                    "feature_fraction": 0.8}, y_bin, "single"),
        ("lgb_poisson", {"objective": "poisson"}, y_cnt, "single"),
    ]
    for name, params, y, kind in specs:
        b = lgb.train(dict(base, **params), lgb.Dataset(X, y), num_boost_round=12)
        b.save_model(os.path.join(HERE, f"{name}.txt"))
        Xi = lgb_inputs(X, lgb_thresholds(b), d)
        raw = b.predict(Xi, raw_score=True)
        out = b.predict(Xi)
        write_csv(os.path.join(HERE, f"{name}_inputs.csv"), [f"f{i}" for i in range(d)], Xi)
        if kind == "multi":
            k = raw.shape[1]
            write_csv(os.path.join(HERE, f"{name}_expected.csv"),
                      [f"probability_{i}" for i in range(k)] + [f"raw_{i}" for i in range(k)], np.hstack([out, raw]))
        else:
            write_csv(os.path.join(HERE, f"{name}_expected.csv"), ["prediction", "raw_score"],
                      np.stack([out, raw], axis=1))
    # Unsupported: categorical splits and linear trees.
    Xc = X.copy()
    Xc[:, 1] = RNG.integers(0, 8, len(Xc))
    yc = np.isin(Xc[:, 1], [0, 3, 5, 6]).astype(int)
    b = lgb.train(dict(base, objective="binary", min_data_per_group=5, cat_smooth=1),
                  lgb.Dataset(Xc, yc, categorical_feature=[1]), 4)
    b.save_model(os.path.join(HERE, "lgb_categorical.txt"))
    b = lgb.train(dict(base, objective="regression", linear_tree=True), lgb.Dataset(np.nan_to_num(X), y_reg), 3)
    b.save_model(os.path.join(HERE, "lgb_linear.txt"))


if __name__ == "__main__":
    if "--xgb2" in sys.argv:
        xgb2_models()
    else:
        xgb_models()
        lgb_models()
