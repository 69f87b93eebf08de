import MLOpsCore

/// Builders for the errors package encoding and decoding throw.
enum PackageError {
    /// Bytes that fail a structural or hash check.
    static func corrupt(_ what: String, value: String? = nil, fileID: String = #fileID, line: Int = #line) -> MLOpsError
    {
        MLOpsError(
            .corruptData, "the model package is damaged or was tampered with: \(what); re-export or re-download it",
            value: value, fileID: fileID, line: line)
    }

    /// A size or count over a ``ModelPackage/Limits`` bound.
    static func limit(_ what: String, _ actual: Int, _ bound: Int, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        MLOpsError(
            .limitExceeded,
            "the model package exceeds a limit: \(what) is \(actual), the limit is \(bound); "
                + "raise ModelPackage.Limits if the file is trusted",
            value: String(actual), fileID: fileID, line: line)
    }
}
