import MLOpsCore

/// A stored run record read in place: the header gives each section's offset,
/// and a filter then looks up only the fields it names, comparing bytes
/// without building dictionaries. This is what keeps a search over thousands
/// of runs cheap; only the runs a search returns are decoded in full.
struct RunRecordView: RunFilterSubject {
    let bytes: [UInt8]
    /// The store version of the entry the bytes came from (0 if unknown).
    var version: UInt64 = 0
    let runID: Range<Int>
    let runName: Range<Int>
    let status: RunStatus
    let startTime: Int64
    let endTime: Int64?
    let lifecycle: LifecycleStage
    let user: Range<Int>
    let artifactURI: Range<Int>
    let paramsOffset: Int
    let tagsOffset: Int
    let metricsOffset: Int
    let inputsOffset: Int
    let environmentOffset: Int

    /// Reads the header and the attributes.
    ///
    /// - Throws: ``MLOpsError`` `corruptData` for damaged bytes, `unsupported` for a newer format.
    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        guard let first = bytes.first else {
            throw MLOpsError(.corruptData, "stored run record is damaged: it is empty")
        }
        guard first == RunRecord.format else {
            throw MLOpsError(
                .unsupported, "run record format \(first) is newer than this version understands (\(RunRecord.format))")
        }
        let parsed = bytes.withUnsafeBufferPointer { buffer -> Parsed? in
            var cursor = RawCursor(buffer, offset: 1)
            var offsets: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)
            var previous = RunRecord.headerSize
            for index in 0..<5 {
                let value = Int(cursor.uint32())
                if cursor.failed || value < previous || value >= buffer.count { return nil }
                previous = value
                switch index {
                case 0: offsets.0 = value
                case 1: offsets.1 = value
                case 2: offsets.2 = value
                case 3: offsets.3 = value
                default: offsets.4 = value
                }
            }
            let runID = cursor.stringRange()
            _ = cursor.stringRange()  // experiment ID
            let runName = cursor.stringRange()
            let statusCode = cursor.byte()
            let start = cursor.int64()
            let end: Int64? = cursor.byte() == 0 ? nil : cursor.int64()
            let stageCode = cursor.byte()
            if cursor.byte() != 0 { _ = cursor.stringRange() }
            let user = cursor.stringRange()
            let artifactURI = cursor.stringRange()
            guard !cursor.failed, cursor.offset == offsets.0, let status = RunStatus(code: statusCode),
                let stage = LifecycleStage(code: stageCode)
            else { return nil }
            return Parsed(
                runID: runID, runName: runName, status: status, startTime: start, endTime: end, lifecycle: stage,
                user: user, artifactURI: artifactURI, offsets: offsets)
        }
        guard let parsed else {
            throw MLOpsError(.corruptData, "stored run record is damaged: its header or attributes do not parse")
        }
        runID = parsed.runID
        runName = parsed.runName
        status = parsed.status
        startTime = parsed.startTime
        endTime = parsed.endTime
        lifecycle = parsed.lifecycle
        user = parsed.user
        artifactURI = parsed.artifactURI
        (paramsOffset, tagsOffset, metricsOffset, inputsOffset, environmentOffset) = parsed.offsets
    }

    private struct Parsed {
        var runID: Range<Int>
        var runName: Range<Int>
        var status: RunStatus
        var startTime: Int64
        var endTime: Int64?
        var lifecycle: LifecycleStage
        var user: Range<Int>
        var artifactURI: Range<Int>
        var offsets: (Int, Int, Int, Int, Int)
    }

    // MARK: RunFilterSubject

    func attribute(_ key: String) -> RunAttributeValue? {
        switch key {
        case "run_id": .text(bytes.string(runID))
        case "run_name": .text(bytes.string(runName))
        case "status": .text(status.rawValue)
        case "user_id": .text(bytes.string(user))
        case "artifact_uri": .text(bytes.string(artifactURI))
        case "start_time": .number(startTime)
        case "end_time": endTime.map(RunAttributeValue.number)
        default: nil
        }
    }

    func param(_ key: String) -> String? { lookup(key, at: paramsOffset) }
    func tag(_ key: String) -> String? { lookup(key, at: tagsOffset) }

    func latestMetric(_ key: String) -> Double? {
        var key = key
        return key.withUTF8 { utf8 in
            bytes.withUnsafeBufferPointer { RawCursor.latestMetric(utf8, inSectionAt: metricsOffset, $0) }
        }
    }

    func datasetFields(_ key: String) -> [String] {
        let field: Int
        switch key {
        case "name": field = 0
        case "digest": field = 1
        case "context": field = 2
        default: return []
        }
        var result: [String] = []
        var reader = ByteReader(bytes, offset: inputsOffset, what: "run record")
        guard let count = try? reader.count() else { return [] }
        for _ in 0..<count {
            for index in 0..<5 {
                guard let range = try? reader.stringRange() else { return result }
                if index == field { result.append(bytes.string(range)) }
            }
            do { _ = try reader.optionalString() } catch { return result }
        }
        return result
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
