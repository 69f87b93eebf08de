import MLOpsCore

/// A seeded simulation of a binary classifier under covariate shift without concept drift:
/// x ~ N(shift, 1), P(y = 1 | x) = σ(2x − 0.5) everywhere, and the model's score is an
/// over-confident σ(3x − 0.75), so it needs calibration.
struct CBPESimulation {
    var scores: [Double] = []
    var labels: [Int] = []

    init(count: Int, shift: Double, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        scores.reserveCapacity(count)
        labels.reserveCapacity(count)
        for _ in 0..<count {
            let x = random.normal(mean: shift, standardDeviation: 1)
            let truth = Self.sigmoid(2 * x - 0.5)
            labels.append(random.nextDouble() < truth ? 1 : 0)
            scores.append(Self.sigmoid(3 * x - 0.75))
        }
    }

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + Platform.exp(-z)) }
}
