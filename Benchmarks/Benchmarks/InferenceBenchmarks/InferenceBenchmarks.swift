import Benchmark
import CompareSupport
import InferenceCore
import MLOpsCore

// InferenceCore's benchmarks (issue 3): an MLP 64→256→256→10 at batch 1 (latency
// distribution), 256 and 4096 (rows/s) on 1 and 2 threads; SGEMM 1024³ (GFLOPS); a GBDT of
// 100 depth-6 trees on 20 features at batch 1 and 100,000 rows. Every predict goes through
// the allocation-free buffer entry point, and every benchmark carries a zero-tolerance
// `mallocCountTotal` threshold: after the warm-up iterations a predict allocates nothing.
// Build with `MLOPS_NATIVE=1` for the FMA/AVX-512 kernels (see Documentation/Performance.md).

/// Rows (or, for SGEMM, floating-point operations) per second of one iteration, measured
/// around the call itself.
let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)
/// SGEMM speed of one iteration, 2·m·n·k / seconds / 10⁹.
let gflops = BenchmarkMetric.custom("GFLOPS", polarity: .prefersLarger, useScalingFactor: false)

/// Seconds taken by `body` (monotonic clock; no allocation).
@inline(__always)
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// Caller-owned input and output buffers, allocated once and kept for the process.
struct Buffers {
    let input: UnsafeMutableBufferPointer<Float>
    let output: UnsafeMutableBufferPointer<Float>

    init(input values: [Float], outputCount: Int) {
        input = .allocate(capacity: values.count)
        _ = input.initialize(from: values)
        output = .allocate(capacity: outputCount)
        output.initialize(repeating: 0)
    }
}

/// Registers a benchmark of `model.predict` on `buffers` at `batch` rows: at batch 1 every
/// iteration is one call (the percentiles are per-call latencies); larger batches also record
/// rows/s measured around the call.
func predictBenchmark(
    _ name: String, model: CompiledModel, buffers: Buffers, batch: Int, warmupIterations: Int = 20,
    maxDuration: Duration = .seconds(3), maxIterations: Int
) {
    let metrics: [BenchmarkMetric] =
        batch == 1 ? [.wallClock, .throughput, .mallocCountTotal] : [.wallClock, rowsPerSecond, .mallocCountTotal]
    Benchmark(
        name,
        configuration: .init(
            metrics: metrics, warmupIterations: warmupIterations, maxDuration: maxDuration,
            maxIterations: maxIterations)
    ) { benchmark in
        let input = UnsafeBufferPointer(buffers.input)
        if batch == 1 {
            try model.predict(input, batchSize: 1, into: buffers.output)
        } else {
            let time = try seconds { try model.predict(input, batchSize: batch, into: buffers.output) }
            benchmark.measurement(rowsPerSecond, Int(Double(batch) / time))
        }
        blackHole(buffers.output[0])
    }
}

let benchmarks: @Sendable () -> Void = {
    let noAllocations: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict)
    ]
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 20,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000,
        thresholds: noAllocations
    )

    let built: (mlp: ModelGraph, ensemble: TreeEnsemble)
    do {
        let ensemble = try BenchmarkModels.gbdtEnsemble()
        built = (try BenchmarkModels.mlpGraph(), ensemble)
    } catch {
        Benchmark("model setup") { benchmark in benchmark.error("building the models failed: \(error)") }
        return
    }
    let pools: [(label: String, pool: WorkerPool?)] = [("1 thread", nil), ("2 threads", WorkerPool(threadCount: 2))]
    let widths = BenchmarkModels.mlpWidths

    // MLP: batch 1 latency (one call per iteration: the percentiles are per-call latencies),
    // batch 256 and 4096 throughput (one call per iteration, rows/s per call).
    for (label, pool) in pools {
        let model: CompiledModel
        do {
            model = try built.mlp.compile(options: CompileOptions(prepareBatchSizes: [1, 256, 4096], pool: pool))
        } catch {
            Benchmark("MLP compile (\(label))") { benchmark in benchmark.error("compile failed: \(error)") }
            continue
        }
        for batch in [1, 256, 4096] {
            let buffers = Buffers(
                input: BenchmarkModels.normals(batch * widths[0], seed: 1 + UInt64(batch)),
                outputCount: batch * widths[3])
            predictBenchmark(
                "MLP 64-256-256-10 batch \(batch) (\(label))", model: model, buffers: buffers, batch: batch,
                maxIterations: batch == 1 ? 1_000_000 : 10_000)
        }
    }

    // SGEMM 1024³, C = A·B, row-major, unpacked operands (as numpy.matmul gets them).
    let n = 1024
    let a = Buffers(input: BenchmarkModels.normals(n * n, seed: 11), outputCount: n * n)
    let b = BenchmarkModels.normals(n * n, seed: 12)
    for (label, pool) in pools {
        Benchmark(
            "SGEMM 1024x1024x1024 (\(label))",
            configuration: .init(
                metrics: [.wallClock, gflops, .mallocCountTotal], warmupIterations: 3, maxIterations: 200)
        ) { benchmark in
            let time = seconds {
                b.withUnsafeBufferPointer { bp in
                    guard let ap = a.input.baseAddress, let bp = bp.baseAddress, let cp = a.output.baseAddress else {
                        return
                    }
                    Kernels.sgemm(m: n, n: n, k: n, a: ap, lda: n, b: bp, ldb: n, c: cp, ldc: n, pool: pool)
                }
            }
            benchmark.measurement(gflops, Int(2 * Double(n * n * n) / time / 1e9))
            blackHole(a.output[0])
        }
    }

    // GBDT, 100 trees of depth 6, 20 features: through a compiled one-node graph (the product
    // path) at batch 1 and 100,000 rows, and the ensemble's own predict at batch 1. Tree
    // ensembles run on the calling thread (they do not use the compile options' pool).
    let features = BenchmarkModels.gbdtFeatures
    let gbdt: CompiledModel
    do {
        gbdt = try BenchmarkModels.gbdtGraph(built.ensemble).compile(
            options: CompileOptions(prepareBatchSizes: [1, 100_000], pool: nil))
    } catch {
        Benchmark("GBDT compile") { benchmark in benchmark.error("compile failed: \(error)") }
        return
    }
    for batch in [1, 100_000] {
        let buffers = Buffers(input: BenchmarkModels.normals(batch * features, seed: 21), outputCount: batch)
        predictBenchmark(
            "GBDT 100x depth 6 batch \(batch) (1 thread)", model: gbdt, buffers: buffers, batch: batch,
            warmupIterations: batch == 1 ? 20 : 3, maxDuration: .seconds(batch == 1 ? 3 : 6),
            maxIterations: batch == 1 ? 1_000_000 : 1_000)
    }
    let row = Buffers(input: BenchmarkModels.normals(features, seed: 21), outputCount: 1)
    let ensemble = built.ensemble
    Benchmark("GBDT 100x depth 6 batch 1, TreeEnsemble.predict (1 thread)") { _ in
        try ensemble.predict(UnsafeBufferPointer(row.input), rowCount: 1, transformed: row.output)
        blackHole(row.output[0])
    }
}
