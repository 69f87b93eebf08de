// The swift-mlops side of Benchmarks/compare/tracking_vs_mlflow.py: experiment
// tracking into the default SQLite workspace (SQLiteKeyValueStore with its
// default options, synchronous = FULL, plus FileBlobStore), measured the way the
// script measures MLflow. Prints one JSON object on standard output.
//
//   swift run --package-path Benchmarks -c release TrackingCompare [--reps 5] [--dir DIR [--keep]]
//
// Every figure is the median (with min and max) of --reps timed repetitions
// after one warm-up repetition. "Durable" means the tracker's flush() or the
// run's finish() has returned, i.e. the SQLite transaction has committed.
import CompareSupport
import ExperimentTracking
import Foundation
import MLOpsCore
import SQLiteStorage

struct Arguments {
    var reps = 5
    var singlePoints = 100_000
    var batchPoints = 1_000_000
    var batchSize = 1_000
    var runs = 200
    var searchSizes = [200, 10_000]
    var searchReps = 20
    var directory = NSTemporaryDirectory() + "tracking-compare-\(UUID().uuidString)"
    var keep = false

    init() {
        parseOptions(flags: ["--keep"]) { option, value in
            switch option {
            case "--keep": keep = true
            case "--reps": reps = Int(value) ?? reps
            case "--single-points": singlePoints = Int(value) ?? singlePoints
            case "--batch-points": batchPoints = Int(value) ?? batchPoints
            case "--batch-size": batchSize = Int(value) ?? batchSize
            case "--runs": runs = Int(value) ?? runs
            case "--search-sizes": searchSizes = integers(value)
            case "--search-reps": searchReps = Int(value) ?? searchReps
            case "--dir": directory = value
            default: return false
            }
            return true
        }
    }
}

let filter = "metrics.acc > 0.5 and params.lr = '0.01'"

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Runs `body` once to warm up, then `reps` times; returns the timed results.
@MainActor func repeated(_ reps: Int, _ label: String, _ body: () async throws -> Double) async throws -> [Double] {
    _ = try await body()
    var values: [Double] = []
    for _ in 0..<reps { values.append(try await body()) }
    log("\(label): \(values.map { String(format: "%.4g", $0) }.joined(separator: " "))")
    return values
}

func summary(_ values: [Double]) -> [String: Double] {
    ["median": median(values), "min": values.min() ?? .nan, "max": values.max() ?? .nan, "n": Double(values.count)]
}

func json(_ value: Any) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

let arguments = Arguments()
try FileManager.default.createDirectory(atPath: arguments.directory + "/objects", withIntermediateDirectories: true)
defer { if !arguments.keep { try? FileManager.default.removeItem(atPath: arguments.directory) } }
let metadata = try SQLiteKeyValueStore(path: arguments.directory + "/metadata.sqlite")
let blobs = try FileBlobStore(root: arguments.directory + "/objects")
let tracker = ExperimentTracker(
    metadata: metadata, artifacts: blobs, options: .init(captureEnvironment: true, user: "bench"))
var result: [String: Any] = [
    "store": "SQLiteKeyValueStore (default options: WAL, synchronous FULL) + FileBlobStore",
    "reps": arguments.reps, "warmup_reps": 1, "filter": filter,
]

// 1. One metric point per call, until durable.
let single = try await repeated(arguments.reps, "single-call points/s") {
    let run = try await tracker.startRun(experiment: "single")
    let start = now()
    for step in 0..<arguments.singlePoints {
        try await run.log(metric: "loss", value: 1 / Double(step + 1), step: Int64(step))
    }
    try await run.finish()
    return Double(arguments.singlePoints) / (now() - start)
}
result["log_metric_single"] = ["points_per_rep": arguments.singlePoints, "points_per_s": summary(single)]

// 2. Batches of --batch-size points per call, until durable.
let stamp = Int64(Date().timeIntervalSince1970 * 1000)
let batches: [[Metric]] = stride(from: 0, to: arguments.batchPoints, by: arguments.batchSize).map { first in
    (first..<min(first + arguments.batchSize, arguments.batchPoints)).map { step in
        Metric(key: "loss", value: 1 / Double(step + 1), step: Int64(step), timestamp: stamp)
    }
}
let batched = try await repeated(arguments.reps, "batched points/s") {
    let run = try await tracker.startRun(experiment: "batch")
    let start = now()
    for batch in batches { try await run.log(metrics: batch) }
    try await run.finish()
    return Double(arguments.batchPoints) / (now() - start)
}
result["log_batch"] = [
    "points_per_rep": arguments.batchPoints, "batch_size": arguments.batchSize, "points_per_s": summary(batched),
]

// 3. N runs × (10 params + 10 metrics), as MLflow's fluent API creates them.
var random = SeededRandom(seed: 42)
@MainActor func runSpecs(_ count: Int) -> [(params: [String: String], metrics: [String: Double])] {
    (0..<count).map { index in
        var params = Dictionary(
            uniqueKeysWithValues: (1..<10).map { ("p\($0)", String(Int(random.uniform(in: 0..<1000)))) })
        params["lr"] = ["0.001", "0.01", "0.1"][index % 3]
        var metrics = Dictionary(uniqueKeysWithValues: (1..<10).map { ("m\($0)", random.nextDouble()) })
        metrics["acc"] = random.nextDouble()
        return (params, metrics)
    }
}
var experimentCounter = 0
var lastRunsExperiment = ""
/// Creates `count` runs in a new experiment; `durableEach` waits for each run's
/// finish (as MLflow's calls do), else ends them queued and flushes once.
@MainActor func createRuns(_ count: Int, durableEach: Bool) async throws -> Double {
    experimentCounter += 1
    let name = "runs-\(experimentCounter)"
    let experiment = try await tracker.createExperiment(name: name)
    let specs = runSpecs(count)
    let start = now()
    for spec in specs {
        let run = try await tracker.startRun(experimentID: experiment.id, name: nil)
        try await run.log(params: spec.params)
        try await run.log(metrics: spec.metrics)
        if durableEach { try await run.finish() } else { try await run.end() }
    }
    try await tracker.flush()
    lastRunsExperiment = experiment.id
    return now() - start
}
let runsEach = try await repeated(arguments.reps, "\(arguments.runs) runs, each durable (s)") {
    try await createRuns(arguments.runs, durableEach: true)
}
let runsOnce = try await repeated(arguments.reps, "\(arguments.runs) runs, one flush (s)") {
    try await createRuns(arguments.runs, durableEach: false)
}
result["create_runs"] = [
    "runs": arguments.runs, "params_per_run": 10, "metrics_per_run": 10,
    "seconds_each_run_durable": summary(runsEach), "seconds_flushed_once": summary(runsOnce),
]

// 4. Filtered search over experiments of each size.
var searches: [String: Any] = [:]
for size in arguments.searchSizes {
    let experimentID: String
    if size == arguments.runs {
        experimentID = lastRunsExperiment
    } else {
        let start = now()
        _ = try await createRuns(size, durableEach: false)
        experimentID = lastRunsExperiment
        searches["setup_seconds_\(size)"] = now() - start
    }
    var matched = 0
    let seconds = try await repeated(arguments.searchReps, "search over \(size) runs (s)") {
        let start = now()
        let page = try await tracker.searchRuns(experimentIDs: [experimentID], filter: filter, maxResults: 50_000)
        let elapsed = now() - start
        matched = page.runs.count
        return elapsed
    }
    searches["search_\(size)"] = ["runs_in_experiment": size, "matched": matched, "seconds": summary(seconds)]
}
result["search"] = searches
print(json(result))
