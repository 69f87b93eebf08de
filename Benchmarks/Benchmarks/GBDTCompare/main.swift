// The swift-mlops side of Benchmarks/compare/training_vs_peers.py's GBDT part: reads the
// training and test rows the script wrote into --dir (raw little-endian float64, row-major:
// train_x.f64, train_y.f64, test_x.f64, and shape.json), fits Training's GradientBoosting with
// the given settings once per thread count, and writes each fit's test probabilities of class 1
// as test_p_<threads>.f64. Prints one JSON object on standard output with each fit's wall time
// (from the FeatureMatrix in memory to the fitted model: binning included, as the peers' times
// include their Dataset/DMatrix construction).
//
//   GBDTCompare --dir DIR [--threads 1,2] [--trees 100] [--leaves 63] [--learning-rate 0.1]
//       [--warmup-rows 20000]
//
// Before the timed fits, one untimed fit on the first --warmup-rows rows (2 trees) loads the
// code and touches the allocator.
import CompareSupport
import Foundation
import InferenceCore
import MLOpsCore
import Training

struct Arguments {
    var directory = ""
    var threads = [1, 2]
    var trees = 100
    var leaves = 63
    var learningRate = 0.1
    var warmupRows = 20_000

    init() {
        parseOptions { option, value in
            switch option {
            case "--dir": directory = value
            case "--threads": threads = integers(value)
            case "--trees": trees = max(1, Int(value) ?? trees)
            case "--leaves": leaves = max(2, Int(value) ?? leaves)
            case "--learning-rate": learningRate = Double(value) ?? learningRate
            case "--warmup-rows": warmupRows = max(0, Int(value) ?? warmupRows)
            default: return false
            }
            return true
        }
        if directory.isEmpty { fail("--dir DIR is required (the directory training_vs_peers.py wrote)", code: 2) }
    }
}

func writeDoubles(_ values: [Double], _ path: String) {
    var bytes = [UInt8]()
    bytes.reserveCapacity(values.count * 8)
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fail("cannot write \(path)") }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let arguments = Arguments()
let dir = arguments.directory
guard let shapeData = FileManager.default.contents(atPath: dir + "/shape.json"),
    let shape = try? JSONSerialization.jsonObject(with: shapeData) as? [String: Int],
    let features = shape["features"], let trainRows = shape["train_rows"], let testRows = shape["test_rows"]
else { fail("cannot read \(dir)/shape.json") }

let names = (0..<features).map { "f\($0)" }
do {
    let trainX = try FeatureMatrix(rowCount: trainRows, values: readDoubles(dir + "/train_x.f64"), featureNames: names)
    let labels = readDoubles(dir + "/train_y.f64")
    let target = try TrainingTarget(
        name: "y", task: .binary, values: labels, classes: labels.map { Int($0) }, classLabels: ["0", "1"])
    let train = try TrainingData(features: trainX, target: target)
    let testX = try FeatureMatrix(rowCount: testRows, values: readDoubles(dir + "/test_x.f64"), featureNames: names)
    let estimator = GradientBoosting(
        nEstimators: arguments.trees, learningRate: arguments.learningRate, numLeaves: arguments.leaves)

    if arguments.warmupRows > 0 {
        var context = TrainingContext(seed: 0, threads: arguments.threads.max() ?? 1)
        _ = try GradientBoosting(nEstimators: 2, numLeaves: arguments.leaves).fit(
            train.rows(Array(0..<min(trainRows, arguments.warmupRows))), context: &context)
    }
    var results: [String: Any] = [:]
    for threads in arguments.threads {
        var context = TrainingContext(seed: 0, threads: threads)
        let start = now()
        let model = try estimator.fit(train, context: &context)
        let seconds = Double(now() - start) / 1e9
        let probabilities = try model.predict(testX).positiveProbabilities
        writeDoubles(probabilities, dir + "/test_p_\(threads).f64")
        results[String(threads)] = [
            "fit_seconds": seconds, "trees": model.treeCount,
            "leaves": model.leafCounts.reduce(0, +), "train_loss": context.reports.last?.metrics["train_loss"] ?? .nan,
        ]
        log("GBDTCompare: \(threads) thread(s) fit in \(seconds) s")
    }
    try printJSON(["gbdt": results])
} catch {
    fail("\(error)")
}
