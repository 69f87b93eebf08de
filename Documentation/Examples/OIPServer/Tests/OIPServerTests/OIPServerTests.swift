import Deployment
import Foundation
import InferenceCore
import OIPServerKit
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A plain HTTP client for the tests: one request, the status and the body.
struct HTTPClient {
    let port: Int

    func send(_ method: String, _ path: String, body: String? = nil) async throws -> (status: Int, body: [UInt8]) {
        try await send(method, path, bytes: body.map { Array($0.utf8) })
    }

    func send(_ method: String, _ path: String, bytes: [UInt8]?) async throws -> (status: Int, body: [UInt8]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let bytes {
            request.httpBody = Data(bytes)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, Array(data))
    }
}

/// Runs the example server on a free port of 127.0.0.1 for the duration of `body`.
func withServer(_ options: ServerOptions, _ body: (HTTPClient) async throws -> Void) async throws {
    let port = Mutex<Int?>(nil)
    let app = try await makeOpenInferenceServer(options) { bound in port.withLock { $0 = bound } }
    let server = Task { try await app.run() }
    defer { server.cancel() }
    var waited = 0
    while port.withLock({ $0 }) == nil {
        try await Task.sleep(for: .milliseconds(10))
        waited += 1
        if waited > 3000 { throw CancellationError() }
    }
    try await body(HTTPClient(port: port.withLock { $0 } ?? 0))
    server.cancel()
    _ = try? await server.value
}

/// Starts the example server on a free port of 127.0.0.1 and drives it with real HTTP requests.
@Suite struct OIPServerTests {
    /// swift-mlops' interop MLP (6 features → 1 prediction) and the predictions scikit-learn made.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let interop = root.appendingPathComponent("Tests/InferenceCoreTests/Resources/Interop")
    static let modelPath = interop.appendingPathComponent("onnx_mlp_regression.onnx").path

    static func rows() throws -> (inputs: [[Float]], expected: [Float]) {
        func csv(_ name: String) throws -> [[Float]] {
            let text = try String(contentsOf: interop.appendingPathComponent(name), encoding: .utf8)
            return text.split(separator: "\n").dropFirst().prefix(4).map { line in
                line.split(separator: ",").compactMap { Float(String($0)) }
            }
        }
        return (try csv("onnx_inputs.csv"), try csv("onnx_mlp_regression_expected.csv").map { $0[0] })
    }

    @Test(arguments: [false, true]) func servesTheProtocolOverHTTP(batching: Bool) async throws {
        var arguments = [Self.modelPath, "--name", "mlp", "--version", "3", "--port", "0"]
        if !batching { arguments.append("--no-batching") }
        let options = try ServerOptions(arguments: arguments)
        let (inputs, expected) = try Self.rows()

        try await withServer(options) { client in
            #expect(try await client.send("GET", "/v2/health/live").status == 200)
            #expect(try await client.send("GET", "/v2/health/ready").status == 200)
            #expect(try await client.send("GET", "/v2/models/mlp/ready").status == 200)
            #expect(try await client.send("GET", "/v2/models/mlp/versions/4/ready").status == 400)

            let server = try await client.send("GET", "/v2")
            #expect(server.status == 200)
            #expect(try OpenInferenceCodec.decodeServerMetadata(server.body).name == "swift-mlops OIPServer")

            let model = try await client.send("GET", "/v2/models/mlp")
            #expect(model.status == 200)
            let metadata = try OpenInferenceCodec.decodeModelMetadata(model.body)
            #expect(metadata.name == "mlp" && metadata.versions == [3] && metadata.platform == "onnx")
            #expect(metadata.inputs.first?.shape?.last == .fixed(6))

            // One request of four rows, and one request per row: the model's predictions.
            let request = InferenceRequest(
                model: "mlp",
                inputs: [
                    NamedTensor(name: "input", tensor: try Tensor(shape: [4, 6], float32: inputs.flatMap { $0 }))
                ],
                id: "batch-of-4")
            let batch = try await client.send(
                "POST", "/v2/models/mlp/infer", bytes: OpenInferenceCodec.encodeInferenceRequest(request))
            #expect(batch.status == 200, "\(String(decoding: batch.body, as: UTF8.self))")
            let decoded = try OpenInferenceCodec.decodeInferenceResponse(batch.body)
            #expect(decoded.model == "mlp" && decoded.version == 3 && decoded.id == "batch-of-4")
            let values = try #require(decoded.outputs.first?.tensor.float32Values)
            #expect(values.count == 4)
            for (value, reference) in zip(values, expected) { #expect(abs(value - reference) < 1e-4) }

            for (row, reference) in zip(inputs, expected) {
                let data = row.map { String($0) }.joined(separator: ",")
                let text = #"{"inputs":[{"name":"input","shape":[1,6],"datatype":"FP64","data":[\#(data)]}]}"#
                let reply = try await client.send("POST", "/v2/models/mlp/versions/3/infer", body: text)
                #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
                let one = try OpenInferenceCodec.decodeInferenceResponse(reply.body)
                let value = try #require(one.outputs.first?.tensor.float32Values?.first)
                #expect(abs(value - reference) < 1e-4)
            }

            // Errors: status codes and {"error": …} bodies.
            let failures: [(String, String, String?, Int, String)] = [
                ("POST", "/v2/models/nope/infer", #"{"inputs":[]}"#, 404, "nope"),
                ("POST", "/v2/models/mlp/versions/9/infer", #"{"inputs":[]}"#, 404, "mlp"),
                ("POST", "/v2/models/mlp/infer", #"{"inputs":[{"name":"input""#, 400, "Malformed JSON"),
                (
                    "POST", "/v2/models/mlp/infer",
                    #"{"inputs":[{"name":"input","shape":[1,6],"datatype":"FP32","data":[1,2]}]}"#, 400, "needs 6"
                ),
                (
                    "POST", "/v2/models/mlp/infer",
                    #"{"inputs":[{"name":"input","shape":[1,6],"datatype":"FP9","data":[1,2,3,4,5,6]}]}"#, 400, "FP9"
                ),
                ("GET", "/v2/models/mlp/infer", nil, 405, "GET"),
                ("GET", "/v2/models/mlp/versions/x", nil, 400, "version"),
            ]
            for (method, path, text, status, mention) in failures {
                let reply = try await client.send(method, path, body: text)
                #expect(reply.status == status, "\(method) \(path)")
                let message = try OpenInferenceCodec.decodeError(reply.body)
                #expect(message.contains(mention), "\(message)")
            }
        }
    }

    @Test func commandLineMistakesAreUsageErrors() {
        #expect(throws: UsageError.self) { try ServerOptions(arguments: []) }
        #expect(throws: UsageError.self) { try ServerOptions(arguments: ["m.onnx", "--port"]) }
        #expect(throws: UsageError.self) { try ServerOptions(arguments: ["m.onnx", "--port", "x"]) }
        #expect(throws: UsageError.self) { try ServerOptions(arguments: ["m.onnx", "--frobnicate"]) }
        #expect(throws: UsageError.self) { try ServerOptions(arguments: ["a.onnx", "b.onnx"]) }
    }
}
