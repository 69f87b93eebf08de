import MLOpsCore
import Testing

@testable import Monitoring

@Suite struct RadixSortTests {
    @Test(arguments: [0, 1, 2, 7, 1000, 100_000])
    func doublesSortLikeTheStandardLibrary(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 1)
        var values = (0..<count).map { index -> Double in
            switch index % 10 {
            case 0: -0.0
            case 1: 0.0
            case 2: .infinity
            case 3: -.infinity
            case 4: Double.leastNonzeroMagnitude * Double(index % 3)
            case 5: Double(index % 7)
            default: random.normal(mean: 0, standardDeviation: 1e3)
            }
        }
        let expected = values.sorted()
        RadixSort.sort(&values)
        #expect(values.map { $0 == 0 ? 0 : $0 } == expected.map { $0 == 0 ? 0 : $0 })
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test(arguments: [0, 1, 3, 5000])
    func floatsSortLikeTheStandardLibrary(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 11)
        var values = (0..<count).map { index -> Float in
            index % 5 == 0 ? Float(index % 4) - 2 : Float(random.normal(mean: 0, standardDeviation: 10))
        }
        let expected = values.sorted()
        RadixSort.sort(&values)
        #expect(values == expected)
    }

    @Test func keysSharingTheirTopBitsTakeTheFullPasses() {
        // Every key shares its top 33 bits: the insertion finish exceeds its budget and the full LSD runs.
        var random = SeededRandom(seed: 77)
        var values = (0..<50_000).map { _ in 1.0 + Double(random.next() % 1_000_000) * Double.ulpOfOne }
        let expected = values.sorted()
        RadixSort.sort(&values)
        #expect(values == expected)
    }

    /// The buffer form with each digit width, as KLLSketch (level-0 buffers of about 2,000 values) and the
    /// drift tests (whole columns) call it.
    static func sorted(_ values: [Double], digits: RadixSort.Digits) -> [Double] {
        var copy = values
        var scratch = [Double](repeating: 0, count: values.count)
        copy.withUnsafeMutableBufferPointer { buffer in
            scratch.withUnsafeMutableBufferPointer { RadixSort.sort(buffer, scratch: $0, digits: digits) }
        }
        return copy
    }

    @Test(arguments: [RadixSort.Digits.automatic, .narrow, .wide])
    func bufferSortsLikeTheStandardLibraryWithEachDigitWidth(digits: RadixSort.Digits) {
        var random = SeededRandom(seed: 1)
        let patterns: [[Double]] = [
            (0..<2_048).map { _ in random.normal(mean: 0, standardDeviation: 1) },
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
            (0..<33).map { _ in random.nextDouble() },
            (0..<20_000).map { _ in random.normal(mean: 5, standardDeviation: 0.001) },
        ]
        for values in patterns {
            let mine = Self.sorted(values, digits: digits)
            let expected = values.sorted()
            #expect(mine.count == expected.count)
            #expect(zip(mine, expected).allSatisfy { $0 == $1 })
        }
    }

    @Test(arguments: [RadixSort.Digits.narrow, .wide])
    func floatsSortWithEachDigitWidth(digits: RadixSort.Digits) {
        var random = SeededRandom(seed: 5)
        var values = (0..<3_000).map { _ in Float(random.normal(mean: 0, standardDeviation: 10)) }
        let expected = values.sorted()
        var scratch = [Float](repeating: 0, count: values.count)
        values.withUnsafeMutableBufferPointer { buffer in
            scratch.withUnsafeMutableBufferPointer { RadixSort.sort(buffer, scratch: $0, digits: digits) }
        }
        #expect(values == expected)
    }

    @Test func negativeZeroSortsBeforePositiveZero() {
        var values = [0.0, -0.0, 0.0, -0.0]
        RadixSort.sort(&values)
        #expect(values.map { $0.sign } == [.minus, .minus, .plus, .plus])
    }
}
