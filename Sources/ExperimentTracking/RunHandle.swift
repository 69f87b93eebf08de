import MLOpsCore

/// Logs into one run: metrics, params, tags, datasets, artifacts, and the
/// run's end. Get one from ``ExperimentTracker/startRun(experiment:name:parentRunID:tags:)``.
///
/// A handle is a small `Sendable` value; copies log into the same run and
/// may be used from any number of tasks at once.
///
/// ```swift
/// let run = try await tracker.startRun(experiment: "mnist")
/// try await run.log(params: ["lr": "0.001", "batch": "64"])
/// for step in 0..<1_000 {
///     let loss = 1.0 / Double(step + 1)
///     try await run.log(metrics: ["loss": loss, "acc": 1 - loss], step: Int64(step))
/// }
/// try await run.finish()
/// ```
///
/// Metric and tag calls return as soon as the values are queued (see
/// ``ExperimentTracker`` for the buffering and durability rules); they wait
/// only when the buffer is full. After ``finish(status:error:)`` or
/// ``end(status:error:)`` the handle refuses further logging with
/// `invalidState`; ``ExperimentTracker/resumeRun(id:)`` gives a new handle.
public struct RunHandle: Sendable {
    /// The tracker the run logs through.
    public let tracker: ExperimentTracker
    let target: RunTarget
    /// The run's name at start.
    public let name: String

    init(tracker: ExperimentTracker, target: RunTarget, name: String) {
        self.tracker = tracker
        self.target = target
        self.name = name
    }

    /// The run's ID.
    public var runID: String { target.runID }
    /// The run's experiment ID.
    public var experimentID: String { target.experimentID }

    // MARK: Metrics

    /// Logs one metric value at `step`, stamped now unless `timestamp` is given.
    ///
    /// - Throws: For a bad name, a negative timestamp, a run that has ended, or a
    ///   pending background failure.
    public func log(metric key: String, value: Double, step: Int64 = 0, timestamp: Int64? = nil) async throws {
        try target.checkOpen()
        try TrackingLimits.validateKey(key, kind: "metric")
        if let timestamp { try TrackingLimits.validateTimestamp(timestamp, key: key) }
        try await tracker.writer.enqueue(
            TrackingWriter.PointBatch(
                target: target,
                points: .one(Metric(key: key, value: value, step: step, timestamp: timestamp ?? tracker.now))))
    }

    /// Logs several metrics measured at the same step (at most 1,000).
    public func log(metrics: [String: Double], step: Int64 = 0, timestamp: Int64? = nil) async throws {
        try target.checkOpen()
        try TrackingLimits.validateBatch(metrics: metrics.count)
        let time = timestamp ?? tracker.now
        try TrackingLimits.validateTimestamp(time, key: metrics.keys.first ?? "")
        var points: [Metric] = []
        points.reserveCapacity(metrics.count)
        for (key, value) in metrics {
            try TrackingLimits.validateKey(key, kind: "metric")
            points.append(Metric(key: key, value: value, step: step, timestamp: time))
        }
        try await tracker.writer.enqueue(TrackingWriter.PointBatch(target: target, points: .many(points)))
    }

    /// Logs a batch of measurements (at most 1,000), each with its own step and timestamp.
    public func log(metrics: [Metric]) async throws {
        try target.checkOpen()
        try TrackingLimits.validateBatch(metrics: metrics.count)
        if metrics.isEmpty { return }
        // Validate each distinct key once; keys usually repeat in a small cycle.
        var validated: [String] = []
        for metric in metrics {
            if metric.timestamp < 0 { try TrackingLimits.validateTimestamp(metric.timestamp, key: metric.key) }
            if validated.contains(metric.key) { continue }
            try TrackingLimits.validateKey(metric.key, kind: "metric")
            if validated.count < 16 { validated.append(metric.key) }
        }
        try await tracker.writer.enqueue(TrackingWriter.PointBatch(target: target, points: .many(metrics)))
    }

    // MARK: Params, tags, inputs

    /// Logs params (at most 100). Logging a param again with the same value does
    /// nothing.
    ///
    /// - Throws: `MLOpsError` `conflict` naming the key, the old and the new
    ///   value if a param was logged before with another value (nothing of this
    ///   call is logged then); limit and name errors.
    public func log(params: [String: String]) async throws {
        try target.checkOpen()
        try TrackingLimits.validateBatch(params: params.count)
        for (key, value) in params { try TrackingLimits.validateParam(key: key, value: value) }
        let fresh = try target.recordParams(params)
        if fresh.isEmpty {
            if let pending = tracker.writer.takeError() { throw pending }
            return
        }
        try await tracker.writer.enqueue(ops: [.init(target: target, mutation: .params(fresh))])
    }

    /// Logs one param; see ``log(params:)``.
    public func log(param key: String, value: String) async throws {
        try await log(params: [key: value])
    }

    /// Logs one param from any value's description (`42`, `0.01`, `true`).
    public func log(param key: String, value: some CustomStringConvertible) async throws {
        try await log(params: [key: value.description])
    }

    /// Sets a tag (tags are mutable). Setting `mlflow.runName` renames the run.
    public func setTag(_ key: String, _ value: String) async throws {
        try await setTags([key: value])
    }

    /// Sets several tags (at most 100).
    public func setTags(_ tags: [String: String]) async throws {
        try target.checkOpen()
        try TrackingLimits.validateBatch(tags: tags.count)
        for (key, value) in tags { try TrackingLimits.validateTag(key: key, value: value) }
        if tags[TrackingTags.runName] != nil { try TrackingLimits.validateRunName(tags[TrackingTags.runName] ?? "") }
        try await tracker.writer.enqueue(ops: [.init(target: target, mutation: .tags(tags))])
    }

    /// Removes a tag (removing an absent tag does nothing).
    public func deleteTag(_ key: String) async throws {
        try target.checkOpen()
        try TrackingLimits.validateKey(key, kind: "tag")
        try await tracker.writer.enqueue(ops: [.init(target: target, mutation: .deleteTag(key))])
    }

    /// Records a dataset the run used (logging the same name, digest and context again does nothing).
    public func logInput(_ input: DatasetInput) async throws {
        try target.checkOpen()
        try TrackingLimits.validateDataset(input)
        try await tracker.writer.enqueue(ops: [.init(target: target, mutation: .input(input))])
    }

    /// Logs metrics, params and tags together, with MLflow's `log_batch` limits.
    public func logBatch(
        metrics: [Metric] = [], params: [String: String] = [:], tags: [String: String] = [:]
    ) async throws {
        try TrackingLimits.validateBatch(metrics: metrics.count, params: params.count, tags: tags.count)
        if !params.isEmpty { try await log(params: params) }
        if !tags.isEmpty { try await setTags(tags) }
        if !metrics.isEmpty { try await log(metrics: metrics) }
    }

    // MARK: Nesting

    /// Starts a run nested under this one, in the same experiment.
    public func startChildRun(name: String? = nil, tags: [String: String] = [:]) async throws -> RunHandle {
        try await tracker.startRun(experimentID: experimentID, name: name, parentRunID: runID, tags: tags)
    }

    // MARK: Ending

    /// Returns when everything logged through this tracker so far is durable.
    public func flush() async throws {
        try await tracker.writer.flush()
    }

    /// Ends the run with `status` and waits until everything logged before is durable.
    ///
    /// - Parameters:
    ///   - status: A terminal status (default ``RunStatus/finished``).
    ///   - error: For a failed run, the error text, stored in the tag `mlops.error`
    ///     and, if the run has no note, in `mlflow.note.content`.
    /// - Throws: `invalidArgument` for a non-terminal status, `invalidState` if the
    ///   run has already ended through this handle, or a background failure.
    public func finish(status: RunStatus = .finished, error: String? = nil) async throws {
        try await end(status: status, error: error)
        try await tracker.writer.flush()
    }

    /// Ends the run like ``finish(status:error:)`` but returns once the end is
    /// queued; call ``ExperimentTracker/flush()`` later to make it durable.
    /// Useful when many short runs are created in a loop.
    public func end(status: RunStatus = .finished, error: String? = nil) async throws {
        guard status.isTerminal else {
            throw MLOpsError(
                .invalidArgument, "a run ends as FINISHED, FAILED or KILLED, not \(status.rawValue)",
                value: status.rawValue)
        }
        guard target.markEnded() else {
            throw MLOpsError(.invalidState, "the run has already ended", value: runID)
        }
        do {
            try await tracker.writer.enqueue(
                ops: [.init(target: target, mutation: .setStatus(status, endTime: tracker.now, error: error))])
        } catch {
            target.reopen()  // Nothing was queued; the run is still open.
            throw error
        }
    }

    /// Runs `body` with this run, then finishes it: FINISHED if `body` returns,
    /// FAILED with the error's text if it throws (the error is rethrown).
    nonisolated(nonsending) public func finishing<Result>(
        _ body: nonisolated(nonsending) (RunHandle) async throws -> Result
    ) async throws -> Result {
        let result: Result
        do {
            result = try await body(self)
        } catch {
            var text = String(describing: error)
            if let pending = tracker.writer.takeError() {
                text += "; the background writer also failed: \(pending.message)"
            }
            if !target.isEnded {
                try? await finish(status: .failed, error: text)
            }
            throw error
        }
        if let pending = tracker.writer.takeError() {
            if !target.isEnded {
                try? await finish(status: .failed, error: "the background writer failed: \(pending.message)")
            }
            throw pending
        }
        if !target.isEnded {
            try await finish(status: .finished)
        } else {
            try await flush()
        }
        return result
    }
}
