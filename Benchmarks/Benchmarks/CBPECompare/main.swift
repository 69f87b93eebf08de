// The swift-mlops side of Benchmarks/compare/cbpe_vs_nannyml.py: reads the simulation the
// script wrote into --dir (reference_scores.f64, reference_labels.i64, analysis_scores.f64:
// raw little-endian float64 / int64), fits Monitoring's CBPE on the reference and estimates
// accuracy and ROC AUC per chunk of --chunk-size analysis scores, twice: with CBPE's defaults
// ("ours": isotonic regression on bins of 1/200 of the reference rows) and with NannyML's
// calibration ("unbinned": isotonic regression on every row, as scikit-learn). Times fit +
// estimate with the defaults (--reps repetitions after one warm-up) and prints one JSON
// object on standard output:
//
//   {"ours": {"accuracy": [...], "roc_auc": [...], "calibrated": true},
//    "unbinned": {...}, "seconds": [...]}
//
//   swift run --package-path Benchmarks -c release CBPECompare --dir DIR [--chunk-size 5000]
//       [--threshold 0.5] [--reps 5]
import CompareSupport
import Foundation
import Monitoring

/// Command-line options.
struct Arguments {
    var directory = ""
    var chunkSize = 5_000
    var threshold = 0.5
    var reps = 5

    init() {
        parseOptions { option, value in
            switch option {
            case "--dir": directory = value
            case "--chunk-size": chunkSize = max(1, Int(value) ?? chunkSize)
            case "--threshold": threshold = Double(value) ?? threshold
            case "--reps": reps = max(1, Int(value) ?? reps)
            default: return false
            }
            return true
        }
        if directory.isEmpty { fail("--dir DIR is required (the directory cbpe_vs_nannyml.py wrote)", code: 2) }
    }
}

/// Fits CBPE (bins of `binSize` rows, or the default) and estimates every chunk.
func run(binSize: Int?) throws -> (CBPE, [CBPEEstimate]) {
    let cbpe = try CBPE(
        referenceScores: referenceScores, referenceLabels: referenceLabels, threshold: arguments.threshold,
        calibrationBinSize: binSize)
    return (cbpe, try cbpe.estimate(scores: analysisScores, chunkSize: arguments.chunkSize))
}

let arguments = Arguments()
let referenceScores = readDoubles(arguments.directory + "/reference_scores.f64")
let referenceLabels = readLittleEndian(arguments.directory + "/reference_labels.i64", as: Int64.self).map { Int($0) }
let analysisScores = readDoubles(arguments.directory + "/analysis_scores.f64")

do {
    var output: [String: Any] = [:]
    for (name, binSize) in [("ours", nil), ("unbinned", 1)] as [(String, Int?)] {
        let (cbpe, estimates) = try run(binSize: binSize)
        output[name] = [
            "accuracy": estimates.map { $0.accuracy ?? .nan },
            "roc_auc": estimates.map { $0.rocAUC ?? .nan },
            "calibrated": cbpe.isCalibrated,
        ]
    }
    _ = try run(binSize: nil)  // warm-up
    var seconds: [Double] = []
    for _ in 0..<arguments.reps {
        let start = nanoseconds()
        _ = try run(binSize: nil)
        seconds.append(Double(nanoseconds() - start) / 1e9)
    }
    output["seconds"] = seconds
    try printJSON(output)
} catch {
    fail("\(error)")
}
