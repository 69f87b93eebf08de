import Synchronization
import MLOps

/// Measures a model's buffer `predict` — the runtime alone, not table conversion — as
/// `mlops bench` reports it: latency percentiles per call and rows per second.
///
/// The inputs are seeded random rows (standard normal, so the same on every run and machine) of
/// the model's feature width, `Float` or `Double` as its input type says (tree models take
/// `Double` rows). Several batches' worth of rows are made and the calls cycle through them, so a
/// batch-1 run does not predict the same row again and again. Each caller has its own output
/// buffers; after one call to prepare the batch size, nothing is allocated while measuring.
///
/// What a caller must know: ``run()`` blocks its thread for the warm-up plus `seconds`, and with
/// `threads > 1` starts that many threads (each a concurrent caller of the one model) and waits
/// for them.
struct Benchmark: Sendable {
    /// What one run measured.
    struct Report: Sendable, Equatable {
        /// Rows predicted per second, over all threads.
        var rowsPerSecond: Double
        /// The median latency of one call, in microseconds.
        var latencyP50Microseconds: Double
        /// The 90th percentile latency of one call, in microseconds.
        var latencyP90Microseconds: Double
        /// The 99th percentile latency of one call, in microseconds.
        var latencyP99Microseconds: Double
        /// Rows per call.
        var batch: Int
        /// Concurrent callers.
        var threads: Int
        /// Measured calls, over all threads.
        var callCount: Int
        /// The measured time span, in seconds.
        var seconds: Double
        /// The kernels' instruction set, e.g. `avx512+sha`.
        var isa: String
    }

    /// The random input rows, in the element type the model takes.
    enum Rows: Sendable {
        case float([Float])
        case double([Double])
    }

    /// The most latency samples kept over all threads; beyond, each thread keeps a reservoir.
    static let maxSamples = 1_000_000
    /// The most bytes of inputs, or of outputs over all threads, a run may allocate.
    static let maxBufferBytes = 1 << 30
    /// Rows made for small batches, so that calls cycle through different rows.
    static let inputPoolRows = 4096

    /// The model measured.
    let model: Model
    /// Rows per call.
    let batch: Int
    /// Concurrent callers.
    let threads: Int
    /// How long to measure, in seconds.
    let seconds: Double
    /// How long each caller runs before measuring, in seconds (at least one call is made).
    let warmupSeconds: Double
    /// Values per row.
    let featureCount: Int
    /// The input pool: `copies` batches of rows, row-major.
    let rows: Rows
    /// Batches in ``rows``.
    let copies: Int
    /// The size in bytes of each output buffer for one batch, in signature order.
    let outputBytes: [Int]

    /// Prepares a run: works out the model's feature width and input type and makes the inputs.
    ///
    /// - Throws: `MLOpsError` `unsupported` for a graph with several inputs or an input that is
    ///   not `float32` or `float64`, or whose width is not declared; `limitExceeded` when the
    ///   buffers would exceed ``maxBufferBytes``; the model's errors for the batch size.
    init(model: Model, batch: Int, threads: Int, seconds: Double, warmupSeconds: Double = 0.2, seed: UInt64 = 42)
        throws
    {
        precondition(batch > 0 && threads > 0 && seconds > 0 && warmupSeconds >= 0)
        self.model = model
        self.batch = batch
        self.threads = threads
        self.seconds = seconds
        self.warmupSeconds = warmupSeconds
        let usesFloat: Bool
        if let ensemble = model.treeEnsemble {
            featureCount = ensemble.featureCount
            usesFloat = false
        } else {
            (featureCount, usesFloat) = try Self.graphInput(model.signature)
        }
        copies = max(1, Self.inputPoolRows / batch)
        let elementBytes = usesFloat ? MemoryLayout<Float>.stride : MemoryLayout<Double>.stride
        let (rowCount, rowOverflow) = batch.multipliedReportingOverflow(by: copies)
        let (count, countOverflow) = rowCount.multipliedReportingOverflow(by: max(featureCount, 1))
        guard !rowOverflow, !countOverflow, count <= Self.maxBufferBytes / elementBytes else {
            throw MLOpsError(
                .limitExceeded,
                "batch \(batch) of \(featureCount) features needs more than \(Self.maxBufferBytes >> 20) MiB of "
                    + "inputs; use a smaller --batch", value: String(batch))
        }
        var random = SeededRandom(seed: seed)
        let values = (0..<count).map { _ in random.normal() }
        rows = usesFloat ? .float(values.map { Float($0) }) : .double(values)
        let elementCounts = try model.outputElementCounts(rowCount: batch)
        var total = 0
        var sizes: [Int] = []
        for (info, elements) in zip(model.signature.outputs, elementCounts) {
            let size = model.treeEnsemble != nil ? MemoryLayout<Double>.stride : Self.byteSize(info.elementType)
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: size)
            let (sum, sumOverflow) = total.addingReportingOverflow(bytes.multipliedReportingOverflow(by: threads).0)
            guard !overflow, !sumOverflow, sum <= Self.maxBufferBytes else {
                throw MLOpsError(
                    .limitExceeded,
                    "batch \(batch) on \(threads) threads needs more than \(Self.maxBufferBytes >> 20) MiB of "
                        + "outputs; use a smaller --batch or fewer --threads", value: String(batch))
            }
            total = sum
            sizes.append(bytes)
        }
        outputBytes = sizes
    }

    /// The width and type (`true` for `float32`) of a graph's single input.
    static func graphInput(_ signature: ModelSignature) throws -> (width: Int, usesFloat: Bool) {
        guard signature.inputs.count == 1, let input = signature.inputs.first else {
            let names = signature.inputs.map(\.name).joined(separator: ", ")
            throw MLOpsError(
                .unsupported,
                "mlops bench drives models with one input; this one has \(signature.inputs.count) (\(names))",
                value: String(signature.inputs.count))
        }
        let usesFloat: Bool
        switch input.elementType {
        case .float32: usesFloat = true
        case .float64: usesFloat = false
        default:
            throw MLOpsError(
                .unsupported,
                "mlops bench makes float32 or float64 inputs; the model's input \(input.name) is "
                    + "\(input.elementType)", value: input.name)
        }
        let shape = input.shape ?? []
        if shape.count == 1 { return (1, usesFloat) }
        var width = 1
        for dimension in shape.dropFirst() {
            guard case .fixed(let n) = dimension else {
                width = 0
                break
            }
            width *= n
        }
        if width == 0 || shape.isEmpty { width = signature.featureNames.count }
        guard width > 0 else {
            throw MLOpsError(
                .unsupported,
                "the model's input \(input.name) does not declare how many features a row has, so mlops bench "
                    + "cannot make inputs for it", value: input.name)
        }
        return (width, usesFloat)
    }

    /// The bytes of one element of `type` in an output buffer.
    static func byteSize(_ type: ElementType) -> Int {
        switch type {
        case .float32: MemoryLayout<Float>.stride
        case .bool: MemoryLayout<Bool>.stride
        default: 8
        }
    }

    /// One caller's measurement: its samples and the monotonic times its measured calls spanned.
    struct Lane: Sendable {
        var sampler: LatencySampler
        var start: Int
        var end: Int
    }

    /// What each thread of a multi-threaded run reported, by thread index.
    private final class Outcomes: Sendable {
        let slots = Mutex<[Int: Result<Lane, any Error>]>([:])
    }

    /// Warms up, measures for ``seconds`` on ``threads`` callers and reports.
    ///
    /// - Throws: the model's errors (the first call, on the calling thread, checks the buffers);
    ///   `MLOpsError` `limitExceeded` if the system refuses a thread.
    func run() throws -> Report {
        // One call on this thread first: a model error surfaces here, before any thread starts.
        _ = try withOutputs { outputs in try predictLoop(call: 0, outputs, until: 0, sampler: nil) }
        let measureStart = Platform.monotonicNanoseconds() + Int(warmupSeconds * 1e9)
        let measureEnd = measureStart + max(1, Int(seconds * 1e9))
        let capacity = max(1, Self.maxSamples / threads)
        var lanes: [Lane] = []
        if threads == 1 {
            lanes.append(try lane(index: 0, warmUntil: measureStart, until: measureEnd, capacity: capacity))
        } else {
            let outcomes = Outcomes()
            var started: [Platform.JoinableThread] = []
            for index in 0..<threads {
                let thread = Platform.JoinableThread.start {
                    let outcome = Result {
                        try lane(index: index, warmUntil: measureStart, until: measureEnd, capacity: capacity)
                    }
                    outcomes.slots.withLock { $0[index] = outcome }
                }
                guard let thread else { break }
                started.append(thread)
            }
            for thread in started { thread.join() }
            guard started.count == threads else {
                throw MLOpsError(
                    .limitExceeded, "the system refused to start thread \(started.count + 1) of \(threads)",
                    value: String(threads))
            }
            let results = outcomes.slots.withLock { $0 }
            for index in 0..<threads {
                guard let outcome = results[index] else {
                    throw MLOpsError(.invalidState, "benchmark thread \(index) reported nothing", value: String(index))
                }
                lanes.append(try outcome.get())
            }
        }
        let levels = LatencySampler.percentiles([0.5, 0.9, 0.99], of: lanes.map(\.sampler)) ?? [0, 0, 0]
        let calls = lanes.reduce(0) { $0 + $1.sampler.callCount }
        let first = lanes.map(\.start).min() ?? 0
        let last = lanes.map(\.end).max() ?? 0
        let window = Double(max(1, last - first)) / 1e9
        return Report(
            rowsPerSecond: Double(calls) * Double(batch) / window, latencyP50Microseconds: levels[0] / 1000,
            latencyP90Microseconds: levels[1] / 1000, latencyP99Microseconds: levels[2] / 1000, batch: batch,
            threads: threads, callCount: calls, seconds: window, isa: KernelISA.current.description)
    }

    /// One caller: warms up until `warmUntil` (at least one call), then measures calls until
    /// `end` (at least one call).
    private func lane(index: Int, warmUntil: Int, until end: Int, capacity: Int) throws -> Lane {
        try withOutputs { outputs in
            // Callers start at different batches of the pool.
            let offset = index * max(1, copies / threads)
            let call = try predictLoop(call: offset, outputs, until: warmUntil, sampler: nil)
            var sampler = LatencySampler(capacity: capacity, seed: UInt64(index) &+ 1)
            let start = Platform.monotonicNanoseconds()
            _ = try predictLoop(call: call, outputs, until: end, sampler: &sampler)
            return Lane(sampler: sampler, start: start, end: Platform.monotonicNanoseconds())
        }
    }

    /// Calls predict on successive batches of the pool, from batch `call`, until the monotonic
    /// clock passes `deadline` (at least once), recording each call's time in `sampler` if given.
    /// Returns the next batch number.
    private func predictLoop(
        call: Int, _ outputs: [UnsafeMutableRawBufferPointer], until deadline: Int,
        sampler: UnsafeMutablePointer<
            LatencySampler
        >?
    ) throws -> Int {
        switch rows {
        case .float(let values):
            return try values.withUnsafeBufferPointer { pool in
                try loop(pool, from: call, until: deadline, sampler: sampler) { rows in
                    try model.predict(rows, rowCount: batch, into: outputs)
                }
            }
        case .double(let values):
            return try values.withUnsafeBufferPointer { pool in
                try loop(pool, from: call, until: deadline, sampler: sampler) { rows in
                    try model.predict(rows, rowCount: batch, into: outputs)
                }
            }
        }
    }

    /// The timed loop of ``predictLoop(call:_:until:sampler:)`` over one element type. Each
    /// call's time runs from the end of the previous call, so the samples add up to the elapsed time.
    private func loop<Element>(
        _ pool: UnsafeBufferPointer<Element>, from first: Int, until deadline: Int,
        sampler: UnsafeMutablePointer<LatencySampler>?, _ predict: (UnsafeBufferPointer<Element>) throws -> Void
    ) throws -> Int {
        let stride = batch * featureCount
        var call = first
        var previous = Platform.monotonicNanoseconds()
        var now: Int
        repeat {
            let offset = (call % copies) * stride
            try predict(UnsafeBufferPointer(rebasing: pool[offset..<offset + stride]))
            call &+= 1
            now = Platform.monotonicNanoseconds()
            sampler?.pointee.record(now - previous)
            previous = now
        } while now < deadline
        return call
    }

    /// Runs `body` with freshly allocated output buffers for one batch, freed afterwards.
    private func withOutputs<T>(_ body: ([UnsafeMutableRawBufferPointer]) throws -> T) throws -> T {
        let outputs = outputBytes.map {
            UnsafeMutableRawBufferPointer.allocate(byteCount: max($0, 1), alignment: 64)
        }
        defer { for buffer in outputs { buffer.deallocate() } }
        return try body(outputs)
    }
}
