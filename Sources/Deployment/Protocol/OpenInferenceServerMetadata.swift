/// What the Open Inference Protocol's server metadata endpoint (`GET /v2`) says about a server.
public struct OpenInferenceServerMetadata: Sendable, Hashable {
    /// A descriptive name for the server.
    public var name: String
    /// The server's version.
    public var version: String
    /// The protocol extensions the server supports (none are standard).
    public var extensions: [String]

    /// Creates server metadata.
    public init(name: String, version: String, extensions: [String] = []) {
        self.name = name
        self.version = version
        self.extensions = extensions
    }
}
