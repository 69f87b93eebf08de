import MLOpsCore

/// A stored run record read in place: the header gives each section's offset
/// (``RunRecordLayout``), and a filter then looks up only the fields it names,
/// comparing bytes without building dictionaries. This is what keeps a search
/// over thousands of runs cheap; only the runs a search returns are decoded in full.
struct RunRecordView: RunFilterSubject, Sendable {
    /// The record's bytes; every range and offset of ``layout`` counts from their start.
    private(set) var bytes: RecordBytes
    /// The store version of the entry the bytes came from (0 if unknown).
    var version: UInt64 = 0
    /// Where the attributes and sections are.
    let layout: RunRecordLayout
    /// The run's tags with the derived ones (``DerivedRunTags``), when the search that found the
    /// run named a derived tag; ``tag(_:)`` answers for those keys from here.
    var derivedTags: [String: String]?

    var runID: Range<Int> { layout.runID }
    var status: RunStatus { layout.status }
    var startTime: Int64 { layout.startTime }
    var endTime: Int64? { layout.endTime }
    var lifecycle: LifecycleStage { layout.lifecycle }
    var paramsOffset: Int { layout.paramsOffset }
    var tagsOffset: Int { layout.tagsOffset }
    var metricsOffset: Int { layout.metricsOffset }
    var inputsOffset: Int { layout.inputsOffset }

    /// Reads the header and the attributes of a record held in an array (copied once into
    /// storage of its own).
    ///
    /// - Throws: `MLOpsError` `corruptData` for damaged bytes, `unsupported` for a newer format.
    init(_ bytes: [UInt8]) throws {
        try self.init(RecordBytes(copying: bytes))
    }

    /// Reads the header and the attributes.
    ///
    /// - Throws: `MLOpsError` `corruptData` for damaged bytes, `unsupported` for a newer format.
    init(_ bytes: RecordBytes) throws {
        self.bytes = bytes
        layout = try bytes.withUnsafeBufferPointer { try RunRecordLayout(parsing: $0) }
    }

    /// A view of `bytes` whose layout was already parsed (from another copy of the same bytes).
    init(_ bytes: RecordBytes, layout: RunRecordLayout, version: UInt64) {
        self.bytes = bytes
        self.layout = layout
        self.version = version
    }

    // MARK: RunFilterSubject

    func attribute(_ key: String) -> RunAttributeValue? {
        switch key {
        case "run_id": .text(bytes.string(runID))
        case "run_name": .text(bytes.string(layout.runName))
        case "status": .text(status.rawValue)
        case "user_id": .text(bytes.string(layout.user))
        case "artifact_uri": .text(bytes.string(layout.artifactURI))
        case "start_time": .number(startTime)
        case "end_time": endTime.map(RunAttributeValue.number)
        default: nil
        }
    }

    func param(_ key: String) -> String? { lookup(key, at: paramsOffset) }
    func tag(_ key: String) -> String? {
        if let derivedTags, DerivedRunTags.mayDerive(key) { return derivedTags[key] }
        return lookup(key, at: tagsOffset)
    }

    func latestMetric(_ key: String) -> Double? {
        var key = key
        return key.withUTF8 { utf8 in
            bytes.withUnsafeBufferPointer { RawCursor.latestMetric(utf8, inSectionAt: metricsOffset, $0) }
        }
    }

    func datasetFields(_ key: String) -> [String] {
        bytes.withUnsafeBufferPointer { layout.datasetFields(key, in: $0) }
    }

    private func lookup(_ key: String, at offset: Int) -> String? {
        var key = key
        return key.withUTF8 { utf8 in
            bytes.withUnsafeBufferPointer { buffer -> String? in
                RawCursor.valueRange(of: utf8, inSectionAt: offset, buffer).map {
                    String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self)
                }
            }
        }
    }

    // MARK: Decoding

    func decodeMetrics() throws -> [String: Metric] {
        let metrics = bytes.withUnsafeBufferPointer { buffer -> [String: Metric]? in
            var cursor = RawCursor(buffer, offset: metricsOffset)
            let metrics = cursor.metricsSection()
            return cursor.failed ? nil : metrics
        }
        guard let metrics else {
            throw MLOpsError(.corruptData, "stored run record is damaged: the metrics do not parse")
        }
        return metrics
    }
}
