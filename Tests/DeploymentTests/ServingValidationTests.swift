import Deployment
import InferenceCore
import MLOpsCore
import Testing

@Suite struct ServingValidationTests {
    private func expectInvalid(
        _ server: ModelServer, _ request: InferenceRequest, naming field: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            _ = try await server.infer(request)
            Issue.record("expected invalidArgument naming \(field)", sourceLocation: sourceLocation)
        } catch let error as MLOpsError {
            #expect(error.code == .invalidArgument, sourceLocation: sourceLocation)
            #expect(error.value == field, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(field), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func wholeRequestProblemsNameTheField() async throws {
        let server = ModelServer()
        try await server.deploy(try ServingModels.twoInputs(), name: "two", version: 1)
        let a = NamedTensor(name: "a", tensor: try Tensor(shape: [1, 2], float32: [1, 2]))
        let b = NamedTensor(name: "b", tensor: try Tensor(shape: [1, 2], float32: [3, 4]))
        // Missing, extra, twice.
        await expectInvalid(server, InferenceRequest(model: "two", inputs: [a]), naming: "b")
        let extra = NamedTensor(name: "c", tensor: try Tensor(shape: [1, 2], float32: [0, 0]))
        await expectInvalid(server, InferenceRequest(model: "two", inputs: [a, b, extra]), naming: "c")
        await expectInvalid(server, InferenceRequest(model: "two", inputs: [a, a]), naming: "a")
        // Wrong element type, wrong feature count, wrong rank, rows that disagree.
        let doubles = NamedTensor(name: "b", tensor: try Tensor(shape: [1, 2], float64: [3, 4]))
        await expectInvalid(server, InferenceRequest(model: "two", inputs: [a, doubles]), naming: "b")
        let three = NamedTensor(name: "a", tensor: try Tensor(shape: [1, 3], float32: [1, 2, 3]))
        await expectInvalid(server, InferenceRequest(model: "two", inputs: [three, b]), naming: "a")
        let flat = NamedTensor(name: "a", tensor: try Tensor(shape: [2], float32: [1, 2]))
        await expectInvalid(server, InferenceRequest(model: "two", inputs: [flat, b]), naming: "a")
        let twoRows = NamedTensor(name: "b", tensor: try Tensor(shape: [2, 2], float32: [1, 2, 3, 4]))
        await expectInvalid(server, InferenceRequest(model: "two", inputs: [a, twoRows]), naming: "b")
        // An output the model does not have.
        await expectInvalid(
            server, InferenceRequest(model: "two", inputs: [a, b], outputs: ["product"]), naming: "product")
        // Unknown model or version.
        await #expect(throws: MLOpsError.notFound) {
            try await server.infer(InferenceRequest(model: "nope", inputs: [a, b]))
        }
        await #expect(throws: MLOpsError.notFound) {
            try await server.infer(InferenceRequest(model: "two", version: 9, inputs: [a, b]))
        }
        // The valid request still works, and the failures were counted.
        let response = try await server.infer(InferenceRequest(model: "two", inputs: [a, b]))
        #expect(response.outputs.map(\.name) == ["sum", "difference"])
        #expect(response.outputs[0].tensor.float32Values == [4, 6])
        let metrics = server.metrics()
        #expect(metrics.version("two", 1)?.errors["invalid_argument"] == 8)
        #expect(metrics.unroutedErrors["not_found"] == 2)
    }

    /// With NaN forbidden, a NaN row is a row error (naming the feature), its outputs are NaN and
    /// the other rows are predicted; other requests of the same dynamic batch are unaffected.
    @Test(arguments: [false, true])
    func nanRowsAreRowErrors(batching: Bool) async throws {
        let server = ModelServer()
        let policy = batching ? BatchingPolicy(maxBatchSize: 16, maxQueueDelay: .milliseconds(10)) : nil
        try await server.deploy(
            try ServingModels.scale(2), name: "m", version: 1, batching: policy,
            validation: InputValidation(rejectNaN: true))
        async let clean = server.infer(try ServingModels.request(rows: 2, start: 100))
        let bad = InferenceRequest(
            model: "m",
            inputs: [
                NamedTensor(
                    name: "x", tensor: try Tensor(shape: [3, 4], float32: [1, 2, 3, 4, 5, 6, .nan, 8, 9, 10, 11, 12]))
            ])
        async let dirty = server.infer(bad)
        let (good, partial) = try await (clean, dirty)
        #expect(good.rowErrors.isEmpty)
        #expect(ServingModels.values(good) == (100..<108).map { Float($0) * 2 })
        #expect(partial.rowErrors == [RowError(row: 1, field: "x[2]", message: partial.rowErrors.first?.message ?? "")])
        let values = ServingModels.values(partial)
        #expect(Array(values[0..<4]) == [2, 4, 6, 8])
        let blanked = values[4..<8].allSatisfy { $0.isNaN }
        #expect(blanked)
        #expect(Array(values[8..<12]) == [18, 20, 22, 24])
        #expect(server.metrics().version("m", 1)?.rowErrors == 1)
    }

    /// NaN passes through unless forbidden; the rule can come from the model's metadata, and
    /// feature names name the field.
    @Test func nanRuleFromMetadataAndFeatureNames() async throws {
        let server = ModelServer()
        try await server.deploy(try ServingModels.scale(1), name: "lenient", version: 1)
        let nan = InferenceRequest(
            model: "lenient",
            inputs: [NamedTensor(name: "x", tensor: try Tensor(shape: [1, 4], float32: [1, .nan, 3, 4]))])
        #expect(try await server.infer(nan).rowErrors.isEmpty)

        let base = try ServingModels.scale(1)
        let named = try Model(
            graph: base.graph, featureNames: ["age", "income", "tenure", "score"],
            metadata: [InputValidation.rejectNaNMetadataKey: "true"])
        try await server.deploy(named, name: "strict", version: 1)
        var request = nan
        request.model = "strict"
        let response = try await server.infer(request)
        #expect(response.rowErrors.map(\.field) == ["income"])
        #expect(response.rowErrors.first?.description.hasPrefix("row 0, income:") == true)
    }

    /// A tree model (float64 input, two outputs) through the row engine, with zero rows too.
    @Test func treeModelsAndEmptyRequests() async throws {
        let ensemble = try TreeEnsemble(
            trees: [
                TreeEnsemble.Tree(nodes: [
                    .branch(
                        feature: 0, threshold: 0.5, comparison: .lessThan, trueChild: 1, falseChild: 2,
                        missing: .nanTakesTrueBranch),
                    .leaf(-1), .leaf(1),
                ])
            ], featureCount: 2, precision: .float32, baseScores: [0], postTransform: .logistic,
            objective: "binary:logistic")
        let server = ModelServer()
        try await server.deploy(try Model(ensemble: ensemble), name: "trees", version: 1)
        let input = try Tensor(shape: [2, 2], float64: [0, 0, 1, 0])
        let response = try await server.infer(
            InferenceRequest(model: "trees", inputs: [NamedTensor(name: "features", tensor: input)]))
        #expect(response.outputs.map(\.name) == ["probability", "margin"])
        #expect(response.outputs[1].tensor.float64Values == [-1, 1])
        let empty = try await server.infer(
            InferenceRequest(
                model: "trees", inputs: [NamedTensor(name: "features", tensor: try Tensor(shape: [0, 2], float64: []))])
        )
        #expect(empty.outputs[0].tensor.shape == [0])
    }
}
