public import MLOpsCore

/// One request a ``ModelServer`` handled, as its observers (``ModelServer/observe(_:)``) see it:
/// the request, the response or error, the version that served it and how long it took.
public struct ServedExchange: Sendable {
    /// The request as the caller sent it.
    public var request: InferenceRequest
    /// The response, or the error the caller received.
    public var result: Result<InferenceResponse, MLOpsError>
    /// The model's name.
    public var model: String
    /// The version that ran the request; `nil` when it failed before a version was chosen (an
    /// unknown model or version).
    public var version: Int?
    /// The time from the call to its answer, queueing included.
    public var latency: Duration
    /// Whether this was a shadow copy (never returned to a caller).
    public var isShadow: Bool

    /// Creates an exchange.
    public init(
        request: InferenceRequest, result: Result<InferenceResponse, MLOpsError>, model: String, version: Int?,
        latency: Duration, isShadow: Bool = false
    ) {
        self.request = request
        self.result = result
        self.model = model
        self.version = version
        self.latency = latency
        self.isShadow = isShadow
    }
}
