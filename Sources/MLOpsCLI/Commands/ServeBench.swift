import MLOps
import Synchronization

/// The load `mlops serve-bench` puts on a `ModelServer`: `concurrency` tasks, each sending
/// one-row requests with seeded synthetic inputs back to back for `seconds`, measured by the
/// caller (from before `infer` to after it returns).
struct ServeBench: Sendable {
    /// The server under load; the model must be deployed and routed.
    let server: ModelServer
    /// The served model's name.
    let model: String
    /// One request's inputs, made by ``syntheticInputs(for:seed:)``.
    let inputs: [NamedTensor]
    /// Concurrent callers.
    let concurrency: Int
    /// How long to measure, after a 0.2 s warm-up.
    let seconds: Double

    /// What one run measured.
    struct Report: Sendable {
        /// Requests answered without error, per second.
        var requestsPerSecond: Double
        /// Latency percentiles over every successful request, in microseconds.
        var latencyP50Microseconds: Double
        var latencyP90Microseconds: Double
        var latencyP99Microseconds: Double
        /// Requests that failed, by error code.
        var errors: [String: Int]
        /// Requests answered.
        var requests: Int
        /// The measured time, in seconds.
        var seconds: Double

        /// All failed requests.
        var errorCount: Int { errors.values.reduce(0, +) }
    }

    /// One caller's tally.
    private struct Tally: Sendable {
        var sampler: LatencySampler
        var errors: [String: Int] = [:]
    }

    /// Runs the warm-up, then the measured load.
    func run() async throws -> Report {
        _ = try await drive(until: Platform.monotonicNanoseconds() &+ 200_000_000, seedBase: 1_000)
        let started = Platform.monotonicNanoseconds()
        let deadline = started &+ Int(seconds * 1e9)
        let tallies = try await drive(until: deadline, seedBase: 0)
        let elapsed = Double(Platform.monotonicNanoseconds() &- started) / 1e9
        let samplers = tallies.map(\.sampler)
        let answered = samplers.reduce(0) { $0 + $1.callCount }
        let errors = tallies.reduce(into: [String: Int]()) { total, tally in
            total.merge(tally.errors, uniquingKeysWith: +)
        }
        let levels = LatencySampler.percentiles([0.5, 0.9, 0.99], of: samplers) ?? [0, 0, 0]
        return Report(
            requestsPerSecond: Double(answered) / elapsed, latencyP50Microseconds: levels[0] / 1e3,
            latencyP90Microseconds: levels[1] / 1e3, latencyP99Microseconds: levels[2] / 1e3, errors: errors,
            requests: answered + errors.values.reduce(0, +), seconds: elapsed)
    }

    /// `concurrency` callers sending requests until `deadline` (monotonic nanoseconds).
    private func drive(until deadline: Int, seedBase: UInt64) async throws -> [Tally] {
        let request = InferenceRequest(model: model, inputs: inputs)
        let server = server
        return try await withThrowingTaskGroup(of: Tally.self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    var tally = Tally(sampler: LatencySampler(capacity: 100_000, seed: seedBase &+ UInt64(caller)))
                    // Every caller sends at least one request, even if it starts after the deadline.
                    repeat {
                        let start = Platform.monotonicNanoseconds()
                        do {
                            _ = try await server.infer(request)
                            tally.sampler.record(Int(Platform.monotonicNanoseconds() &- start))
                        } catch let error as MLOpsError {
                            tally.errors[error.code.rawValue, default: 0] += 1
                        }
                    } while Platform.monotonicNanoseconds() < deadline
                    return tally
                }
            }
            var tallies: [Tally] = []
            for try await tally in group { tallies.append(tally) }
            return tallies
        }
    }

    /// One row of seeded synthetic values for each input of `signature`: standard normal values
    /// for `float32`/`float64`, 0…9 for `int64`, alternating for `bool`.
    ///
    /// - Throws: `MLOpsError` `unsupported` for a string input, or a dimension other than the
    ///   batch dimension that is not fixed; the message names the input.
    static func syntheticInputs(for signature: ModelSignature, seed: UInt64) throws -> [NamedTensor] {
        var random = SeededRandom(seed: seed)
        return try signature.inputs.map { input in
            let shape = try (input.shape ?? [.batch]).enumerated().map { position, dimension in
                switch dimension {
                case .fixed(let size): return size
                case .batch: return 1
                case .unknown:
                    guard position == 0 else {
                        throw MLOpsError(
                            .unsupported,
                            "serve-bench cannot make values for input '\(input.name)': dimension \(position) "
                                + "has no fixed size",
                            value: input.description)
                    }
                    return 1
                }
            }
            let count = shape.reduce(1, *)
            let tensor: Tensor
            switch input.elementType {
            case .float32:
                tensor = try Tensor(
                    shape: shape, float32: (0..<count).map { _ in Float(random.normal(mean: 0, standardDeviation: 1)) })
            case .float64:
                tensor = try Tensor(
                    shape: shape, float64: (0..<count).map { _ in random.normal(mean: 0, standardDeviation: 1) })
            case .int64:
                tensor = try Tensor(shape: shape, int64: (0..<count).map { _ in Int64(random.int(in: 0..<10)) })
            case .bool:
                tensor = try Tensor(shape: shape, bool: (0..<count).map { $0 % 2 == 0 })
            case .string:
                throw MLOpsError(
                    .unsupported,
                    "serve-bench makes numeric inputs only; input '\(input.name)' is \(input.elementType)",
                    value: input.description)
            }
            return NamedTensor(name: input.name, tensor: tensor)
        }
    }
}
