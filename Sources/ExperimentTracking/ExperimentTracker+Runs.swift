import MLOpsCore

extension ExperimentTracker {
    /// Starts a run in the experiment named `experiment` (created if missing)
    /// and returns its handle for logging.
    ///
    /// The run is queued like everything else logged (see ``ExperimentTracker``);
    /// it is durable after the next flush. System tags are set as MLflow does:
    /// `mlflow.runName`, `mlflow.user`, `mlflow.source.name`, `mlflow.source.type`,
    /// `mlflow.source.git.commit` (when in a git repository) and, for a nested
    /// run, `mlflow.parentRunId`.
    ///
    /// - Parameters:
    ///   - experiment: The experiment's name; default `Default`.
    ///   - name: The run's name; a generated `adjective-noun-number` if `nil`.
    ///   - parentRunID: The parent of a nested run; it must exist.
    ///   - tags: Initial tags (at most 100).
    /// - Throws: `MLOpsError` for a bad name or tag, an unknown parent
    ///   (`notFound`), a deleted experiment (`invalidState`), or a pending
    ///   background failure.
    public func startRun(
        experiment: String = Experiment.defaultName, name: String? = nil, parentRunID: String? = nil,
        tags: [String: String] = [:]
    ) async throws -> RunHandle {
        let experimentID = try await experimentID(forName: experiment)
        return try await startRun(experimentID: experimentID, name: name, parentRunID: parentRunID, tags: tags)
    }

    /// Starts a run in the experiment with ID `experimentID`; see
    /// ``startRun(experiment:name:parentRunID:tags:)``.
    ///
    /// - Throws: `notFound` for an unknown experiment, `invalidState` for a deleted one.
    public func startRun(
        experimentID: String, name: String?, parentRunID: String? = nil, tags: [String: String] = [:]
    ) async throws -> RunHandle {
        try writer.checkError()
        try TrackingLimits.validateBatch(tags: tags.count)
        for (key, value) in tags { try TrackingLimits.validateTag(key: key, value: value) }
        if let name { try TrackingLimits.validateRunName(name) }
        if !experimentCache.contains(id: experimentID) {
            let experiment = try await experiment(id: experimentID)
            guard experiment.lifecycleStage == .active else {
                throw MLOpsError(
                    .invalidState, "cannot start a run in a deleted experiment; restore it first", value: experimentID)
            }
            experimentCache.remember(experiment.name, id: experiment.id)
        }
        if let parentRunID, try await runExperimentID(parentRunID) == nil {
            throw MLOpsError(.notFound, "the parent run does not exist", value: parentRunID)
        }
        let time = now
        let runID = SortableID().description
        let runName = name ?? tags[TrackingTags.runName] ?? RunNameGenerator.next()
        let stored =
            options.captureEnvironment
            ? RunEnvironment.currentStored(
                commandLine: options.captureCommandLine && RunEnvironment.capturesCommandLine) : nil
        let environment = stored?.environment
        var allTags = tags
        allTags[TrackingTags.runName] = runName
        allTags[TrackingTags.user] = allTags[TrackingTags.user] ?? userName
        allTags[TrackingTags.sourceType] = allTags[TrackingTags.sourceType] ?? "LOCAL"
        if let program = environment?.commandLine.first, allTags[TrackingTags.sourceName] == nil {
            allTags[TrackingTags.sourceName] = program
        }
        if let commit = environment?.gitCommit, allTags[TrackingTags.gitCommit] == nil {
            allTags[TrackingTags.gitCommit] = commit
        }
        if let branch = environment?.gitBranch, allTags[TrackingTags.gitBranch] == nil {
            allTags[TrackingTags.gitBranch] = branch
        }
        if let parentRunID { allTags[TrackingTags.parentRunID] = parentRunID }
        let info = RunInfo(
            runID: runID, runName: runName, experimentID: experimentID, status: .running, startTime: time,
            parentRunID: parentRunID, userID: userName, artifactURI: TrackingKeys.artifactRoot(runID: runID))
        let record = RunRecord(info: info, tags: allTags, environmentID: stored?.id)
        let target = RunTarget(runID: runID, experimentID: experimentID, keys: keys)
        if let stored { environmentCache.remember(stored) }
        try await writer.enqueue(ops: [.init(target: target, mutation: .create(record, stored))])
        return RunHandle(tracker: self, target: target, name: runName)
    }

    /// Runs `body` with a new run, then finishes the run: ``RunStatus/finished``
    /// if `body` returns, ``RunStatus/failed`` with the error's text in the tags
    /// `mlops.error` and (if unset) `mlflow.note.content` if it throws. The
    /// body's error is rethrown.
    ///
    /// When this returns, everything the body logged is durable.
    nonisolated(nonsending) public func withRun<Result>(
        experiment: String = Experiment.defaultName, name: String? = nil, parentRunID: String? = nil,
        tags: [String: String] = [:], _ body: nonisolated(nonsending) (RunHandle) async throws -> Result
    ) async throws -> Result {
        let run = try await startRun(experiment: experiment, name: name, parentRunID: parentRunID, tags: tags)
        return try await run.finishing(body)
    }

    /// A handle for logging more into an existing run; its status becomes ``RunStatus/running`` again.
    ///
    /// - Throws: `notFound` for an unknown run.
    public func resumeRun(id runID: String) async throws -> RunHandle {
        let run = try await run(id: runID)
        let target = RunTarget(runID: runID, experimentID: run.info.experimentID, keys: keys, params: run.params)
        try await writer.enqueue(
            ops: [.init(target: target, mutation: .setStatus(.running, endTime: nil, error: nil))])
        return RunHandle(tracker: self, target: target, name: run.info.runName)
    }

    /// The run with `runID`: attributes, params, tags, latest metrics, inputs, environment.
    ///
    /// - Throws: `MLOpsError` `notFound` for an unknown run.
    public func run(id runID: String) async throws -> Run {
        try await writer.flush()
        guard let experimentID = try await runExperimentID(runID) else {
            throw try await missingRunError(runID)
        }
        guard let entry = try await metadata.get(keys.run(experimentID: experimentID, runID: runID)) else {
            throw MLOpsError(
                .corruptData,
                "the run index puts run \(runID) in experiment \(experimentID), but no run record is there; "
                    + "the store is damaged (run `mlops store check`)",
                value: runID)
        }
        return try await makeRun(RunRecord.atKey(entry.key) { try RunRecord(decoding: entry.value) })
    }

    /// Soft-deletes a run: searches leave it out unless asked for deleted runs.
    public func deleteRun(id runID: String) async throws {
        try await setLifecycle(runID, .deleted)
    }

    /// Restores a deleted run.
    public func restoreRun(id runID: String) async throws {
        try await setLifecycle(runID, .active)
    }

    private func setLifecycle(_ runID: String, _ stage: LifecycleStage) async throws {
        guard let experimentID = try await runExperimentID(runID) else {
            throw try await missingRunError(runID)
        }
        let target = RunTarget(runID: runID, experimentID: experimentID, keys: keys)
        try await writer.enqueue(ops: [.init(target: target, mutation: .setLifecycle(stage))])
        try await writer.flush()
    }

    /// The public run for a record, with its environment looked up (and cached).
    func makeRun(_ record: RunRecord) async throws -> Run {
        guard let id = record.environmentID else { return record.run(environment: nil) }
        if let cached = environmentCache.environment(id: id) { return record.run(environment: cached) }
        guard let environment = try await metadata.record(RunEnvironment.self, at: keys.environment(id)) else {
            return record.run(environment: nil)
        }
        environmentCache.remember(StoredEnvironment(environment), as: id)
        return record.run(environment: environment)
    }

    /// The error for a run ID the run index does not know: `notFound`, or `corruptData` when a
    /// run record with that ID exists anyway (the index was damaged) — found by a scan of every
    /// run record, on this error path only.
    func missingRunError(_ runID: String) async throws -> MLOpsError {
        let prefix = StorageKey(keys.prefix, "run").bytes
        var experimentID: String?
        try await metadata.scan(KeyScan(range: .prefix(prefix))) { entry in
            let parts = StorageKey.decodeStringParts(Array(entry.key), from: prefix.count)
            if let parts, parts.count == 2, parts[1] == runID {
                experimentID = parts[0]
                return false
            }
            return true
        }
        guard let experimentID else { return MLOpsError(.notFound, "no run has this ID", value: runID) }
        return MLOpsError(
            .corruptData,
            "run \(runID) exists in experiment \(experimentID), but the run index (run → experiment) has no "
                + "entry for it; the store is damaged (run `mlops store check`)",
            value: runID)
    }

    /// The experiment ID of `runID`, or `nil` if the run does not exist (after
    /// waiting for this tracker's queued writes if needed).
    func runExperimentID(_ runID: String) async throws -> String? {
        if let entry = try await metadata.get(keys.runExperiment(runID)) {
            return String(decoding: entry.value, as: UTF8.self)
        }
        try await writer.flush()
        return try await metadata.get(keys.runExperiment(runID)).map { String(decoding: $0.value, as: UTF8.self) }
    }
}
