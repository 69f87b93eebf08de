import Deployment
import InferenceCore
import MLOpsCore
import Testing

/// The Swift blocks of Documentation/Deployment-serving.md, verbatim, with their context declared
/// before them.
@Suite struct ServingGuideTests {
    @Test func deployAndInfer() async throws {
        let model = try ServingModels.scale(2)
        // Block 1.
        let server = ModelServer()
        try await server.deploy(
            model, name: "churn", version: 1,
            batching: BatchingPolicy(maxBatchSize: 32, maxQueueDelay: .microseconds(200)))
        let row = try Tensor(shape: [1, 4], float32: [0.5, 1.5, 2.5, 3.5])
        let response = try await server.infer(
            InferenceRequest(model: "churn", inputs: [NamedTensor(name: "x", tensor: row)], routingKey: "user-42"))
        print(response.version, response.outputs[0].tensor)
        #expect(response.outputs[0].tensor.float32Values == [1, 3, 5, 7])
    }

    @Test func followAndCanary() async throws {
        let server = ModelServer()
        let catalog = TestCatalog { version in try ServingModels.scale(Float(version)) }
        catalog.move("champion", to: 1)
        let challenger = try ServingModels.scale(2)
        // Block 2.
        try await server.follow("churn", alias: "champion", in: catalog, pollInterval: .seconds(5))
        // Block 3.
        try await server.deploy(challenger, name: "churn", version: 2)
        try await server.setTraffic(
            "churn",
            .canary(
                stable: 1, challenger: 2, share: 0.1,
                rollback: RollbackPolicy(
                    maxErrorRate: 0.05, maxP99Latency: .milliseconds(20), minimumRequests: 200)))
        server.onEvent { event in print(event) }  // rolled_back churn v1 (from v2): challenger error rate …
        #expect(server.traffic("churn")?.challengers == [2])
        await server.unfollow("churn")
    }
}
