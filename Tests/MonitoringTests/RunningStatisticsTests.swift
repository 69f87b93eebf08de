import MLOpsCore
import Monitoring
import Testing

@Suite struct RunningStatisticsTests {
    @Test func matchesTwoPassFormulas() {
        var random = SeededRandom(seed: 3)
        let values = (0..<10_000).map { _ in random.normal(mean: 5, standardDeviation: 2) }
        let stats = RunningStatistics(values)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        #expect(abs(stats.mean - mean) < 1e-12)
        #expect(abs(stats.variance - variance) < 1e-9)
        #expect(stats.minimum == values.min())
        #expect(stats.maximum == values.max())
        #expect(stats.count == 10_000)
    }

    @Test func mergeEqualsOnePass() {
        var random = SeededRandom(seed: 4)
        let values = (0..<5_000).map { _ in random.uniform(in: -1e6...1e6) }
        var left = RunningStatistics(values[..<1_234])
        let right = RunningStatistics(values[1_234...])
        left.merge(right)
        let whole = RunningStatistics(values)
        #expect(left.count == whole.count)
        #expect(abs(left.mean - whole.mean) <= 1e-9 * abs(whole.mean) + 1e-9)
        #expect(abs(left.variance - whole.variance) <= 1e-9 * whole.variance)
        #expect(left.minimum == whole.minimum && left.maximum == whole.maximum)
        var empty = RunningStatistics()
        empty.merge(whole)
        #expect(empty == whole)
    }

    @Test func missingAndInfiniteValuesAreCountedApart() {
        let stats = RunningStatistics([1, .nan, 3, .infinity, -.infinity, .nan])
        #expect(stats.count == 2)
        #expect(stats.missingCount == 2)
        #expect(stats.infiniteCount == 2)
        #expect(stats.mean == 2)
        #expect(abs(stats.missingFraction - 2.0 / 6.0) < 1e-15)
        #expect(RunningStatistics().variance == 0)
        #expect(RunningStatistics().minimum == nil)
    }
}
