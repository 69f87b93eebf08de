public import MLOpsCore

extension MLOpsError.Code {
    /// A serving queue is full: the request was shed without running; retry later (HTTP 503
    /// with `Retry-After`, or 429).
    public static let overloaded = MLOpsError.Code(rawValue: "overloaded")
    /// A request's deadline passed before it ran (HTTP 504).
    public static let deadlineExceeded = MLOpsError.Code(rawValue: "deadline_exceeded")
    /// The model or version is not ready to take traffic: loading, warming up or unloaded
    /// (HTTP 503).
    public static let unavailable = MLOpsError.Code(rawValue: "unavailable")
}

extension MLOpsError {
    /// A prototype of `Code.overloaded`, for `catch MLOpsError.overloaded` and
    /// `#expect(throws: MLOpsError.overloaded)` (errors compare by code).
    public static var overloaded: MLOpsError { MLOpsError(.overloaded, "") }
    /// A prototype of `Code.deadlineExceeded`.
    public static var deadlineExceeded: MLOpsError { MLOpsError(.deadlineExceeded, "") }
    /// A prototype of `Code.unavailable`.
    public static var unavailable: MLOpsError { MLOpsError(.unavailable, "") }
}
