import MLOpsCore
import Testing

@testable import Monitoring

@Suite struct KLLSketchTests {
    /// The largest |estimated rank − true rank| over many quantile and rank queries.
    static func maximumRankError(_ sketch: KLLSketch, sortedTruth truth: [Double]) -> Double {
        let n = Double(truth.count)
        var worst = 0.0
        for step in 0...200 {
            let q = Double(step) / 200
            guard let value = sketch.quantile(q) else { return .infinity }
            // The true normalised ranks of `value`: [fraction < value, fraction ≤ value].
            let below = Double(lowerBound(truth, value)) / n
            let atOrBelow = Double(upperBound(truth, value)) / n
            let error = q < below ? below - q : (q > atOrBelow ? q - atOrBelow : 0)
            worst = max(worst, error)
        }
        for step in 0...100 {
            let x = truth[min(truth.count - 1, step * truth.count / 100)]
            let exact = Double(upperBound(truth, x)) / n
            worst = max(worst, abs(sketch.rank(of: x) - exact))
        }
        return worst
    }

    static func lowerBound(_ sorted: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func upperBound(_ sorted: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func distributions(_ n: Int) -> [(String, [Double])] {
        var random = SeededRandom(seed: 11)
        let uniform = (0..<n).map { _ in random.uniform(in: -5..<5) }
        let normal = (0..<n).map { _ in random.normal(mean: 3, standardDeviation: 2) }
        let heavyTail = (0..<n).map { _ in 1 / max(random.nextDouble(), 1e-12) }
        let duplicates = (0..<n).map { _ in Double(random.int(in: 0..<7)) }
        return [
            ("uniform", uniform), ("normal", normal), ("heavy tail", heavyTail), ("duplicates", duplicates),
            ("ascending", (0..<n).map(Double.init)), ("descending", (0..<n).reversed().map(Double.init)),
            ("constant", [Double](repeating: 2.5, count: n)),
        ]
    }

    @Test func rankErrorWithinTheBound() throws {
        for (name, values) in Self.distributions(300_000) {
            var sketch = try KLLSketch(seed: 7)
            values.withUnsafeBufferPointer { sketch.update($0) }
            let error = Self.maximumRankError(sketch, sortedTruth: values.sorted())
            #expect(sketch.count == values.count, "\(name)")
            #expect(sketch.minimum == values.min() && sketch.maximum == values.max(), "\(name)")
            #expect(error <= sketch.normalizedRankError, "\(name): rank error \(error)")
            #expect(sketch.retainedCount < 4_000, "\(name): retains \(sketch.retainedCount)")
        }
    }

    @Test func normalizedRankErrorFollowsDataSketches() throws {
        #expect(abs(KLLSketch.normalizedRankError(k: 200, pmf: false) - 0.01329) < 0.0001)
        #expect(abs(KLLSketch.normalizedRankError(k: 200, pmf: true) - 0.01652) < 0.0001)
        var sketch = try KLLSketch()
        #expect(sketch.normalizedRankError == 0)
        for value in 0..<10_000 { sketch.update(Double(value)) }
        #expect(abs(sketch.normalizedRankError - 0.01329) < 0.0001)
    }

    @Test func exactWhileSmall() throws {
        var sketch = try KLLSketch()
        let values = (0..<1_000).map { Double(($0 * 7_919) % 1_000) }
        for value in values { sketch.update(value) }
        #expect(sketch.quantile(0.5) == 499)
        #expect(sketch.quantile(0) == 0)
        #expect(sketch.quantile(1) == 999)
        #expect(sketch.rank(of: 249) == 0.25)
        let pmf = try #require(try sketch.pmf([99.5, 499.5]))
        #expect(pmf == [0.1, 0.4, 0.5])
    }

    @Test func singleValueAndBatchUpdatesAgreeWithinTheBound() throws {
        var random = SeededRandom(seed: 5)
        let values = (0..<100_000).map { _ in random.normal(mean: 0, standardDeviation: 1) }
        var one = try KLLSketch(seed: 1)
        for value in values { one.update(value) }
        var batch = try KLLSketch(seed: 1)
        values.withUnsafeBufferPointer { batch.update($0) }
        let truth = values.sorted()
        #expect(Self.maximumRankError(one, sortedTruth: truth) <= one.normalizedRankError)
        #expect(Self.maximumRankError(batch, sortedTruth: truth) <= batch.normalizedRankError)
    }

    @Test func floatAndIntegerColumns() throws {
        let floats = (0..<50_000).map { Float($0 % 1_000) }
        var a = try KLLSketch()
        floats.withUnsafeBufferPointer { a.update($0) }
        let ints = (0..<50_000).map { Int64($0 % 1_000) }
        var b = try KLLSketch()
        ints.withUnsafeBufferPointer { b.update($0) }
        #expect(a.count == 50_000 && b.count == 50_000)
        let median = try #require(a.quantile(0.5))
        #expect(abs(median - 500) <= 1_000 * a.normalizedRankError)
        #expect(a.quantile(0.5) == b.quantile(0.5))
    }

    @Test func mergedShardsStayWithinTheBound() throws {
        var random = SeededRandom(seed: 9)
        let values = (0..<200_000).map { _ in random.uniform(in: 0..<1) * random.uniform(in: 0..<1) }
        var merged = try KLLSketch(seed: 3)
        var start = 0
        var shard = 0
        while start < values.count {
            let end = min(values.count, start + random.int(in: 1..<40_000))
            var part = try KLLSketch(seed: UInt64(shard))
            values[start..<end].withUnsafeBufferPointer { part.update($0) }
            try merged.merge(part)
            start = end
            shard += 1
        }
        #expect(merged.count == values.count)
        #expect(merged.minimum == values.min() && merged.maximum == values.max())
        #expect(Self.maximumRankError(merged, sortedTruth: values.sorted()) <= merged.normalizedRankError)
    }

    @Test func sameSeedSameSketch() throws {
        var random = SeededRandom(seed: 2)
        let values = (0..<50_000).map { _ in random.nextDouble() }
        var a = try KLLSketch(seed: 42)
        var b = try KLLSketch(seed: 42)
        values.withUnsafeBufferPointer { a.update($0) }
        values.withUnsafeBufferPointer { b.update($0) }
        #expect(a == b)
    }

    @Test func edgeCases() throws {
        var sketch = try KLLSketch()
        #expect(sketch.quantile(0.5) == nil)
        #expect(sketch.rank(of: 1) == 0)
        #expect(try sketch.cdf([1, 2]) == nil)
        let special: [Double] = [.nan, .infinity, -.infinity, 1, 2]
        special.withUnsafeBufferPointer { sketch.update($0) }
        sketch.update(.nan)
        #expect(sketch.count == 2)
        #expect(sketch.quantile(-0.1) == nil && sketch.quantile(1.5) == nil && sketch.quantile(.nan) == nil)
        #expect(sketch.rank(of: .nan) == 0)
        #expect(throws: MLOpsError.self) { try sketch.cdf([2, 1]) }
        #expect(throws: MLOpsError.self) { try sketch.cdf([.nan]) }
        #expect(throws: MLOpsError.self) { try KLLSketch(k: 4) }
        var other = try KLLSketch(k: 100)
        other.update(1)
        #expect(throws: MLOpsError.self) { try sketch.merge(other) }
    }
}
