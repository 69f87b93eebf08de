import MLOpsCore

/// A run's stored record: info, params, tags, the latest value of every
/// metric, dataset inputs and the ID of its environment — everything but metric
/// histories and the environment itself (stored once per distinct environment
/// under `P/env/<id>`) — in one compact binary value that ``RunRecordView``
/// reads in place.
///
/// Layout (format 1), little-endian:
///
/// ```
/// u8 1
/// u32 × 5   offsets of the params, tags, metrics, inputs and environment-ID sections
/// info      runID, experimentID, runName (strings), u8 status, i64 startTime,
///           u8 hasEnd [i64 endTime], u8 lifecycle, u8 hasParent [parentRunID], userID, artifactURI
/// params    varint count, then key/value string pairs sorted by key
/// tags      the same
/// metrics   varint count, then per key (sorted): key, f64 value, i64 step, i64 timestamp
/// inputs    varint count, then name, digest, context, source, sourceType, u8 + dataVersionID
/// env       u8 present [environment ID]
/// ```
///
/// Strings are a varint length and UTF-8 bytes; `?` marks a presence byte.
struct RunRecord: Sendable, Hashable {
    var info: RunInfo
    var params: [String: String]
    var tags: [String: String]
    /// The latest measurement of each metric.
    var metrics: [String: Metric]
    var inputs: [DatasetInput]
    /// The ID of the run's ``RunEnvironment`` record, if one was captured.
    var environmentID: String?

    static let format: UInt8 = 1
    /// Format bytes above this cannot come from a later version (formats grow one at a time):
    /// they are damage, not a newer format.
    static let newestPlausibleFormat: UInt8 = 15

    /// Runs `body`, turning a `corruptData` error about the record stored under `key` into
    /// "corrupt record at KEY: …", so every read command names the damaged key.
    static func atKey<Result>(_ key: [UInt8], _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            throw naming(error, key: key)
        }
    }

    /// `error`, as "corrupt record at KEY: …" if it is a `corruptData` error that does not name its key yet.
    static func naming(_ error: any Error, key: [UInt8]) -> any Error {
        guard let error = error as? MLOpsError, error.code == .corruptData, !error.message.hasPrefix("corrupt record")
        else { return error }
        let described = StorageKey.describe(key)
        return MLOpsError(
            .corruptData, "corrupt record at \(described): \(error.message)", value: described, cause: error)
    }
    static let headerSize = 1 + 5 * 4

    init(
        info: RunInfo, params: [String: String] = [:], tags: [String: String] = [:],
        metrics: [String: Metric] = [:], inputs: [DatasetInput] = [], environmentID: String? = nil
    ) {
        self.info = info
        self.params = params
        self.tags = tags
        self.metrics = metrics
        self.inputs = inputs
        self.environmentID = environmentID
    }

    /// The public value, with the environment looked up by the caller.
    func run(environment: RunEnvironment?) -> Run {
        Run(info: info, params: params, tags: tags, metrics: metrics, inputs: inputs, environment: environment)
    }

    /// Keeps `candidate` as the latest value of its key if it is later than the stored one.
    mutating func mergeLatest(_ candidate: Metric) {
        if let current = metrics[candidate.key], !candidate.isLatest(comparedTo: current) { return }
        metrics[candidate.key] = candidate
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 256 + 32 * (params.count + tags.count + metrics.count))
        writer.byte(Self.format)
        for _ in 0..<(Self.headerSize - 1) { writer.byte(0) }
        var offsets: [Int] = []
        writer.string(info.runID)
        writer.string(info.experimentID)
        writer.string(info.runName)
        writer.byte(info.status.code)
        writer.int64(info.startTime)
        if let end = info.endTime {
            writer.byte(1)
            writer.int64(end)
        } else {
            writer.byte(0)
        }
        writer.byte(info.lifecycleStage.code)
        writer.optionalString(info.parentRunID)
        writer.string(info.userID)
        writer.string(info.artifactURI)
        for map in [params, tags] {
            offsets.append(writer.bytes.count)
            writer.varint(map.count)
            for key in map.keys.sorted() {
                writer.string(key)
                writer.string(map[key] ?? "")
            }
        }
        offsets.append(writer.bytes.count)
        writer.varint(metrics.count)
        for key in metrics.keys.sorted() {
            guard let metric = metrics[key] else { continue }
            writer.string(key)
            writer.double(metric.value)
            writer.int64(metric.step)
            writer.int64(metric.timestamp)
        }
        offsets.append(writer.bytes.count)
        writer.varint(inputs.count)
        for input in inputs {
            writer.string(input.name)
            writer.string(input.digest)
            writer.string(input.context)
            writer.string(input.source)
            writer.string(input.sourceType)
            writer.optionalString(input.dataVersionID)
        }
        offsets.append(writer.bytes.count)
        writer.optionalString(environmentID)
        var bytes = writer.bytes
        for (index, offset) in offsets.enumerated() {
            let value = UInt32(truncatingIfNeeded: offset)
            for b in 0..<4 { bytes[1 + index * 4 + b] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(b))) }
        }
        return bytes
    }

    /// Decodes a stored record.
    ///
    /// - Throws: `MLOpsError` `corruptData` for damaged bytes, `unsupported` for a newer format.
    init(decoding bytes: [UInt8]) throws {
        try self.init(view: RunRecordView(bytes))
    }

    /// Decodes a record from its parsed header, in one pass over the bytes.
    init(view: RunRecordView) throws {
        var table = StringTable()
        try self.init(view: view, strings: &table)
    }

    /// Decodes a record from its parsed header, in one pass over the bytes, sharing repeated
    /// keys and values with the other records decoded through `strings`.
    init(view: RunRecordView, strings table: inout StringTable) throws {
        let decoded = view.bytes.withUnsafeBufferPointer { buffer -> RunRecord? in
            var cursor = RawCursor(buffer, offset: RunRecord.headerSize)
            let runID = cursor.string()
            let experimentID = cursor.string()
            let runName = cursor.string()
            cursor.offset += 1 + 8  // status, start time: already in the view
            if cursor.byte() != 0 { cursor.offset += 8 }
            cursor.offset += 1  // lifecycle
            let parent = cursor.optionalString()
            let user = cursor.string(&table)
            let artifactURI = cursor.string()
            let info = RunInfo(
                runID: runID, runName: runName, experimentID: experimentID, status: view.status,
                startTime: view.startTime, endTime: view.endTime, lifecycleStage: view.lifecycle, parentRunID: parent,
                userID: user, artifactURI: artifactURI)
            var maps: ([String: String], [String: String]) = ([:], [:])
            for index in 0..<2 {
                let count = cursor.count()
                var map = [String: String](minimumCapacity: count)
                for _ in 0..<count {
                    let key = cursor.string(&table)
                    map[key] = cursor.string(&table)
                }
                if index == 0 { maps.0 = map } else { maps.1 = map }
            }
            let metrics = cursor.metricsSection(&table)
            let inputCount = cursor.count()
            var inputs: [DatasetInput] = []
            for _ in 0..<inputCount {
                let name = cursor.string(&table)
                let digest = cursor.string(&table)
                let context = cursor.string(&table)
                let source = cursor.string(&table)
                let sourceType = cursor.string(&table)
                let version = cursor.optionalString(&table)
                inputs.append(
                    DatasetInput(
                        name: name, digest: digest, context: context, source: source, sourceType: sourceType,
                        dataVersionID: version))
            }
            let environmentID = cursor.optionalString(&table)
            guard !cursor.failed else { return nil }
            return RunRecord(
                info: info, params: maps.0, tags: maps.1, metrics: metrics, inputs: inputs,
                environmentID: environmentID)
        }
        guard let decoded else {
            throw MLOpsError(.corruptData, "stored run record is damaged: its sections do not parse")
        }
        self = decoded
    }
}
