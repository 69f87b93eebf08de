import MLOpsCore

/// Writes experiments and runs as an MLflow file store (an `mlruns/`
/// directory) that MLflow's own client and UI read:
/// `MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri file:DIR`.
///
/// ```
/// DIR/.trash/<experiment_id>/…             deleted experiments, whole
/// DIR/0/meta.yaml                          "Default" (written if missing)
/// DIR/<experiment_id>/meta.yaml            name, lifecycle, times
/// DIR/<experiment_id>/tags/<key>           experiment tags
/// DIR/<experiment_id>/<run_id>/meta.yaml   status, times, user, artifact URI
/// DIR/<experiment_id>/<run_id>/params/<key>, tags/<key>   values, no newline
/// DIR/<experiment_id>/<run_id>/metrics/<key>  lines "<timestamp_ms> <value> <step>"
/// DIR/<experiment_id>/<run_id>/artifacts/…   the run's artifact files
/// ```
///
/// What a caller must know:
///
/// - **IDs.** Experiment IDs are kept (they are decimal, as MLflow's); run IDs
///   become the 32 hex digits of their 128 bits (``mlflowRunID(_:)``), the form
///   of MLflow's own. Each run gets the tag `mlops.run_id` and each experiment
///   `mlops.experiment_id` with the original ID; `mlflow.parentRunId` is
///   rewritten to the parent's exported ID.
/// - **Values.** Metric values are written as Python's `repr` writes them, so
///   NaN and ±infinity read back as `nan`, `inf`, `-inf`; every point keeps its
///   step and millisecond timestamp.
/// - **Re-exporting** into the same directory replaces each exported run's
///   directory and each exported experiment's `meta.yaml` and tags; other
///   entries are left alone. An experiment directory of the same ID that
///   another export or MLflow itself made for a different experiment is a
///   `conflict` error, never overwritten.
/// - **Keys with `/`** become subdirectories, as in MLflow, so one run cannot
///   have both `train` and `train/acc` as metric (or param, or tag) keys: that
///   is an `invalidArgument` error naming both.
/// - Dataset inputs and the captured environment are not part of MLflow's
///   file store; the JSON export (``RunTableExporter``) carries them.
/// - The `meta.yaml` files hold absolute `file://` URIs of the directory, so a
///   moved store lists its runs but not their artifacts (MLflow's own rule).
public struct MLflowExporter: Sendable {
    /// The tracker whose experiments and runs are exported.
    public let tracker: ExperimentTracker

    /// The run tag holding a run's swift-mlops ID.
    public static let runIDTag = "mlops.run_id"
    /// The experiment tag holding an experiment's swift-mlops ID.
    public static let experimentIDTag = "mlops.experiment_id"

    /// Creates an exporter reading from `tracker`.
    public init(tracker: ExperimentTracker) {
        self.tracker = tracker
    }

    /// Exports the selected experiments and runs into the MLflow file store at
    /// `directory`, created if missing.
    ///
    /// - Throws: ``MLOpsCore/MLOpsError`` `notFound` for a selected experiment
    ///   or run that does not exist, `conflict` for an experiment directory
    ///   that belongs to another experiment, `invalidArgument` for keys that
    ///   collide as paths, `ioError` if a file cannot be written.
    @discardableResult
    public func export(to directory: String, selection: ExportSelection = ExportSelection()) async throws
        -> ExportSummary
    {
        let root = ExportFiles.absolute(directory)
        var summary = ExportSummary(format: "mlflow", directory: root)
        let plan = try await ExportPlan.make(tracker: tracker, selection: selection)
        try ExportFiles.makeDirectories(root + "/.trash")
        for entry in plan.entries {
            let experimentDirectory = try prepareExperiment(entry.experiment, root: root, summary: &summary)
            let experimentID = Self.mlflowExperimentID(entry.experiment.id)
            for run in entry.runs {
                try await writeRun(
                    run, experimentID: experimentID, directory: experimentDirectory + "/" + Self.mlflowRunID(run.id),
                    summary: &summary)
            }
        }
        let exportsDefault = plan.entries.contains { Self.mlflowExperimentID($0.experiment.id) == Experiment.defaultID }
        if !exportsDefault, !ExportFiles.exists(root + "/0"), !ExportFiles.exists(root + "/.trash/0") {
            let time = tracker.now
            let defaultExperiment = Experiment(
                id: Experiment.defaultID, name: Experiment.defaultName, creationTime: time, lastUpdateTime: time,
                artifactLocation: "")
            try ExportFiles.makeDirectories(root + "/0")
            try ExportFiles.write(experimentMeta(defaultExperiment, root: root), to: root + "/0/meta.yaml")
            summary.files += 1
        }
        return summary
    }

    /// The MLflow run ID of a swift-mlops run ID: the 32 lower-case hex digits
    /// of a ``MLOpsCore/SortableID``'s 128 bits. Any other ID MLflow accepts
    /// (`^[a-zA-Z0-9][\w-]{0,255}$`) is kept; the rest get a stable
    /// 32-hex-digit hash.
    public static func mlflowRunID(_ runID: String) -> String {
        if let id = try? SortableID(parsing: runID) {
            let hex = String(id.rawValue, radix: 16)
            return String(repeating: "0", count: 32 - hex.count) + hex
        }
        if isValidMLflowID(runID, maxLength: 256) { return runID }
        let (high, low) = (fnv1a(runID, seed: 0xCBF2_9CE4_8422_2325), fnv1a(runID, seed: 0x8422_2325_CBF2_9CE4))
        let hex = String(UInt128(high) << 64 | UInt128(low), radix: 16)
        return String(repeating: "0", count: 32 - hex.count) + hex
    }

    /// The MLflow experiment ID of a swift-mlops experiment ID: kept when MLflow
    /// accepts it (`^[a-zA-Z0-9][\w-]{0,63}$`, true of the tracker's decimal
    /// IDs), else a stable 18-digit number derived from it.
    public static func mlflowExperimentID(_ experimentID: String) -> String {
        if isValidMLflowID(experimentID, maxLength: 64) { return experimentID }
        return String(
            fnv1a(experimentID, seed: 0xCBF2_9CE4_8422_2325) % 900_000_000_000_000_000 + 100_000_000_000_000_000)
    }

    // MARK: Experiments

    /// Creates or refreshes an experiment's directory (active or in `.trash`) and
    /// returns its path.
    private func prepareExperiment(_ experiment: Experiment, root: String, summary: inout ExportSummary) throws
        -> String
    {
        let id = Self.mlflowExperimentID(experiment.id)
        let active = root + "/" + id
        let trashed = root + "/.trash/" + id
        let (target, other) = experiment.lifecycleStage == .active ? (active, trashed) : (trashed, active)
        try checkOwnership(of: target, experiment: experiment)
        if ExportFiles.exists(other) {
            // The experiment moved between active and deleted since the last export.
            try checkOwnership(of: other, experiment: experiment, requireTag: true)
            try ExportFiles.remove(other)
        }
        try ExportFiles.makeDirectories(target)
        try ExportFiles.write(experimentMeta(experiment, root: root), to: target + "/meta.yaml")
        try ExportFiles.remove(target + "/tags")
        var tags = experiment.tags
        tags[Self.experimentIDTag] = experiment.id
        try writeKeyedFiles(tags, under: target + "/tags", kind: "experiment tag", owner: experiment.id)
        summary.experiments += 1
        summary.tags += tags.count
        summary.files += 1 + tags.count
        return target
    }

    /// Throws `conflict` if `directory` holds an experiment exported from another
    /// swift-mlops experiment (or, with `requireTag`, one not exported by us at all).
    private func checkOwnership(of directory: String, experiment: Experiment, requireTag: Bool = false) throws {
        guard ExportFiles.exists(directory + "/meta.yaml") else { return }
        let owner = try ExportFiles.read(directory + "/tags/" + Self.experimentIDTag).map {
            String(decoding: $0, as: UTF8.self)
        }
        if owner == experiment.id { return }
        if owner == nil, !requireTag { return }
        throw MLOpsError(
            .conflict,
            "the MLflow store already has an experiment in this directory that is not swift-mlops experiment "
                + "\(experiment.id) ('\(experiment.name)'); export into another directory",
            value: directory)
    }

    private func experimentMeta(_ experiment: Experiment, root: String) -> String {
        let id = Self.mlflowExperimentID(experiment.id)
        var yaml = MLflowYAML()
        yaml.set("artifact_location", .string(ExportFiles.fileURI(root + "/" + id)))
        yaml.set("creation_time", .integer(experiment.creationTime))
        yaml.set("effective_trace_archival_retention", .null)
        yaml.set("experiment_id", .quotedString(id))
        yaml.set("last_update_time", .integer(experiment.lastUpdateTime))
        yaml.set("lifecycle_stage", .string(experiment.lifecycleStage.rawValue))
        yaml.set("name", .string(experiment.name))
        if experiment.lifecycleStage == .deleted { yaml.set("tags", .literal("{}")) }
        yaml.set("trace_location", .null)
        yaml.set("workspace", .string("default"))
        return yaml.text
    }

    // MARK: Runs

    private func writeRun(_ run: Run, experimentID: String, directory: String, summary: inout ExportSummary)
        async throws
    {
        let info = run.info
        let runID = Self.mlflowRunID(info.runID)
        try ExportFiles.remove(directory)
        for sub in ["metrics", "params", "artifacts", "tags"] {
            try ExportFiles.makeDirectories(directory + "/" + sub)
        }

        var yaml = MLflowYAML()
        yaml.set("artifact_uri", .string(ExportFiles.fileURI(directory + "/artifacts")))
        yaml.set("end_time", .optionalInteger(info.endTime))
        yaml.set("entry_point_name", .quotedString(""))
        yaml.set("experiment_id", .quotedString(experimentID))
        yaml.set("lifecycle_stage", .string(info.lifecycleStage.rawValue))
        yaml.set("run_id", .string(runID))
        yaml.set("run_name", .string(info.runName))
        yaml.set("run_uuid", .string(runID))
        yaml.set("source_name", .quotedString(""))
        yaml.set("source_type", .integer(4))
        yaml.set("source_version", .quotedString(""))
        yaml.set("start_time", .integer(info.startTime))
        yaml.set("status", .integer(Self.statusCode(info.status)))
        yaml.set("tags", .literal("[]"))
        yaml.set("user_id", .string(info.userID))
        if info.lifecycleStage == .deleted { yaml.set("deleted_time", .integer(info.endTime ?? info.startTime)) }
        try ExportFiles.write(yaml.text, to: directory + "/meta.yaml")

        try writeKeyedFiles(run.params, under: directory + "/params", kind: "param", owner: info.runID)
        var tags = run.tags
        tags[Self.runIDTag] = info.runID
        if let parent = tags[TrackingTags.parentRunID] ?? info.parentRunID {
            tags[TrackingTags.parentRunID] = Self.mlflowRunID(parent)
        }
        try writeKeyedFiles(tags, under: directory + "/tags", kind: "tag", owner: info.runID)

        let histories = try await ExportPlan.histories(tracker: tracker, run: run)
        try Self.checkPathKeys(histories.map(\.key), kind: "metric", owner: info.runID)
        var line: [UInt8] = []
        for (key, points) in histories {
            line.removeAll(keepingCapacity: true)
            for point in points {
                line.append(contentsOf: String(point.timestamp).utf8)
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: PythonFloat.repr(point.value).utf8)
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: String(point.step).utf8)
                line.append(UInt8(ascii: "\n"))
            }
            let path = directory + "/metrics/" + key
            if key.contains("/") { try ExportFiles.makeDirectories(parent(of: path)) }
            try ExportFiles.write(line, to: path)
            summary.metricPoints += points.count
        }

        let artifactRoot = TrackingKeys.artifactRoot(runID: info.runID)
        let artifacts = try await tracker.allArtifacts(runID: info.runID)
        for artifact in artifacts {
            let path = directory + "/artifacts/" + artifact.path
            if artifact.path.contains("/") { try ExportFiles.makeDirectories(parent(of: path)) }
            // Streamed in 1 MiB chunks: artifacts can be larger than memory.
            let reader = try await tracker.artifacts.openReader(try BlobKey(artifactRoot + "/" + artifact.path))
            let output = try ExportOutput(path: path)
            do {
                while true {
                    let chunk = try await reader.read(upTo: 1 << 20)
                    if chunk.isEmpty { break }
                    try output.write(chunk)
                }
                try output.finish()
                try await reader.close()
            } catch {
                try? await reader.close()
                throw error
            }
        }

        summary.runs += 1
        summary.params += run.params.count
        summary.tags += tags.count
        summary.artifacts += artifacts.count
        summary.files += 1 + run.params.count + tags.count + histories.count + artifacts.count
    }

    /// Writes one file per entry (value as UTF-8, no newline); keys with `/` become subdirectories.
    private func writeKeyedFiles(_ values: [String: String], under directory: String, kind: String, owner: String)
        throws
    {
        try ExportFiles.makeDirectories(directory)
        let keys = values.keys.sorted()
        try Self.checkPathKeys(keys, kind: kind, owner: owner)
        for key in keys {
            let path = directory + "/" + key
            if key.contains("/") { try ExportFiles.makeDirectories(parent(of: path)) }
            try ExportFiles.write(values[key] ?? "", to: path)
        }
    }

    /// Throws unless every key is a safe relative path and none is a directory of another.
    static func checkPathKeys(_ keys: [String], kind: String, owner: String) throws {
        for key in keys {
            let segments = key.split(separator: "/", omittingEmptySubsequences: false)
            if segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) || key.utf8.contains(0) {
                throw MLOpsError(
                    .invalidArgument, "the \(kind) name of \(owner) is not a safe relative path for an MLflow store",
                    value: key)
            }
        }
        let sorted = keys.sorted()
        for (index, key) in sorted.enumerated() {
            // Any key starting with "key/" sorts right after "key" or after keys sharing that prefix.
            var next = index + 1
            while next < sorted.count, sorted[next].hasPrefix(key) {
                if sorted[next].dropFirst(key.count).first == "/" {
                    throw MLOpsError(
                        .invalidArgument,
                        "the \(kind)s '\(key)' and '\(sorted[next])' of \(owner) cannot both be exported to an MLflow "
                            + "store: a key with '/' is a directory there",
                        value: key)
                }
                next += 1
            }
        }
    }

    private func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// MLflow's integer run status.
    static func statusCode(_ status: RunStatus) -> Int64 {
        switch status {
        case .running: 1
        case .scheduled: 2
        case .finished: 3
        case .failed: 4
        case .killed: 5
        }
    }

    private static func isValidMLflowID(_ id: String, maxLength: Int) -> Bool {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, bytes.count <= maxLength, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func fnv1a(_ text: String, seed: UInt64) -> UInt64 {
        var hash = seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
