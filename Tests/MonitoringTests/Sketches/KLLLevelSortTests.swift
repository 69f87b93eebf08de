import MLOpsCore
import Testing

@testable import Monitoring

@Suite struct KLLLevelSortTests {
    static func sorted(_ values: [Double]) -> [Double] {
        var copy = values
        let scratch = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(copy.count, 1))
        defer { scratch.deallocate() }
        copy.withUnsafeMutableBufferPointer { KLLLevelSort.sort($0, scratch: scratch) }
        return copy
    }

    @Test func sortsLikeTheStandardLibrary() {
        var random = SeededRandom(seed: 1)
        let patterns: [[Double]] = [
            (0..<5_000).map { _ in random.normal(mean: 0, standardDeviation: 1) },
            (0..<5_000).map { _ in random.uniform(in: -1e300..<1e300) },
            // Ties in the high 32 bits: only the low mantissa bits differ (the fallback path).
            (0..<5_000).map { _ in Double(bitPattern: 1.0.bitPattern + UInt64(random.int(in: 0..<1_000_000))) },
            (0..<3_000).map { _ in Double(random.int(in: -3..<3)) },
            (0..<3_000).map { Double(3_000 - $0) },
            [
                0.0, -0.0, 1, -1, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                .greatestFiniteMagnitude,
            ]
                + (0..<40).map { Double($0 % 5) - 2 },
            (0..<20).map { _ in random.nextDouble() },
        ]
        for values in patterns {
            let mine = Self.sorted(values)
            let expected = values.sorted()
            #expect(mine.map(\.bitPattern).count == expected.count)
            #expect(zip(mine, expected).allSatisfy { $0 == $1 })
        }
    }
}
