import Testing

@testable import InferenceCore
@testable import MLOpsCore

/// The AVX-512 tree block kernel (CMLOpsKernels) against the Swift block kernel on every tree
/// fixture it supports: random rows with NaN, ±0, ±inf and values exactly equal to (and one ulp
/// around) the split thresholds, compared bit for bit.
@Suite("Tree vector block kernel")
struct TreeVectorKernelTests {
    /// Every XGBoost and LightGBM fixture the importers accept (not the categorical or linear-tree ones).
    static let fixtures: [(folder: String, name: String)] = [
        ("Interop", "xgb_binary.json"), ("Interop", "xgb_regression.json"), ("Interop", "lgb_binary.txt"),
        ("Trees", "lgb_multiclass.txt"),
        ("Trees", "lgb_poisson.txt"), ("Trees", "lgb_regression.txt"), ("Trees", "lgb_rf.txt"),
        ("Trees", "lgb_zero_missing.txt"), ("Trees", "xgb2_binary.json"), ("Trees", "xgb2_multiclass.json"),
        ("Trees", "xgb_absoluteerror.json"), ("Trees", "xgb_dart.json"),
        ("Trees", "xgb_gamma.json"), ("Trees", "xgb_logitraw.json"), ("Trees", "xgb_multiclass_softmax.json"),
        ("Trees", "xgb_multiclass_softprob.json"), ("Trees", "xgb_poisson.json"),
        ("Trees", "xgb_reg_logistic.json"), ("Trees", "xgb_tweedie.json"),
    ]

    static var hasAVX512: Bool { KernelISA.current.supportedLevel >= .avx512 }

    static func load(_ folder: String, _ name: String) throws -> TreeEnsemble {
        let bytes = try TreeFixtures.bytes(folder, name)
        return name.hasSuffix(".json")
            ? try XGBoostImporter.ensemble(json: bytes) : try LightGBMImporter.ensemble(text: bytes)
    }

    /// Rows of `featureCount` values: a third random, the rest picked from the thresholds of the
    /// feature (exact, next up, next down) and from NaN, ±0, ±inf.
    static func rows(for ensemble: TreeEnsemble, count: Int, seed: UInt64) -> [Double] {
        var thresholds = [[Double]](repeating: [], count: ensemble.featureCount)
        for tree in ensemble.trees {
            for node in tree.nodes {
                if case .branch(let branch) = node { thresholds[branch.feature].append(branch.threshold) }
            }
        }
        var random = TreeTestRandom(seed: seed)
        let specials: [Double] = [.nan, 0, -0.0, .infinity, -.infinity, 1e-36, -1e-36]
        var values = [Double]()
        values.reserveCapacity(count * ensemble.featureCount)
        for _ in 0..<count {
            for feature in 0..<ensemble.featureCount {
                let pick = Int.random(in: 0..<6, using: &random)
                if pick == 0, let t = thresholds[feature].randomElement(using: &random) {
                    values.append(t)
                } else if pick == 1, let t = thresholds[feature].randomElement(using: &random) {
                    let f = Float(t)
                    values.append(Double(Bool.random(using: &random) ? f.nextUp : f.nextDown))
                } else if pick == 2 {
                    values.append(specials.randomElement(using: &random) ?? 0)
                } else {
                    values.append(Double.random(in: -4...4, using: &random))
                }
            }
        }
        return values
    }

    /// Predicts with the Swift and the vector block kernels and compares the bits.
    static func compare<T: TreeScalar>(_ compiled: CompiledTrees<T>, rows: [Double], count: Int, label: String) {
        let width = compiled.outputCount
        for batch in [16, 17, 33, 100, count] {
            var swiftRaw = [Double](repeating: 0, count: batch * width)
            var swiftOut = swiftRaw
            var vectorRaw = swiftRaw
            var vectorOut = swiftRaw
            rows.withUnsafeBufferPointer { input in
                let base = input.baseAddress.unsafelyUnwrapped
                compiled.predict(
                    rows: base, rowCount: batch, raw: &swiftRaw, transformed: &swiftOut, level: .baseline)
                compiled.predict(
                    rows: base, rowCount: batch, raw: &vectorRaw, transformed: &vectorOut, level: .avx512)
            }
            #expect(swiftRaw.map(\.bitPattern) == vectorRaw.map(\.bitPattern), "\(label) raw, batch \(batch)")
            #expect(swiftOut.map(\.bitPattern) == vectorOut.map(\.bitPattern), "\(label) output, batch \(batch)")
            var floatRows = rows.map { Float($0) }
            var swiftFloat = [Float](repeating: 0, count: batch * width)
            var vectorFloat = swiftFloat
            floatRows.withUnsafeMutableBufferPointer { input in
                let base = UnsafePointer(input.baseAddress.unsafelyUnwrapped)
                compiled.predict(
                    rows: base, rowCount: batch, raw: &swiftFloat, transformed: nil as UnsafeMutablePointer<Float>?,
                    level: .baseline)
                compiled.predict(
                    rows: base, rowCount: batch, raw: &vectorFloat, transformed: nil as UnsafeMutablePointer<Float>?,
                    level: .avx512)
            }
            #expect(
                swiftFloat.map(\.bitPattern) == vectorFloat.map(\.bitPattern), "\(label) float rows, batch \(batch)")
        }
    }

    @Test("vector kernel equals the Swift kernel bit for bit on every supported fixture")
    func fixturesBitExact() throws {
        var supported = (float32: 0, float64: 0)
        for (index, fixture) in Self.fixtures.enumerated() {
            let ensemble = try Self.load(fixture.folder, fixture.name)
            let count = 515
            let rows = Self.rows(for: ensemble, count: count, seed: UInt64(index) &* 7919 &+ 1)
            switch ensemble.storage {
            case .float32(let compiled):
                guard compiled.vectorBlockKernelSupported else { continue }
                supported.float32 += 1
                if Self.hasAVX512 { Self.compare(compiled, rows: rows, count: count, label: fixture.name) }
            case .float64(let compiled):
                guard compiled.vectorBlockKernelSupported else { continue }
                supported.float64 += 1
                if Self.hasAVX512 { Self.compare(compiled, rows: rows, count: count, label: fixture.name) }
            }
        }
        // The XGBoost (float32) and LightGBM (float64) interop fixtures are in the kernel's scope.
        #expect(supported.float32 >= 2)
        #expect(supported.float64 >= 1)
    }

    @Test("a forced baseline level uses the Swift block kernel; the best level here uses the vector kernel")
    func baselineUsesSwift() throws {
        let ensemble = try Self.load("Interop", "xgb_binary.json")
        guard case .float32(let compiled) = ensemble.storage else {
            Issue.record("xgb_binary is not a float32 ensemble")
            return
        }
        let forced = KernelISA(features: 1 << 1 | 1 << 2, requested: "baseline")
        #expect(forced.level == .baseline)
        #expect(compiled.blockKernel(at: forced.level) == .swift)
        #expect(compiled.blockKernel(at: .avx2) == .swift)
        #if arch(x86_64)
            #expect(compiled.blockKernel(at: .avx512) == .avx512)
        #else
            #expect(compiled.blockKernel(at: .avx512) == .swift)
        #endif
    }
}
