import ExperimentTracking
import MLOpsCore
import Testing

@Suite struct MetricHistoryTests {
    @Test func historiesAreOrderedByStepThenTimestampThenLoggingOrder() async throws {
        let fixture = try TrackerFixture.make(.sqlite, maxPointsPerCommit: 3)
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "order")
        let points = [
            Metric(key: "m", value: 1, step: 5, timestamp: 10), Metric(key: "m", value: 2, step: 1, timestamp: 30),
            Metric(key: "m", value: 3, step: 1, timestamp: 20), Metric(key: "m", value: 4, step: 1, timestamp: 20),
            Metric(key: "m", value: 5, step: -2, timestamp: 99), Metric(key: "m", value: 6, step: 5, timestamp: 10),
        ]
        for point in points { try await run.log(metrics: [point]) }
        try await run.finish()
        let history = try await tracker.metricHistory(runID: run.runID, key: "m")
        #expect(history.map(\.value) == [5, 3, 4, 2, 1, 6])
        // The latest value is the highest step, then the latest timestamp (ties: the later logged).
        #expect(try await tracker.latestMetrics(runID: run.runID)["m"]?.value == 6)
        #expect(try await tracker.metricHistories(runID: run.runID)["m"] == history)
    }

    @Test func largeStepsAndTimestampsRoundTrip() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "extremes")
        let points = [
            Metric(key: "x", value: 1, step: .min, timestamp: 0),
            Metric(key: "x", value: 2, step: .max, timestamp: .max),
            Metric(key: "x", value: 3, step: 0, timestamp: 7),
        ]
        try await run.log(metrics: points)
        try await run.finish()
        let history = try await tracker.metricHistory(runID: run.runID, key: "x")
        #expect(history == [points[0], points[2], points[1]])
    }

    @Test func downsamplingKeepsEndsAndExtremes() throws {
        var points: [Metric] = []
        for i in 0..<1_000 {
            let value = i == 500 ? 100.0 : (i == 700 ? -100.0 : Double(i % 10))
            points.append(Metric(key: "m", value: value, step: Int64(i), timestamp: 0))
        }
        let thin = try MetricDownsampler.downsample(points, maxPoints: 50)
        #expect(thin.count <= 50)
        #expect(thin.first == points.first)
        #expect(thin.last == points.last)
        #expect(thin.contains { $0.value == 100 })
        #expect(thin.contains { $0.value == -100 })
        #expect(thin.map(\.step) == thin.map(\.step).sorted())
        #expect(try MetricDownsampler.downsample(points, maxPoints: 2000) == points)
        #expect(try MetricDownsampler.downsample(points, maxPoints: 2) == [points[0], points[999]])
        #expect(try MetricDownsampler.downsample(points, maxPoints: 3).count == 3)
        #expect(throws: MLOpsError.self) { try MetricDownsampler.downsample(points, maxPoints: 1) }
        // NaN is never an extreme; an all-NaN bucket keeps a point.
        let withNaN = (0..<100).map {
            Metric(key: "m", value: $0 < 50 ? .nan : Double($0), step: Int64($0), timestamp: 0)
        }
        let thinNaN = try MetricDownsampler.downsample(withNaN, maxPoints: 10)
        #expect(thinNaN.count <= 10)
        #expect(thinNaN.contains { $0.value == 99 || $0.value == 98 })
        #expect(thinNaN.filter { $0.value.isNaN }.count >= 2)
    }

    @Test func historyDownsamplingThroughTheTracker() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "thin")
        for chunk in 0..<10 {
            try await run.log(
                metrics: (0..<1_000).map { i in
                    let step = chunk * 1_000 + i
                    return Metric(key: "loss", value: 1 / Double(step + 1), step: Int64(step), timestamp: 1)
                })
        }
        try await run.finish()
        let full = try await tracker.metricHistory(runID: run.runID, key: "loss")
        #expect(full.count == 10_000)
        let thin = try await tracker.metricHistory(runID: run.runID, key: "loss", maxPoints: 200)
        #expect(thin.count <= 200)
        #expect(thin.first?.step == 0)
        #expect(thin.last?.step == 9_999)
    }
}
