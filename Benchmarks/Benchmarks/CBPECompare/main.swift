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
import Foundation
import Monitoring

/// Command-line options.
struct Arguments {
    var directory = ""
    var chunkSize = 5_000
    var threshold = 0.5
    var reps = 5

    init() {
        var words = CommandLine.arguments.dropFirst()
        while let word = words.popFirst() {
            let value = words.popFirst() ?? ""
            switch word {
            case "--dir": directory = value
            case "--chunk-size": chunkSize = max(1, Int(value) ?? chunkSize)
            case "--threshold": threshold = Double(value) ?? threshold
            case "--reps": reps = max(1, Int(value) ?? reps)
            default: fail("unknown argument \(word)", code: 2)
            }
        }
        if directory.isEmpty { fail("--dir DIR is required (the directory cbpe_vs_nannyml.py wrote)", code: 2) }
    }
}

/// Prints `message` to standard error and exits with `code`.
func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data(("CBPECompare: " + message + "\n").utf8))
    exit(code)
}

/// Monotonic nanoseconds.
func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// The little-endian 8-byte values of `name` in the work directory.
func readRaw<T: FixedWidthInteger>(_ name: String, as type: T.Type) -> [T] {
    guard let data = FileManager.default.contents(atPath: arguments.directory + "/" + name) else {
        fail("cannot read \(name)")
    }
    return data.withUnsafeBytes { raw in
        (0..<(raw.count / 8)).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: T.self)) }
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
let referenceScores = readRaw("reference_scores.f64", as: UInt64.self).map { Double(bitPattern: $0) }
let referenceLabels = readRaw("reference_labels.i64", as: Int64.self).map { Int($0) }
let analysisScores = readRaw("analysis_scores.f64", as: UInt64.self).map { Double(bitPattern: $0) }

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
    let json = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    fail("\(error)")
}
