import InferenceCore
public import MLOpsCore
import Synchronization

/// The Open Inference Protocol's HTTP endpoints over any ``InferenceService``, with no HTTP server
/// of its own: a host routes every `/v2…` request to ``handle(method:path:body:)`` and sends back
/// the ``OpenInferenceReply``.
///
/// Endpoints (the protocol's REST API):
/// - `GET /v2/health/live`: 200, empty body, while the process answers;
/// - `GET /v2/health/ready`: 200 when the service is ready, else 400 (the protocol's "4xx is
///   false"), empty body;
/// - `GET /v2/models/NAME[/versions/V]/ready`: the same for a model or version;
/// - `GET /v2/models/NAME[/versions/V]`: model metadata;
/// - `POST /v2/models/NAME[/versions/V]/infer`: inference;
/// - `GET /v2`: server metadata.
///
/// Errors answer `{"error": "…"}` with the status their `MLOpsError` code calls for: `notFound`
/// 404, `invalidArgument`, `parseError`, `unsupported` and `limitExceeded` 400, `overloaded` 503
/// with a `Retry-After` of ``Options/retryAfterSeconds`` (or 429, see
/// ``Options/overloadedStatus``), `deadlineExceeded` 504, `unavailable` 503, `conflict` 409,
/// anything else 500. An unknown path is 404 and a wrong method 405.
///
/// **Input types.** Before decoding a request the handler asks the service for the model's input
/// types (`metadata(model:version:)`) and decodes numbers straight into them (see
/// ``OpenInferenceCodec``): a client may send `FP64` or integers to a `float32` model. The types
/// are cached per model and version asked for; the cache entry is refreshed when a response comes
/// from another version than the one it describes, and at most every
/// ``Options/metadataRefreshInterval`` otherwise, so a hot swap to a model with other input
/// types is seen within that interval.
public struct OpenInferenceHandler<Service: InferenceService>: Sendable {
    /// What the handler says about itself and how it maps errors.
    public struct Options: Sendable {
        /// The server metadata `GET /v2` answers.
        public var server: OpenInferenceServerMetadata
        /// Bounds on what a request may ask for.
        public var limits: OpenInferenceCodec.Limits
        /// The status of an `overloaded` error: 503 (the default) or 429.
        public var overloadedStatus: Int
        /// The `Retry-After` seconds sent with an `overloaded` error.
        public var retryAfterSeconds: Int
        /// How long cached input types are trusted before the model's metadata is asked again.
        public var metadataRefreshInterval: Duration

        /// Creates options.
        public init(
            server: OpenInferenceServerMetadata = OpenInferenceServerMetadata(name: "swift-mlops", version: "unknown"),
            limits: OpenInferenceCodec.Limits = OpenInferenceCodec.Limits(), overloadedStatus: Int = 503,
            retryAfterSeconds: Int = 1, metadataRefreshInterval: Duration = .seconds(1)
        ) {
            self.server = server
            self.limits = limits
            self.overloadedStatus = overloadedStatus
            self.retryAfterSeconds = retryAfterSeconds
            self.metadataRefreshInterval = metadataRefreshInterval
        }
    }

    /// The service requests go to.
    public let service: Service
    /// The options.
    public let options: Options
    private let inputTypes = InputTypeCache()

    /// Creates a handler over `service`.
    public init(service: Service, options: Options = Options()) {
        self.service = service
        self.options = options
    }

    /// Answers one HTTP request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method (`GET`, `POST`; `HEAD` is answered as `GET`).
    ///   - path: The request path, e.g. `/v2/models/churn/infer`; a query string is ignored and
    ///     path segments are percent-decoded.
    ///   - body: The request body (empty for `GET`).
    /// - Returns: The reply; never throws: every failure is an error reply.
    public func handle(method: String, path: String, body: [UInt8]) async -> OpenInferenceReply {
        do {
            return try await route(method: method, path: path, body: body)
        } catch let error as MLOpsError {
            return reply(for: error)
        } catch {
            return OpenInferenceReply(status: 500, body: OpenInferenceCodec.encodeError(String(describing: error)))
        }
    }

    /// The error reply for `error`.
    public func reply(for error: MLOpsError) -> OpenInferenceReply {
        var message = error.message
        if let value = error.value { message += " (value: \(value))" }
        let body = OpenInferenceCodec.encodeError(message)
        switch error.code {
        case .notFound: return OpenInferenceReply(status: 404, body: body)
        case .invalidArgument, .parseError, .unsupported, .limitExceeded:
            return OpenInferenceReply(status: 400, body: body)
        case .overloaded:
            return OpenInferenceReply(
                status: options.overloadedStatus, body: body, retryAfter: options.retryAfterSeconds)
        case .deadlineExceeded: return OpenInferenceReply(status: 504, body: body)
        case .unavailable: return OpenInferenceReply(status: 503, body: body)
        case .conflict: return OpenInferenceReply(status: 409, body: body)
        default: return OpenInferenceReply(status: 500, body: body)
        }
    }

    // MARK: - Routing

    private func route(method: String, path: String, body: [UInt8]) async throws -> OpenInferenceReply {
        var segments = Self.segments(of: path)
        guard segments.first == "v2" else { throw notFound(path) }
        segments.removeFirst()
        let isGet = method == "GET" || method == "HEAD"
        switch segments.count {
        case 0:
            guard isGet else { return methodNotAllowed(method, path) }
            return OpenInferenceReply(status: 200, body: OpenInferenceCodec.encodeServerMetadata(options.server))
        case 2 where segments[0] == "health" && (segments[1] == "live" || segments[1] == "ready"):
            guard isGet else { return methodNotAllowed(method, path) }
            let ready = segments[1] == "live" ? true : await service.isReady
            return OpenInferenceReply(status: ready ? 200 : 400, body: [])
        default:
            break
        }
        guard segments.count >= 2, segments[0] == "models", !segments[1].isEmpty else { throw notFound(path) }
        let model = segments[1]
        var rest = segments.dropFirst(2)
        var version: Int?
        if rest.first == "versions" {
            rest = rest.dropFirst()
            guard let text = rest.first else { throw notFound(path) }
            guard let number = Int(text), number >= 0 else {
                throw MLOpsError(.invalidArgument, "the model version in the URL must be a number", value: text)
            }
            version = number
            rest = rest.dropFirst()
        }
        switch Array(rest) {
        case []:
            guard isGet else { return methodNotAllowed(method, path) }
            let metadata = try await service.metadata(model: model, version: version)
            return OpenInferenceReply(status: 200, body: OpenInferenceCodec.encodeModelMetadata(metadata))
        case ["ready"]:
            guard isGet else { return methodNotAllowed(method, path) }
            let ready = await service.isReady(model: model, version: version)
            return OpenInferenceReply(status: ready ? 200 : 400, body: [])
        case ["infer"]:
            guard method == "POST" else { return methodNotAllowed(method, path) }
            return try await infer(model: model, version: version, body: body)
        default:
            throw notFound(path)
        }
    }

    private func infer(model: String, version: Int?, body: [UInt8]) async throws -> OpenInferenceReply {
        let key = InputTypeCache.Key(model: model, version: version)
        let now = ContinuousClock.now
        let entry: InputTypeCache.Entry
        if let cached = inputTypes.entry(key, now: now) {
            entry = cached
        } else {
            let metadata = try await service.metadata(model: model, version: version)
            var types: [String: ElementType] = [:]
            for input in metadata.inputs { types[input.name] = input.elementType }
            entry = InputTypeCache.Entry(
                version: metadata.version, types: types, expires: now.advanced(by: options.metadataRefreshInterval))
            inputTypes.store(entry, for: key)
        }
        let request = try OpenInferenceCodec.decodeInferenceRequest(
            body, model: model, version: version, inputTypes: entry.types, limits: options.limits)
        let response = try await service.infer(request)
        if response.version != entry.version { inputTypes.invalidate(key) }
        return OpenInferenceReply(status: 200, body: OpenInferenceCodec.encodeInferenceResponse(response))
    }

    private func notFound(_ path: String) -> MLOpsError {
        MLOpsError(.notFound, "no Open Inference Protocol endpoint at this path", value: path)
    }

    private func methodNotAllowed(_ method: String, _ path: String) -> OpenInferenceReply {
        OpenInferenceReply(
            status: 405, body: OpenInferenceCodec.encodeError("\(method) is not allowed on \(path)"))
    }

    /// The path's segments, percent-decoded, without the query string or empty segments.
    static func segments(of path: String) -> [String] {
        let withoutQuery = path.utf8.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)
        guard let pathPart = withoutQuery.first else { return [] }
        return pathPart.split(separator: UInt8(ascii: "/")).map { segment in
            guard segment.contains(UInt8(ascii: "%")) else { return String(decoding: segment, as: UTF8.self) }
            var bytes: [UInt8] = []
            var index = segment.startIndex
            while index < segment.endIndex {
                let byte = segment[index]
                if byte == UInt8(ascii: "%"), segment.distance(from: index, to: segment.endIndex) >= 3,
                    let high = hexValue(segment[segment.index(index, offsetBy: 1)]),
                    let low = hexValue(segment[segment.index(index, offsetBy: 2)])
                {
                    bytes.append(high << 4 | low)
                    index = segment.index(index, offsetBy: 3)
                } else {
                    bytes.append(byte)
                    index = segment.index(after: index)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 55
        default: nil
        }
    }
}

/// The input types of the models a handler served, by model and pinned version.
final class InputTypeCache: Sendable {
    struct Key: Hashable {
        var model: String
        var version: Int?
    }

    struct Entry {
        var version: Int
        var types: [String: ElementType]
        var expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[Key: Entry]>([:])

    func entry(_ key: Key, now: ContinuousClock.Instant) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry
        }
    }

    func store(_ entry: Entry, for key: Key) {
        entries.withLock { entries in
            // A host serves a bounded set of models; this bound only stops a client naming
            // endless model versions from growing the cache.
            if entries.count >= 4096 { entries.removeAll() }
            entries[key] = entry
        }
    }

    func invalidate(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}
