import MLOpsCore

/// Whether a larger or a smaller metric value is better.
public enum MetricGoal: String, Sendable, Hashable, Codable {
    /// Larger is better (accuracy).
    case maximize
    /// Smaller is better (loss).
    case minimize
}

extension ExperimentTracker {
    /// Every measurement of one metric of a run, ordered by step, then
    /// timestamp, then logging order; optionally downsampled for plotting.
    ///
    /// - Parameters:
    ///   - runID: The run's ID.
    ///   - key: The metric's key.
    ///   - maxPoints: If given and the series is longer, thin it with
    ///     ``MetricDownsampler`` (first and last kept, min and max per bucket).
    /// - Returns: An empty array for a metric the run never logged.
    public func metricHistory(runID: String, key: String, maxPoints: Int? = nil) async throws -> [Metric] {
        try await writer.flush()
        let chunks = try await metadata.scan(.prefix(keys.metricSeries(runID: runID, key: key)))
        var points: [Metric] = []
        for chunk in chunks { try MetricChunkBuilder.decode(chunk.value, key: key, into: &points) }
        if !Self.isSorted(points) {
            // A stable sort by (step, timestamp): ties keep logging order.
            points = points.enumerated().sorted { a, b in
                if a.element.step != b.element.step { return a.element.step < b.element.step }
                if a.element.timestamp != b.element.timestamp { return a.element.timestamp < b.element.timestamp }
                return a.offset < b.offset
            }.map(\.element)
        }
        if let maxPoints { return try MetricDownsampler.downsample(points, maxPoints: maxPoints) }
        return points
    }

    private static func isSorted(_ points: [Metric]) -> Bool {
        var i = 1
        while i < points.count {
            let a = points[i - 1]
            let b = points[i]
            if a.step > b.step || (a.step == b.step && a.timestamp > b.timestamp) { return false }
            i += 1
        }
        return true
    }

    /// The full history of every metric of a run, by key.
    public func metricHistories(runID: String) async throws -> [String: [Metric]] {
        var result: [String: [Metric]] = [:]
        for key in try await latestMetrics(runID: runID).keys {
            result[key] = try await metricHistory(runID: runID, key: key)
        }
        return result
    }

    /// The latest measurement of each metric of a run (highest step, then latest timestamp).
    ///
    /// - Throws: `notFound` for an unknown run.
    public func latestMetrics(runID: String) async throws -> [String: Metric] {
        try await run(id: runID).metrics
    }

    /// The latest metrics of several runs, by run ID (unknown runs are left out).
    public func latestMetrics(runIDs: [String]) async throws -> [String: [String: Metric]] {
        var result: [String: [String: Metric]] = [:]
        for runID in runIDs {
            guard let experimentID = try await runExperimentID(runID) else { continue }
            guard let entry = try await metadata.get(keys.run(experimentID: experimentID, runID: runID)) else {
                continue
            }
            result[runID] = try RunRecord.atKey(entry.key) { try RunRecordView(entry.value).decodeMetrics() }
        }
        return result
    }

    /// Runs side by side: every param and latest metric of each.
    ///
    /// - Throws: `notFound` naming the first unknown run; `invalidArgument` for no IDs.
    public func compareRuns(ids: [String]) async throws -> RunComparison {
        guard !ids.isEmpty else {
            throw MLOpsError(.invalidArgument, "compare at least one run")
        }
        var runs: [Run] = []
        for id in ids { runs.append(try await run(id: id)) }
        return RunComparison(runs: runs)
    }

    /// The run with the best latest value of `metric` among the runs matching
    /// `filter`, or `nil` if none has a value. NaN is never best; ties go to the
    /// run that sorts first by the default order (newest).
    public func bestRun(
        experimentIDs: [String] = [], metric: String, goal: MetricGoal = .maximize, filter: RunFilter = .all,
        viewType: ViewType = .activeOnly
    ) async throws -> Run? {
        let ids = try await resolveExperimentIDs(experimentIDs)
        let views = try await matchingRuns(experimentIDs: ids, filter: filter, order: RunOrder(), viewType: viewType)
        var best: (view: RunRecordView, value: Double)?
        for view in views {
            guard let value = view.latestMetric(metric), !value.isNaN else { continue }
            if let current = best?.value {
                let better = goal == .maximize ? value > current : value < current
                if !better { continue }
            }
            best = (view, value)
        }
        guard let best else { return nil }
        return try await makeRun(RunRecord(view: best.view))
    }
}
