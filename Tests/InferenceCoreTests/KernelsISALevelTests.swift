import Testing

@testable import InferenceCore
@testable import MLOpsCore

/// The SGEMM/GEMV kernels at every instruction-set level this machine supports, in one process, against
/// a double-precision triple loop (``GEMMCase``; tolerance about 1e-6·k relative to Σ|a·b|, because
/// fused multiply-add and separate multiply and add round differently).
@Suite("Kernels: SGEMM at every instruction-set level")
struct KernelsISALevelTests {
    /// The levels this CPU can run (`baseline` always).
    static let levels: [KernelISA.Level] = [.baseline, .avx2, .avx512].filter {
        $0 <= KernelISA.current.supportedLevel
    }

    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (2, 3, 1), (3, 5, 7), (6, 16, 1), (12, 32, 1), (12, 32, 256), (13, 33, 257), (17, 33, 65),
        (24, 64, 9), (25, 31, 1), (36, 96, 100), (7, 2, 300), (40, 35, 260), (97, 129, 31), (5, 40, 3),
        (1, 300, 70), (4, 50, 20), (11, 47, 513),
    ]

    @Test("each level's configuration names its kernels", arguments: levels)
    func configuration(level: KernelISA.Level) {
        let config = KernelConfig(level: level)
        #expect(config.level == level)
        switch level {
        case .baseline:
            #expect(config.tiles == .swift)
            #expect(config.mr == KernelConfig.swiftMR && config.nr == KernelConfig.swiftNR)
        case .avx2:
            #expect(config.tiles == .avx2 && config.mr == 6 && config.nr == 16)
        case .avx512:
            #expect(config.tiles == .avx512 && config.mr == 12 && config.nr == 32)
        }
    }

    @Test("MLOPS_ISA=baseline selects the portable Swift tiles")
    func baselineFallsBackToSwift() {
        // CMLOpsKernels' feature bits for AVX2+FMA and AVX-512.
        let forced = KernelISA(features: 1 << 1 | 1 << 2, requested: "baseline")
        #expect(forced.level == .baseline)
        let config = KernelConfig(level: forced.level)
        #expect(config.tiles == .swift)
        #expect(config.name == KernelConfig.swiftName)
        // A level above the CPU's is lowered to what it supports, never run.
        #expect(KernelConfig(level: .avx512).level == KernelISA.current.supportedLevel)
        // The process-wide configuration follows KernelISA.current.
        #expect(KernelConfig.current.level == KernelISA.current.level)
    }

    @Test("SGEMM matches the reference for every shape and transpose", arguments: levels)
    func shapesAndTransposes(level: KernelISA.Level) {
        let config = KernelConfig(level: level)
        for (m, n, k) in Self.shapes {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                GEMMCase(m: m, n: n, k: k, transA: transA, transB: transB).check(config: config)
            }
            GEMMCase(m: m, n: n, k: k, transB: true).check(packed: true, config: config)
            GEMMCase(m: m, n: n, k: k, transA: true, padding: 3).check(packed: true, config: config)
        }
    }

    @Test("alpha, beta, bias and every activation in the fused epilogue", arguments: levels)
    func epilogue(level: KernelISA.Level) {
        let config = KernelConfig(level: level)
        for (alpha, beta) in [(Float(1), Float(0)), (2.5, 0), (-1, 0.5), (1, 1)] {
            for activation in Activation.allCases {
                for (m, n, k) in [(12, 32, 40), (30, 70, 300), (2, 33, 17), (25, 64, 5)] {
                    GEMMCase(
                        m: m, n: n, k: k, alpha: alpha, beta: beta, padding: 2, bias: true, activation: activation
                    ).check(config: config)
                    GEMMCase(m: m, n: n, k: k, alpha: alpha, beta: beta, activation: activation)
                        .check(packed: true, config: config)
                }
            }
        }
    }

    @Test("blocks larger than one cache block, and lda = 1024 (packed A)", arguments: levels)
    func crossesCacheBlocks(level: KernelISA.Level) {
        let config = KernelConfig(level: level)
        GEMMCase(m: 7, n: 2_100, k: 3).check(config: config)
        GEMMCase(m: 100, n: 20, k: 530, alpha: 0.5, beta: 2).check(config: config)
        GEMMCase(m: 13, n: 70, k: 1_000, padding: 24).check(config: config)
        GEMMCase(m: 130, n: 100, k: 600, bias: true, activation: .relu).check(packed: true, config: config)
    }

    @Test("threaded SGEMM at each level", arguments: levels)
    func pooled(level: KernelISA.Level) {
        let config = KernelConfig(level: level)
        let pool = WorkerPool(threadCount: 3, spinMicroseconds: 50)
        GEMMCase(m: 110, n: 100, k: 100, beta: 0.5, bias: true, activation: .relu).check(pool: pool, config: config)
        GEMMCase(m: 110, n: 100, k: 100).check(packed: true, pool: pool, config: config)
        GEMMCase(m: 2, n: 2_100, k: 260).check(pool: pool, config: config)
        GEMMCase(m: 1, n: 2_100, k: 500, bias: true, activation: .tanh).check(packed: true, pool: pool, config: config)
    }

    @Test("one register tile in every mode matches the portable Swift tile", arguments: levels)
    func tileModes(level: KernelISA.Level) {
        let config = KernelConfig(level: level)
        let reference = KernelConfig(level: .baseline)
        let mr = config.mr
        let nr = config.nr
        var random = KernelTestRandom(seed: 21)
        for kc in [1, 2, 7, 64, 256] {
            let a = random.floats(kc * mr)
            let b = random.floats(kc * nr)
            let bias = random.floats(nr)
            let initial = random.floats(mr * (nr + 3))
            for mode in [TileMode.overwrite, .scale, .accumulate] {
                for floor in [-Float.infinity, 0] {
                    for withBias in [false, true] {
                        var c = initial
                        a.withUnsafeBufferPointer { a in
                            b.withUnsafeBufferPointer { b in
                                bias.withUnsafeBufferPointer { bias in
                                    c.withUnsafeMutableBufferPointer { c in
                                        let store = TileStore(
                                            c: c.baseAddress!, ldc: nr + 3, alpha: 1.5, beta: -0.5, mode: mode,
                                            bias: withBias ? bias.baseAddress : nil, floor: floor)
                                        config.tile(
                                            kc: kc, a: a.baseAddress!, lda: nil, b: b.baseAddress!, store: store)
                                    }
                                }
                            }
                        }
                        for i in 0..<mr {
                            for j in 0..<nr {
                                var sum = 0.0
                                var magnitude = 0.0
                                for s in 0..<kc {
                                    let product = Double(a[s * mr + i]) * Double(b[s * nr + j])
                                    sum += product
                                    magnitude += Swift.abs(product)
                                }
                                var expected = 1.5 * sum
                                let old = Double(initial[i * (nr + 3) + j])
                                switch mode {
                                case .overwrite: break
                                case .scale: expected += -0.5 * old
                                case .accumulate: expected += old
                                }
                                if withBias { expected += Double(bias[j]) }
                                expected = Swift.max(expected, Double(floor))
                                let tolerance = 1e-6 * Double(kc + 4) * (1.5 * magnitude + 2) + 1e-6
                                #expect(
                                    Swift.abs(Double(c[i * (nr + 3) + j]) - expected) <= tolerance,
                                    "\(config.name) kc=\(kc) \(mode) (\(i), \(j))")
                            }
                            // Columns past the tile are never written.
                            for j in nr..<(nr + 3) {
                                #expect(c[i * (nr + 3) + j].bitPattern == initial[i * (nr + 3) + j].bitPattern)
                            }
                        }
                    }
                }
            }
        }
        // The reference level itself is the Swift tile.
        #expect(reference.tiles == .swift)
    }

    @Test("NaN in A reaches only its row at every level, through ReLU too", arguments: levels)
    func nanPropagates(level: KernelISA.Level) {
        let config = KernelConfig(level: level)
        let m = 30
        let n = 70
        let k = 20
        var random = KernelTestRandom(seed: 8)
        var a = random.floats(m * k)
        let b = random.floats(k * n)
        a[13 * k + 4] = .nan
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Kernels.sgemm(
                        config: config, m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                        c: c.baseAddress!, ldc: n, activation: .relu)
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                #expect(c[i * n + j].isNaN == (i == 13), "\(config.name) C[\(i), \(j)]")
            }
        }
    }
}
