public import InferenceCore

/// Something that answers inference requests: the `ModelServer`, or a host's own wrapper
/// around it. Transports (the Open Inference Protocol codec, a host's HTTP routes) are written
/// against this protocol.
///
/// Errors are `MLOpsError`s whose code says what the transport should answer: `notFound` (no
/// such model or version), `invalidArgument` (a malformed request), `overloaded` (the queue is
/// full: retry later), `deadlineExceeded`, `unavailable` (the model is not ready).
public protocol InferenceService: Sendable {
    /// Runs one request.
    func infer(_ request: InferenceRequest) async throws -> InferenceResponse
    /// The model's name, versions, platform and signature; `version` `nil` describes the
    /// version the model's traffic policy serves by default.
    func metadata(model: String, version: Int?) async throws -> ServedModelMetadata
    /// Whether the model (or that version) is loaded, warmed up and taking traffic.
    func isReady(model: String, version: Int?) async -> Bool
    /// Whether the service is ready to take traffic at all.
    var isReady: Bool { get async }
}

/// What a client may learn about a served model: its name, versions, platform and signature.
public struct ServedModelMetadata: Sendable, Equatable {
    /// The model's name.
    public var name: String
    /// The versions loaded, ascending.
    public var versions: [Int]
    /// The version described by ``inputs`` and ``outputs``.
    public var version: Int
    /// The format the model came from (`ModelFormat`'s raw value, e.g. `onnx`).
    public var platform: String
    /// The inputs, with element types and shapes (`nil` dimensions are variable).
    public var inputs: [ValueInfo]
    /// The outputs.
    public var outputs: [ValueInfo]

    /// Creates metadata.
    public init(
        name: String, versions: [Int], version: Int, platform: String, inputs: [ValueInfo], outputs: [ValueInfo]
    ) {
        self.name = name
        self.versions = versions
        self.version = version
        self.platform = platform
        self.inputs = inputs
        self.outputs = outputs
    }
}
