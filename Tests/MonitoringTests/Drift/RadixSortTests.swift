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

    @Test func negativeZeroSortsBeforePositiveZero() {
        var values = [0.0, -0.0, 0.0, -0.0]
        RadixSort.sort(&values)
        #expect(values.map { $0.sign } == [.minus, .minus, .plus, .plus])
    }
}
