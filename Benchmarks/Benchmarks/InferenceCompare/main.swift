// The swift-mlops side of Benchmarks/compare/inference_vs_peers.py: loads the models and
// inputs the script wrote into --dir (mlp.onnx via ONNXImporter, xgb.json via
// XGBoostImporter, lgb.txt via LightGBMImporter, raw little-endian float32 matrices), checks
// that InferenceCore's predictions agree with the peers' (written beside them), and times
// them the way the script times the peers. Prints one JSON object on standard output; exits 1
// when a prediction disagrees with its peer beyond the tolerance.
//
//   swift run --package-path Benchmarks -c release InferenceCompare --dir DIR [--reps 5]
//       [--calls 10000] [--gbdt-calls 5000] [--min-time 0.3] [--parts mlp,sgemm,gbdt]
//       [--threads 1,2]
//
// Timing, as shared/anchors/_common.py: batch-1 latency times each of --calls calls on its
// own (after as many warm-up calls) and reports each repetition's median, p99 (nearest
// rank) and mean in µs; throughput runs as many calls per repetition as fill --min-time
// seconds (calibrated on one call, then one warm-up repetition) and reports rows/s; SGEMM
// reports 2·n³ / seconds / 10⁹. Every figure is a list with one value per repetition.
import CompareSupport
import Foundation
import InferenceCore
import MLOpsCore

/// Command-line options.
struct Arguments {
    var directory = ""
    var reps = 5
    var calls = 10_000
    var gbdtCalls = 5_000
    var minTime = 0.3
    var parts: Set<String> = ["mlp", "sgemm", "gbdt"]
    var threads = [1, 2]

    init() {
        parseOptions { option, value in
            switch option {
            case "--dir": directory = value
            case "--reps": reps = max(1, Int(value) ?? reps)
            case "--calls": calls = max(1, Int(value) ?? calls)
            case "--gbdt-calls": gbdtCalls = max(1, Int(value) ?? gbdtCalls)
            case "--min-time": minTime = Double(value) ?? minTime
            case "--parts": parts = Set(value.split(separator: ",").map(String.init))
            case "--threads": threads = integers(value)
            default: return false
            }
            return true
        }
        if directory.isEmpty { fail("--dir DIR is required (the directory inference_vs_peers.py wrote)", code: 2) }
    }
}

/// Per-call latency of `body`: `calls` warm-up calls, then `reps` repetitions of `calls`
/// individually timed calls; each repetition's median, p99 and mean in µs.
func latency(calls: Int, reps: Int, _ body: () throws -> Void) rethrows -> [String: [Double]] {
    for _ in 0..<calls { try body() }
    var result: [String: [Double]] = ["median_us": [], "p99_us": [], "mean_us": []]
    var times = [Double](repeating: 0, count: calls)
    for _ in 0..<reps {
        for i in 0..<calls {
            let start = nanoseconds()
            try body()
            times[i] = Double(nanoseconds() - start) / 1e3
        }
        let sorted = times.sorted()
        result["median_us", default: []].append(median(sorted))
        result["p99_us", default: []].append(percentile(sorted, 99))
        result["mean_us", default: []].append(sorted.reduce(0, +) / Double(calls))
    }
    return result
}

/// Rows per second of `body` (which processes `rows` rows a call): calibrated on one call so
/// that a repetition lasts at least `minTime` seconds, one warm-up repetition, then `reps`.
func throughput(rows: Int, reps: Int, minTime: Double, _ body: () throws -> Void) rethrows -> [String: [Double]] {
    let start = nanoseconds()
    try body()
    let one = max(Double(nanoseconds() - start) / 1e9, 1e-7)
    let calls = Int(min(100_000, max(1, minTime / one)))
    var rates: [Double] = []
    for rep in 0...reps {
        let begin = nanoseconds()
        for _ in 0..<calls { try body() }
        let seconds = Double(nanoseconds() - begin) / 1e9
        if rep > 0 { rates.append(Double(rows * calls) / seconds) }
    }
    return ["rows_per_s": rates, "calls_per_rep": [Double(calls)]]
}

/// The largest absolute difference between two equally long sequences (NaN if either has a NaN).
func maxAbsDiff<A: Collection, B: Collection>(_ a: A, _ b: B) -> Double
where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
    var worst = 0.0
    for (x, y) in zip(a, b) {
        let d = abs(Double(x) - Double(y))
        if d.isNaN { return .nan }
        worst = max(worst, d)
    }
    return a.count == b.count ? worst : .infinity
}

/// The disagreements found so far ("what: diff > tolerance").
nonisolated(unsafe) var mismatches: [String] = []

/// Records a disagreement when `diff` is above `tolerance` (or NaN); returns `diff`.
func check(_ what: String, _ diff: Double, tolerance: Double) -> Double {
    if !(diff <= tolerance) {
        mismatches.append("\(what): max |swift - peer| = \(diff) > \(tolerance)")
        log("MISMATCH \(what): max |swift - peer| = \(diff) > tolerance \(tolerance)")
    }
    return diff
}

/// The pool for a thread count: `nil` (the caller's thread only) for 1.
func pool(threads: Int) -> WorkerPool? { threads > 1 ? WorkerPool(threadCount: threads) : nil }

/// Runs `model` (one float32 input, one float32 or float64 output) on caller buffers.
func predictor(
    _ model: CompiledModel, input: UnsafeBufferPointer<Float>, batch: Int, outputBytes: UnsafeMutableRawBufferPointer
) -> () throws -> Void {
    let inputs = [UnsafeRawBufferPointer(input)]
    let outputs = [outputBytes]
    if model.outputs.first?.elementType == .float32 {
        let out = outputBytes.bindMemory(to: Float.self)
        return { try model.predict(input, batchSize: batch, into: out) }
    }
    return { try model.predict(batchSize: batch, inputs: inputs, outputs: outputs) }
}

// MARK: - MLP

/// The ONNX MLP at batch 1, 256 and 4096 on each thread count, checked against onnxruntime.
func benchmarkMLP(_ arguments: Arguments) throws -> [String: Any] {
    let dir = arguments.directory
    let graph = try ONNXImporter.importGraph(contentsOfFile: dir + "/mlp.onnx")
    var result: [String: Any] = [:]
    var diffs: [String: Double] = [:]
    for threads in arguments.threads {
        let model = try graph.compile(
            options: CompileOptions(prepareBatchSizes: [1, 256, 4096], pool: pool(threads: threads)))
        var figures: [String: Any] = [:]
        for batch in [1, 256, 4096] {
            let x = readFloats(dir + "/mlp_x\(batch).f32", count: batch * 64)
            let expected = readFloats(dir + "/mlp_y\(batch).f32", count: batch * 10)
            let output = UnsafeMutableRawBufferPointer.allocate(byteCount: batch * 10 * 4, alignment: 64)
            defer { output.deallocate() }
            try x.withUnsafeBufferPointer { input in
                let run = predictor(model, input: input, batch: batch, outputBytes: output)
                try run()
                diffs["batch\(batch)_\(threads)t"] = check(
                    "MLP batch \(batch), \(threads) thread(s) vs onnxruntime",
                    maxAbsDiff(output.bindMemory(to: Float.self), expected), tolerance: 1e-5)
                if batch == 1 {
                    figures["batch1"] = try latency(calls: arguments.calls, reps: arguments.reps, run)
                } else {
                    figures["batch\(batch)"] = try throughput(
                        rows: batch, reps: arguments.reps, minTime: arguments.minTime, run)
                }
            }
        }
        result["\(threads)t"] = figures
        log("MLP \(threads)t done; statistics \(model.statistics)")
    }
    result["max_abs_diff_vs_onnxruntime"] = diffs
    return result
}

// MARK: - SGEMM

/// C = A·B for the script's 1024×1024 A and B, checked against numpy's C.
func benchmarkSGEMM(_ arguments: Arguments) -> [String: Any] {
    let n = 1024
    let dir = arguments.directory
    let a = readFloats(dir + "/gemm_a.f32", count: n * n)
    let b = readFloats(dir + "/gemm_b.f32", count: n * n)
    let expected = readFloats(dir + "/gemm_c.f32", count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    var result: [String: Any] = [:]
    let scale = expected.reduce(0) { max($0, Double(abs($1))) }
    for threads in arguments.threads {
        let workers = pool(threads: threads)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    guard let ap = ap.baseAddress, let bp = bp.baseAddress, let cp = cp.baseAddress else { return }
                    let run = {
                        Kernels.sgemm(m: n, n: n, k: n, a: ap, lda: n, b: bp, ldb: n, c: cp, ldc: n, pool: workers)
                    }
                    run()
                    let figures = throughput(rows: 1, reps: arguments.reps, minTime: max(0.5, arguments.minTime), run)
                    let gflops = (figures["rows_per_s"] ?? []).map { $0 * 2 * Double(n * n * n) / 1e9 }
                    result["\(threads)t"] = ["gflops": gflops, "calls_per_rep": figures["calls_per_rep"] ?? []]
                }
            }
        }
        let diff = maxAbsDiff(c, expected)
        result["max_abs_diff_\(threads)t"] = check(
            "SGEMM 1024³, \(threads) thread(s) vs numpy", diff, tolerance: 1e-4 * max(1, scale))
    }
    result["max_abs_c"] = scale
    return result
}

// MARK: - GBDT

/// The XGBoost and LightGBM models at batch 1 and 100,000 rows, checked against the tools.
func benchmarkGBDT(_ arguments: Arguments) throws -> [String: Any] {
    let dir = arguments.directory
    let rows = 100_000
    let features = 20
    let x = readFloats(dir + "/gbdt_x.f32", count: rows * features)
    var result: [String: Any] = [:]
    let models: [(name: String, ensemble: TreeEnsemble, scoreType: ElementType, tolerance: Double)] = [
        ("xgboost", try XGBoostImporter.load(path: dir + "/xgb.json"), .float32, 1e-6),
        ("lightgbm", try LightGBMImporter.load(path: dir + "/lgb.txt"), .float64, 1e-9),
    ]
    for (name, ensemble, scoreType, tolerance) in models {
        let expected = readDoubles(dir + "/\(name)_p.f64", count: rows)
        let graph = ModelGraph(
            name: name,
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(features)])],
            outputs: [ValueInfo(name: "p", elementType: scoreType, shape: [.batch, .fixed(1)])],
            nodes: [
                GraphNode(
                    name: "trees",
                    op: .treeEnsemble(
                        GraphOp.TreeEnsembleNode(ensemble: ensemble, outputs: [.scores], scoreType: scoreType)),
                    inputs: ["x"], outputs: ["p"])
            ])
        let model = try graph.compile(options: CompileOptions(prepareBatchSizes: [1, rows], pool: nil))
        let width = scoreType.byteCount
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: rows * width, alignment: 64)
        defer { output.deallocate() }
        var figures: [String: Any] = [:]
        try x.withUnsafeBufferPointer { all in
            let full = predictor(model, input: all, batch: rows, outputBytes: output)
            try full()
            let predicted: [Double] =
                scoreType == .float32
                ? output.bindMemory(to: Float.self).map(Double.init) : Array(output.bindMemory(to: Double.self))
            figures["max_abs_diff"] = check(
                "\(name) 100,000 rows vs \(name)", maxAbsDiff(predicted, expected), tolerance: tolerance)
            if arguments.threads.contains(1) {
                let first = UnsafeBufferPointer(rebasing: all[0..<features])
                let one = UnsafeMutableRawBufferPointer(rebasing: output[0..<width])
                figures["batch1_1t"] = try latency(
                    calls: arguments.gbdtCalls, reps: arguments.reps,
                    predictor(model, input: first, batch: 1, outputBytes: one))
                figures["batch100000_1t"] = try throughput(
                    rows: rows, reps: arguments.reps, minTime: arguments.minTime, full)
            }
            for threads in arguments.threads where threads > 1 {
                // Tree ensembles run on the caller's thread; split the rows over a pool here.
                guard let workers = pool(threads: threads) else { continue }
                let chunk = (rows + threads - 1) / threads
                let parts = (0..<threads).map { part -> () throws -> Void in
                    let lower = part * chunk
                    let upper = min(rows, lower + chunk)
                    return predictor(
                        model, input: UnsafeBufferPointer(rebasing: all[lower * features..<upper * features]),
                        batch: upper - lower,
                        outputBytes: UnsafeMutableRawBufferPointer(rebasing: output[lower * width..<upper * width]))
                }
                // Each part writes only its own rows of `output`; the pool returns when all are done.
                nonisolated(unsafe) let shared = parts
                let split = {
                    workers.parallelFor(threads) { part in
                        do { try shared[part]() } catch { fail("\(name) predict failed: \(error)") }
                    }
                }
                split()
                figures["batch100000_\(threads)t"] = throughput(
                    rows: rows, reps: arguments.reps, minTime: arguments.minTime, split)
            }
        }
        result[name] = figures
        log("\(name) done; statistics \(model.statistics)")
    }
    return result
}

// MARK: - main

let arguments = Arguments()
var report: [String: Any] = [
    "kernels": Kernels.configuration, "fma": Kernels.usesFusedMultiplyAdd, "reps": arguments.reps,
    "calls": arguments.calls, "gbdt_calls": arguments.gbdtCalls, "threads": arguments.threads,
]
do {
    if arguments.parts.contains("mlp") { report["mlp"] = try benchmarkMLP(arguments) }
    if arguments.parts.contains("sgemm") { report["sgemm"] = benchmarkSGEMM(arguments) }
    if arguments.parts.contains("gbdt") { report["gbdt"] = try benchmarkGBDT(arguments) }
} catch {
    fail("\(error)")
}
report["mismatches"] = mismatches
do { try printJSON(report) } catch { fail("could not encode the report") }
if !mismatches.isEmpty { fail("\(mismatches.count) prediction(s) disagree with the peers") }
