@testable import InferenceCore
import MLOpsCore
import Testing

/// A deterministic generator so failures reproduce (SplitMix64).
struct KernelTestRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float in [-1, 1).
    mutating func float() -> Float {
        Float(next() >> 40) / Float(1 << 23) - 1
    }

    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in float() }
    }
}

/// One SGEMM problem with its operands stored the way the flags say.
struct GEMMCase: CustomStringConvertible {
    var m: Int
    var n: Int
    var k: Int
    var transA = false
    var transB = false
    var alpha: Float = 1
    var beta: Float = 0
    var padding = 0
    var bias = false
    var activation: Activation = .identity

    var description: String {
        "\(m)×\(n)×\(k) tA=\(transA) tB=\(transB) α=\(alpha) β=\(beta) pad=\(padding) bias=\(bias) \(activation)"
    }

    var lda: Int { (transA ? m : k) + padding }
    var ldb: Int { (transB ? k : n) + padding }
    var ldc: Int { n + padding }

    /// Runs `Kernels.sgemm` (raw or packed B) and checks every element against a double-precision reference.
    ///
    /// `config` picks the kernels (default: the process's level). The tolerance is relative to the sum of
    /// the magnitudes of the products: fused multiply-add (AVX2, AVX-512) and separate multiply and add
    /// (baseline) round differently, so levels agree with each other to about 1e-6·k relative, not bitwise.
    func check(
        packed: Bool = false, pool: WorkerPool? = nil, seed: UInt64 = 1, config: KernelConfig = .current
    ) {
        var random = KernelTestRandom(seed: seed)
        let a = random.floats(max(1, (transA ? k : m) * lda))
        let b = random.floats(max(1, (transB ? n : k) * ldb))
        let biasValues = random.floats(max(1, n))
        let initialC = random.floats(max(1, m * ldc))
        var c = initialC
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                biasValues.withUnsafeBufferPointer { biasPointer in
                    c.withUnsafeMutableBufferPointer { c in
                        let biasArgument = bias ? biasPointer.baseAddress : nil
                        if packed {
                            let packedB = PackedMatrix(
                                rows: k, columns: n, source: b.baseAddress!, leadingDimension: ldb, transposed: transB,
                                config: config)
                            Kernels.sgemm(
                                transposeA: transA, m: m, alpha: alpha, a: a.baseAddress!, lda: lda, b: packedB,
                                beta: beta, c: c.baseAddress!, ldc: ldc, bias: biasArgument, activation: activation,
                                pool: pool)
                        } else {
                            Kernels.sgemm(
                                config: config, transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: alpha,
                                a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, beta: beta, c: c.baseAddress!,
                                ldc: ldc, bias: biasArgument, activation: activation, pool: pool)
                        }
                    }
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                var magnitude = 0.0
                for p in 0..<k {
                    let av = Double(transA ? a[p * lda + i] : a[i * lda + p])
                    let bv = Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += av * bv
                    magnitude += Swift.abs(av * bv)
                }
                var expected = Double(alpha) * sum
                if beta != 0 { expected += Double(beta) * Double(initialC[i * ldc + j]) }
                if bias { expected += Double(biasValues[j]) }
                expected = referenceActivation(activation, expected)
                let actual = Double(c[i * ldc + j])
                let tolerance = 1e-6 * Double(k + 4) * (magnitude * Double(Swift.abs(alpha)) + 2) + 1e-6
                #expect(
                    Swift.abs(actual - expected) <= tolerance,
                    "\(self) packed=\(packed) \(config.name) C[\(i),\(j)] = \(actual), expected \(expected)")
                if Swift.abs(actual - expected) > tolerance { return }
            }
            // Padding columns of C are never written.
            for j in n..<ldc {
                #expect(c[i * ldc + j].bitPattern == initialC[i * ldc + j].bitPattern, "\(self) wrote padding")
            }
        }
    }
}

func referenceActivation(_ activation: Activation, _ x: Double) -> Double {
    switch activation {
    case .identity: return x
    case .relu: return x < 0 ? 0 : x
    case .sigmoid: return 1 / (1 + referenceExp(-x))
    case .tanh: return referenceTanh(x)
    }
}

@Suite("Kernels: SGEMM and GEMV")
struct KernelsGEMMTests {
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (3, 5, 7), (17, 33, 65), (128, 1, 64), (1, 300, 70), (2, 77, 9), (5, 40, 3), (13, 16, 32),
        (25, 31, 1), (7, 2, 300), (40, 35, 260),
    ]

    @Test("SGEMM matches a double-precision triple loop for every shape and transpose")
    func shapesAndTransposes() {
        for (m, n, k) in Self.shapes {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                GEMMCase(m: m, n: n, k: k, transA: transA, transB: transB).check()
            }
        }
    }

    @Test("SGEMM with a pre-packed B matches the reference", arguments: [false, true])
    func packedB(transposedWeights: Bool) {
        for (m, n, k) in Self.shapes {
            GEMMCase(m: m, n: n, k: k, transA: false, transB: transposedWeights).check(packed: true)
            GEMMCase(m: m, n: n, k: k, transA: true, transB: transposedWeights, padding: 3).check(packed: true)
        }
    }

    @Test("alpha and beta variants, padded leading dimensions")
    func alphaBeta() {
        for (alpha, beta) in [(Float(1), Float(1)), (2.5, 0), (-1, 0.5), (0.5, -2), (1, 1e-3)] {
            for (m, n, k) in [(3, 5, 7), (17, 33, 65), (1, 40, 20), (30, 9, 300)] {
                GEMMCase(m: m, n: n, k: k, alpha: alpha, beta: beta, padding: 2).check()
                GEMMCase(m: m, n: n, k: k, transA: true, alpha: alpha, beta: beta, padding: 5).check(packed: true)
            }
        }
    }

    @Test("fused bias and activation epilogue", arguments: Activation.allCases)
    func epilogue(activation: Activation) {
        for (m, n, k) in [(1, 10, 64), (2, 300, 33), (17, 33, 65), (40, 20, 300)] {
            GEMMCase(m: m, n: n, k: k, bias: true, activation: activation).check()
            GEMMCase(m: m, n: n, k: k, beta: 1, bias: true, activation: activation).check(packed: true)
            GEMMCase(m: m, n: n, k: k, transB: true, bias: false, activation: activation).check()
        }
    }

    @Test("blocks larger than one cache block in every dimension")
    func crossesCacheBlocks() {
        // n > NC (2048) with a few rows; k > KC (256); m > MC (96).
        GEMMCase(m: 7, n: 2_100, k: 3).check()
        GEMMCase(m: 7, n: 2_100, k: 3, transB: true, beta: 1).check(packed: true)
        GEMMCase(m: 100, n: 20, k: 530, alpha: 0.5, beta: 2).check()
        // lda = 1024: rows 4 KiB apart make SGEMM pack A instead of reading it in place.
        GEMMCase(m: 13, n: 70, k: 1_000, padding: 24).check()
    }

    @Test("threaded SGEMM on a pool gives the same results")
    func pooled() {
        // Each shape is just above the size at which SGEMM hands work to the pool (2·m·n·k ≥ 2²¹), one per
        // path: packed tiles split by rows, tiles split by panels, and the one-row kernel split by panels.
        let pool = WorkerPool(threadCount: 3, spinMicroseconds: 50)
        GEMMCase(m: 110, n: 100, k: 100, beta: 0.5, bias: true, activation: .relu).check(pool: pool)
        GEMMCase(m: 110, n: 100, k: 100, transA: true, transB: true).check(pool: pool)
        GEMMCase(m: 110, n: 100, k: 100).check(packed: true, pool: pool)
        GEMMCase(m: 13, n: 700, k: 120, transB: true).check(pool: pool)
        GEMMCase(m: 2, n: 2_100, k: 260).check(pool: pool)
        GEMMCase(m: 1, n: 2_100, k: 500, bias: true, activation: .tanh).check(packed: true, pool: pool)
    }

    @Test("beta = 0 ignores NaN in C; alpha = 0 and k = 0 skip the product")
    func specialScalars() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]  // 2 × 3
        let b: [Float] = [1, 0, 0, 1, 1, 1]  // 3 × 2
        var c = [Float](repeating: .nan, count: 4)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Kernels.sgemm(
                        m: 2, n: 2, k: 3, a: a.baseAddress!, lda: 3, b: b.baseAddress!, ldb: 2, c: c.baseAddress!,
                        ldc: 2)
                }
            }
        }
        #expect(c == [4, 5, 10, 11])

        // alpha = 0: A and B are not read (NaN there has no effect), C = beta·C + bias.
        let nanA = [Float](repeating: .nan, count: 6)
        var c2: [Float] = [1, 2, 3, 4]
        let bias: [Float] = [10, -10]
        nanA.withUnsafeBufferPointer { a in
            bias.withUnsafeBufferPointer { bias in
                c2.withUnsafeMutableBufferPointer { c in
                    Kernels.sgemm(
                        m: 2, n: 2, k: 3, alpha: 0, a: a.baseAddress!, lda: 3, b: a.baseAddress!, ldb: 2, beta: 2,
                        c: c.baseAddress!, ldc: 2, bias: bias.baseAddress, activation: .relu)
                }
            }
        }
        #expect(c2 == [12, 0, 16, 0])

        // k = 0 with beta = 0: C becomes activation(bias), NaN in C ignored.
        var c3 = [Float](repeating: .nan, count: 4)
        nanA.withUnsafeBufferPointer { a in
            bias.withUnsafeBufferPointer { bias in
                c3.withUnsafeMutableBufferPointer { c in
                    Kernels.sgemm(
                        m: 2, n: 2, k: 0, a: a.baseAddress!, lda: 1, b: a.baseAddress!, ldb: 2, c: c.baseAddress!,
                        ldc: 2, bias: bias.baseAddress)
                }
            }
        }
        #expect(c3 == [10, -10, 10, -10])

        // Larger beta = 0 case through the packed-tile path.
        GEMMCase(m: 40, n: 50, k: 60, beta: 0).check(seed: 7)
    }

    @Test("NaN and infinity in the operands propagate to the affected outputs only")
    func nonFiniteOperands() {
        let m = 20
        let n = 40
        let k = 30
        var random = KernelTestRandom(seed: 3)
        var a = random.floats(m * k)
        let b = random.floats(k * n)
        a[5 * k + 2] = .nan  // row 5 of C becomes NaN
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Kernels.sgemm(
                        m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n, c: c.baseAddress!,
                        ldc: n)
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                #expect(c[i * n + j].isNaN == (i == 5))
            }
        }
    }

    @Test("GEMV matches the reference and y = x·W + b with W pre-packed")
    func gemv() throws {
        var random = KernelTestRandom(seed: 11)
        for (k, n) in [(1, 1), (64, 256), (256, 10), (70, 33), (5, 300), (300, 129)] {
            let w = random.floats(k * n)
            let x = random.floats(k)
            let bias = random.floats(n)
            let packed = w.withUnsafeBufferPointer { PackedMatrix(rows: k, columns: n, source: $0.baseAddress!) }
            let packedT = PackedMatrix(try Matrix(rows: k, columns: n, values: w).transposed(), transposed: true)
            for weights in [packed, packedT] {
                var y = [Float](repeating: .nan, count: n)
                x.withUnsafeBufferPointer { x in
                    bias.withUnsafeBufferPointer { bias in
                        y.withUnsafeMutableBufferPointer { y in
                            Kernels.gemv(
                                x: x.baseAddress!, weights: weights, y: y.baseAddress!, bias: bias.baseAddress,
                                activation: .tanh)
                        }
                    }
                }
                for j in 0..<n {
                    var sum = Double(bias[j])
                    for p in 0..<k { sum += Double(x[p]) * Double(w[p * n + j]) }
                    let expected = referenceTanh(sum)
                    #expect(Swift.abs(Double(y[j]) - expected) <= 1e-5, "k=\(k) n=\(n) y[\(j)]")
                }
            }
        }
    }

    @Test("PackedMatrix round-trips its logical matrix")
    func packedRoundTrip() throws {
        var random = KernelTestRandom(seed: 5)
        for (rows, columns) in [(0, 0), (1, 1), (3, 70), (65, 33), (2, 0)] {
            let matrix = try Matrix(rows: rows, columns: columns, values: random.floats(rows * columns))
            #expect(PackedMatrix(matrix).unpacked() == matrix)
            #expect(PackedMatrix(matrix.transposed(), transposed: true).unpacked() == matrix)
            let fromValues = try PackedMatrix(rows: rows, columns: columns, values: matrix.values)
            #expect(fromValues.unpacked() == matrix)
            #expect(fromValues.rows == rows && fromValues.columns == columns)
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try PackedMatrix(rows: 2, columns: 3, values: [1, 2])
        }
    }

    @Test("Matrix.multiplied(by:) uses SGEMM and validates shapes")
    func matrixMultiply() throws {
        let a = try Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let product = try a.multiplied(by: a.transposed())
        let expected = try Matrix([[14, 32], [32, 77]])
        #expect(product == expected)
        let viaTransposeFlag = try a.multiplied(by: a, transposeOther: true)
        #expect(viaTransposeFlag == product)
        let gram = try a.multiplied(by: a, transposeSelf: true)
        #expect(gram.rows == 3 && gram.columns == 3 && gram[2, 2] == 45)
        #expect(throws: MLOpsError(.invalidArgument, "")) { try a.multiplied(by: a) }
        let empty = try Matrix(rows: 0, columns: 3, values: []).multiplied(by: a.transposed())
        #expect(empty.rows == 0 && empty.columns == 2)
        let zeroInner = try Matrix(rows: 2, columns: 0, values: []).multiplied(by: Matrix(rows: 0, columns: 4))
        // k = 0: every element is 0.
        #expect(zeroInner == Matrix(rows: 2, columns: 4, repeating: 0))
    }

    @Test("the configuration string names the compiled code path")
    func configuration() {
        #expect(Kernels.configuration.contains("x"))
        #expect(Kernels.configuration.hasPrefix(Kernels.usesFusedMultiplyAdd ? "" : "baseline"))
    }
}
