import MLOpsCore

/// What the tracker stores about one artifact besides its bytes: its size and SHA-256, so
/// that a check can prove the bytes are the ones that were logged.
///
/// Kept through the record layer in the tracker's namespace, under the ID `<runID>/<path>`,
/// indexed by run.
struct ArtifactRecord: StoredRecord, Equatable {
    static let recordType = "artifact"
    static let indexes: [RecordIndex<ArtifactRecord>] = [RecordIndex("run") { $0.runID }]

    var runID: String
    var path: String
    var size: Int
    /// The SHA-256 of the bytes, lower-case hex.
    var sha256: String

    var recordID: String { Self.id(runID: runID, path: path) }

    static func id(runID: String, path: String) -> String { runID + "/" + path }
}
