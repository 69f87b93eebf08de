// Serving benchmarks for issue 13: what ModelServer adds to a raw Model.predict, what dynamic
// batching buys under concurrency, and the tail latency at 80 % of saturation. Prints one line per
// figure (each repetition, then the median) and a JSON object at the end.
//
//   swift run --package-path Benchmarks -c release ServingCompare [--reps 3] [--seconds 1]
//
// Model: the inference-core MLP (64-256-256-10, ReLU, softmax; seeded N(0, 1/fan_in) weights), one
// float32 row per request.
// - overhead: one task calls `server.infer` on a batch-1 request with batching off, back to back,
//   against a loop of `Model.predict` into preallocated buffers on the same row; the difference of
//   the per-call means (each the median of 5 timed runs of --calls calls).
// - throughput: C tasks (1, 8, 64) each call `infer` back to back for --seconds (closed loop);
//   requests/s, batching off and on (maxBatchSize 64, maxQueueDelay 100 µs).
// - p99 at 80 %: open-loop arrivals at 0.8 × the best closed-loop rate of that mode, one task per
//   request, latency from its scheduled arrival to its answer (so a late start counts), p50/p99.
import Deployment
import Foundation
import InferenceCore
import MLOpsCore
import Synchronization

struct Arguments {
    var reps = 3
    var seconds = 1.0
    var calls = 100_000

    init() {
        var words = CommandLine.arguments.dropFirst()
        while let word = words.popFirst() {
            let value = words.popFirst() ?? ""
            switch word {
            case "--reps": reps = max(1, Int(value) ?? reps)
            case "--seconds": seconds = max(0.1, Double(value) ?? seconds)
            case "--calls": calls = max(1000, Int(value) ?? calls)
            default: print("unknown option \(word)")
            }
        }
    }
}

/// The MLP of Benchmarks/InferenceBenchmarks/BenchmarkModels.swift, as an ONNX exporter writes it.
func mlpModel(seed: UInt64 = 0, options: CompileOptions = CompileOptions()) throws -> Model {
    let widths = [64, 256, 256, 10]
    var random = SeededRandom(seed: seed)
    var initializers: [String: Tensor] = [:]
    var nodes: [GraphNode] = []
    var previous = "x"
    let layers = widths.count - 1
    for layer in 1...layers {
        let fanIn = widths[layer - 1]
        let fanOut = widths[layer]
        let scale = 1 / Double(fanIn).squareRoot()
        let weights = (0..<fanIn * fanOut).map { _ in Float(random.normal(standardDeviation: scale)) }
        let bias = (0..<fanOut).map { _ in Float(random.normal(standardDeviation: 0.01)) }
        initializers["W\(layer)"] = try Tensor(shape: [fanIn, fanOut], float32: weights)
        initializers["b\(layer)"] = try Tensor(shape: [fanOut], float32: bias)
        nodes.append(
            GraphNode(name: "mm\(layer)", op: .matMul, inputs: [previous, "W\(layer)"], outputs: ["mm\(layer)"]))
        nodes.append(
            GraphNode(name: "add\(layer)", op: .add, inputs: ["mm\(layer)", "b\(layer)"], outputs: ["z\(layer)"]))
        if layer < layers {
            nodes.append(GraphNode(name: "relu\(layer)", op: .relu, inputs: ["z\(layer)"], outputs: ["h\(layer)"]))
            previous = "h\(layer)"
        }
    }
    nodes.append(GraphNode(name: "softmax", op: .softmax(axis: 1), inputs: ["z\(layers)"], outputs: ["y"]))
    let graph = ModelGraph(
        name: "mlp_64_256_256_10",
        inputs: [ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(64)])],
        outputs: [ValueInfo(name: "y", elementType: .float32, shape: [.batch, .fixed(10)])],
        initializers: initializers, nodes: nodes)
    return try Model(graph: graph, options: options)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func seconds(_ duration: Duration) -> Double {
    let (s, a) = duration.components
    return Double(s) + Double(a) / 1e18
}

func format(_ value: Double, _ digits: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

/// Mean ns per call of `body` over `calls` calls, median of 5 runs.
func timeSync(calls: Int, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<(calls / 10) { try body() }
    var runs: [Double] = []
    for _ in 0..<5 {
        let start = ContinuousClock.now
        for _ in 0..<calls { try body() }
        runs.append(seconds(ContinuousClock.now - start) * 1e9 / Double(calls))
    }
    return median(runs)
}

/// Mean ns per `server.infer(request)` over `calls` calls from one task, median of 5 runs.
func timeInfer(calls: Int, _ server: ModelServer, _ request: InferenceRequest) async throws -> Double {
    for _ in 0..<(calls / 10) { _ = try await server.infer(request) }
    var runs: [Double] = []
    for _ in 0..<5 {
        let start = ContinuousClock.now
        for _ in 0..<calls { _ = try await server.infer(request) }
        runs.append(seconds(ContinuousClock.now - start) * 1e9 / Double(calls))
    }
    return median(runs)
}

/// Requests per second with `callers` closed-loop tasks for `duration`.
func throughput(_ server: ModelServer, model: String, callers: Int, duration: Double, request: InferenceRequest)
    async throws
    -> (rate: Double, errors: Int)
{
    let end = ContinuousClock.now + .milliseconds(Int(duration * 1000))
    let start = ContinuousClock.now
    let (count, errors) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
        for _ in 0..<callers {
            group.addTask {
                var done = 0
                var failed = 0
                var request = request
                request.model = model
                while ContinuousClock.now < end {
                    do { _ = try await server.infer(request) } catch { failed += 1 }
                    done += 1
                }
                return (done, failed)
            }
        }
        var total = (0, 0)
        for try await (done, failed) in group {
            total.0 += done
            total.1 += failed
        }
        return total
    }
    return (Double(count) / seconds(ContinuousClock.now - start), errors)
}

/// Latency percentiles (µs) of open-loop arrivals at `rate` per second for `duration`.
func openLoop(_ server: ModelServer, model: String, rate: Double, duration: Double, request: InferenceRequest) async
    -> (p50: Double, p99: Double, achieved: Double, errors: Int)
{
    let total = Int(rate * duration)
    let shared = OpenLoopState()
    shared.latencies.withLock { $0.reserveCapacity(total) }
    let interval = 1e9 / rate
    let start = ContinuousClock.now
    var request = request
    request.model = model
    let base = request
    await withTaskGroup(of: Void.self) { group in
        var next = 0
        while next < total {
            let now = ContinuousClock.now
            let elapsed = seconds(now - start) * 1e9
            while next < total, Double(next) * interval <= elapsed {
                let scheduled = start + .nanoseconds(Int(Double(next) * interval))
                group.addTask {
                    do { _ = try await server.infer(base) } catch { shared.errors.wrappingAdd(1, ordering: .relaxed) }
                    let latency = ContinuousClock.now - scheduled
                    let (s, a) = latency.components
                    let nanoseconds = Int(s) * 1_000_000_000 + Int(a / 1_000_000_000)
                    shared.latencies.withLock { $0.append(nanoseconds) }
                }
                next += 1
            }
            await Task.yield()
        }
        await group.waitForAll()
    }
    let elapsed = seconds(ContinuousClock.now - start)
    let sorted = shared.latencies.withLock { $0 }.sorted()
    func percentile(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return Double(sorted[rank]) / 1000
    }
    return (percentile(0.5), percentile(0.99), Double(total) / elapsed, shared.errors.load(ordering: .relaxed))
}

/// What the open-loop request tasks share.
final class OpenLoopState: Sendable {
    let latencies = Mutex<[Int]>([])
    let errors = Atomic<Int>(0)
}

@main
struct ServingCompare {
    static func main() async throws {
        let arguments = Arguments()
        let model = try mlpModel()
        let server = ModelServer()
        try await server.deploy(model, name: "direct", version: 1)
        try await server.deploy(
            model, name: "batched", version: 1,
            batching: BatchingPolicy(
                maxBatchSize: Int(ProcessInfo.processInfo.environment["SERVING_MAX_BATCH"] ?? "") ?? 32,
                maxQueueDelay: .microseconds(Int(ProcessInfo.processInfo.environment["SERVING_DELAY_US"] ?? "") ?? 100))
        )
        var random = SeededRandom(seed: 7)
        let row = (0..<64).map { _ in Float(random.normal()) }
        let request = InferenceRequest(
            model: "direct", inputs: [NamedTensor(name: "x", tensor: try Tensor(shape: [1, 64], float32: row))])

        var results: [String: [Double]] = [:]
        func record(_ key: String, _ value: Double) {
            results[key, default: []].append(value)
        }
        let output = UnsafeMutableBufferPointer<Float>.allocate(capacity: 10)
        defer { output.deallocate() }
        let buffers = [UnsafeMutableRawBufferPointer(output)]
        if ProcessInfo.processInfo.environment["SERVING_ONLY"] == "batched64" {
            let (rate, _) = try await throughput(
                server, model: "batched", callers: 64, duration: arguments.seconds, request: request)
            print("batched 64: \(rate)")
            return
        }
        for rep in 1...arguments.reps {
            // Overhead.
            let raw = try row.withUnsafeBufferPointer { rows in
                try timeSync(calls: arguments.calls) { try model.predict(rows, rowCount: 1, into: buffers) }
            }
            let served = try await timeInfer(calls: arguments.calls, server, request)
            record("raw_predict_ns", raw)
            let batchRows = (0..<64).flatMap { _ in row }
            let batchOutput = UnsafeMutableBufferPointer<Float>.allocate(capacity: 640)
            defer { batchOutput.deallocate() }
            let raw64 = try batchRows.withUnsafeBufferPointer { rows in
                try timeSync(calls: max(1000, arguments.calls / 20)) {
                    try model.predict(rows, rowCount: 64, into: [UnsafeMutableRawBufferPointer(batchOutput)])
                }
            }
            record("raw_predict_batch64_ns", raw64)
            print("rep \(rep): raw predict of 64 rows \(format(raw64, 0)) ns (\(format(raw64 / 64, 0)) ns per row)")
            record("infer_ns", served)
            record("overhead_ns", served - raw)
            print(
                "rep \(rep): raw predict \(format(raw, 0)) ns, infer \(format(served, 0)) ns, overhead \(format(served - raw, 0)) ns"
            )
            // Throughput.
            var best: [String: Double] = [:]
            for mode in ["direct", "batched"] {
                for callers in [1, 8, 64] {
                    let (rate, errors) = try await throughput(
                        server, model: mode, callers: callers, duration: arguments.seconds, request: request)
                    record("\(mode)_\(callers)_rps", rate)
                    best[mode] = max(best[mode] ?? 0, rate)
                    print("rep \(rep): \(mode) \(callers) callers: \(format(rate, 0)) req/s, \(errors) errors")
                }
            }
            record("batching_gain_64", results["batched_64_rps"]!.last! / results["direct_64_rps"]!.last!)
            // Open loop: first the saturated rate of this driver (arrivals offered at twice the best
            // closed-loop rate; what completes is the saturation point), then 80 % of it.
            for mode in ["direct", "batched"] {
                let saturated = await openLoop(
                    server, model: mode, rate: 2 * (best[mode] ?? 1), duration: arguments.seconds, request: request)
                let rate = 0.8 * saturated.achieved
                let result = await openLoop(
                    server, model: mode, rate: rate, duration: arguments.seconds * 2, request: request)
                record("\(mode)_openloop_saturated_rps", saturated.achieved)
                record("\(mode)_openloop_rate", result.achieved)
                record("\(mode)_openloop_p50_us", result.p50)
                record("\(mode)_openloop_p99_us", result.p99)
                print(
                    "rep \(rep): \(mode) open loop saturates at \(format(saturated.achieved, 0)) req/s; at 80 % "
                        + "(\(format(rate, 0)) req/s, achieved \(format(result.achieved, 0))): "
                        + "p50 \(format(result.p50, 1)) µs, p99 \(format(result.p99, 1)) µs, \(result.errors) errors")
            }
        }
        print("medians over \(arguments.reps) repetitions:")
        var json: [String] = []
        for key in results.keys.sorted() {
            let value = median(results[key]!)
            print("  \(key): \(format(value, 2))")
            json.append("\"\(key)\": \(format(value, 2))")
        }
        print("{" + json.joined(separator: ", ") + "}")
    }
}
