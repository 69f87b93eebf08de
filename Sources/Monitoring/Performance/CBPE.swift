import MLOpsCore

/// Confidence-based performance estimation (NannyML's CBPE) for a binary classifier: accuracy
/// and ROC AUC estimated from the model's scores alone, while labels are not yet known.
///
/// Fitted on a reference period with labels, CBPE calibrates the scores into probabilities with
/// isotonic regression (``IsotonicCalibrator``) fitted on bins of about 0.5 % of the reference
/// rows (NannyML fits every row; see ``init(referenceScores:referenceLabels:threshold:calibration:calibrationBinSize:interpolation:)``);
/// on a chunk without labels it treats each
/// calibrated probability p as the chance that the row is of class 1 and so sums an expected
/// confusion matrix. Expected accuracy is the mean of p over rows predicted 1 and 1 − p over rows
/// predicted 0; expected ROC AUC is the area under the curve of expected true- and
/// false-positive counts taken in the order of the raw scores.
///
/// What a caller must know:
/// - The estimate is valid under covariate shift but not under concept drift: it assumes
///   P(class | score) is the same as in the reference period.
/// - Small chunks give noisy estimates (as they give noisy realised metrics); NannyML
///   recommends chunks of several hundred rows or more.
/// - Like NannyML, calibration is skipped (``isCalibrated`` is `false`) when it does not lower
///   the expected calibration error in a cross-validation on the reference scores, when the
///   reference holds a single class, or when its ROC AUC exceeds 0.999.
public struct CBPE: Sendable, Hashable, Codable {
    /// The score at or above which the model predicts class 1.
    public let threshold: Double
    /// The calibration map, or `nil` when the raw scores are used as probabilities.
    public let calibrator: IsotonicCalibrator?
    /// Whether scores are calibrated before estimating.
    public var isCalibrated: Bool { calibrator != nil }

    /// How calibration is chosen at fit time.
    public enum Calibration: String, Sendable, Hashable, Codable {
        /// Calibrate when the cross-validation check says it helps (NannyML's rule).
        case automatic
        /// Always calibrate.
        case always
        /// Never calibrate: the scores are taken as probabilities.
        case never
    }

    /// Fits CBPE on a reference period.
    ///
    /// - Parameters:
    ///   - referenceScores: The model's scores on the reference period: probabilities of class 1
    ///     (or any scores when calibrating).
    ///   - referenceLabels: The true class of each reference row, 0 or 1.
    ///   - threshold: The score at or above which the model predicts class 1.
    ///   - calibration: Whether to calibrate.
    ///   - calibrationBinSize: Reference rows per bin of the isotonic fit
    ///     (``IsotonicCalibrator/init(scores:labels:binSize:interpolation:)``); `nil` (the
    ///     default) means 1/200 of the reference rows, at least 1. Plain isotonic regression
    ///     (1, NannyML's choice) is over-confident at the ends of the score range, which biases
    ///     the estimates up when a chunk shifts towards extreme scores; binning removes most of
    ///     that bias.
    ///   - interpolation: How the isotonic map interpolates its blocks: `stepwise` (the default)
    ///     is scikit-learn's, as NannyML uses; `centered` interpolates between block centres.
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, a label other than 0
    ///   and 1, a non-finite score, a non-finite threshold, or — when not calibrating — a score
    ///   outside [0, 1].
    public init(
        referenceScores: [Double], referenceLabels: [Int], threshold: Double = 0.5,
        calibration: Calibration = .automatic, calibrationBinSize: Int? = nil,
        interpolation: IsotonicCalibrator.Interpolation = .stepwise
    ) throws {
        guard threshold.isFinite else {
            throw MLOpsError(.invalidArgument, "the CBPE threshold must be finite", value: String(threshold))
        }
        let binSize = calibrationBinSize ?? Swift.max(1, referenceScores.count / 200)
        let calibrator = try IsotonicCalibrator(
            scores: referenceScores, labels: referenceLabels, binSize: binSize, interpolation: interpolation)
        let calibrate: Bool
        switch calibration {
        case .always: calibrate = true
        case .never: calibrate = false
        case .automatic:
            calibrate = try Self.needsCalibration(
                scores: referenceScores, labels: referenceLabels, binSize: binSize, interpolation: interpolation)
        }
        if !calibrate {
            try MetricKernels.checkProbabilities(referenceScores, stride: 1, name: "uncalibrated reference scores")
        }
        self.threshold = threshold
        self.calibrator = calibrate ? calibrator : nil
    }

    /// Estimates accuracy and ROC AUC of one chunk from its scores.
    ///
    /// Non-finite scores are left out (as NannyML drops NaN rows); ``CBPEEstimate/count`` is the
    /// number used. Without calibration, scores are clamped to [0, 1].
    public func estimate(scores: [Double]) -> CBPEEstimate {
        var raw: [Double] = []
        raw.reserveCapacity(scores.count)
        for score in scores where score.isFinite { raw.append(score) }
        guard !raw.isEmpty else { return CBPEEstimate(count: 0, accuracy: nil, rocAUC: nil) }
        let probabilities = raw.map { calibrator?.calibrate($0) ?? Swift.min(Swift.max($0, 0), 1) }
        var correct = 0.0
        for (score, p) in zip(raw, probabilities) { correct += score >= threshold ? p : 1 - p }
        return CBPEEstimate(
            count: raw.count, accuracy: correct / Double(raw.count),
            rocAUC: Self.expectedROCAUC(scores: raw, probabilities: probabilities))
    }

    /// Estimates each consecutive chunk of `chunkSize` scores (the last chunk may be smaller).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a chunk size below 1.
    public func estimate(scores: [Double], chunkSize: Int) throws -> [CBPEEstimate] {
        guard chunkSize >= 1 else {
            throw MLOpsError(.invalidArgument, "a CBPE chunk size must be at least 1", value: String(chunkSize))
        }
        return stride(from: 0, to: scores.count, by: chunkSize).map { start in
            estimate(scores: Array(scores[start..<Swift.min(start + chunkSize, scores.count)]))
        }
    }

    /// The area under the curve of expected true- and false-positive counts, rows taken in
    /// decreasing raw score; tied scores form one step (their order is arbitrary). `nil` when
    /// the expected positives or negatives are zero.
    static func expectedROCAUC(scores: [Double], probabilities: [Double]) -> Double? {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var positives = 0.0
        for p in probabilities { positives += p }
        let negatives = Double(scores.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        var area = 0.0
        var tp = 0.0
        var fp = 0.0
        var position = 0
        while position < order.count {
            let previousTP = tp
            let previousFP = fp
            let score = scores[order[position]]
            while position < order.count, scores[order[position]] == score {
                let p = probabilities[order[position]]
                tp += p
                fp += 1 - p
                position += 1
            }
            area += (fp - previousFP) * (tp + previousTP) / 2
        }
        return Swift.min(Swift.max(area / (positives * negatives), 0), 1)
    }

    /// NannyML's `needs_calibration`: whether isotonic calibration lowers the expected
    /// calibration error (10 equal-count bins) of held-out scores over 10 stratified 90/10
    /// splits of the reference.
    static func needsCalibration(
        scores: [Double], labels: [Int], binSize: Int, interpolation: IsotonicCalibrator.Interpolation
    ) throws -> Bool {
        let positives = labels.indices.filter { labels[$0] == 1 }
        let negatives = labels.indices.filter { labels[$0] == 0 }
        guard !positives.isEmpty, !negatives.isEmpty else { return false }
        if let auc = try MetricKernels.rocAUC(scores: scores, actual: labels), auc > 0.999 { return false }
        var random = SeededRandom(seed: 42)
        var testLabels: [Int] = []
        var testScores: [Double] = []
        var calibratedScores: [Double] = []
        for _ in 0..<10 {
            var isTest = [Bool](repeating: false, count: scores.count)
            for group in [positives, negatives] {
                let testCount = Swift.max(1, Int((Double(group.count) * 0.1).rounded()))
                guard testCount < group.count else { continue }
                for row in random.shuffled(group).prefix(testCount) { isTest[row] = true }
            }
            let train = scores.indices.filter { !isTest[$0] }
            let test = scores.indices.filter { isTest[$0] }
            guard !train.isEmpty, !test.isEmpty else { continue }
            let calibrator = try IsotonicCalibrator(
                scores: train.map { scores[$0] }, labels: train.map { labels[$0] }, binSize: binSize,
                interpolation: interpolation)
            for row in test {
                testLabels.append(labels[row])
                testScores.append(scores[row])
                calibratedScores.append(calibrator.calibrate(scores[row]))
            }
        }
        guard testScores.count >= 4 else { return false }
        let before = expectedCalibrationError(labels: testLabels, probabilities: testScores)
        let after = expectedCalibrationError(labels: testLabels, probabilities: calibratedScores)
        return before > after
    }

    /// The expected calibration error over 10 equal-count bins of the sorted probabilities
    /// (fewer for small inputs), as NannyML computes it.
    static func expectedCalibrationError(labels: [Int], probabilities: [Double]) -> Double {
        let n = probabilities.count
        var binCount = 10
        if n <= 2 * binCount { binCount = Swift.max(1, n / 2) }
        let width = Swift.max(1, n / binCount)
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        var edges = Array(stride(from: 0, through: n, by: width))
        edges[edges.count - 1] = n
        var error = 0.0
        for i in 0..<(edges.count - 1) where edges[i + 1] > edges[i] {
            var meanP = 0.0
            var meanY = 0.0
            for position in edges[i]..<edges[i + 1] {
                meanP += probabilities[order[position]]
                meanY += Double(labels[order[position]])
            }
            let size = Double(edges[i + 1] - edges[i])
            error += size / Double(n) * abs(meanP / size - meanY / size)
        }
        return error
    }
}
