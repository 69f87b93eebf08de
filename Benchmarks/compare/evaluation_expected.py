"""Prints the scikit-learn values that Tests/TrainingTests/EvaluationMetricsTests.swift and
EvaluationSplitTests.swift expect (run with scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1):

    python3 -m venv .venv-training
    .venv-training/bin/pip install scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1
    .venv-training/bin/python evaluation_expected.py
"""
import warnings

import numpy as np
import sklearn
from sklearn import metrics as m
from sklearn.model_selection import KFold, StratifiedKFold, StratifiedShuffleSplit, TimeSeriesSplit, train_test_split

warnings.simplefilter("ignore")
print("scikit-learn", sklearn.__version__, "numpy", np.__version__)


def show(name, value):
    print(f"{name} = {float(value)!r}")


# Binary: ties in the scores (0.35 and 0.6 each shared by a 0 and a 1), a score of exactly 0.5.
y = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0]
p = [0.1, 0.8, 0.35, 0.35, 0.9, 0.2, 0.6, 0.6, 0.5, 0.05, 0.7, 0.4]
pred = [1 if q > 0.5 else 0 for q in p]  # argmax of [1-p, p], first on ties: 0.5 -> class 0
print("binary predicted", pred)
show("accuracy", m.accuracy_score(y, pred))
for avg in ["binary", "macro", "weighted"]:
    show(f"precision_{avg}", m.precision_score(y, pred, average=avg))
    show(f"recall_{avg}", m.recall_score(y, pred, average=avg))
    show(f"f1_{avg}", m.f1_score(y, pred, average=avg))
show("roc_auc", m.roc_auc_score(y, p))
show("average_precision", m.average_precision_score(y, p))
show("log_loss", m.log_loss(y, p))
show("log_loss_2col", m.log_loss(y, np.c_[1 - np.array(p), p]))
show("brier", m.brier_score_loss(y, p))
print("confusion", m.confusion_matrix(y, pred, labels=[0, 1]).ravel().tolist())
# Extreme probabilities: 0 and 1 clipped to eps = 2.22e-16.
show("log_loss_extreme", m.log_loss([0, 1, 1, 0], [0.0, 1.0, 0.0, 0.3]))
show("log_loss_perfect", m.log_loss([0, 1], [0.0, 1.0]))
# Zero division: nothing predicted positive.
show("precision_none_predicted", m.precision_score([0, 1, 1], [0, 0, 0]))
show("f1_none_predicted", m.f1_score([0, 1, 1], [0, 0, 0]))
show("f1_macro_none_predicted", m.f1_score([0, 1, 1], [0, 0, 0], average="macro"))
show("recall_no_positives", m.recall_score([0, 0, 0], [0, 1, 0]))
show("average_precision_no_positives", m.average_precision_score([0, 0, 0], [0.1, 0.2, 0.3]))
show("roc_auc_one_class", m.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3]))
show("roc_auc_all_tied", m.roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]))
show("average_precision_all_tied", m.average_precision_score([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]))
show("roc_auc_decision_values", m.roc_auc_score([0, 1, 1, 0, 1], [-2.5, 3.0, 0.1, 0.1, 7.0]))
show("average_precision_decision_values", m.average_precision_score([0, 1, 1, 0, 1], [-2.5, 3.0, 0.1, 0.1, 7.0]))

# Multiclass, 3 classes; class 2 is never predicted (argmax), rows with tied probabilities.
ym = [0, 1, 2, 2, 1, 0, 1, 2, 0, 1]
pm = np.array([
    [0.7, 0.2, 0.1],
    [0.1, 0.6, 0.3],
    [0.2, 0.5, 0.3],
    [0.4, 0.2, 0.4],
    [0.3, 0.4, 0.3],
    [0.5, 0.25, 0.25],
    [0.2, 0.2, 0.6],
    [0.1, 0.45, 0.45],
    [0.34, 0.33, 0.33],
    [0.05, 0.9, 0.05],
])
predm = pm.argmax(axis=1).tolist()
print("multiclass predicted", predm)
show("m_accuracy", m.accuracy_score(ym, predm))
for avg in ["macro", "weighted"]:
    show(f"m_precision_{avg}", m.precision_score(ym, predm, average=avg))
    show(f"m_recall_{avg}", m.recall_score(ym, predm, average=avg))
    show(f"m_f1_{avg}", m.f1_score(ym, predm, average=avg))
show("m_roc_auc_ovr", m.roc_auc_score(ym, pm, multi_class="ovr"))
show("m_log_loss", m.log_loss(ym, pm, labels=[0, 1, 2]))
print("m_confusion", m.confusion_matrix(ym, predm, labels=[0, 1, 2]).ravel().tolist())
# A class absent from both (labels 0..3 given) and the default labels (present classes only).
show("m_f1_macro_labels4", m.f1_score(ym, predm, average="macro", labels=[0, 1, 2, 3]))
show("m_f1_weighted_labels4", m.f1_score(ym, predm, average="weighted", labels=[0, 1, 2, 3]))
show("m_f1_macro_present", m.f1_score([0, 1, 1, 0], [0, 1, 0, 0], average="macro"))
# Four classes with class 3 absent from y_true: log loss with labels; ovr undefined (NaN).
p4 = np.array([[0.5, 0.2, 0.2, 0.1], [0.1, 0.6, 0.2, 0.1], [0.2, 0.2, 0.5, 0.1]])
show("m4_log_loss", m.log_loss([0, 1, 2], p4, labels=[0, 1, 2, 3]))
show("m4_roc_auc_ovr", m.roc_auc_score([0, 1, 2], p4, multi_class="ovr", labels=[0, 1, 2, 3]))

# Regression.
yt = [3, -0.5, 2, 7, 4.2, 1.1]
yp = [2.5, 0.0, 2, 8, 3.9, 1.5]
show("mse", m.mean_squared_error(yt, yp))
show("rmse", m.root_mean_squared_error(yt, yp))
show("mae", m.mean_absolute_error(yt, yp))
show("r2", m.r2_score(yt, yp))
show("r2_constant_exact", m.r2_score([2, 2, 2], [2, 2, 2]))
show("r2_constant_wrong", m.r2_score([2, 2, 2], [2, 2, 3]))
show("r2_one_row", m.r2_score([2], [3]))
show("r2_negative", m.r2_score([1, 2, 3], [3, 2, 1]))

# Splits (exact indices without shuffling).
print("kfold_11_3", [t.tolist() for _, t in KFold(3).split(np.zeros(11))])
yl = [2, 0, 1, 0, 0, 1, 2, 0, 0, 1, 1, 0, 2, 0]
print("skfold_14_3", [t.tolist() for _, t in StratifiedKFold(3).split(np.zeros(14), yl)])
ys = [1] * 7 + [0] * 20 + [2] * 3
print("skfold_30_4", [t.tolist() for _, t in StratifiedKFold(4).split(np.zeros(30), ys)])
for kw in [dict(n_splits=3), dict(n_splits=3, gap=1, max_train_size=5), dict(n_splits=4, test_size=2)]:
    print("tss_13", kw, [(tr.tolist(), te.tolist()) for tr, te in TimeSeriesSplit(**kw).split(np.zeros(13))])
# Shuffled stratified k-fold: fold sizes and class counts per fold.
yb = [0] * 37 + [1] * 11 + [2] * 5
print("skfold_shuffled_53_5", [np.bincount(np.array(yb)[t], minlength=3).tolist()
                              for _, t in StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(53), yb)])
print("kfold_shuffled_sizes_53_5", [len(t) for _, t in KFold(5, shuffle=True, random_state=0).split(np.zeros(53))])
# train_test_split sizes: ceil(test_size * n).
for n, t in [(10, 0.3), (100, 0.07), (53, 0.2), (7, 0.5)]:
    print("tts", n, t, len(train_test_split(np.arange(n), test_size=t, random_state=0)[1]))
# Stratified shuffle split: class counts of the test part.
yc = [0] * 37 + [1] * 11 + [2] * 5
for t in [0.2, 0.3, 0.25]:
    sss = StratifiedShuffleSplit(n_splits=1, test_size=t, random_state=0)
    tr, te = next(sss.split(np.zeros(53), yc))
    print("sss", t, "train", np.bincount(np.array(yc)[tr]).tolist(), "test", np.bincount(np.array(yc)[te]).tolist())

# Multiclass with class 2 never predicted.
y6, p6 = [0, 1, 2, 2, 1, 0], [0, 1, 1, 1, 1, 0]
for avg in ["macro", "weighted"]:
    show(f"m6_precision_{avg}", m.precision_score(y6, p6, average=avg))
    show(f"m6_recall_{avg}", m.recall_score(y6, p6, average=avg))
    show(f"m6_f1_{avg}", m.f1_score(y6, p6, average=avg))

# Larger inputs from formulas (reproduced in EvaluationLargeInputTests.swift): 1,000 rows, scores
# on a grid of 101 values (many ties), labels from a second formula.
n = 1000
scores = [((i * 7919) % 101) / 100 for i in range(n)]
labels = [1 if ((i * 31) % 7 < 3) != (scores[i] > 0.7 and i % 5 == 0) else 0 for i in range(n)]
show("large_roc_auc", m.roc_auc_score(labels, scores))
show("large_average_precision", m.average_precision_score(labels, scores))
show("large_log_loss", m.log_loss(labels, scores))
show("large_brier", m.brier_score_loss(labels, scores))
pred_large = [1 if s > 0.5 else 0 for s in scores]
show("large_f1_macro", m.f1_score(labels, pred_large, average="macro"))
# Four classes: weights w_k = 1 + ((i * (k + 3)) % 5), probabilities w / sum w; the class is the
# first largest weight, moved to the next class on every third row.
raw = np.array([[1 + ((i * (k + 3)) % 5) for k in range(4)] for i in range(n)], dtype=float)
prob4 = raw / raw.sum(axis=1, keepdims=True)
cls4 = [(int(raw[i].argmax()) + (1 if i % 3 == 0 else 0)) % 4 for i in range(n)]
show("large_m_roc_auc_ovr", m.roc_auc_score(cls4, prob4, multi_class="ovr"))
show("large_m_log_loss", m.log_loss(cls4, prob4))
pred4 = prob4.argmax(axis=1)
show("large_m_f1_macro", m.f1_score(cls4, pred4, average="macro"))
show("large_m_f1_weighted", m.f1_score(cls4, pred4, average="weighted"))
yr = [((i * 37) % 101) / 10 for i in range(n)]
pr = [y + (((i * 17) % 11) - 5) / 20 for i, y in enumerate(yr)]
show("large_r2", m.r2_score(yr, pr))
show("large_mae", m.mean_absolute_error(yr, pr))
show("large_rmse", m.root_mean_squared_error(yr, pr))
