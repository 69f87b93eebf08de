import Deployment
import InferenceCore
import MLOpsCore

/// Small models and registries for the registry tests.
enum RegistryFixtures {
    /// `y = x · weights + bias`: input `input` float32 [N, weights.count], output `y` float32 [N, 1].
    static func linear(_ weights: [Float], bias: Float = 0, input: String = "x") throws -> Model {
        let graph = ModelGraph(
            inputs: [ValueInfo(name: input, elementType: .float32, shape: [.batch, .fixed(weights.count)])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [.batch, .fixed(1)])],
            initializers: [
                "W": try Tensor(shape: [weights.count, 1], float32: weights),
                "B": try Tensor(shape: [1], float32: [bias]),
            ],
            nodes: [
                GraphNode(name: "mm", op: .matMul, inputs: [input, "W"], outputs: ["h"]),
                GraphNode(name: "add", op: .add, inputs: ["h", "B"], outputs: ["y"]),
            ])
        return try Model(graph: graph)
    }

    /// A registry on fresh in-memory stores, recording the actor `tester` by default.
    static func registry(
        metadata: any KeyValueStore = InMemoryKeyValueStore(), blobs: any BlobStore = InMemoryBlobStore()
    ) async throws -> ModelRegistry {
        try await ModelRegistry.open(metadata: metadata, blobs: blobs, options: .init(defaultActor: "tester"))
    }

    /// The model's prediction for one row.
    static func predict(_ model: Model, _ row: [Float]) throws -> Float {
        var output: [Float] = [0]
        try row.withUnsafeBufferPointer { rows in
            try output.withUnsafeMutableBytes { out in try model.predict(rows, rowCount: 1, into: [out]) }
        }
        return output[0]
    }

    /// A registry with model `churn` holding `count` versions (weights differ per version), each
    /// with registration metric `auc` = 0.80 + 0.01·version and evaluation `holdout` the same.
    static func populated(_ count: Int, registry existing: ModelRegistry? = nil) async throws -> ModelRegistry {
        let registry: ModelRegistry
        if let existing { registry = existing } else { registry = try await self.registry() }
        for version in 1...count {
            let auc = 0.80 + 0.01 * Double(version)
            try await registry.register(
                try linear([Float(version), 1]), name: "churn",
                lineage: .init(runID: "run-\(version)", metrics: ["auc": auc], evaluations: ["holdout": ["auc": auc]]))
        }
        return registry
    }
}

extension MLOpsError {
    /// Errors to match by code in `#expect(throws:)`, for the codes MLOpsCore has no such constant for.
    static var limitExceeded: MLOpsError { MLOpsError(.limitExceeded, "") }
    static var invalidState: MLOpsError { MLOpsError(.invalidState, "") }
    static var injectedFault: MLOpsError { MLOpsError(.injectedFault, "") }
}
