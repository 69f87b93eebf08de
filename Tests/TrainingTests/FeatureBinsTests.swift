import MLOpsCore
import Testing

@testable import Training

/// GBDT binning follows LightGBM's rules (src/io/bin.cpp, `FindBinWithZeroAsOneBin` and
/// `GreedyFindBin`): zero is a bin of its own between the negative and the positive values, the
/// other bins are shared by the two sides in proportion to their counts.
@Suite struct FeatureBinsTests {
    static let zero = FeatureBins.zeroThreshold

    static func column(_ runs: [(value: Double, count: Int)]) -> [Double] {
        runs.flatMap { [Double](repeating: $0.value, count: $0.count) }.sorted()
    }

    @Test func zeroIsABinOfItsOwnBetweenTheSides() {
        // -2, -1 (10 rows each), 0 (30), 1 ... 5 (10 each): few distinct values, so an edge after
        // each value; the edges around zero are ±1e-35, not the midpoints ±0.5.
        let sorted = Self.column([(-2, 10), (-1, 10), (0, 30), (1, 10), (2, 10), (3, 10), (4, 10), (5, 10)])
        #expect(
            FeatureBins.edges(sorted: sorted, maxBins: 255) == [
                -1.5, -Self.zero, Self.zero, 1.5, 2.5, 3.5, 4.5, .infinity,
            ])
    }

    @Test func theSidesShareTheBinsByTheirCounts() {
        // 50 negative and 350 positive distinct values, 4 bins: the negative side gets
        // max(1, Int(50 / 400 * 3)) = 1 bin, zero 1, the positive side the remaining 2, cut at
        // half its rows (175 of 350: halfway between 175 and 176).
        let sorted = (1...50).map { -Double($0) }.sorted() + (1...350).map { Double($0) }
        #expect(FeatureBins.edges(sorted: sorted, maxBins: 4) == [-Self.zero, Self.zero, 175.5, .infinity])
    }

    @Test func valuesOnOneSideOfZeroHaveNoZeroBin() {
        let positive = Self.column([(1, 5), (2, 5), (3, 5)])
        #expect(FeatureBins.edges(sorted: positive, maxBins: 255) == [1.5, 2.5, .infinity])
        let negative = Self.column([(-3, 5), (-2, 5), (-1, 5)])
        #expect(FeatureBins.edges(sorted: negative, maxBins: 255) == [-2.5, -1.5, .infinity])
        // Zeros and positive values: the zero bin, then the positive values' bins.
        let zeroAndPositive = Self.column([(0, 10), (1, 10), (2, 10), (3, 10)])
        #expect(FeatureBins.edges(sorted: zeroAndPositive, maxBins: 255) == [Self.zero, 1.5, 2.5, .infinity])
        #expect(FeatureBins.edges(sorted: Self.column([(0, 7)]), maxBins: 255) == [.infinity])
    }

    @Test(arguments: [2, 3, 4, 17, 255])
    func edgesAscendAndNeverExceedTheBinLimit(maxBins: Int) {
        var random = SeededRandom(seed: UInt64(maxBins))
        for trial in 0..<40 {
            let count = 1 + trial * 37
            let zeros = trial % 3 == 0 ? count / 4 : 0
            let values = (0..<count).map { index -> Double in
                if index < zeros { return 0 }
                let value = random.nextDouble() * 4 - (trial % 2 == 0 ? 2 : 0.5)
                return trial % 5 == 0 ? value.rounded() : value
            }
            let edges = FeatureBins.edges(sorted: values.sorted(), maxBins: maxBins)
            #expect(edges.count <= maxBins, "trial \(trial): \(edges.count) bins")
            #expect(edges.last == .infinity)
            #expect(zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "trial \(trial): \(edges)")
        }
    }

    @Test func aStepAtZeroIsLearnedExactly() throws {
        // y = (x > 0) with 50 negative and 350 positive values and 4 bins: equal-count bins alone
        // would put -50 ... 50 in one bin; the zero bin lets the first split sit at zero.
        let xs = (1...50).map { -Double($0) } + (1...350).map { Double($0) }
        let labels = xs.map { $0 > 0 ? 1.0 : 0.0 }
        let matrix = try FeatureMatrix(rowCount: xs.count, values: xs, featureNames: ["x"])
        let target = try TrainingTarget(
            name: "y", task: .binary, values: labels, classes: labels.map { Int($0) }, classLabels: ["0", "1"])
        var context = TrainingContext(seed: 0, threads: 1)
        let model = try GradientBoosting(nEstimators: 20, minSamplesLeaf: 5, maxBins: 4)
            .fit(TrainingData(features: matrix, target: target), context: &context)
        let probe = try FeatureMatrix(rowCount: 4, values: [-30, -0.25, 0.25, 30], featureNames: ["x"])
        let p = try model.predict(probe).positiveProbabilities
        #expect(p[0] < 0.2 && p[1] < 0.2 && p[2] > 0.8 && p[3] > 0.8, "\(p)")
    }
}
