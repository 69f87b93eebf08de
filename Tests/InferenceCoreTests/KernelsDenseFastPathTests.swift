@testable import InferenceCore
import MLOpsCore
import Testing

/// The dense-model fast paths: the register epilogue of the micro-kernels (alpha, C, bias and ReLU applied to
/// whole tiles before they are stored) and the shapes of a dense layer at large batch.
@Suite("Kernels: dense fast paths")
struct KernelsDenseFastPathTests {
    /// Shapes with several whole register tiles (12×32 in the AVX-512 build, 6×16 / 6×8 otherwise) plus
    /// ragged edges in every dimension, and depths on both sides of the K block.
    static let shapes: [(Int, Int, Int)] = [
        (12, 32, 1), (24, 64, 64), (25, 70, 257), (37, 96, 300), (97, 101, 33), (13, 33, 512), (48, 32, 7),
    ]

    @Test("whole tiles finished in registers match the reference for every alpha/beta/bias/activation")
    func registerEpilogue() {
        let scalars: [(Float, Float)] = [(1, 0), (2.5, 0), (1, 1), (-1, 0.5), (0.5, -2)]
        var seed: UInt64 = 10
        for (m, n, k) in Self.shapes {
            for (alpha, beta) in scalars {
                seed += 1
                // Each shape sees every activation and both bias settings across its alpha/beta variants.
                let activation = [Activation.identity, .relu, .sigmoid][Int(seed % 3)]
                let bias = seed % 2 == 0
                GEMMCase(m: m, n: n, k: k, alpha: alpha, beta: beta, bias: bias, activation: activation)
                    .check(seed: seed)
                GEMMCase(
                    m: m, n: n, k: k, transB: true, alpha: alpha, beta: beta, padding: 3, bias: !bias,
                    activation: activation
                ).check(packed: true, seed: seed)
            }
            // A transposed A is packed; the packed micro-kernel shares the register epilogue.
            GEMMCase(m: m, n: n, k: k, transA: true, beta: 1, bias: true, activation: .relu).check(seed: seed)
            GEMMCase(m: m, n: n, k: k, transA: true, alpha: 0.25, bias: true, activation: .relu)
                .check(packed: true, seed: seed)
        }
    }

    @Test("beta = 0 never reads C on whole tiles (NaN in C is ignored); ReLU keeps NaN products")
    func overwriteIgnoresC() {
        let m = 26
        let n = 70
        let k = 300
        var random = KernelTestRandom(seed: 99)
        var a = random.floats(m * k)
        let b = random.floats(k * n)
        a[5 * k + 7] = .nan  // row 5 becomes NaN everywhere
        var c = [Float](repeating: .nan, count: m * n)
        let packed = b.withUnsafeBufferPointer { PackedMatrix(rows: k, columns: n, source: $0.baseAddress!) }
        for usePacked in [false, true] {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        c.update(repeating: .nan)
                        if usePacked {
                            Kernels.sgemm(
                                m: m, a: a.baseAddress!, lda: k, b: packed, c: c.baseAddress!, ldc: n, activation: .relu
                            )
                        } else {
                            Kernels.sgemm(
                                m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                                c: c.baseAddress!, ldc: n, activation: .relu)
                        }
                    }
                }
            }
            for i in 0..<m {
                for j in 0..<n {
                    if i == 5 {
                        #expect(c[i * n + j].isNaN, "packed=\(usePacked) C[\(i),\(j)] should be NaN")
                    } else {
                        #expect(c[i * n + j] >= 0, "packed=\(usePacked) C[\(i),\(j)] = \(c[i * n + j])")
                    }
                }
            }
        }
    }

    @Test("one-row kernel with a narrow last panel (its 16-wide copy) for batch 1-3")
    func narrowTailPanel() {
        // Tails of 1, 10, 16 columns use the narrow copy in the AVX-512 build; 17 does not; K above one K block.
        var seed: UInt64 = 500
        for n in [1, 10, 16, 17, 33, 42, 48, 49] {
            for k in [1, 3, 64, 301] {
                for m in [1, 2, 3] {
                    seed += 1
                    GEMMCase(m: m, n: n, k: k, bias: seed % 2 == 0, activation: .relu).check(packed: true, seed: seed)
                    GEMMCase(m: m, n: n, k: k, transB: true, alpha: 1.5, beta: 0.5, padding: 2, bias: true)
                        .check(packed: true, seed: seed)
                }
            }
        }
    }

    @Test("packed matrices with a narrow last panel unpack to the logical matrix")
    func narrowTailRoundTrip() throws {
        var random = KernelTestRandom(seed: 7)
        for (rows, columns) in [(5, 10), (300, 42), (1, 1)] {
            let values = random.floats(rows * columns)
            let packed = try PackedMatrix(rows: rows, columns: columns, values: values)
            #expect(packed.unpacked() == (try Matrix(rows: rows, columns: columns, values: values)))
            #expect(packed.byteCount >= rows * columns * 4)
        }
    }

    @Test("dense-layer shapes of an MLP at large batch, one thread and a pool")
    func mlpLayerShapes() {
        let pool = WorkerPool(threadCount: 2, spinMicroseconds: 50)
        for (n, k) in [(256, 64), (256, 256), (10, 256)] {
            GEMMCase(m: 37, n: n, k: k, bias: true, activation: .relu).check(packed: true, seed: UInt64(n + k))
            GEMMCase(m: 121, n: n, k: k, bias: true).check(packed: true, pool: pool, seed: UInt64(n * k))
        }
    }
}
