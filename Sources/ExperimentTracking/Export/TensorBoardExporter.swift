import MLOpsCore

/// Writes each run's metric histories as a TensorBoard event file, so that
/// `tensorboard --logdir DIR` plots them.
///
/// ```
/// DIR/<experiment>/<run>/events.out.tfevents.<start seconds>.<host>.<pid>.0
/// ```
///
/// What a caller must know:
///
/// - **Layout.** One directory per experiment and one per run inside it, named
///   after the experiment and the run with characters other than letters,
///   digits, `_ - .` and spaces replaced by `_`. Names that clash get `-<ID>`
///   appended, so every run has its own directory. TensorBoard shows a run as
///   `<experiment>/<run>`.
/// - **Content.** The file starts with the `brain.Event:2` header event; then
///   one event per (step, timestamp) with every metric logged then, as scalar
///   summaries (`simple_value`), in step order. Values become float32, as
///   TensorBoard stores them (`0.6` reads back as `0.6000000238418579`);
///   NaN and ±infinity are kept. Params and tags are not exported.
/// - **Re-exporting** replaces the event files of each exported run's directory.
public struct TensorBoardExporter: Sendable {
    /// How file names are made.
    public struct Options: Sendable, Hashable {
        /// The host name in file names; default: this machine's.
        public var hostName: String
        /// The process ID in file names; default: this process's.
        public var processID: Int
        /// The `source_metadata.writer` of the header event, or `nil` to leave it out.
        public var writer: String?

        /// Creates options; `nil` arguments take this machine's host name and process ID.
        public init(hostName: String? = nil, processID: Int? = nil, writer: String? = "swift-mlops") {
            self.hostName = hostName ?? ExportFiles.hostName()
            self.processID = processID ?? ExportFiles.processID()
            self.writer = writer
        }
    }

    /// The tracker whose runs are exported.
    public let tracker: ExperimentTracker
    /// How file names are made.
    public let options: Options

    /// Creates an exporter reading from `tracker`.
    public init(tracker: ExperimentTracker, options: Options = Options()) {
        self.tracker = tracker
        self.options = options
    }

    /// Exports the selected runs into `directory` (created if missing).
    ///
    /// - Throws: ``MLOpsCore/MLOpsError`` `notFound` for a selected experiment
    ///   or run that does not exist, `ioError` if a file cannot be written.
    @discardableResult
    public func export(to directory: String, selection: ExportSelection = ExportSelection(viewType: .activeOnly))
        async throws -> ExportSummary
    {
        let root = ExportFiles.absolute(directory)
        var summary = ExportSummary(format: "tensorboard", directory: root)
        let plan = try await ExportPlan.make(tracker: tracker, selection: selection)
        let experimentNames = Self.uniqueNames(plan.entries.map { ($0.experiment.name, $0.experiment.id) })
        for (entry, experimentName) in zip(plan.entries, experimentNames) {
            summary.experiments += 1
            let runNames = Self.uniqueNames(entry.runs.map { ($0.info.runName, $0.info.runID) })
            for (run, runName) in zip(entry.runs, runNames) {
                let runDirectory = root + "/" + experimentName + "/" + runName
                try ExportFiles.makeDirectories(runDirectory)
                for name in ExportFiles.list(runDirectory) where name.contains("tfevents") {
                    try ExportFiles.remove(runDirectory + "/" + name)
                }
                let histories = try await ExportPlan.histories(tracker: tracker, run: run)
                let (bytes, points) = Self.eventFile(
                    startTime: run.info.startTime, histories: histories, writer: options.writer)
                let seconds = run.info.startTime / 1000
                let digits = String(seconds)
                let stamp = String(repeating: "0", count: Swift.max(0, 10 - digits.count)) + digits
                let fileName = "events.out.tfevents.\(stamp).\(options.hostName).\(options.processID).0"
                try ExportFiles.write(bytes, to: runDirectory + "/" + fileName)
                summary.runs += 1
                summary.files += 1
                summary.metricPoints += points
            }
        }
        return summary
    }

    /// The bytes of one event file: the header, then the points grouped into
    /// events by (step, timestamp) in that order. Returns the bytes and the
    /// number of points written.
    static func eventFile(startTime: Int64, histories: [(key: String, points: [Metric])], writer: String?)
        -> (bytes: [UInt8], points: Int)
    {
        var bytes: [UInt8] = []
        TFRecord.append(
            TensorBoardEvent.fileVersion(wallTime: Double(startTime) / 1000, writer: writer).encoded(), to: &bytes)
        // (step, timestamp, key index, position): a stable order across keys.
        var order: [(step: Int64, timestamp: Int64, key: Int, index: Int)] = []
        for (keyIndex, history) in histories.enumerated() {
            for (index, point) in history.points.enumerated() {
                order.append((point.step, point.timestamp, keyIndex, index))
            }
        }
        order.sort { a, b in
            if a.step != b.step { return a.step < b.step }
            if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
            if a.key != b.key { return a.key < b.key }
            return a.index < b.index
        }
        var scalars: [TensorBoardEvent.Scalar] = []
        var lastKey = -1
        var current: (step: Int64, timestamp: Int64)?
        func emit() {
            guard let event = current, !scalars.isEmpty else { return }
            let encoded = TensorBoardEvent(wallTime: Double(event.timestamp) / 1000, step: event.step, scalars: scalars)
            TFRecord.append(encoded.encoded(), to: &bytes)
            scalars.removeAll(keepingCapacity: true)
        }
        for item in order {
            // A new event when the step or time changes, or when a key repeats within one.
            if current?.step != item.step || current?.timestamp != item.timestamp || lastKey == item.key {
                emit()
                current = (item.step, item.timestamp)
            }
            let history = histories[item.key]
            scalars.append(TensorBoardEvent.Scalar(tag: history.key, value: Float(history.points[item.index].value)))
            lastKey = item.key
        }
        emit()
        return (bytes, order.count)
    }

    /// Directory names for `(name, id)` pairs: the sanitised name, with `-<id>`
    /// appended to every name that would otherwise clash.
    static func uniqueNames(_ items: [(name: String, id: String)]) -> [String] {
        let names = items.map { sanitize($0.name) }
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        var result = zip(names, items).map { name, item in
            counts[name, default: 0] > 1 ? name + "-" + sanitize(item.id) : name
        }
        // A suffixed name can still clash with another plain one: add positions until unique.
        var seen: Set<String> = []
        for index in result.indices {
            var candidate = result[index]
            var suffix = 2
            while !seen.insert(candidate).inserted {
                candidate = result[index] + "-\(suffix)"
                suffix += 1
            }
            result[index] = candidate
        }
        return result
    }

    /// A single safe path component for `name`.
    static func sanitize(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            let properties = scalar.properties
            let keep =
                properties.isAlphabetic || properties.numericType == .decimal || scalar == "_" || scalar == "-"
                || scalar == "." || scalar == " "
            out.unicodeScalars.append(keep ? scalar : "_")
        }
        if out.hasPrefix(".") { out = "_" + out.dropFirst() }
        if out.isEmpty { out = "_" }
        while out.utf8.count > 200 { out.unicodeScalars.removeLast() }
        return out
    }
}
