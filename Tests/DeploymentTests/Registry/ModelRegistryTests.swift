import Deployment
import InferenceCore
import MLOpsCore
import Testing

@Suite struct ModelRegistryTests {
    @Test func versionsAreNumberedOneTwoThreeAndCarryTheirLineage() async throws {
        let registry = try await RegistryFixtures.populated(3)
        let versions = try await registry.versions(of: "churn")
        #expect(versions.map(\.version) == [1, 2, 3])
        #expect(versions.map(\.lineage.runID) == ["run-1", "run-2", "run-3"])
        #expect(versions[1].lineage.metrics == ["auc": 0.80 + 0.01 * 2])
        #expect(versions.allSatisfy { $0.author == "tester" && $0.format == .package })
        let model = try await registry.registeredModel("churn")
        #expect(model.latestVersion == 3)
        #expect(try await registry.models().map(\.name) == ["churn"])
        // A second model numbers its own versions from 1.
        let other = try await registry.register(try RegistryFixtures.linear([1, 1]), name: "fraud")
        #expect(other.version == 1)
    }

    @Test func identicalBytesAreStoredOnceAndDifferentBytesSeparately() async throws {
        let blobs = InMemoryBlobStore()
        let registry = try await RegistryFixtures.registry(blobs: blobs)
        let model = try RegistryFixtures.linear([1, 2])
        let first = try await registry.register(model, name: "a")
        let second = try await registry.register(model, name: "a")
        let third = try await registry.register(model, name: "b")
        #expect(first.packageDigest == second.packageDigest && second.packageDigest == third.packageDigest)
        #expect(try await blobs.list(prefix: ModelRegistry.packagePrefix).count == 1)
        try await registry.register(try RegistryFixtures.linear([2, 2]), name: "a")
        #expect(try await blobs.list(prefix: ModelRegistry.packagePrefix).count == 2)
        #expect(first.packageKey == "registry/packages/sha256/" + first.packageDigest.hexString)
        #expect(SHA256.hash(try await registry.packageBytes("a", version: 1)) == first.packageDigest)
    }

    @Test func lineageDefaultsToTheModelsOwn() async throws {
        var model = try RegistryFixtures.linear([1])
        model.lineage = ModelLineage(runId: "r-7", dataVersion: "sha256:abc", source: "xgboost")
        let registry = try await RegistryFixtures.registry()
        let version = try await registry.register(model, name: "m", lineage: .init(dataVersion: "given"))
        #expect(version.lineage.runID == "r-7")
        #expect(version.lineage.dataVersion == "given")
        #expect(version.lineage.source == "xgboost")
    }

    @Test func referencesResolveByAliasVersionAndLatest() async throws {
        let registry = try await RegistryFixtures.populated(3)
        try await registry.setAlias("churn", "champion", version: 2)
        #expect(try await registry.resolve("churn@champion").version == 2)
        #expect(try await registry.resolve("models:/churn@champion").version == 2)
        #expect(try await registry.resolve("churn/1").version == 1)
        #expect(try await registry.resolve("churn@latest").version == 3)
        #expect(try await registry.resolve("churn@LATEST").version == 3)
        #expect(try await registry.resolve("churn/latest").version == 3)
        #expect(try await registry.resolve("churn").version == 3)
        await #expect(throws: MLOpsError.notFound) { try await registry.resolve("churn@missing") }
        await #expect(throws: MLOpsError.notFound) { try await registry.resolve("churn/4") }
        await #expect(throws: MLOpsError.notFound) { try await registry.resolve("nope@champion") }
        await #expect(throws: MLOpsError.invalidArgument) { try await registry.resolve("churn/x") }
        await #expect(throws: MLOpsError.invalidArgument) { try await registry.resolve("churn/0") }
        await #expect(throws: MLOpsError.invalidArgument) { try await registry.resolve("") }
    }

    @Test func badInputIsRefusedWithTypedErrors() async throws {
        let registry = try await RegistryFixtures.registry()
        let model = try RegistryFixtures.linear([1])
        for name in ["", "a/b", "a@b", " lead", "trail ", "tab\tname", String(repeating: "n", count: 256)] {
            await #expect(throws: MLOpsError.invalidArgument) { try await registry.register(model, name: name) }
        }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await registry.register(model, name: "m", lineage: .init(metrics: ["auc": .nan]))
        }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await registry.register(model, name: "m", lineage: .init(metrics: ["": 1]))
        }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await registry.register(model, name: "m", lineage: .init(evaluations: ["holdout": ["auc": .infinity]]))
        }
        #expect(try await registry.models().isEmpty)
        await #expect(throws: MLOpsError.notFound) { try await registry.registeredModel("m") }
        await #expect(throws: MLOpsError.notFound) { try await registry.versions(of: "m") }
        await #expect(throws: MLOpsError.notFound) { try await registry.auditLog(of: "m") }
        try await registry.register(model, name: "m")
        await #expect(throws: MLOpsError.notFound) { try await registry.modelVersion("m", version: 2) }
        await #expect(throws: MLOpsError.notFound) { try await registry.modelVersion("m", version: 0) }
        await #expect(throws: MLOpsError.notFound) { try await registry.setAlias("m", "champion", version: 2) }
        await #expect(throws: MLOpsError.conflict) { try await registry.createModel("m") }
    }

    @Test func evaluationsMergeIntoAVersion() async throws {
        let registry = try await RegistryFixtures.populated(1)
        try await registry.recordEvaluation("churn", version: 1, set: "q1", metrics: ["auc": 0.7, "f1": 0.5])
        let updated = try await registry.recordEvaluation("churn", version: 1, set: "q1", metrics: ["auc": 0.75])
        #expect(updated.lineage.evaluations["q1"] == ["auc": 0.75, "f1": 0.5])
        #expect(try await registry.modelVersion("churn", version: 1).lineage.evaluations["holdout"] == ["auc": 0.81])
        await #expect(throws: MLOpsError.notFound) {
            try await registry.recordEvaluation("churn", version: 2, set: "q1", metrics: ["auc": 1])
        }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await registry.recordEvaluation("churn", version: 1, set: "q1", metrics: [:])
        }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await registry.recordEvaluation("churn", version: 1, set: "q1", metrics: ["auc": -.infinity])
        }
    }

    @Test func aReadingRegistryClaimsNothingAndSeesWhatWasWritten() async throws {
        let metadata = InMemoryKeyValueStore()
        let blobs = InMemoryBlobStore()
        let reader = try ModelRegistry.reading(metadata: metadata, blobs: blobs)
        #expect(try await reader.models().isEmpty)
        #expect(try await RecordStore.claimedNamespaces(in: metadata).isEmpty)
        let writer = try await RegistryFixtures.populated(
            2, registry: try await RegistryFixtures.registry(metadata: metadata, blobs: blobs))
        _ = writer
        #expect(try await RecordStore.claimedNamespaces(in: metadata) == ["registry": "Deployment"])
        #expect(try await reader.registeredModel("churn").latestVersion == 2)
    }

    @Test func anotherOwnerOfTheNamespaceIsRefused() async throws {
        let metadata = InMemoryKeyValueStore()
        _ = try await RecordStore.open(try RecordNamespace("registry", owner: "HostApp"), on: metadata)
        await #expect(throws: MLOpsError.conflict) {
            _ = try await ModelRegistry.open(metadata: metadata, blobs: InMemoryBlobStore())
        }
    }
}
