import Deployment
import InferenceCore
import MLOpsCore
import Synchronization
import Testing

/// A service that really computes: one model, `affine`, version 2, y = x·W + b through a compiled
/// InferenceCore graph. A request's `id` can ask it to fail with an error code, to test how the
/// handler maps each code.
final class AffineService: InferenceService {
    static let weights: [Float] = [1, 2, 3, 4, 5, 6]
    static let bias: [Float] = [0.5, -0.5]
    let compiled: CompiledModel
    let ready = Atomic<Bool>(true)
    let metadataCalls = Atomic<Int>(0)

    init() throws {
        let graph = ModelGraph(
            name: "affine",
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(3)])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [.batch, .fixed(2)])],
            initializers: [
                "W": try Tensor(shape: [3, 2], float32: Self.weights), "b": try Tensor(shape: [2], float32: Self.bias),
            ],
            nodes: [
                GraphNode(name: "mm", op: .matMul, inputs: ["x", "W"], outputs: ["xw"]),
                GraphNode(name: "add", op: .add, inputs: ["xw", "b"], outputs: ["y"]),
            ])
        compiled = try graph.compile()
    }

    /// x·W + b for one row, computed here independently of the graph.
    static func expected(_ row: [Float]) -> [Float] {
        (0..<2).map { column in (0..<3).reduce(bias[column]) { $0 + row[$1] * weights[$1 * 2 + column] } }
    }

    private func check(_ model: String, _ version: Int?) throws {
        guard model == "affine" else { throw MLOpsError(.notFound, "no model named \(model)", value: model) }
        if let version, version != 2 {
            throw MLOpsError(.notFound, "model affine has no version \(version)", value: String(version))
        }
    }

    func infer(_ request: InferenceRequest) async throws -> InferenceResponse {
        try check(request.model, request.version)
        let codes: [String: MLOpsError.Code] = [
            "overloaded": .overloaded, "late": .deadlineExceeded, "loading": .unavailable, "conflict": .conflict,
            "broken": .ioError,
        ]
        if let id = request.id, let code = codes[id] { throw MLOpsError(code, "asked to fail: \(id)") }
        guard request.inputs.count == 1, let input = request.inputs.first else {
            throw MLOpsError(.invalidArgument, "the model has one input, x")
        }
        guard input.tensor.elementType == .float32 else {
            throw MLOpsError(.invalidArgument, "x must be float32", value: "\(input.tensor.elementType)")
        }
        let outputs = try compiled.predict(["x": input.tensor])
        guard let y = outputs["y"] else { throw MLOpsError(.invalidState, "no output y") }
        // Rows with a NaN are row errors, with NaN outputs.
        var rowErrors: [RowError] = []
        var values = y.float32Values ?? []
        let rows = input.tensor.shape.first ?? 0
        for row in 0..<rows where (input.tensor.float32Values?[row * 3..<row * 3 + 3].contains { $0.isNaN }) == true {
            rowErrors.append(RowError(row: row, field: "x", message: "NaN is not allowed"))
            values[row * 2] = .nan
            values[row * 2 + 1] = .nan
        }
        return InferenceResponse(
            model: "affine", version: 2, id: request.id,
            outputs: [NamedTensor(name: "y", tensor: try Tensor(shape: y.shape, float32: values))],
            rowErrors: rowErrors)
    }

    func metadata(model: String, version: Int?) async throws -> ServedModelMetadata {
        try check(model, version)
        metadataCalls.add(1, ordering: .relaxed)
        return ServedModelMetadata(
            name: "affine", versions: [2], version: 2, platform: "onnx",
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(3)])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [.batch, .fixed(2)])])
    }

    func isReady(model: String, version: Int?) async -> Bool {
        (try? check(model, version)) != nil && ready.load(ordering: .relaxed)
    }

    var isReady: Bool { get async { ready.load(ordering: .relaxed) } }
}

@Suite struct OpenInferenceHandlerTests {
    static func text(_ reply: OpenInferenceReply) -> String { String(decoding: reply.body, as: UTF8.self) }

    @Test func healthAndServerMetadata() async throws {
        let service = try AffineService()
        let handler = OpenInferenceHandler(
            service: service, options: .init(server: OpenInferenceServerMetadata(name: "test", version: "9")))
        #expect(await handler.handle(method: "GET", path: "/v2/health/live", body: []).status == 200)
        #expect(await handler.handle(method: "GET", path: "/v2/health/ready", body: []) == .init(status: 200, body: []))
        #expect(await handler.handle(method: "GET", path: "/v2/models/affine/ready", body: []).status == 200)
        #expect(await handler.handle(method: "GET", path: "/v2/models/affine/versions/2/ready", body: []).status == 200)
        #expect(await handler.handle(method: "GET", path: "/v2/models/affine/versions/3/ready", body: []).status == 400)
        #expect(await handler.handle(method: "GET", path: "/v2/models/other/ready", body: []).status == 400)
        service.ready.store(false, ordering: .relaxed)
        #expect(await handler.handle(method: "GET", path: "/v2/health/ready", body: []).status == 400)
        #expect(await handler.handle(method: "GET", path: "/v2/health/live", body: []).status == 200)

        let server = await handler.handle(method: "GET", path: "/v2", body: [])
        #expect(server.status == 200)
        #expect(try OpenInferenceCodec.decodeServerMetadata(server.body).name == "test")
        let metadata = await handler.handle(method: "GET", path: "/v2/models/affine?x=1", body: [])
        #expect(metadata.status == 200)
        #expect(try OpenInferenceCodec.decodeModelMetadata(metadata.body).inputs.first?.shape == [.batch, .fixed(3)])
        let pinned = await handler.handle(method: "GET", path: "/v2/models/%61ffine/versions/2", body: [])
        #expect(pinned.status == 200, "\(Self.text(pinned))")
    }

    @Test func inferComputesAndConvertsToTheModelsTypes() async throws {
        let handler = OpenInferenceHandler(service: try AffineService())
        // FP64 and INT32 data for a float32 model: converted while decoding.
        for (datatype, data) in [("FP32", "[1, 2, 3, -1, 0.5, 2]"), ("FP64", "[[1, 2, 3], [-1, 0.5, 2]]")] {
            let body = #"{"id":"r1","inputs":[{"name":"x","shape":[2,3],"datatype":"\#(datatype)","data":\#(data)}]}"#
            let reply = await handler.handle(method: "POST", path: "/v2/models/affine/infer", body: Array(body.utf8))
            #expect(reply.status == 200, "\(Self.text(reply))")
            let response = try OpenInferenceCodec.decodeInferenceResponse(reply.body)
            #expect(response.model == "affine" && response.version == 2 && response.id == "r1")
            let expected = AffineService.expected([1, 2, 3]) + AffineService.expected([-1, 0.5, 2])
            #expect(response.outputs.first?.tensor == (try Tensor(shape: [2, 2], float32: expected)))
        }
        let ints = #"{"inputs":[{"name":"x","shape":[1,3],"datatype":"INT32","data":[1,2,3]}]}"#
        let reply = await handler.handle(
            method: "POST", path: "/v2/models/affine/versions/2/infer", body: Array(ints.utf8))
        #expect(reply.status == 200, "\(Self.text(reply))")
        #expect(
            try OpenInferenceCodec.decodeInferenceResponse(reply.body).outputs.first?.tensor.float32Values
                == AffineService.expected([1, 2, 3]))
    }

    @Test func rowErrorsTravelUnderParameters() async throws {
        let handler = OpenInferenceHandler(service: try AffineService())
        let body = #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,null,6]}]}"#
        let reply = await handler.handle(method: "POST", path: "/v2/models/affine/infer", body: Array(body.utf8))
        #expect(reply.status == 200)
        let response = try OpenInferenceCodec.decodeInferenceResponse(reply.body)
        #expect(response.rowErrors == [RowError(row: 1, field: "x", message: "NaN is not allowed")])
        let values = try #require(response.outputs.first?.tensor.float32Values)
        #expect(Array(values[0..<2]) == AffineService.expected([1, 2, 3]) && values[2].isNaN && values[3].isNaN)
    }

    @Test func errorsMapToStatusCodes() async throws {
        let handler = OpenInferenceHandler(service: try AffineService())
        func infer(at path: String = "/v2/models/affine/infer", _ body: String) async -> OpenInferenceReply {
            await handler.handle(method: "POST", path: path, body: Array(body.utf8))
        }
        func request(id: String) -> String {
            #"{"id":"\#(id)","inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}"#
        }
        let cases: [(OpenInferenceReply, Int, String)] = [
            (await infer(request(id: "overloaded")), 503, "asked to fail"),
            (await infer(request(id: "late")), 504, "asked to fail"),
            (await infer(request(id: "loading")), 503, "asked to fail"),
            (await infer(request(id: "conflict")), 409, "asked to fail"),
            (await infer(request(id: "broken")), 500, "asked to fail"),
            (await infer(at: "/v2/models/nope/infer", request(id: "a")), 404, "no model named nope"),
            (await infer(at: "/v2/models/affine/versions/5/infer", request(id: "a")), 404, "no version 5"),
            (await infer(at: "/v2/models/affine/versions/x/infer", request(id: "a")), 400, "version"),
            (await infer("{\"inputs\":"), 400, "Malformed JSON at byte 10"),
            (await infer(#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2]}]}"#), 400, "needs 3"),
            (
                await infer(#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"BYTES","data":["a","b","c"]}]}"#), 400,
                "float32"
            ),
            (await handler.handle(method: "GET", path: "/v2/models/affine/infer", body: []), 405, "GET"),
            (await handler.handle(method: "POST", path: "/v2/health/live", body: []), 405, "POST"),
            (await handler.handle(method: "GET", path: "/v3/models", body: []), 404, "/v3/models"),
            (await handler.handle(method: "GET", path: "/v2/models/affine/explain", body: []), 404, "explain"),
            (await handler.handle(method: "GET", path: "/v2/models/zzz", body: []), 404, "zzz"),
        ]
        for (reply, status, mention) in cases {
            #expect(reply.status == status, "\(Self.text(reply))")
            let message = try OpenInferenceCodec.decodeError(reply.body)
            #expect(message.contains(mention), "\(message)")
        }
        #expect(cases[0].0.retryAfter == 1)
        let tooMany = OpenInferenceHandler(service: try AffineService(), options: .init(overloadedStatus: 429))
        let shed = await tooMany.handle(
            method: "POST", path: "/v2/models/affine/infer", body: Array(request(id: "overloaded").utf8))
        #expect(shed.status == 429)
    }

    @Test func inputTypesAreCachedNotAskedPerRequest() async throws {
        let service = try AffineService()
        let handler = OpenInferenceHandler(service: service, options: .init(metadataRefreshInterval: .seconds(3600)))
        let body = Array(#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}"#.utf8)
        for _ in 0..<20 {
            #expect(await handler.handle(method: "POST", path: "/v2/models/affine/infer", body: body).status == 200)
        }
        #expect(service.metadataCalls.load(ordering: .relaxed) == 1)
    }
}
