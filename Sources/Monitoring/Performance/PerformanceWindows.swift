import MLOpsCore

/// Tumbling and sliding windows of model quality over labelled predictions.
///
/// Only labelled predictions (``Prediction/isLabelled``) count; the rest are ignored. Metrics
/// are computed with the same kernels as Training's `Metrics`, so a window's ROC AUC or RMSE
/// equals scikit-learn's on the same rows.
public enum PerformanceWindows {
    /// The most windows one call produces.
    public static let maxWindows = 1_000_000

    /// Cuts `predictions` into windows as `window` says and computes `task`'s metrics in each.
    ///
    /// - Parameters:
    ///   - predictions: Predictions in any order; unlabelled ones are ignored.
    ///   - window: How to cut them.
    ///   - task: Which metrics to compute.
    /// - Returns: The windows in time order; none when no prediction is labelled.
    /// - Throws: `MLOpsError` `invalidArgument` for a window length, step or count below 1, or
    ///   `limitExceeded` when the windows would number more than ``maxWindows``.
    public static func compute(
        _ predictions: [Prediction], window: WindowSpec, task: PerformanceTask
    ) throws -> [PerformanceWindow] {
        let labelled = predictions.filter(\.isLabelled).sorted { $0.timestampMilliseconds < $1.timestampMilliseconds }
        switch window {
        case .tumblingTime(let length):
            return try timeWindows(labelled, length: length, step: length, task: task)
        case .slidingTime(let length, let step):
            return try timeWindows(labelled, length: length, step: step, task: task)
        case .tumblingCount(let size):
            return try countWindows(labelled, size: size, step: size, task: task)
        case .slidingCount(let size, let step):
            return try countWindows(labelled, size: size, step: step, task: task)
        }
    }

    /// The metrics of `task` over all of `predictions` (labelled ones only) as one window.
    public static func metrics(of predictions: [Prediction], task: PerformanceTask) -> PerformanceWindow {
        let labelled = predictions.filter(\.isLabelled)
        let start = labelled.map(\.timestampMilliseconds).min() ?? 0
        let end = labelled.map(\.timestampMilliseconds).max().map { $0 &+ 1 } ?? 0
        return window(labelled[...], start: start, end: end, task: task)
    }

    private static func timeWindows(
        _ labelled: [Prediction], length: Int64, step: Int64, task: PerformanceTask
    ) throws -> [PerformanceWindow] {
        guard length >= 1, step >= 1 else {
            throw MLOpsError(
                .invalidArgument, "a time window's length and step must be at least 1 ms", value: "\(length), \(step)")
        }
        guard let first = labelled.first?.timestampMilliseconds, let last = labelled.last?.timestampMilliseconds
        else { return [] }
        // The first window is the earliest step-aligned one that contains `first`; windows that
        // would start below Int64.min are not produced. Distances are unsigned: they fit.
        let firstAligned = floorMultiple(first, of: step)
        let room = UInt64(bitPattern: firstAligned &- Int64.min) / UInt64(step)
        let back = Swift.min(UInt64(length - 1) / UInt64(step), room)
        var start = firstAligned &- Int64(bitPattern: back &* UInt64(step))
        while true {
            let (end, overflow) = start.addingReportingOverflow(length)
            if overflow || end > first { break }
            let (next, nextOverflow) = start.addingReportingOverflow(step)
            if nextOverflow { return [] }
            start = next
        }
        guard UInt64(bitPattern: last &- start) / UInt64(step) < UInt64(maxWindows) else {
            throw MLOpsError(
                .limitExceeded, "the windows would number more than \(maxWindows); use a longer step",
                value: String(step))
        }
        var result: [PerformanceWindow] = []
        var lower = 0
        while start <= last {
            let (end, overflow) = start.addingReportingOverflow(length)
            let upperBound = overflow ? Int64.max : end
            while lower < labelled.count && labelled[lower].timestampMilliseconds < start { lower += 1 }
            var upper = lower
            while upper < labelled.count && (overflow || labelled[upper].timestampMilliseconds < upperBound) {
                upper += 1
            }
            result.append(window(labelled[lower..<upper], start: start, end: upperBound, task: task))
            let (next, nextOverflow) = start.addingReportingOverflow(step)
            if nextOverflow { break }
            start = next
        }
        return result
    }

    private static func countWindows(
        _ labelled: [Prediction], size: Int, step: Int, task: PerformanceTask
    ) throws -> [PerformanceWindow] {
        guard size >= 1, step >= 1 else {
            throw MLOpsError(
                .invalidArgument, "a count window's size and step must be at least 1", value: "\(size), \(step)")
        }
        guard labelled.count / step < maxWindows else {
            throw MLOpsError(
                .limitExceeded, "the windows would number more than \(maxWindows); use a longer step",
                value: String(step))
        }
        var result: [PerformanceWindow] = []
        var start = 0
        while start < labelled.count {
            let end = size > labelled.count - start ? labelled.count : start + size
            let rows = labelled[start..<end]
            let first = rows.first?.timestampMilliseconds ?? 0
            let last = rows.last?.timestampMilliseconds ?? 0
            result.append(window(rows, start: first, end: last &+ 1, task: task))
            if end == labelled.count { break }
            start += step
        }
        return result
    }

    /// The metrics of one window's rows.
    private static func window(
        _ rows: ArraySlice<Prediction>, start: Int64, end: Int64, task: PerformanceTask
    ) -> PerformanceWindow {
        var metrics = WindowMetrics()
        var count = 0
        switch task {
        case .binaryClassification(let threshold):
            var predicted: [Int] = []
            var actual: [Int] = []
            var scores: [Double] = []
            var scoreActual: [Int] = []
            for row in rows {
                guard let label = row.actualLabel else { continue }
                let predictedLabel = row.predictedLabel ?? row.score.map { $0 >= threshold ? 1 : 0 }
                guard let predictedLabel else { continue }
                predicted.append(predictedLabel)
                actual.append(label)
                if let score = row.score, score.isFinite, label == 0 || label == 1 {
                    scores.append(score)
                    scoreActual.append(label)
                }
            }
            count = actual.count
            metrics.accuracy = try? MetricKernels.accuracy(predicted: predicted, actual: actual)
            // Scores are only defined for every row or for none: a partial score set would
            // measure a different population.
            if scores.count == count, count > 0 {
                metrics.rocAUC = (try? MetricKernels.rocAUC(scores: scores, actual: scoreActual)) ?? nil
                metrics.logLoss = try? MetricKernels.logLoss(positiveProbabilities: scores, actual: scoreActual)
            }
        case .regression:
            var predicted: [Double] = []
            var actual: [Double] = []
            for row in rows {
                guard let value = row.actualValue, let prediction = row.predictedValue, prediction.isFinite else {
                    continue
                }
                predicted.append(prediction)
                actual.append(value)
            }
            count = actual.count
            metrics.rootMeanSquaredError = try? MetricKernels.rootMeanSquaredError(predicted: predicted, actual: actual)
            metrics.meanAbsoluteError = try? MetricKernels.meanAbsoluteError(predicted: predicted, actual: actual)
        }
        return PerformanceWindow(
            startMilliseconds: start, endMilliseconds: end, count: count, skippedCount: rows.count - count,
            metrics: metrics)
    }

    /// The largest multiple of `step` at or below `value`, or `Int64.min` when that multiple is
    /// below it.
    private static func floorMultiple(_ value: Int64, of step: Int64) -> Int64 {
        let remainder = value % step
        guard remainder < 0 else { return value - remainder }
        let (result, overflow) = (value - remainder).subtractingReportingOverflow(step)
        return overflow ? Int64.min : result
    }
}
