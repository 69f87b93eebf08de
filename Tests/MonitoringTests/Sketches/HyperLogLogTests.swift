import MLOpsCore
import Testing

@testable import Monitoring

@Suite struct HyperLogLogTests {
    @Test func relativeErrorWithinTwoPercentAtSeveralCardinalities() throws {
        for cardinality in [1, 10, 100, 1_000, 5_000, 20_000, 50_000, 100_000, 300_000] {
            var sketch = try HyperLogLog()
            var random = SeededRandom(seed: UInt64(cardinality))
            let offset = random.uniform(in: -1e6..<1e6)
            // Each value twice: duplicates must not count.
            for round in 0..<2 {
                for index in 0..<cardinality { sketch.update(offset + Double(index) * 0.37 + Double(round) * 0) }
            }
            let error = abs(sketch.estimate - Double(cardinality)) / Double(cardinality)
            #expect(error <= 0.02, "cardinality \(cardinality): estimate \(sketch.estimate)")
            let bounds = sketch.bounds()
            #expect(bounds.lower <= Double(cardinality) && Double(cardinality) <= bounds.upper)
        }
    }

    @Test func stringsHashTheirBytes() throws {
        for cardinality in [3, 700, 20_000, 120_000] {
            var sketch = try HyperLogLog()
            for index in 0..<cardinality {
                sketch.update("user-\(index)")
                sketch.update("user-\(index)")
            }
            let error = abs(sketch.estimate - Double(cardinality)) / Double(cardinality)
            #expect(error <= 0.02, "cardinality \(cardinality): estimate \(sketch.estimate)")
        }
        // Long strings take the 16-byte loop; unicode goes by UTF-8 bytes.
        var sketch = try HyperLogLog()
        for index in 0..<5_000 { sketch.update(String(repeating: "é", count: 20) + String(index)) }
        #expect(abs(sketch.estimate - 5_000) / 5_000 <= 0.02)
    }

    @Test func mergeEqualsTheSketchOfTheUnion() throws {
        var left = try HyperLogLog()
        var right = try HyperLogLog()
        var both = try HyperLogLog()
        for index in 0..<30_000 {
            let value = Double(index)
            if index % 3 == 0 { left.update(value) } else { right.update(value) }
            both.update(value)
        }
        var merged = left
        try merged.merge(right)
        #expect(merged == both)
        try right.merge(left)
        #expect(right == both)
        #expect(throws: MLOpsError.self) { try merged.merge(try HyperLogLog(precision: 12)) }
    }

    @Test func edgeCases() throws {
        var sketch = try HyperLogLog()
        #expect(sketch.estimate == 0)
        sketch.update(0.0)
        sketch.update(-0.0)
        sketch.update(.nan)
        #expect(sketch.estimate == 1)
        sketch.update(.infinity)
        #expect(sketch.estimate == 2)
        sketch.update("")
        #expect(sketch.estimate == 3)
        #expect(throws: MLOpsError.self) { try HyperLogLog(precision: 3) }
        #expect(throws: MLOpsError.self) { try HyperLogLog(precision: 19) }
        #expect(abs(sketch.relativeStandardError - 0.008125) < 1e-6)
    }
}
