#!/usr/bin/env python3
"""Monitoring's CBPE side by side with NannyML's CBPE: the same simulated chunks, the same run
(issue 14's label-free performance estimation).

    python3 Benchmarks/compare/cbpe_vs_nannyml.py [--seeds 5] [--reps 5] [--output FILE]

One command: on first use it creates its own virtual environment
Benchmarks/compare/.venv-monitoring (python3 -m venv, then pip install -r
requirements-monitoring.txt, pinned versions) and re-runs itself inside it (--no-venv uses the
current interpreter). It then

  1. builds the CBPECompare executable of the Benchmarks package in release mode:
     `swift build -c release --package-path Benchmarks --product CBPECompare --scratch-path
     .build-monitoring` (--swift-bin uses a given executable);
  2. per seed (--seeds, numpy default_rng(seed)), simulates a binary classifier under
     covariate shift without concept drift: two features, x1 ~ N(m1, 1), x2 ~ N(0, s2);
     P(y = 1 | x) = sigmoid(1.5 x1 - x2 + 0.5) everywhere (no concept drift); the model's score
     is the over-confident, biased sigmoid(2.2 (1.5 x1 - x2 + 0.5) - 0.4), predicted class
     score >= 0.5. The reference period has --reference rows (m1 = 0, s2 = 1); the analysis
     period --chunks chunks of --chunk-size rows with m1 rising from 0 to 1.2 and s2 from 1 to
     1.6. The true labels of the analysis period are kept aside: the truth of a chunk is its
     realised ROC AUC (sklearn roc_auc_score) and accuracy;
  3. runs NannyML's CBPE (problem_type classification_binary, metrics roc_auc and accuracy,
     chunk_size --chunk-size, default isotonic calibration) and CBPECompare on the same files;
     CBPECompare estimates with CBPE's defaults (ours: isotonic regression fitted on bins of
     1/200 of the reference rows) and with NannyML's calibration (unbinned: isotonic
     regression on every row), the second showing that the rest of the method is NannyML's;
  4. prints per chunk (first seed): truth, NannyML's estimate, ours; then over all seeds and
     chunks: max |ours - NannyML| (target <= 0.01) and mean |estimate - truth| of both (target:
     ours lower), for ROC AUC and accuracy; then the time of fit + estimate of both (medians of
     --reps rounds, Swift and NannyML alternating which goes first), and the CPU model.

Exit status: 0 when both targets are met, 1 when one is not, 2 on a usage or build error.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

from _harness import build_swift, ensure_venv, log
from _markdown import cpu_model, markdown_table

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(HERE, ".venv-monitoring")
REQUIREMENTS = os.path.join(HERE, "requirements-monitoring.txt")
PEER_MODULES = ("numpy", "pandas", "sklearn", "nannyml")


# --------------------------------------------------------------------------- simulation

def simulate(np, seed, args):
    """The reference (scores, labels) and the analysis (scores, labels) of one seed."""
    rng = np.random.default_rng(seed)

    def period(n, m1, s2):
        x1 = rng.normal(m1, 1.0, n)
        x2 = rng.normal(0.0, s2, n)
        z = 1.5 * x1 - x2 + 0.5
        labels = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.int64)
        scores = 1 / (1 + np.exp(-(2.2 * z - 0.4)))
        return scores, labels

    reference = period(args.reference, 0.0, 1.0)
    parts = [period(args.chunk_size, 1.2 * k / max(1, args.chunks - 1), 1.0 + 0.6 * k / max(1, args.chunks - 1))
             for k in range(args.chunks)]
    analysis = (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
    return reference, analysis


def truth(np, analysis, args):
    from sklearn.metrics import accuracy_score, roc_auc_score
    scores, labels = analysis
    result = {"roc_auc": [], "accuracy": []}
    for start in range(0, len(scores), args.chunk_size):
        s, y = scores[start:start + args.chunk_size], labels[start:start + args.chunk_size]
        result["roc_auc"].append(float(roc_auc_score(y, s)))
        result["accuracy"].append(float(accuracy_score(y, (s >= 0.5).astype(np.int64))))
    return result


def nannyml_run(np, reference, analysis, args):
    """NannyML's estimates per chunk and the seconds of fit + estimate."""
    os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"  # no telemetry upload (and no DNS timeouts)
    import nannyml as nml
    import pandas as pd
    ref = pd.DataFrame({"y_pred_proba": reference[0], "y_pred": (reference[0] >= 0.5).astype(np.int64),
                        "y_true": reference[1]})
    ana = pd.DataFrame({"y_pred_proba": analysis[0], "y_pred": (analysis[0] >= 0.5).astype(np.int64)})
    start = time.perf_counter()
    estimator = nml.CBPE(y_pred_proba="y_pred_proba", y_pred="y_pred", y_true="y_true",
                         problem_type="classification_binary", metrics=["roc_auc", "accuracy"],
                         chunk_size=args.chunk_size)
    estimator.fit(ref)
    frame = estimator.estimate(ana).filter(period="analysis").to_df()
    seconds = time.perf_counter() - start
    return ({"roc_auc": [float(v) for v in frame[("roc_auc", "value")]],
             "accuracy": [float(v) for v in frame[("accuracy", "value")]],
             "calibrated": bool(estimator.needs_calibration)}, seconds)


def swift_run(binary, work, args, reps):
    cmd = [binary, "--dir", work, "--chunk-size", str(args.chunk_size), "--reps", str(reps)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        log(out.stderr)
        log(f"CBPECompare failed (exit {out.returncode}): " + " ".join(cmd))
        sys.exit(2)
    return json.loads(out.stdout)


def write_inputs(np, work, reference, analysis):
    reference[0].astype("<f8").tofile(os.path.join(work, "reference_scores.f64"))
    reference[1].astype("<i8").tofile(os.path.join(work, "reference_labels.i64"))
    analysis[0].astype("<f8").tofile(os.path.join(work, "analysis_scores.f64"))


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5, help="simulations (seeds 0..N-1)")
    ap.add_argument("--reference", type=int, default=50_000, help="reference rows")
    ap.add_argument("--chunks", type=int, default=10, help="analysis chunks")
    ap.add_argument("--chunk-size", type=int, default=5_000, help="rows per chunk")
    ap.add_argument("--reps", type=int, default=5, help="timing rounds")
    ap.add_argument("--output", help="write every figure as JSON here")
    ap.add_argument("--swift-bin", help="use this CBPECompare executable instead of building one")
    ap.add_argument("--scratch-path", help="SwiftPM scratch path (default .build-monitoring)")
    ap.add_argument("--no-venv", action="store_true", help="use the current interpreter")
    args = ap.parse_args()
    ensure_venv(__file__, VENV, REQUIREMENTS, PEER_MODULES, args.no_venv)
    warnings.filterwarnings("ignore")
    import numpy as np
    from importlib.metadata import version

    binary = build_swift("CBPECompare", args.scratch_path or os.path.join(ROOT, ".build-monitoring"), args.swift_bin)
    figures = {"seeds": [], "versions": {m: version(m) for m in ("nannyml", "numpy", "pandas", "scikit-learn")}}
    work_root = tempfile.mkdtemp(prefix="cbpe-")
    timing_work = None
    for seed in range(args.seeds):
        work = os.path.join(work_root, f"seed{seed}")
        os.makedirs(work)
        reference, analysis = simulate(np, seed, args)
        write_inputs(np, work, reference, analysis)
        nml_estimates, _ = nannyml_run(np, reference, analysis, args)
        ours = swift_run(binary, work, args, reps=1)
        figures["seeds"].append({"seed": seed, "truth": truth(np, analysis, args), "nannyml": nml_estimates,
                                 "ours": ours["ours"], "unbinned": ours["unbinned"]})
        if timing_work is None:
            timing_work = (work, reference, analysis)

    # Timing: fit + estimate, alternating which side goes first.
    work, reference, analysis = timing_work
    swift_seconds, nml_seconds = [], []
    for round_index in range(args.reps):
        order = ("swift", "nannyml") if round_index % 2 == 0 else ("nannyml", "swift")
        for side in order:
            if side == "swift":
                swift_seconds.append(statistics.median(swift_run(binary, work, args, reps=3)["seconds"]))
            else:
                nml_seconds.append(nannyml_run(np, reference, analysis, args)[1])
    figures["seconds"] = {"swift": swift_seconds, "nannyml": nml_seconds}

    first = figures["seeds"][0]
    for metric in ("roc_auc", "accuracy"):
        rows = [(k, f"{first['truth'][metric][k]:.4f}", f"{first['nannyml'][metric][k]:.4f}",
                 f"{first['ours'][metric][k]:.4f}", f"{first['unbinned'][metric][k]:.4f}")
                for k in range(len(first["truth"][metric]))]
        print(f"\n{metric} per chunk (seed 0; {args.chunk_size} rows each, covariate shift rising):\n")
        print(markdown_table(("chunk", "truth", "NannyML", "ours", "ours, unbinned"), rows))

    summary = {}
    met = True
    rows = []
    for metric in ("roc_auc", "accuracy"):
        def pairs(name):
            return [(s[name][metric][k], s["truth"][metric][k]) for s in figures["seeds"]
                    for k in range(len(s["truth"][metric]))]
        nml = [e for e, _ in pairs("nannyml")]
        stats = {}
        for name in ("ours", "unbinned"):
            ours = [e for e, _ in pairs(name)]
            stats[name] = {"max_diff_vs_nannyml": max(abs(a - b) for a, b in zip(ours, nml)),
                           "mean_abs_error": statistics.fmean(abs(e - t) for e, t in pairs(name))}
            stats[name]["mean_signed_error"] = statistics.fmean(e - t for e, t in pairs(name))
        stats["nannyml"] = {"mean_abs_error": statistics.fmean(abs(e - t) for e, t in pairs("nannyml")),
                            "mean_signed_error": statistics.fmean(e - t for e, t in pairs("nannyml"))}
        summary[metric] = stats
        ok_diff = stats["ours"]["max_diff_vs_nannyml"] <= 0.01
        ok_truth = stats["ours"]["mean_abs_error"] < stats["nannyml"]["mean_abs_error"]
        met = met and ok_diff and ok_truth
        rows.append((metric, f"{stats['ours']['max_diff_vs_nannyml']:.4f}" + (" ✓" if ok_diff else " ✗"),
                     f"{stats['unbinned']['max_diff_vs_nannyml']:.5f}",
                     f"{stats['nannyml']['mean_abs_error']:.5f} ({stats['nannyml']['mean_signed_error']:+.5f})",
                     f"{stats['ours']['mean_abs_error']:.5f} ({stats['ours']['mean_signed_error']:+.5f})"
                     + (" ✓" if ok_truth else " ✗"),
                     f"{stats['unbinned']['mean_abs_error']:.5f}"))
    figures["summary"] = summary
    n = args.seeds * args.chunks
    print(f"\nOver {args.seeds} seeds x {args.chunks} chunks ({n} chunks; targets: max |ours - NannyML| <= 0.01, "
          "ours closer to the truth on average):\n")
    print(markdown_table(("metric", "max |ours − NannyML|", "(unbinned)", "NannyML mean |est − truth| (signed)",
                          "ours mean |est − truth| (signed)", "(unbinned)"), rows))
    sw, nm = statistics.median(swift_seconds), statistics.median(nml_seconds)
    print(f"\nfit + estimate ({args.reference:,} reference rows, {args.chunks} x {args.chunk_size:,} analysis rows), "
          f"median of {args.reps} rounds: ours {sw * 1e3:.1f} ms, NannyML {nm * 1e3:.0f} ms — {nm / sw:.0f}x")
    print(f"CPU: {cpu_model()}; nannyml {figures['versions']['nannyml']}, "
          f"scikit-learn {figures['versions']['scikit-learn']}, pandas {figures['versions']['pandas']}")
    if args.output:
        with open(args.output, "w") as f:
            json.dump(figures, f, indent=1)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
