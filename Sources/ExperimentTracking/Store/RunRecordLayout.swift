import MLOpsCore

/// Where things are in one stored run record (``RunRecord``, format 1): its attributes, and
/// the offset of each section, read from the header without decoding anything else.
///
/// A layout holds no bytes: parsing it and filtering with it
/// (``CompiledRunFilter/matches(_:in:)``) works on any buffer holding the record — a search
/// runs both on the bytes the store lends during a scan and keeps only the records that match.
/// Ranges and offsets count from the record's first byte.
struct RunRecordLayout: Sendable {
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

    /// Reads the header and the attributes of the record in `buffer`.
    ///
    /// - Throws: `MLOpsError` `corruptData` for damaged bytes, `unsupported` for a newer format
    ///   (a format byte from 2 to ``RunRecord/newestPlausibleFormat``; any other byte is damage).
    init(parsing buffer: UnsafeBufferPointer<UInt8>) throws {
        guard let first = buffer.first else {
            throw MLOpsError(.corruptData, "stored run record is damaged: it is empty")
        }
        guard first == RunRecord.format else {
            if first > RunRecord.format && first <= RunRecord.newestPlausibleFormat {
                throw MLOpsError(
                    .unsupported,
                    "run record format \(first) is newer than this version understands (\(RunRecord.format))")
            }
            throw MLOpsError(
                .corruptData,
                "stored run record is damaged: its format byte is \(first), and this version writes \(RunRecord.format)"
            )
        }
        var cursor = RawCursor(buffer, offset: 1)
        var offsets: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)
        var previous = RunRecord.headerSize
        var valid = true
        for index in 0..<5 {
            let value = Int(cursor.uint32())
            if cursor.failed || value < previous || value >= buffer.count { valid = false }
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
        guard valid, !cursor.failed, cursor.offset == offsets.0, let status = RunStatus(code: statusCode),
            let stage = LifecycleStage(code: stageCode)
        else {
            throw MLOpsError(.corruptData, "stored run record is damaged: its header or attributes do not parse")
        }
        self.runID = runID
        self.runName = runName
        self.status = status
        startTime = start
        endTime = end
        lifecycle = stage
        self.user = user
        self.artifactURI = artifactURI
        (paramsOffset, tagsOffset, metricsOffset, inputsOffset, environmentOffset) = offsets
    }

    /// The values of one dataset-input field (`name`, `digest` or `context`) of the record in
    /// `buffer`; empty for another key, and what could be read of a damaged section.
    func datasetFields(_ key: String, in buffer: UnsafeBufferPointer<UInt8>) -> [String] {
        let field: Int
        switch key {
        case "name": field = 0
        case "digest": field = 1
        case "context": field = 2
        default: return []
        }
        var result: [String] = []
        var cursor = RawCursor(buffer, offset: inputsOffset)
        let count = cursor.count()
        // MLflow keeps one input per dataset (name and digest) and run, the first: so does search,
        // as the export does.
        var seen: Set<[UInt8]> = []
        for _ in 0..<count {
            var identity: [UInt8] = []
            var value: Range<Int>?
            for index in 0..<5 {
                let range = cursor.stringRange()
                if cursor.failed { return result }
                if index < 2 {
                    identity += buffer[range]
                    identity.append(0)
                }
                if index == field { value = range }
            }
            // An empty context is "unspecified": MLflow stores no context tag for it, so it matches
            // no comparison (as in `Run.datasetFields`).
            let isFirst = count == 1 || seen.insert(identity).inserted
            if isFirst, let value, !(field == 2 && value.isEmpty) {
                result.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[value]), as: UTF8.self))
            }
            if cursor.byte() != 0 { _ = cursor.stringRange() }
            if cursor.failed { return result }
        }
        return result
    }
}
