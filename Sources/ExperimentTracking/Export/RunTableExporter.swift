import MLOpsCore

/// Writes runs and metric histories as CSV or JSON tables for spreadsheets,
/// pandas and scripts.
///
/// - **Runs** (`runs.csv` / `runs.json`), one row per run: `run_id`,
///   `experiment_id`, `experiment_name`, `run_name`, `status`,
///   `lifecycle_stage`, `start_time`, `end_time` (milliseconds since 1970),
///   `user_id`, `parent_run_id`, `artifact_uri`, then `metrics.<key>` (latest
///   value), `params.<key>` and `tags.<key>` columns, as MLflow's
///   `search_runs` data frame. The JSON form nests `metrics` (value, step,
///   timestamp), `params` and `tags`, and adds `inputs`, `environment` and
///   `artifacts` (file paths).
/// - **Metric histories** (`metrics.csv` / `metrics.json`), one row per point:
///   `run_id`, `key`, `step`, `timestamp`, `value`.
/// - **Experiments** (`experiments.csv` / `experiments.json`), one row per
///   experiment: `experiment_id`, `name`, `lifecycle_stage`, `creation_time`,
///   `last_update_time`, `artifact_location`, then `tags.<key>` (a `tags`
///   object in JSON).
///
/// Values are written as the shortest text that reads back to the same
/// `Double`. Non-finite values are `nan`, `inf`, `-inf` in CSV (pandas reads
/// them) and the strings `"NaN"`, `"Infinity"`, `"-Infinity"` in JSON. An
/// absent value is an empty CSV field and `null` (or a missing key) in JSON.
/// Files are streamed, so long histories do not need to fit in memory.
///
/// **Spreadsheet formulas.** A CSV text cell (a name, ID, param, tag or key)
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading `'`, as OWASP recommends against CSV injection, so that a
/// spreadsheet shows it as text instead of running it; a cell that is a
/// decimal number (`-0.5`, `+3`, `-1e-3`) and the metric value columns
/// (`-inf` included) are written as they are. Turn it off with
/// ``Options/escapesFormulas`` for a consumer that is not a spreadsheet. JSON
/// is never changed.
///
/// **Files.** The three files are written to temporary names in `DIR` and
/// renamed into place (replacing earlier exports' files of the same names);
/// a symbolic link at one of their names is a `conflict` error, never followed.
/// `DIR` inside the tracker's `FileBlobStore` root is an `invalidArgument` error.
public struct RunTableExporter: Sendable {
    /// How tables are written.
    public struct Options: Sendable, Hashable {
        /// Whether CSV text cells starting with `=`, `+`, `-`, `@`, tab or
        /// carriage return get a leading `'` (default `true`); see the type's
        /// notes.
        public var escapesFormulas: Bool

        /// Creates options; by default formulas are escaped.
        public init(escapesFormulas: Bool = true) {
            self.escapesFormulas = escapesFormulas
        }
    }

    /// The table format.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// RFC 4180 CSV with a header row, `\n` line ends.
        case csv
        /// A JSON array of objects, one per line.
        case json
    }

    /// The tracker whose runs are exported.
    public let tracker: ExperimentTracker
    /// How tables are written.
    public let options: Options

    /// Creates an exporter reading from `tracker`.
    public init(tracker: ExperimentTracker, options: Options = Options()) {
        self.tracker = tracker
        self.options = options
    }

    /// Writes `experiments.<format>`, `runs.<format>` and `metrics.<format>` into
    /// `directory` (created if missing).
    ///
    /// - Throws: `MLOpsError` `notFound` for a selected experiment
    ///   or run that does not exist, `ioError` if a file cannot be written.
    @discardableResult
    public func export(
        format: Format, to directory: String, selection: ExportSelection = ExportSelection(viewType: .activeOnly)
    ) async throws -> ExportSummary {
        let root = ExportFiles.absolute(directory)
        var summary = ExportSummary(format: format.rawValue, directory: root)
        let plan = try await ExportPlan.make(tracker: tracker, selection: selection)
        try ExportFiles.refuseInsideStore(root, tracker: tracker)
        let rootDirectory = try ExportFiles.openRoot(root)
        let experiments = ExportOutput(file: try rootDirectory.createFile("experiments." + format.rawValue))
        try writeExperiments(plan, format: format, to: experiments, summary: &summary)
        try experiments.finish()
        let runs = ExportOutput(file: try rootDirectory.createFile("runs." + format.rawValue))
        try await writeRuns(plan, format: format, to: runs, summary: &summary)
        try runs.finish()
        let metrics = ExportOutput(file: try rootDirectory.createFile("metrics." + format.rawValue))
        summary.metricPoints = try await writeMetrics(plan, format: format, to: metrics)
        try metrics.finish()
        summary.files = 3
        return summary
    }

    /// The experiments table as text.
    public func experimentsTable(format: Format, selection: ExportSelection = ExportSelection(viewType: .activeOnly))
        async throws -> String
    {
        let output = ExportOutput()
        var summary = ExportSummary(format: format.rawValue, directory: "")
        try writeExperiments(
            try await ExportPlan.make(tracker: tracker, selection: selection), format: format, to: output,
            summary: &summary)
        return output.text
    }

    /// The runs table as text.
    public func runsTable(format: Format, selection: ExportSelection = ExportSelection(viewType: .activeOnly))
        async throws -> String
    {
        let output = ExportOutput()
        var summary = ExportSummary(format: format.rawValue, directory: "")
        try await writeRuns(
            try await ExportPlan.make(tracker: tracker, selection: selection), format: format, to: output,
            summary: &summary)
        return output.text
    }

    /// The metric histories table as text.
    public func metricsTable(format: Format, selection: ExportSelection = ExportSelection(viewType: .activeOnly))
        async throws -> String
    {
        let output = ExportOutput()
        _ = try await writeMetrics(
            try await ExportPlan.make(tracker: tracker, selection: selection), format: format,
            to: output)
        return output.text
    }

    // MARK: Experiments

    private func writeExperiments(
        _ plan: ExportPlan, format: Format, to output: ExportOutput, summary: inout ExportSummary
    ) throws {
        let experiments = plan.entries.map(\.experiment)
        for experiment in experiments { summary.tags += experiment.tags.count }
        func attributes(_ experiment: Experiment) -> [String] {
            [
                experiment.id, experiment.name, experiment.lifecycleStage.rawValue, String(experiment.creationTime),
                String(experiment.lastUpdateTime), experiment.artifactLocation,
            ]
        }
        let columns = [
            "experiment_id", "name", "lifecycle_stage", "creation_time", "last_update_time", "artifact_location",
        ]
        switch format {
        case .csv:
            let tagKeys = Set(experiments.flatMap { $0.tags.keys }).sorted()
            try output.write((columns + tagKeys.map { "tags." + $0 }).map(csvText).joined(separator: ",") + "\n")
            for experiment in experiments {
                let fields = attributes(experiment) + tagKeys.map { experiment.tags[$0] ?? "" }
                try output.write(fields.map(csvText).joined(separator: ",") + "\n")
            }
        case .json:
            try output.write("[")
            for (index, experiment) in experiments.enumerated() {
                var object = index == 0 ? "\n{" : ",\n{"
                for (column, value) in zip(columns, attributes(experiment)) {
                    let isNumber = column == "creation_time" || column == "last_update_time"
                    object += Self.jsonString(column) + ":" + (isNumber ? value : Self.jsonString(value)) + ","
                }
                object += "\"tags\":" + Self.jsonObject(experiment.tags) + "}"
                try output.write(object)
            }
            try output.write(experiments.isEmpty ? "]\n" : "\n]\n")
        }
    }

    // MARK: Runs

    private static let attributeColumns = [
        "run_id", "experiment_id", "experiment_name", "run_name", "status", "lifecycle_stage", "start_time",
        "end_time", "user_id", "parent_run_id", "artifact_uri",
    ]

    private func writeRuns(_ plan: ExportPlan, format: Format, to output: ExportOutput, summary: inout ExportSummary)
        async throws
    {
        let rows = plan.entries.flatMap { entry in entry.runs.map { (entry.experiment, $0) } }
        summary.experiments = plan.entries.count
        summary.runs = rows.count
        for (_, run) in rows {
            summary.params += run.params.count
            summary.tags += run.tags.count
        }
        switch format {
        case .csv:
            let metricKeys = Set(rows.flatMap { $0.1.metrics.keys }).sorted()
            let paramKeys = Set(rows.flatMap { $0.1.params.keys }).sorted()
            let tagKeys = Set(rows.flatMap { $0.1.tags.keys }).sorted()
            let header =
                Self.attributeColumns + metricKeys.map { "metrics." + $0 } + paramKeys.map { "params." + $0 }
                + tagKeys.map { "tags." + $0 }
            try output.write(header.map(csvText).joined(separator: ",") + "\n")
            for (experiment, run) in rows {
                var fields = Self.attributes(experiment, run).map { csvText($0 ?? "") }
                // Metric values are numbers (`-inf` included): never escaped.
                fields += metricKeys.map { key in run.metrics[key].map { PythonFloat.repr($0.value) } ?? "" }
                fields += paramKeys.map { csvText(run.params[$0] ?? "") }
                fields += tagKeys.map { csvText(run.tags[$0] ?? "") }
                try output.write(fields.joined(separator: ",") + "\n")
            }
        case .json:
            try output.write("[")
            for (index, (experiment, run)) in rows.enumerated() {
                var object = index == 0 ? "\n{" : ",\n{"
                for (column, value) in zip(Self.attributeColumns, Self.attributes(experiment, run)) {
                    let isNumber = column == "start_time" || column == "end_time"
                    object += Self.jsonString(column) + ":"
                    object += value.map { isNumber ? $0 : Self.jsonString($0) } ?? "null"
                    object += ","
                }
                object += "\"params\":" + Self.jsonObject(run.params) + ",\"metrics\":{"
                object += run.metrics.sorted { $0.key < $1.key }.map { key, metric in
                    Self.jsonString(key) + ":{\"value\":" + Self.jsonNumber(metric.value) + ",\"step\":"
                        + String(metric.step) + ",\"timestamp\":" + String(metric.timestamp) + "}"
                }.joined(separator: ",")
                object += "},\"tags\":" + Self.jsonObject(run.tags) + ",\"inputs\":["
                object += run.inputs.map { input in
                    var fields = [
                        ("name", input.name), ("digest", input.digest), ("context", input.context),
                        ("source", input.source), ("source_type", input.sourceType),
                    ].map { Self.jsonString($0.0) + ":" + Self.jsonString($0.1) }
                    fields.append("\"data_version_id\":" + (input.dataVersionID.map(Self.jsonString) ?? "null"))
                    return "{" + fields.joined(separator: ",") + "}"
                }.joined(separator: ",")
                object += "],\"environment\":" + (run.environment.map(Self.environmentJSON) ?? "null")
                let artifacts = try await tracker.allArtifacts(runID: run.info.runID)
                summary.artifacts += artifacts.count
                object += ",\"artifacts\":[" + artifacts.map { Self.jsonString($0.path) }.joined(separator: ",") + "]}"
                try output.write(object)
            }
            try output.write(rows.isEmpty ? "]\n" : "\n]\n")
        }
    }

    private static func attributes(_ experiment: Experiment, _ run: Run) -> [String?] {
        let info = run.info
        return [
            info.runID, experiment.id, experiment.name, info.runName, info.status.rawValue,
            info.lifecycleStage.rawValue, String(info.startTime), info.endTime.map { String($0) }, info.userID,
            info.parentRunID, info.artifactURI,
        ]
    }

    private static func environmentJSON(_ environment: RunEnvironment) -> String {
        var fields: [String] = []
        fields.append("\"git_commit\":" + (environment.gitCommit.map(jsonString) ?? "null"))
        fields.append("\"git_dirty\":" + (environment.gitDirty.map { $0 ? "true" : "false" } ?? "null"))
        fields.append("\"git_branch\":" + (environment.gitBranch.map(jsonString) ?? "null"))
        fields.append("\"host\":" + jsonString(environment.host))
        fields.append("\"operating_system\":" + jsonString(environment.operatingSystem))
        fields.append("\"swift_version\":" + jsonString(environment.swiftVersion))
        fields.append("\"cpu_model\":" + jsonString(environment.cpuModel))
        fields.append("\"cpu_count\":" + String(environment.cpuCount))
        fields.append("\"command_line\":[" + environment.commandLine.map(jsonString).joined(separator: ",") + "]")
        fields.append("\"working_directory\":" + jsonString(environment.workingDirectory))
        return "{" + fields.joined(separator: ",") + "}"
    }

    // MARK: Metrics

    private func writeMetrics(_ plan: ExportPlan, format: Format, to output: ExportOutput) async throws -> Int {
        var count = 0
        var first = true
        switch format {
        case .csv: try output.write("run_id,key,step,timestamp,value\n")
        case .json: try output.write("[")
        }
        for entry in plan.entries {
            for run in entry.runs {
                let runID = run.info.runID
                for (key, points) in try await ExportPlan.histories(tracker: tracker, run: run) {
                    let prefix: String
                    switch format {
                    case .csv: prefix = csvText(runID) + "," + csvText(key) + ","
                    case .json: prefix = "{\"run_id\":" + Self.jsonString(runID) + ",\"key\":" + Self.jsonString(key)
                    }
                    var chunk: [UInt8] = []
                    for point in points {
                        switch format {
                        case .csv:
                            chunk.append(contentsOf: prefix.utf8)
                            chunk.append(contentsOf: String(point.step).utf8)
                            chunk.append(UInt8(ascii: ","))
                            chunk.append(contentsOf: String(point.timestamp).utf8)
                            chunk.append(UInt8(ascii: ","))
                            chunk.append(contentsOf: PythonFloat.repr(point.value).utf8)
                            chunk.append(UInt8(ascii: "\n"))
                        case .json:
                            chunk.append(contentsOf: (first ? "\n" : ",\n").utf8)
                            first = false
                            chunk.append(contentsOf: prefix.utf8)
                            chunk.append(
                                contentsOf: ",\"step\":\(point.step),\"timestamp\":\(point.timestamp),\"value\":".utf8)
                            chunk.append(contentsOf: Self.jsonNumber(point.value).utf8)
                            chunk.append(UInt8(ascii: "}"))
                        }
                    }
                    try output.write(chunk)
                    count += points.count
                }
            }
        }
        if format == .json { try output.write(first ? "]\n" : "\n]\n") }
        return count
    }

    // MARK: Encoding

    /// A CSV field for a text cell: ``neutralizingFormula(_:)`` when ``Options/escapesFormulas`` is set,
    /// then ``csvField(_:)``.
    func csvText(_ text: String) -> String {
        Self.csvField(options.escapesFormulas ? Self.neutralizingFormula(text) : text)
    }

    /// `text` with a leading `'` if a spreadsheet would read it as a formula: it starts with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return and is not a decimal number.
    static func neutralizingFormula(_ text: String) -> String {
        guard let first = text.utf8.first else { return text }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D:
            return TensorBoardExporter.isDecimalNumber(text) ? text : "'" + text
        default:
            return text
        }
    }

    /// A CSV field, quoted when it holds a comma, quote, line break, or
    /// leading/trailing space.
    static func csvField(_ text: String) -> String {
        var needsQuotes = false
        for byte in text.utf8
        where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
        {
            needsQuotes = true
            break
        }
        if text.first == " " || text.last == " " { needsQuotes = true }
        return needsQuotes ? "\"" + text.replacing("\"", with: "\"\"") + "\"" : text
    }

    /// A JSON number, or `"NaN"`, `"Infinity"`, `"-Infinity"` for non-finite values.
    static func jsonNumber(_ value: Double) -> String {
        if value.isNaN { return "\"NaN\"" }
        if value.isInfinite { return value < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        return PythonFloat.repr(value)
    }

    /// A JSON object of strings, keys sorted.
    static func jsonObject(_ values: [String: String]) -> String {
        "{" + values.keys.sorted().map { jsonString($0) + ":" + jsonString(values[$0] ?? "") }.joined(separator: ",")
            + "}"
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String { JSONText.quoted(text) }
}
