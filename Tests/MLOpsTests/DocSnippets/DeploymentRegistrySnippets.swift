import Deployment
import InferenceCore
import MLOps
import MLOpsCore

// The Swift blocks of Documentation/Deployment.md (registry section), verbatim; they share the reader's
// context, so they share one function. They read churn.json and churn-v2.json: compiled, not run.

enum DeploymentRegistryGuide {
    static func guide() async throws {
        let workspace = Workspace.inMemory()
        let registry = try await workspace.registry

        let model = try Model(contentsOf: "churn.json")  // XGBoost, LightGBM, ONNX or a package
        let v1 = try await registry.register(
            model, name: "churn",
            lineage: ModelVersion.Lineage(runID: "01J9RUN", dataVersion: "sha256:5f2c…", metrics: ["auc": 0.91]),
            reason: "first model")
        try await registry.setAlias("churn", "champion", version: v1.version, expecting: .unset)

        let champion = try await registry.resolve("churn@champion")  // also "churn/1", "churn@latest", "churn"
        print(champion.version, champion.packageDigest, champion.lineage.metrics)

        try await registry.register(try Model(contentsOf: "churn-v2.json"), name: "churn")
        try await registry.setAlias("churn", "challenger", version: 2)
        try await registry.recordEvaluation("churn", version: 1, set: "holdout", metrics: ["auc": 0.91])
        try await registry.recordEvaluation("churn", version: 2, set: "holdout", metrics: ["auc": 0.93])

        let policy = PromotionPolicy([
            .signatureCompatible,
            .metric("auc", on: "holdout", .higherIsBetter, margin: 0.01),
            .check("one input") { candidate in
                let model = try await candidate.registry.model("churn", version: candidate.challenger.version)
                return model.signature.inputs.count == 1 ? .pass("one input") : .fail("expected one input")
            },
        ])
        do {
            let result = try await registry.promote(
                "churn", from: "challenger", to: "champion", policy: policy, actor: "ci", reason: "weekly retrain")
            print("champion is now version \(result.version)")
        } catch let error as MLOpsError where error.code == .promotionBlocked {
            print(error.message)  // every failed gate, with why
        }

        let catalog: any ModelCatalog = registry
        let version = try await catalog.version(of: "churn", alias: "champion")
        let served = try await catalog.model("churn", version: version)
        print(served.signature)
    }
}
