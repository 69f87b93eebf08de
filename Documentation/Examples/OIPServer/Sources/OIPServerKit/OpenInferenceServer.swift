import Deployment
import Hummingbird
import InferenceCore

/// Builds the example server: loads the model file, deploys it in a `ModelServer` with the
/// options' batching, and serves the Open Inference Protocol on the options' address.
///
/// - Parameter onRunning: Called with the bound port once the server listens (the options' port,
///   or the free one picked for port 0).
/// - Throws: `MLOpsError` from loading or deploying the model.
public func makeOpenInferenceServer(
    _ options: ServerOptions, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let model = try Model(contentsOf: options.modelPath)
    let server = ModelServer()
    try await server.deploy(model, name: options.name, version: options.version, batching: options.batching)

    let handler = OpenInferenceHandler(
        service: server,
        options: .init(server: OpenInferenceServerMetadata(name: "swift-mlops OIPServer", version: "1")))
    let router = Router()
    addOpenInferenceRoutes(to: router, handler: handler)
    return Application(
        router: router,
        configuration: .init(address: .hostname(options.host, port: options.port), serverName: "OIPServer"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) })
}
