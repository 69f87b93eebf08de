/// What an ``OpenInferenceHandler`` answers: an HTTP status, a content type and a body, for the
/// host's HTTP server to send as they are.
public struct OpenInferenceReply: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` of ``body`` (`application/json`; empty bodies say so too).
    public var contentType: String
    /// The body bytes; empty for the health endpoints, as the protocol asks.
    public var body: [UInt8]
    /// Seconds a client should wait before retrying (an overloaded server's `Retry-After`
    /// header), or `nil`.
    public var retryAfter: Int?

    /// Creates a reply.
    public init(
        status: Int, contentType: String = OpenInferenceCodec.contentType, body: [UInt8], retryAfter: Int? = nil
    ) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.retryAfter = retryAfter
    }
}
