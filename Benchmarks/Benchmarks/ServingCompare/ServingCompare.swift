// Serving benchmarks for issue 13: what ModelServer adds to a raw Model.predict, what dynamic
// batching buys under concurrency, and the tail latency at 80 % of saturation. Prints one line per
// figure (each repetition, then the median) and a JSON object at the end.
//
//   swift run --package-path Benchmarks -c release ServingCompare [--reps 3] [--seconds 1]
//
// Model: the inference-core MLP (64-256-256-10, ReLU, softmax; seeded N(0, 1/fan_in) weights), one
// float32 row per request.
// - overhead: one task calls `server.infer` on a batch-1 request with batching off, back to back,
//   against a loop of `Model.predict` into preallocated buffers on the same row, in 20 alternating
//   blocks of --calls/20 calls; the median of the blocks' differences of per-call means.
// - throughput: C tasks (1, 8, 64) each call `infer` back to back for --seconds (closed loop);
//   requests/s, batching off and on (maxBatchSize 32 — two batches in flight with 64 callers —,
//   maxQueueDelay 100 µs, maxQueueSize 4096; SERVING_MAX_BATCH and SERVING_DELAY_US override).
// - p99 at 80 %: open-loop arrivals from a thread of their own, one detached task per request;
//   first offered at twice the best closed-loop rate to find what completes (the saturated rate),
//   then at 80 % of that; latency from the scheduled arrival to the answer, p50/p99.
import CompareSupport
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
        parseOptions { option, value in
            switch option {
            case "--reps": reps = max(1, Int(value) ?? reps)
            case "--seconds": seconds = max(0.1, Double(value) ?? seconds)
            case "--calls": calls = max(1000, Int(value) ?? calls)
            default: return false
            }
            return true
        }
    }
}

func format(_ value: Double, _ digits: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

/// Mean ns per call of `body` over `calls` calls, median of 5 runs.
func timeSync(calls: Int, runs count: Int = 5, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<(calls / 10) { try body() }
    var runs: [Double] = []
    for _ in 0..<count {
        let start = ContinuousClock.now
        for _ in 0..<calls { try body() }
        runs.append(seconds(ContinuousClock.now - start) * 1e9 / Double(calls))
    }
    return median(runs)
}

/// Mean ns per `server.infer(request)` over `calls` calls from one task, median of 5 runs.
func timeInfer(calls: Int, _ server: ModelServer, _ request: InferenceRequest, runs count: Int = 5) async throws
    -> Double
{
    for _ in 0..<(calls / 10) { _ = try await server.infer(request) }
    var runs: [Double] = []
    for _ in 0..<count {
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

/// Latency percentiles (µs) of open-loop arrivals at `rate` per second for `duration` seconds.
///
/// The arrivals come from a thread of their own (not one of Swift's cooperative threads, which the
/// requests keep busy): it wakes every 50 µs and starts one detached task per arrival due, each
/// timed from its scheduled arrival, so a late start counts against the latency. Arrivals that
/// find 4096 requests in flight are dropped and counted (the offered load exceeds what the
/// server absorbs); `achieved` is the completions per second over the arrival window.
func openLoop(_ server: ModelServer, model: String, rate: Double, duration: Double, request: InferenceRequest) async
    -> (p50: Double, p99: Double, achieved: Double, errors: Int, dropped: Int)
{
    let shared = OpenLoopState()
    var request = request
    request.model = model
    let base = request
    let interval = 1e9 / rate
    let start = ContinuousClock.now
    let window = Duration.milliseconds(Int(duration * 1000))
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        Thread.detachNewThread {
            var next = 0
            while true {
                let elapsed = ContinuousClock.now - start
                if elapsed >= window { break }
                let elapsedNanoseconds = seconds(elapsed) * 1e9
                while Double(next) * interval <= elapsedNanoseconds {
                    let scheduled = start + .nanoseconds(Int(Double(next) * interval))
                    next += 1
                    if shared.inFlight.load(ordering: .relaxed) >= 4096 {
                        shared.dropped.wrappingAdd(1, ordering: .relaxed)
                        continue
                    }
                    shared.inFlight.wrappingAdd(1, ordering: .relaxed)
                    Task.detached {
                        do { _ = try await server.infer(base) } catch {
                            shared.errors.wrappingAdd(1, ordering: .relaxed)
                        }
                        let latency = ContinuousClock.now - scheduled
                        let (s, a) = latency.components
                        let nanoseconds = Int(s) * 1_000_000_000 + Int(a / 1_000_000_000)
                        shared.latencies.withLock { $0.append(nanoseconds) }
                        shared.inFlight.wrappingSubtract(1, ordering: .relaxed)
                    }
                }
                usleep(50)
            }
            done.resume()
        }
    }
    let completedInWindow = shared.latencies.withLock { $0.count }
    while shared.inFlight.load(ordering: .relaxed) > 0 { try? await Task.sleep(for: .milliseconds(1)) }
    let sorted = shared.latencies.withLock { $0 }.sorted()
    func percentile(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return Double(sorted[rank]) / 1000
    }
    return (
        percentile(0.5), percentile(0.99), Double(completedInWindow) / duration,
        shared.errors.load(ordering: .relaxed), shared.dropped.load(ordering: .relaxed)
    )
}

/// What the open-loop request tasks share.
final class OpenLoopState: Sendable {
    let latencies = Mutex<[Int]>([])
    let errors = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
}

@main
struct ServingCompare {
    static func main() async throws {
        let arguments = Arguments()
        let model = try Model(graph: BenchmarkModels.mlpGraph())
        let server = ModelServer()
        try await server.deploy(model, name: "direct", version: 1)
        try await server.deploy(
            model, name: "batched", version: 1,
            batching: BatchingPolicy(
                maxBatchSize: Int(ProcessInfo.processInfo.environment["SERVING_MAX_BATCH"] ?? "") ?? 32,
                maxQueueDelay: .microseconds(Int(ProcessInfo.processInfo.environment["SERVING_DELAY_US"] ?? "") ?? 100),
                maxQueueSize: 4096)
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
            // Overhead: alternating blocks of raw predicts and infers, so that both see the same
            // machine; the median of the per-block differences.
            var raws: [Double] = []
            var serveds: [Double] = []
            let block = max(1000, arguments.calls / 20)
            _ = try await timeInfer(calls: block, server, request)
            for _ in 0..<20 {
                raws.append(
                    try row.withUnsafeBufferPointer { rows in
                        try timeSync(calls: block, runs: 1) { try model.predict(rows, rowCount: 1, into: buffers) }
                    })
                serveds.append(try await timeInfer(calls: block, server, request, runs: 1))
            }
            let raw = median(raws)
            let served = median(serveds)
            let overhead = median(zip(serveds, raws).map { $0 - $1 })
            record("infer_ns", served)
            record("overhead_ns", overhead)
            print(
                "rep \(rep): raw predict \(format(raw, 0)) ns, infer \(format(served, 0)) ns, overhead \(format(overhead, 0)) ns"
            )
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
                        + "p50 \(format(result.p50, 1)) µs, p99 \(format(result.p99, 1)) µs, \(result.errors) errors, "
                        + "\(result.dropped) dropped")
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
