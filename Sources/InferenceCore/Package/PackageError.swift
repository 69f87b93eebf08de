import MLOpsCore

/// Builders for the errors package encoding and decoding throw.
enum PackageError {
    /// Bytes that fail a structural or hash check.
    static func corrupt(_ what: String, value: String? = nil) -> MLOpsError {
        MLOpsError(
            .corruptData, "the model package is damaged or was tampered with: \(what); re-export or re-download it",
            value: value)
    }

    /// A size or count over a ``ModelPackage/Limits`` bound.
    static func limit(_ what: String, _ actual: Int, _ bound: Int) -> MLOpsError {
        MLOpsError(
            .limitExceeded,
            "the model package exceeds a limit: \(what) is \(actual), the limit is \(bound); "
                + "raise ModelPackage.Limits if the file is trusted",
            value: String(actual))
    }
}
