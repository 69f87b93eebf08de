import Deployment
import InferenceCore

// The ```swift blocks of Documentation/Deployment.md's serving section, compiled (they run in
// Tests/DeploymentTests/ServingGuideTests.swift with real models).

func servingGuideDeployAndInfer(model: Model) async throws {
    let server = ModelServer()
    try await server.deploy(
        model, name: "churn", version: 1,
        batching: BatchingPolicy(maxBatchSize: 32, maxQueueDelay: .microseconds(200)))
    let row = try Tensor(shape: [1, 4], float32: [0.5, 1.5, 2.5, 3.5])
    let response = try await server.infer(
        InferenceRequest(model: "churn", inputs: [NamedTensor(name: "x", tensor: row)], routingKey: "user-42"))
    print(response.version, response.outputs[0].tensor)
}

func servingGuideFollow(server: ModelServer, catalog: any ModelCatalog) async throws {
    try await server.follow("churn", alias: "champion", in: catalog, pollInterval: .seconds(5))
}

func servingGuideCanary(server: ModelServer, challenger: Model) async throws {
    try await server.deploy(challenger, name: "churn", version: 2)
    try await server.setTraffic(
        "churn",
        .canary(
            stable: 1, challenger: 2, share: 0.1,
            rollback: RollbackPolicy(maxErrorRate: 0.05, maxP99Latency: .milliseconds(20), minimumRequests: 200)))
    server.onEvent { event in print(event) }  // rolled_back churn v1 (from v2): challenger error rate …
}
