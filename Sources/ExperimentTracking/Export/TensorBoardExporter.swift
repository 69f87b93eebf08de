import MLOpsCore

/// Writes each run's metric histories as a TensorBoard event file, so that
/// `tensorboard --logdir DIR` plots them, and its params as hyperparameters,
/// so that the HParams dashboard lists the runs with their params and metrics.
///
/// ```
/// DIR/events.out.tfevents.<seconds>.<host>.<pid>.0                  hparams experiment summary
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
///   NaN and ±infinity are kept. Tags are not exported.
/// - **Hyperparameters.** Each run's file also holds the hparams plugin's
///   `_hparams_/session_start_info` (right after the header: every param,
///   the run ID as group name, the start time) and `_hparams_/session_end_info`
///   (last: FINISHED → success, FAILED and KILLED → failure, RUNNING →
///   running, SCHEDULED → unknown; the end time). A param whose values in
///   all exported runs are decimal numbers is exported as a number, one whose
///   values are all `true`/`false` as a boolean, any other as a string. The
///   file directly in `DIR` holds the one `_hparams_/experiment` summary:
///   every param (type; range of numbers, or up to 100 distinct values) and
///   every metric of the exported runs, which the dashboard shows as columns.
/// - **Re-exporting** replaces the event file of each exported run's
///   directory and the experiment summary in `DIR`, which then describes the
///   runs of the latest export only: the new content is renamed over the
///   earlier export's file, found as the first (by name) regular file with
///   `tfevents` in its name whose header event names this exporter's
///   ``Options/writer``, keeping that file's name. Nothing is ever removed:
///   event files of other writers stay (TensorBoard reads them too), and with
///   `writer` `nil` an earlier export's file is not recognised and stays
///   beside the new one.
/// - **Links.** Everything below `DIR` is reached without following symbolic
///   links: a link where the export expects a directory or file is a
///   `conflict` error naming it, and nothing is written or removed through it.
///   Files are written to a temporary name and renamed into place. `DIR`
///   inside the tracker's `FileBlobStore` root is an `invalidArgument` error.
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
    /// - Throws: `MLOpsError` `notFound` for a selected experiment
    ///   or run that does not exist, `ioError` if a file cannot be written.
    @discardableResult
    public func export(to directory: String, selection: ExportSelection = ExportSelection(viewType: .activeOnly))
        async throws -> ExportSummary
    {
        let root = ExportFiles.absolute(directory)
        var summary = ExportSummary(format: "tensorboard", directory: root)
        let plan = try await ExportPlan.make(tracker: tracker, selection: selection)
        try ExportFiles.refuseInsideStore(root, tracker: tracker)
        let rootDirectory = try ExportFiles.openRoot(root)
        let experimentNames = Self.uniqueNames(plan.entries.map { ($0.experiment.name, $0.experiment.id) })
        let allRuns = plan.entries.flatMap(\.runs)
        let types = Self.hparamTypes(allRuns)
        for (entry, experimentName) in zip(plan.entries, experimentNames) {
            summary.experiments += 1
            let runNames = Self.uniqueNames(entry.runs.map { ($0.info.runName, $0.info.runID) })
            for (run, runName) in zip(entry.runs, runNames) {
                let runDirectory = try ExportFiles.makeDirectories(experimentName + "/" + runName, in: rootDirectory)
                let histories = try await ExportPlan.histories(tracker: tracker, run: run)
                let (bytes, points) = Self.eventFile(
                    startTime: run.info.startTime, histories: histories, writer: options.writer,
                    session: Self.session(run, types: types))
                try runDirectory.writeFile(
                    try earlierEventFile(in: runDirectory) ?? fileName(startTime: run.info.startTime), bytes)
                summary.runs += 1
                summary.files += 1
                summary.metricPoints += points
            }
        }
        // The experiment summary, in DIR itself (TensorBoard's run ".").
        let created = allRuns.map(\.info.startTime).min() ?? tracker.now
        let experiment = TensorBoardHParams.experiment(
            hparams: Self.hparamInfos(allRuns, types: types),
            metrics: Set(allRuns.flatMap(\.metrics.keys)).sorted().map { TensorBoardHParams.MetricInfo(tag: $0) },
            timeCreatedSeconds: Double(created) / 1000)
        var bytes: [UInt8] = []
        TFRecord.append(
            TensorBoardEvent.fileVersion(wallTime: Double(created) / 1000, writer: options.writer).encoded(), to: &bytes
        )
        TFRecord.append(
            TensorBoardEvent(
                wallTime: Double(created) / 1000,
                content: .plugin(
                    tag: TensorBoardHParams.experimentTag, pluginName: TensorBoardHParams.pluginName,
                    content: experiment)
            ).encoded(), to: &bytes)
        try rootDirectory.writeFile(try earlierEventFile(in: rootDirectory) ?? fileName(startTime: created), bytes)
        summary.files += 1
        return summary
    }

    /// `events.out.tfevents.<seconds, 10 digits>.<host>.<pid>.0`.
    private func fileName(startTime: Int64) -> String {
        let digits = String(startTime / 1000)
        let stamp = String(repeating: "0", count: Swift.max(0, 10 - digits.count)) + digits
        return "events.out.tfevents.\(stamp).\(options.hostName).\(options.processID).0"
    }

    /// The name of the event file an earlier export wrote directly in `directory`: the first, by
    /// name, regular file with `tfevents` in its name whose header event names ``Options/writer``
    /// (`nil` if there is none, or no writer to recognise).
    private func earlierEventFile(in directory: DirectoryHandle) throws -> String? {
        guard let writer = options.writer else { return nil }
        let header = Self.headerAfterWallTime(writer: writer)
        for name in try directory.entries().sorted() where name.contains("tfevents") {
            guard try directory.status(name)?.type == .regular,
                let start = try directory.readFile(name, limit: 12 + 9 + header.count),
                Self.startsWithHeader(start, writtenBy: header)
            else { continue }
            return name
        }
        return nil
    }

    /// The bytes of the header event after its `wall_time` field (tag and 8 bytes).
    static func headerAfterWallTime(writer: String) -> [UInt8] {
        Array(TensorBoardEvent.fileVersion(wallTime: 1, writer: writer).encoded().dropFirst(9))
    }

    /// Whether `bytes` start with a TFRecord whose payload is a header event (any non-zero
    /// `wall_time`) followed by exactly `header`.
    static func startsWithHeader(_ bytes: [UInt8], writtenBy header: [UInt8]) -> Bool {
        guard bytes.count >= 12 + 9 + header.count else { return false }
        var length: UInt64 = 0
        for index in 0..<8 { length |= UInt64(bytes[index]) << UInt64(8 * index) }
        return length == UInt64(9 + header.count) && bytes[12] == 0x09
            && bytes[21..<(21 + header.count)].elementsEqual(header)
    }

    /// A run's hparams session: the start and end summaries' plugin content and the end time (ms).
    struct Session {
        var start: [UInt8]
        var end: [UInt8]
        var endTime: Int64?
    }

    static func session(_ run: Run, types: [String: TensorBoardHParams.DataType]) -> Session {
        var values: [String: TensorBoardHParams.Value] = [:]
        for (key, text) in run.params { values[key] = hparamValue(text, type: types[key] ?? .string) }
        let status: TensorBoardHParams.Status
        switch run.info.status {
        case .finished: status = .success
        case .failed, .killed: status = .failure
        case .running: status = .running
        case .scheduled: status = .unknown
        }
        return Session(
            start: TensorBoardHParams.sessionStart(
                hparams: values, groupName: run.info.runID, startTimeSeconds: Double(run.info.startTime) / 1000),
            end: TensorBoardHParams.sessionEnd(
                status: status, endTimeSeconds: run.info.endTime.map { Double($0) / 1000 }),
            endTime: run.info.endTime)
    }

    /// The type of each param key over `runs`: numbers if every value is a
    /// finite decimal number, booleans if every value is `true` or `false`,
    /// else strings.
    static func hparamTypes(_ runs: [Run]) -> [String: TensorBoardHParams.DataType] {
        var types: [String: TensorBoardHParams.DataType] = [:]
        for run in runs {
            for (key, text) in run.params {
                let own: TensorBoardHParams.DataType =
                    isDecimalNumber(text) ? .float64 : (text == "true" || text == "false") ? .bool : .string
                if let known = types[key], known != own { types[key] = .string } else { types[key] = own }
            }
        }
        return types
    }

    /// `text` as a value of `type` (see ``hparamTypes(_:)``).
    static func hparamValue(_ text: String, type: TensorBoardHParams.DataType) -> TensorBoardHParams.Value {
        switch type {
        case .float64: Double(text).map(TensorBoardHParams.Value.number) ?? .string(text)
        case .bool: .bool(text == "true")
        case .string, .unset: .string(text)
        }
    }

    /// Every param key of `runs` with its type and domain: the range of the
    /// numbers, or the distinct values when there are at most 100.
    static func hparamInfos(_ runs: [Run], types: [String: TensorBoardHParams.DataType])
        -> [TensorBoardHParams.HParamInfo]
    {
        var values: [String: Set<String>] = [:]
        for run in runs {
            for (key, text) in run.params { values[key, default: []].insert(text) }
        }
        return values.keys.sorted().map { key in
            let type = types[key] ?? .string
            let texts = values[key] ?? []
            var domain: TensorBoardHParams.Domain?
            switch type {
            case .float64:
                let numbers = texts.compactMap { Double($0) }
                if let low = numbers.min(), let high = numbers.max() { domain = .interval(min: low, max: high) }
            case .bool:
                domain = .discrete(texts.sorted().map { .bool($0 == "true") })
            case .string, .unset:
                if texts.count <= 100 { domain = .discrete(texts.sorted().map { .string($0) }) }
            }
            return TensorBoardHParams.HParamInfo(name: key, type: type, domain: domain)
        }
    }

    /// Whether `text` is `[+-]digits[.digits][(e|E)[+-]digits]` (or `.digits`) with a finite value.
    static func isDecimalNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var mantissa = digits()
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        guard bytes.isEmpty, let value = Double(text) else { return false }
        return value.isFinite
    }

    /// The bytes of one event file: the header, the hparams session start (if
    /// any), the points grouped into events by (step, timestamp) in that
    /// order, then the session end. Returns the bytes and the number of points
    /// written. The session events take the first and last step of the
    /// scalars, so TensorBoard never sees a step go back.
    static func eventFile(
        startTime: Int64, histories: [(key: String, points: [Metric])], writer: String?, session: Session? = nil
    ) -> (bytes: [UInt8], points: Int) {
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
        if let session {
            let start = TensorBoardEvent(
                wallTime: Double(startTime) / 1000, step: order.first?.step ?? 0,
                content: .plugin(
                    tag: TensorBoardHParams.sessionStartTag, pluginName: TensorBoardHParams.pluginName,
                    content: session.start))
            TFRecord.append(start.encoded(), to: &bytes)
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
        if let session {
            let endTime = session.endTime ?? Swift.max(startTime, order.map(\.timestamp).max() ?? startTime)
            let end = TensorBoardEvent(
                wallTime: Double(endTime) / 1000, step: order.last?.step ?? 0,
                content: .plugin(
                    tag: TensorBoardHParams.sessionEndTag, pluginName: TensorBoardHParams.pluginName,
                    content: session.end))
            TFRecord.append(end.encoded(), to: &bytes)
        }
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
