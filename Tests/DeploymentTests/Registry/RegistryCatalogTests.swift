import Deployment
import InferenceCore
import MLOpsCore
import Testing

/// The registry as the serving engine's `ModelCatalog`: aliases to versions, versions to
/// verified models.
@Suite struct RegistryCatalogTests {
    @Test func loadsTheVersionAnAliasPointsAt() async throws {
        let registry = try await RegistryFixtures.populated(2)
        try await registry.setAlias("churn", "champion", version: 2)
        let catalog: any ModelCatalog = registry
        let version = try await catalog.version(of: "churn", alias: "champion")
        #expect(version == 2)
        #expect(try await catalog.version(of: "churn", alias: "latest") == 2)
        let model = try await catalog.model("churn", version: version)
        #expect(try RegistryFixtures.predict(model, [1, 1]) == 3)
        #expect(model.signature == (try await registry.modelVersion("churn", version: 2)).signature)
        await #expect(throws: MLOpsError.notFound) { try await catalog.version(of: "churn", alias: "missing") }
        await #expect(throws: MLOpsError.notFound) { try await catalog.version(of: "nope", alias: "champion") }
        await #expect(throws: MLOpsError.notFound) { try await catalog.model("churn", version: 3) }
        #expect(try await registry.package("churn", version: 1).signature.inputs.first?.name == "x")
    }

    @Test func damagedOrMissingPackageBytesAreCorruptData() async throws {
        let blobs = InMemoryBlobStore()
        let registry = try await RegistryFixtures.populated(
            2, registry: try await RegistryFixtures.registry(blobs: blobs))
        let version = try await registry.modelVersion("churn", version: 1)
        let key = try BlobKey(version.packageKey)
        var bytes = try await blobs.get(key)
        bytes[bytes.count / 2] ^= 0x01
        try await blobs.delete(key)
        try await blobs.put(key, data: bytes)
        do {
            _ = try await registry.model("churn", version: 1)
            Issue.record("a damaged package loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .corruptData)
            #expect(error.message.contains("does not match its recorded SHA-256"))
        }
        await #expect(throws: MLOpsError.corruptData) { try await registry.packageBytes("churn", version: 1) }
        let report = try await registry.check()
        #expect(report.problems.count == 1, "\(report.problems)")
        #expect(report.problems.first?.location == "object \(version.packageKey)")
        // Version 2 is untouched.
        _ = try await registry.model("churn", version: 2)

        try await blobs.delete(key)
        await #expect(throws: MLOpsError.corruptData) { try await registry.model("churn", version: 1) }
        // Registering the same model again restores the bytes.
        try await registry.register(try RegistryFixtures.linear([1, 1]), name: "churn")
        _ = try await registry.model("churn", version: 1)
        #expect(try await registry.check().isHealthy)
    }

    @Test func aDamagedStoredCopyIsReplacedOnRegistration() async throws {
        let blobs = InMemoryBlobStore()
        let registry = try await RegistryFixtures.registry(blobs: blobs)
        let model = try RegistryFixtures.linear([4, 4])
        let first = try await registry.register(model, name: "m")
        let key = try BlobKey(first.packageKey)
        try await blobs.delete(key)
        try await blobs.put(key, data: [1, 2, 3])
        try await registry.register(model, name: "m")
        #expect(try RegistryFixtures.predict(try await registry.model("m", version: 1), [1, 1]) == 8)
    }
}
