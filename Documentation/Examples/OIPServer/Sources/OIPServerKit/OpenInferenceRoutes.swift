import Deployment
import Hummingbird

/// Routes every Open Inference Protocol request (`GET /v2`, `GET /v2/…`, `POST /v2/…`) of `router`
/// to `handler`, and sends its reply as it is.
///
/// - Parameters:
///   - router: The Hummingbird router to add the routes to.
///   - handler: The transport-free handler over the serving engine.
///   - maxBodyBytes: The largest request body accepted (a larger one is answered 413).
public func addOpenInferenceRoutes<Service: InferenceService, Context: RequestContext>(
    to router: Router<Context>, handler: OpenInferenceHandler<Service>, maxBodyBytes: Int = 64 << 20
) {
    @Sendable func respond(_ request: Request, _ context: Context) async throws -> Response {
        var body: [UInt8] = []
        if request.method == .post {
            let buffer = try await request.body.collect(upTo: maxBodyBytes)
            body = Array(buffer.readableBytesView)
        }
        let reply = await handler.handle(method: request.method.rawValue, path: request.uri.path, body: body)
        var headers: HTTPFields = [.contentType: reply.contentType]
        if let seconds = reply.retryAfter { headers[.retryAfter] = String(seconds) }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
    router.get("v2", use: respond)
    router.get("v2/**", use: respond)
    router.post("v2/**", use: respond)
}
