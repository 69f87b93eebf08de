import MLOpsCore
import Testing

@testable import Monitoring

@Suite struct FrequentItemsTests {
    /// A skewed (Zipf) stream: value i appears about in proportion to 1 / (i + 1), shuffled.
    static func skewedStream(count: Int, seed: UInt64) -> [String] {
        var random = SeededRandom(seed: seed)
        var weights: [Double] = []
        for index in 0..<5_000 { weights.append(1 / Double(index + 1)) }
        let total = weights.reduce(0, +)
        var cumulative: [Double] = []
        var running = 0.0
        for weight in weights {
            running += weight / total
            cumulative.append(running)
        }
        return (0..<count).map { _ in
            let u = random.nextDouble()
            var lo = 0
            var hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
            }
            return "v\(lo)"
        }
    }

    static func check(_ sketch: FrequentItems, truth: [String: Int]) {
        let total = truth.values.reduce(0, +)
        #expect(sketch.totalWeight == total)
        #expect(sketch.maximumError <= total / (sketch.capacity + 1))
        for item in sketch.items(.noFalseNegatives) {
            let exact = truth[item.value] ?? 0
            #expect(item.lowerBound <= exact && exact <= item.upperBound, "\(item.value): \(exact) vs \(item)")
        }
        for item in sketch.items(.noFalsePositives) {
            #expect((truth[item.value] ?? 0) > sketch.maximumError)
        }
        // Every value heavier than twice the error is reported without false positives.
        let reported = Set(sketch.items().map(\.value))
        for (value, count) in truth where count > 2 * sketch.maximumError {
            #expect(reported.contains(value), "heavy hitter \(value) (\(count)) missing")
        }
        for (value, count) in truth {
            let item = sketch.item(value)
            #expect(item.lowerBound <= count && count <= item.upperBound)
        }
    }

    @Test func recoversHeavyHittersWithBoundsContainingTheTruth() throws {
        let stream = Self.skewedStream(count: 200_000, seed: 1)
        var truth: [String: Int] = [:]
        for value in stream { truth[value, default: 0] += 1 }
        var sketch = try FrequentItems(capacity: 64)
        for value in stream { sketch.update(value) }
        Self.check(sketch, truth: truth)
        #expect(sketch.items().first?.value == "v0")
        #expect(sketch.counterCount <= 128)
    }

    @Test func mergedShardsKeepTheBounds() throws {
        let stream = Self.skewedStream(count: 120_000, seed: 2)
        var truth: [String: Int] = [:]
        for value in stream { truth[value, default: 0] += 1 }
        var merged = try FrequentItems(capacity: 64)
        var start = 0
        var random = SeededRandom(seed: 3)
        while start < stream.count {
            let end = min(stream.count, start + random.int(in: 1..<30_000))
            var part = try FrequentItems(capacity: 64)
            for value in stream[start..<end] { part.update(value) }
            try merged.merge(part)
            start = end
        }
        Self.check(merged, truth: truth)
        #expect(throws: MLOpsError.self) { try merged.merge(try FrequentItems(capacity: 8)) }
    }

    @Test func exactBelowCapacity() throws {
        var sketch = try FrequentItems(capacity: 10)
        for (value, count) in [("a", 5), ("b", 3), ("c", 1)] { sketch.update(value, weight: count) }
        sketch.update("z", weight: 0)
        #expect(sketch.maximumError == 0)
        #expect(sketch.items().map(\.value) == ["a", "b", "c"])
        #expect(sketch.items().first?.estimate == 5)
        #expect(throws: MLOpsError.self) { try FrequentItems(capacity: 0) }
    }
}
