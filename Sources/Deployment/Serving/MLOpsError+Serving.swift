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
