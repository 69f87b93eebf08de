import MLOpsCore
import Monitoring
import Testing

@Suite struct PerformanceWindowsTests {
    static func labelled(_ id: Int, at time: Int64, score: Double, label: Int) -> Prediction {
        var prediction = Prediction(requestID: "r\(id)", timestampMilliseconds: time, score: score)
        prediction.actualLabel = label
        return prediction
    }

    static func regression(_ id: Int, at time: Int64, predicted: Double, actual: Double) -> Prediction {
        var prediction = Prediction(requestID: "r\(id)", timestampMilliseconds: time, predictedValue: predicted)
        prediction.actualValue = actual
        return prediction
    }

    @Test func tumblingTimeWindowsIncludeEmptyOnes() throws {
        let predictions = [
            Self.labelled(0, at: 1_005, score: 0.9, label: 1), Self.labelled(1, at: 1_010, score: 0.2, label: 0),
            Self.labelled(2, at: 1_020, score: 0.7, label: 0), Self.labelled(3, at: 3_500, score: 0.4, label: 1),
            Prediction(requestID: "unlabelled", timestampMilliseconds: 2_000, score: 0.5),
        ]
        let windows = try PerformanceWindows.compute(
            predictions, window: .tumblingTime(milliseconds: 1_000), task: .binaryClassification(threshold: 0.5))
        #expect(windows.map(\.startMilliseconds) == [1_000, 2_000, 3_000])
        #expect(windows.map(\.count) == [3, 0, 1])
        #expect(windows[1].metrics == WindowMetrics())
        let first = windows[0].metrics
        #expect(first.accuracy == 2.0 / 3)
        #expect(first.rocAUC == 1.0)  // the positive (0.9) outranks both negatives
        let logLoss = try MetricKernels.logLoss(positiveProbabilities: [0.9, 0.2, 0.7], actual: [1, 0, 0])
        #expect(first.logLoss == logLoss)
        #expect(windows[2].metrics.rocAUC == nil)  // one class only
        #expect(windows[2].metrics.accuracy == 0)
    }

    @Test func slidingTimeWindowsOverlap() throws {
        let predictions = (0..<10).map { Self.labelled($0, at: Int64($0) * 100, score: 0.6, label: $0 % 2) }
        let windows = try PerformanceWindows.compute(
            predictions, window: .slidingTime(milliseconds: 400, stepMilliseconds: 200),
            task: .binaryClassification(threshold: 0.5))
        // Windows start at -200, 0, 200, …, 800 — each holds the predictions in [start, start + 400).
        #expect(windows.first?.startMilliseconds == -200)
        #expect(windows.map(\.count) == [2, 4, 4, 4, 4, 2])
        #expect(windows.allSatisfy { $0.metrics.accuracy == 0.5 })
    }

    @Test func countWindowsTumbleAndSlide() throws {
        let predictions = (0..<10).map {
            Self.regression($0, at: Int64($0), predicted: Double($0), actual: Double($0) + ($0 < 5 ? 1 : 3))
        }
        let tumbling = try PerformanceWindows.compute(predictions, window: .tumblingCount(4), task: .regression)
        #expect(tumbling.map(\.count) == [4, 4, 2])
        #expect(tumbling[0].metrics.meanAbsoluteError == 1)
        #expect(tumbling[0].metrics.rootMeanSquaredError == 1)
        #expect(tumbling[2].metrics.meanAbsoluteError == 3)
        let mae = try MetricKernels.meanAbsoluteError(
            predicted: [4, 5, 6, 7], actual: [5, 8, 9, 10])
        #expect(tumbling[1].metrics.meanAbsoluteError == mae)
        let sliding = try PerformanceWindows.compute(predictions, window: .slidingCount(5, step: 3), task: .regression)
        #expect(sliding.map(\.count) == [5, 5, 4])
        #expect(sliding.map(\.startMilliseconds) == [0, 3, 6])
    }

    @Test func emptyInputAndUnusableRows() throws {
        #expect(try PerformanceWindows.compute([], window: .tumblingCount(5), task: .regression).isEmpty)
        let unlabelled = [Prediction(requestID: "a", timestampMilliseconds: 0, score: 0.5)]
        #expect(
            try PerformanceWindows.compute(
                unlabelled, window: .tumblingTime(milliseconds: 10), task: .binaryClassification(threshold: 0.5)
            ).isEmpty)
        // A classifier row labelled but scored by value only cannot be measured as a classifier.
        var odd = Prediction(requestID: "b", timestampMilliseconds: 0, predictedValue: 3)
        odd.actualLabel = 1
        let windows = try PerformanceWindows.compute(
            [odd], window: .tumblingCount(5), task: .binaryClassification(threshold: 0.5))
        #expect(windows.count == 1)
        #expect(windows[0].count == 0)
        #expect(windows[0].skippedCount == 1)
        #expect(windows[0].metrics == WindowMetrics())
        // Decision values outside [0, 1]: AUC defined, log loss not.
        let decisions = [Self.labelled(0, at: 0, score: 2.5, label: 1), Self.labelled(1, at: 0, score: -1, label: 0)]
        let metrics = PerformanceWindows.metrics(of: decisions, task: .binaryClassification(threshold: 0))
        #expect(metrics.metrics.rocAUC == 1)
        #expect(metrics.metrics.logLoss == nil)
        #expect(metrics.metrics.accuracy == 1)
    }

    @Test func badWindowSpecsThrow() {
        let one = [Self.labelled(0, at: 0, score: 0.5, label: 1)]
        let task = PerformanceTask.binaryClassification(threshold: 0.5)
        #expect(throws: MLOpsError.self) { try PerformanceWindows.compute(one, window: .tumblingCount(0), task: task) }
        #expect(throws: MLOpsError.self) {
            try PerformanceWindows.compute(one, window: .slidingCount(3, step: -1), task: task)
        }
        #expect(throws: MLOpsError.self) {
            try PerformanceWindows.compute(one, window: .tumblingTime(milliseconds: 0), task: task)
        }
        let far = one + [Self.labelled(1, at: Int64.max, score: 0.5, label: 1)]
        #expect(throws: MLOpsError.self) {
            try PerformanceWindows.compute(far, window: .tumblingTime(milliseconds: 1), task: task)
        }
        let extremes = [Self.labelled(0, at: Int64.min, score: 0.5, label: 1)] + far
        #expect(throws: MLOpsError.self) {
            try PerformanceWindows.compute(
                extremes, window: .slidingTime(milliseconds: 5, stepMilliseconds: 1), task: task)
        }
        // One huge window over the whole range is fine.
        #expect(
            (try? PerformanceWindows.compute(extremes, window: .tumblingTime(milliseconds: Int64.max), task: task))?
                .reduce(0) { $0 + $1.count } == 3)
    }
}
