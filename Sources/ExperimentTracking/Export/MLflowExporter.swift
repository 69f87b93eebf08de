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
/// DIR/<experiment_id>/datasets/<md5>/meta.yaml        a dataset: name, digest, source
/// DIR/<experiment_id>/<run_id>/inputs/<md5>/meta.yaml  a run's use of it, with input tags
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
/// - **Re-exporting** into the same directory replaces, file by file, what
///   the export writes (`meta.yaml`, tag, param and metric files, artifacts,
///   inputs), each atomically (a temporary file renamed over it); a run or
///   experiment that was deleted or restored since is moved between `DIR` and
///   `DIR/.trash`. The export never removes a file: one it does not write this
///   time (a tag deleted since the earlier export, a tag MLflow's client
///   added, any other file) stays where it is. Export into an empty
///   directory for an exact copy.
/// - **Conflicts.** An experiment directory of the same ID that another export
///   or MLflow itself made for a different experiment, and a run directory
///   that is neither empty nor an earlier export of the same run (its
///   `tags/mlops.run_id`), are `conflict` errors, never overwritten.
/// - **Links.** Everything below `DIR` is reached without following symbolic
///   links: a link where the export expects a directory or file is a
///   `conflict` error naming it, and nothing is written or removed through it.
///   (Links in the path of `DIR` itself are followed.) `DIR` inside the
///   tracker's `FileBlobStore` root is an `invalidArgument` error.
/// - **Keys with `/`** become subdirectories, as in MLflow, so one run cannot
///   have both `train` and `train/acc` as metric (or param, or tag) keys: that
///   is an `invalidArgument` error naming both.
/// - **Dataset inputs** are stored as MLflow stores `log_inputs`: one
///   `datasets/<id>` per distinct name and digest in the experiment (the ID
///   is the MD5 of the name followed by the digest, as MLflow computes it)
///   and one `inputs/<id>` per run, tagged `mlflow.data.context` with the
///   context (if any) and `mlops.data_version_id` with the data version (if
///   any). A non-empty source becomes the JSON `{"uri": "<source>"}` (as
///   MLflow's own dataset sources write it) unless it already is a JSON
///   object. MLflow keeps one input per dataset and run: if a run used the
///   same name and digest twice, the first is exported.
/// - **The environment** becomes tags (``environmentTags(_:existing:)``):
///   MLflow's own `mlflow.source.git.commit`, `mlflow.source.git.branch`,
///   `mlflow.source.git.dirty` and `mlflow.source.name` where MLflow has a
///   name, and `mlops.env.*` for the rest. A tag the run already has is kept.
/// - The `meta.yaml` files hold absolute `file://` URIs of the directory, so a
///   moved store lists its runs but not their artifacts (MLflow's own rule).
public struct MLflowExporter: Sendable {
    /// The tracker whose experiments and runs are exported.
    public let tracker: ExperimentTracker

    /// The run tag holding a run's swift-mlops ID.
    public static let runIDTag = "mlops.run_id"
    /// The experiment tag holding an experiment's swift-mlops ID.
    public static let experimentIDTag = "mlops.experiment_id"
    /// The input tag holding a dataset input's context (MLflow's name).
    public static let datasetContextTag = "mlflow.data.context"
    /// The input tag holding a dataset input's data version ID.
    public static let dataVersionTag = "mlops.data_version_id"

    /// Creates an exporter reading from `tracker`.
    public init(tracker: ExperimentTracker) {
        self.tracker = tracker
    }

    /// Exports the selected experiments and runs into the MLflow file store at
    /// `directory`, created if missing.
    ///
    /// - Throws: `MLOpsError` `notFound` for a selected experiment
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
        try ExportFiles.refuseInsideStore(root, tracker: tracker)
        let rootDirectory = try ExportFiles.openRoot(root)
        let store = Store(
            root: root, directory: rootDirectory, trash: try ExportFiles.makeDirectories(".trash", in: rootDirectory))
        for entry in plan.entries {
            let experiment = try prepareExperiment(entry.experiment, store: store, summary: &summary)
            let experimentID = Self.mlflowExperimentID(entry.experiment.id)
            for run in entry.runs {
                try await writeRun(run, experimentID: experimentID, experiment: experiment, summary: &summary)
            }
        }
        let exportsDefault = plan.entries.contains { Self.mlflowExperimentID($0.experiment.id) == Experiment.defaultID }
        if !exportsDefault, try store.directory.status(Experiment.defaultID) == nil,
            try store.trash.status(Experiment.defaultID) == nil
        {
            let time = tracker.now
            let defaultExperiment = Experiment(
                id: Experiment.defaultID, name: Experiment.defaultName, creationTime: time, lastUpdateTime: time,
                artifactLocation: "")
            try ExportFiles.write(
                experimentMeta(defaultExperiment, root: root), to: Experiment.defaultID + "/meta.yaml",
                in: store.directory)
            summary.files += 1
        }
        return summary
    }

    /// The MLflow run ID of a swift-mlops run ID: the 32 lower-case hex digits
    /// of a `SortableID`'s 128 bits. Any other ID MLflow accepts
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

    /// The export's root path, and its root and `.trash` directories.
    private struct Store {
        var root: String
        var directory: DirectoryHandle
        var trash: DirectoryHandle
    }

    /// An experiment's open directory and its path.
    private struct ExperimentDirectory {
        var directory: DirectoryHandle
        var path: String
    }

    /// Creates or refreshes an experiment's directory (active or in `.trash`),
    /// moving it from the other place if its lifecycle changed since an earlier export.
    private func prepareExperiment(_ experiment: Experiment, store: Store, summary: inout ExportSummary) throws
        -> ExperimentDirectory
    {
        let id = Self.mlflowExperimentID(experiment.id)
        let isActive = experiment.lifecycleStage == .active
        let (target, other) = isActive ? (store.directory, store.trash) : (store.trash, store.directory)
        let path = store.root + (isActive ? "/" : "/.trash/") + id
        if let existing = try target.directory(id, create: false) {
            try checkOwnership(of: existing, experiment: experiment)
        }
        if let moved = try other.directory(id, create: false) {
            // The experiment was deleted or restored since the last export: move its directory.
            try checkOwnership(of: moved, experiment: experiment, requireTag: true)
            if try target.status(id) != nil {
                throw MLOpsError(
                    .conflict,
                    "the MLflow store has swift-mlops experiment \(experiment.id) both in .trash and outside it; "
                        + "remove the stale one or export into another directory",
                    value: moved.path)
            }
            try other.moveDirectory(id, to: target, as: id)
        }
        let directory = try ExportFiles.makeDirectories(id, in: target)
        try directory.writeFile("meta.yaml", Array(experimentMeta(experiment, root: store.root).utf8))
        var tags = experiment.tags
        tags[Self.experimentIDTag] = experiment.id
        try writeKeyedFiles(tags, under: "tags", in: directory, kind: "experiment tag", owner: experiment.id)
        summary.experiments += 1
        summary.tags += tags.count
        summary.files += 1 + tags.count
        return ExperimentDirectory(directory: directory, path: path)
    }

    /// Throws `conflict` if `directory` holds an experiment exported from another
    /// swift-mlops experiment (or, with `requireTag`, one not exported by us at all).
    private func checkOwnership(of directory: DirectoryHandle, experiment: Experiment, requireTag: Bool = false)
        throws
    {
        let owner = try directory.directory("tags", create: false)?.readFile(Self.experimentIDTag).map {
            String(decoding: $0, as: UTF8.self)
        }
        if owner == experiment.id { return }
        if owner == nil, !requireTag { return }
        throw MLOpsError(
            .conflict,
            "the MLflow store already has an experiment in this directory that is not swift-mlops experiment "
                + "\(experiment.id) ('\(experiment.name)'); export into another directory",
            value: directory.path)
    }

    /// Opens (creating if missing) the directory of `run` in `experiment`.
    ///
    /// - Throws: `conflict` if it exists, is not empty, and is not an earlier export of the same run.
    private func openRunDirectory(_ name: String, runID: String, in experiment: ExperimentDirectory) throws
        -> DirectoryHandle
    {
        if let existing = try experiment.directory.directory(name, create: false) {
            let owner = try existing.directory("tags", create: false)?.readFile(Self.runIDTag).map {
                String(decoding: $0, as: UTF8.self)
            }
            if owner != runID, try !existing.entries().isEmpty {
                throw MLOpsError(
                    .conflict,
                    "the MLflow store already has a run directory here that is not an export of swift-mlops run "
                        + "\(runID); export into another directory",
                    value: existing.path)
            }
            return existing
        }
        return try ExportFiles.makeDirectories(name, in: experiment.directory)
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

    private func writeRun(
        _ run: Run, experimentID: String, experiment: ExperimentDirectory, summary: inout ExportSummary
    ) async throws {
        let info = run.info
        let runID = Self.mlflowRunID(info.runID)
        let path = experiment.path + "/" + runID
        let directory = try openRunDirectory(runID, runID: info.runID, in: experiment)
        // The ownership mark first, so that an interrupted export can be repeated.
        try ExportFiles.write(info.runID, to: "tags/" + Self.runIDTag, in: directory)
        for sub in ["metrics", "params", "artifacts", "tags"] {
            _ = try ExportFiles.makeDirectories(sub, in: directory)
        }

        var yaml = MLflowYAML()
        yaml.set("artifact_uri", .string(ExportFiles.fileURI(path + "/artifacts")))
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
        try ExportFiles.write(yaml.text, to: "meta.yaml", in: directory)

        try writeKeyedFiles(run.params, under: "params", in: directory, kind: "param", owner: info.runID)
        // The tags search shows too (`mlops.run_id`, the environment's), then the parent's MLflow ID.
        var tags = DerivedRunTags.tags(stored: run.tags, runID: info.runID, environment: run.environment)
        if let parent = tags[TrackingTags.parentRunID] ?? info.parentRunID {
            tags[TrackingTags.parentRunID] = Self.mlflowRunID(parent)
        }
        try writeKeyedFiles(tags, under: "tags", in: directory, kind: "tag", owner: info.runID)
        let inputFiles = try writeInputs(
            run.inputs, runID: runID, runDirectory: directory, experimentDirectory: experiment.directory)

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
            try ExportFiles.write(line, to: "metrics/" + key, in: directory)
            summary.metricPoints += points.count
        }

        let artifactRoot = TrackingKeys.artifactRoot(runID: info.runID)
        let artifacts = try await tracker.allArtifacts(runID: info.runID)
        for artifact in artifacts {
            // Streamed in 1 MiB chunks: artifacts can be larger than memory.
            let reader = try await tracker.artifacts.openReader(try BlobKey(artifactRoot + "/" + artifact.path))
            let output: ExportOutput
            do {
                output = ExportOutput(file: try ExportFiles.create("artifacts/" + artifact.path, in: directory))
            } catch {
                try? await reader.close()
                throw error
            }
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
        summary.datasetInputs += inputFiles.inputs
        summary.files += 1 + run.params.count + tags.count + histories.count + artifacts.count + inputFiles.files
    }

    // MARK: Dataset inputs

    /// Writes `inputs/<id>/meta.yaml` for each distinct dataset of the run and
    /// `datasets/<id>/meta.yaml` for each dataset the experiment does not have
    /// yet. Returns the inputs and files written.
    private func writeInputs(
        _ inputs: [DatasetInput], runID: String, runDirectory: DirectoryHandle, experimentDirectory: DirectoryHandle
    ) throws -> (inputs: Int, files: Int) {
        var written: Set<String> = []
        var files = 0
        for input in inputs {
            let datasetID = Self.datasetID(name: input.name, digest: input.digest)
            let inputID = MD5.hex(Array(datasetID.utf8) + Array(runID.utf8))
            guard written.insert(inputID).inserted else { continue }
            let datasetDirectory = try ExportFiles.makeDirectories("datasets/" + datasetID, in: experimentDirectory)
            if try datasetDirectory.status("meta.yaml") == nil {
                var yaml = MLflowYAML()
                yaml.set("digest", .string(input.digest))
                yaml.set("name", .string(input.name))
                yaml.set("profile", .null)
                yaml.set("schema", .null)
                yaml.set("source", .string(Self.datasetSource(input.source)))
                yaml.set("source_type", .string(input.sourceType))
                try ExportFiles.write(yaml.text, to: "meta.yaml", in: datasetDirectory)
                files += 1
            }
            var tags: [String: String] = [:]
            if !input.context.isEmpty { tags[Self.datasetContextTag] = input.context }
            if let version = input.dataVersionID { tags[Self.dataVersionTag] = version }
            var yaml = MLflowYAML()
            // MLflow 3.x writes the dataset's ID as `destination_id` too (its readers ignore the field).
            yaml.set("destination_id", .string(datasetID))
            yaml.set("destination_type", .string("RUN"))
            yaml.set("source_id", .string(datasetID))
            yaml.set("source_type", .string("DATASET"))
            yaml.set("tags", .mapping(tags))
            try ExportFiles.write(yaml.text, to: "inputs/" + inputID + "/meta.yaml", in: runDirectory)
            files += 1
        }
        return (written.count, files)
    }

    /// MLflow's ID of a dataset: the MD5 (hex) of its name followed by its digest.
    static func datasetID(name: String, digest: String) -> String {
        MD5.hex(Array(name.utf8) + Array(digest.utf8))
    }

    /// A dataset source as MLflow stores it: empty, a JSON object as given, or
    /// `{"uri": "<source>"}`.
    static func datasetSource(_ source: String) -> String {
        if source.isEmpty || (source.hasPrefix("{") && source.hasSuffix("}")) { return source }
        return "{\"uri\": " + RunTableExporter.jsonString(source) + "}"
    }

    // MARK: Environment

    /// The tags a run's environment adds to `existing` (which wins where it
    /// already has a key):
    ///
    /// | environment | tag |
    /// |---|---|
    /// | git commit | `mlflow.source.git.commit` |
    /// | git branch | `mlflow.source.git.branch` |
    /// | git dirty flag | `mlflow.source.git.dirty` (`true`/`false`) |
    /// | program (command line's first word) | `mlflow.source.name` |
    /// | host | `mlops.env.host` |
    /// | operating system | `mlops.env.os` |
    /// | Swift version | `mlops.env.swift_version` |
    /// | CPU model, count | `mlops.env.cpu_model`, `mlops.env.cpu_count` |
    /// | command line | `mlops.env.command_line`, shell-quoted (Python's `shlex.join`) |
    /// | working directory | `mlops.env.working_directory` |
    ///
    /// Unknown fields (no git, empty CPU model…) add no tag. When the run
    /// already has an MLflow tag with a different value, the environment's
    /// value goes to `mlops.env.git_commit`, `mlops.env.git_branch`,
    /// `mlops.env.git_dirty` or `mlops.env.program` instead.
    public static func environmentTags(_ environment: RunEnvironment, existing: [String: String]) -> [String: String] {
        var tags = existing
        let conventional: [(value: String?, tag: String, fallback: String)] = [
            (environment.gitCommit, TrackingTags.gitCommit, "mlops.env.git_commit"),
            (environment.gitBranch, TrackingTags.gitBranch, "mlops.env.git_branch"),
            (environment.gitDirty.map { $0 ? "true" : "false" }, gitDirtyTag, "mlops.env.git_dirty"),
            (environment.commandLine.first, TrackingTags.sourceName, "mlops.env.program"),
        ]
        for (value, tag, fallback) in conventional {
            guard let value, !value.isEmpty else { continue }
            if let current = tags[tag] {
                if current != value, tags[fallback] == nil { tags[fallback] = value }
            } else {
                tags[tag] = value
            }
        }
        let others: [(String, String)] = [
            ("mlops.env.host", environment.host),
            ("mlops.env.os", environment.operatingSystem),
            ("mlops.env.swift_version", environment.swiftVersion),
            ("mlops.env.cpu_model", environment.cpuModel),
            ("mlops.env.cpu_count", String(environment.cpuCount)),
            ("mlops.env.command_line", environment.commandLine.map(shellQuoted).joined(separator: " ")),
            ("mlops.env.working_directory", environment.workingDirectory),
        ]
        for (tag, value) in others where !value.isEmpty && tags[tag] == nil {
            tags[tag] = value
        }
        return tags
    }

    /// MLflow's tag for whether the git working tree had uncommitted changes.
    public static let gitDirtyTag = "mlflow.source.git.dirty"

    /// `word` quoted for a POSIX shell exactly as Python's `shlex.quote` does:
    /// as is when it is non-empty and only ASCII letters, digits and `_@%+=:,./-`,
    /// else in single quotes with each `'` written `'"'"'`.
    static func shellQuoted(_ word: String) -> String {
        let safe =
            !word.isEmpty
            && word.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "_@%+=:,./-".utf8.contains(byte)
            }
        if safe { return word }
        return "'" + word.replacing("'", with: "'\"'\"'") + "'"
    }

    /// Writes one file per entry (value as UTF-8, no newline) in the subdirectory `name` of
    /// `directory`; keys with `/` become subdirectories.
    private func writeKeyedFiles(
        _ values: [String: String], under name: String, in directory: DirectoryHandle, kind: String, owner: String
    ) throws {
        let keys = values.keys.sorted()
        try Self.checkPathKeys(keys, kind: kind, owner: owner)
        let target = try ExportFiles.makeDirectories(name, in: directory)
        for key in keys {
            try ExportFiles.write(values[key] ?? "", to: key, in: target)
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
