import MLOpsCore

/// A monotone map from a model's scores to probabilities of class 1, fitted by isotonic
/// regression (pool-adjacent-violators) on scores with known labels.
///
/// The fit may run on equal-count bins of rows rather than on every row
/// (``init(scores:labels:binSize:interpolation:)``), which tempers the over-confidence of plain
/// isotonic regression at the ends of the score range.
///
/// Two interpolations of the fitted steps are offered (``Interpolation``): scikit-learn's
/// `IsotonicRegression(out_of_bounds="clip")`, whose map is flat across each pooled block, and
/// centred isotonic regression (Oron and Flournoy, 2017), which interpolates between block
/// centres so that scores within a block keep their order. Scores outside the fitted range are
/// clipped to it.
public struct IsotonicCalibrator: Sendable, Hashable, Codable {
    /// How the fitted blocks are turned into a map.
    public enum Interpolation: String, Sendable, Hashable, Codable {
        /// scikit-learn's: linear interpolation between the distinct fitted scores, flat across a
        /// pooled block (NannyML's CBPE calibrates so).
        case stepwise
        /// Centred isotonic regression: linear interpolation between the weighted centre of each
        /// block, the lowest and highest fitted score keeping their blocks' values.
        case centered
    }

    /// The knots of the map: increasing scores.
    public private(set) var knots: [Double]
    /// The map's value at each knot: non-decreasing probabilities.
    public private(set) var values: [Double]

    /// Fits the map on `scores` with `labels` (0 or 1).
    ///
    /// With a `binSize` above 1, the rows sorted by score are first grouped into equal-count bins
    /// of about `binSize` rows (numpy's `linspace` edges), and the regression is fitted on each
    /// bin's mean score and mean label, weighted by its row count. Plain isotonic regression
    /// overfits at the ends of the score range, where a few rows can form a block of 0 or 1, and
    /// so is over-confident; bins of a few hundred rows remove most of that bias.
    ///
    /// - Parameters:
    ///   - scores: Finite scores, one per row.
    ///   - labels: The true class of each row, 0 or 1.
    ///   - binSize: Rows per bin before the regression; 1 (the default) fits every row, as
    ///     scikit-learn does.
    ///   - interpolation: How to interpolate the fitted blocks.
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, a label other than
    ///   0 and 1, a score that is not finite (naming the row), or a bin size below 1.
    public init(
        scores: [Double], labels: [Int], binSize: Int = 1, interpolation: Interpolation = .stepwise
    ) throws {
        try MetricKernels.checkPair(scores.count, labels.count, "scores", "labels")
        try MetricKernels.checkClasses(labels, classCount: 2, name: "labels")
        try MetricKernels.checkFinite(scores, name: "scores")
        guard binSize >= 1 else {
            throw MLOpsError(.invalidArgument, "an isotonic bin size must be at least 1", value: String(binSize))
        }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // The points to fit: every row, or each bin's mean score and label with its row count.
        var points: [(x: Double, y: Double, w: Double)] = []
        let binCount = scores.count / binSize
        if binSize == 1 || binCount < 2 {
            points = order.map { (scores[$0], Double(labels[$0]), 1) }
        } else {
            var lower = 0
            for bin in 1...binCount {
                let upper = bin == binCount ? scores.count : Int(Double(bin) * Double(scores.count) / Double(binCount))
                guard upper > lower else { continue }
                var x = 0.0
                var y = 0.0
                for position in lower..<upper {
                    x += scores[order[position]]
                    y += Double(labels[order[position]])
                }
                let w = Double(upper - lower)
                points.append((x / w, y / w, w))
                lower = upper
            }
        }
        // Distinct x with the weighted mean y and total weight of each.
        var x: [Double] = []
        var y: [Double] = []
        var w: [Double] = []
        for point in points {
            if let last = x.last, last == point.x {
                y[y.count - 1] += point.y * point.w
                w[w.count - 1] += point.w
            } else {
                x.append(point.x)
                y.append(point.y * point.w)
                w.append(point.w)
            }
        }
        for i in y.indices { y[i] /= w[i] }
        // Pool adjacent violators: blocks of (weighted mean, weight, first, last distinct score).
        var means: [Double] = []
        var weights: [Double] = []
        var xSums: [Double] = []
        var firsts: [Int] = []
        for i in x.indices {
            means.append(y[i])
            weights.append(w[i])
            xSums.append(x[i] * w[i])
            firsts.append(i)
            while means.count >= 2, means[means.count - 2] >= means[means.count - 1] {
                // Pools equal neighbours too: centred interpolation needs strictly increasing
                // blocks, and for the stepwise map pooling equal values changes nothing.
                let last = means.count - 1
                let weight = weights[last - 1] + weights[last]
                means[last - 1] = (means[last - 1] * weights[last - 1] + means[last] * weights[last]) / weight
                weights[last - 1] = weight
                xSums[last - 1] += xSums[last]
                means.removeLast()
                weights.removeLast()
                xSums.removeLast()
                firsts.removeLast()
            }
        }
        switch interpolation {
        case .stepwise:
            // Each block's first and last distinct score carry the block's value.
            var knots: [Double] = []
            var values: [Double] = []
            for block in means.indices {
                let first = firsts[block]
                let last = block + 1 < firsts.count ? firsts[block + 1] - 1 : x.count - 1
                knots.append(x[first])
                values.append(means[block])
                if last != first {
                    knots.append(x[last])
                    values.append(means[block])
                }
            }
            self.knots = knots
            self.values = values
        case .centered:
            var knots: [Double] = []
            var values: [Double] = []
            for block in means.indices {
                let center = xSums[block] / weights[block]
                if block == 0, x[0] < center {
                    knots.append(x[0])
                    values.append(means[0])
                }
                knots.append(center)
                values.append(means[block])
            }
            if let last = x.last, let lastKnot = knots.last, last > lastKnot, let lastValue = means.last {
                knots.append(last)
                values.append(lastValue)
            }
            self.knots = knots
            self.values = values
        }
    }

    /// The calibrated probability of `score`: linear interpolation between the knots, clipped
    /// to the first and last knot's values outside them. NaN stays NaN.
    public func calibrate(_ score: Double) -> Double {
        guard let first = knots.first, let last = knots.last, !score.isNaN else { return score }
        if score <= first { return values[0] }
        if score >= last { return values[values.count - 1] }
        var low = 0
        var high = knots.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if knots[middle] <= score { low = middle } else { high = middle }
        }
        let span = knots[high] - knots[low]
        guard span > 0 else { return values[high] }
        return values[low] + (values[high] - values[low]) * (score - knots[low]) / span
    }

    /// The calibrated probabilities of `scores`.
    public func calibrate(_ scores: [Double]) -> [Double] { scores.map { calibrate($0) } }
}
