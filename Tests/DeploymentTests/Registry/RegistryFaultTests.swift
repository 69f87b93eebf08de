import Deployment
import MLOpsCore
import MLOpsTestKit
import Testing

/// Interrupted writes leave the registry consistent: a failed commit changes nothing, a commit
/// applied but reported failed is whole, and package bytes stored before a failed commit are
/// reused by the next attempt.
@Suite struct RegistryFaultTests {
    @Test func aFailedPackageWriteRecordsNothing() async throws {
        let blobs = FaultyBlobStore(wrapping: InMemoryBlobStore(), plan: .failNthWrite(1, operations: .put))
        let registry = try await RegistryFixtures.registry(blobs: blobs)
        await #expect(throws: MLOpsError.injectedFault) {
            try await registry.register(try RegistryFixtures.linear([1]), name: "m")
        }
        #expect(try await registry.models().isEmpty)
        #expect(try await registry.check().isHealthy)
        #expect(try await registry.register(try RegistryFixtures.linear([1]), name: "m").version == 1)
    }

    @Test func aFailedCommitRecordsNothingAndTheBytesAreReused() async throws {
        let metadata = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore())
        let blobs = InMemoryBlobStore()
        let registry = try await RegistryFixtures.registry(metadata: metadata, blobs: blobs)
        metadata.setPlan(.failNthWrite(1))
        await #expect(throws: MLOpsError.injectedFault) {
            try await registry.register(try RegistryFixtures.linear([1]), name: "m")
        }
        #expect(try await registry.models().isEmpty)
        #expect(try await blobs.list(prefix: ModelRegistry.packagePrefix).count == 1)
        #expect(try await registry.check().isHealthy)
        let version = try await registry.register(try RegistryFixtures.linear([1]), name: "m")
        #expect(version.version == 1)
        #expect(try await blobs.list(prefix: ModelRegistry.packagePrefix).count == 1)

        try await registry.setAlias("m", "champion", version: 1)
        try await registry.register(try RegistryFixtures.linear([2]), name: "m")
        let events = try await registry.auditLog(of: "m").count
        metadata.setPlan(.failNthWrite(1))
        await #expect(throws: MLOpsError.injectedFault) { try await registry.setAlias("m", "champion", version: 2) }
        #expect(try await registry.version(of: "m", alias: "champion") == 1)
        #expect(try await registry.auditLog(of: "m").count == events)
        metadata.setPlan(.failNthWrite(1))
        await #expect(throws: MLOpsError.injectedFault) {
            try await registry.promote("m", from: "latest", policy: .standard())
        }
        #expect(try await registry.version(of: "m", alias: "champion") == 1)
        #expect(try await registry.auditLog(of: "m").count == events)
        #expect(try await registry.check().isHealthy)
    }

    @Test func aCommitAppliedButReportedFailedIsWhole() async throws {
        let metadata = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore())
        let registry = try await RegistryFixtures.registry(metadata: metadata)
        metadata.setPlan(.failNthWriteAfterApplying(1))
        await #expect(throws: MLOpsError.injectedFault) {
            try await registry.register(try RegistryFixtures.linear([1]), name: "m")
        }
        #expect(try await registry.registeredModel("m").latestVersion == 1)
        #expect(try await registry.auditLog(of: "m").map(\.kind) == [.modelCreated, .versionRegistered])
        #expect(try await registry.check().isHealthy)
    }

    @Test func randomFaultsNeverLeaveTheRegistryInconsistent() async throws {
        let metadata = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore())
        let blobs = FaultyBlobStore(wrapping: InMemoryBlobStore())
        let registry = try await RegistryFixtures.registry(metadata: metadata, blobs: blobs)
        metadata.setPlan(.failWrites(probability: 0.3, seed: 7))
        blobs.setPlan(.failWrites(probability: 0.3, seed: 11))
        var failures = 0
        for step in 0..<60 {
            do {
                switch step % 4 {
                case 0: try await registry.register(try RegistryFixtures.linear([Float(step % 5)]), name: "m")
                case 1: try await registry.setAlias("m", "champion", version: 1 + step % 3)
                case 2: try await registry.promote("m", from: "latest", policy: .standard())
                default: try await registry.rollback("m", "champion")
                }
            } catch let error as MLOpsError where error.code == .injectedFault {
                failures += 1
            } catch let error as MLOpsError where [.notFound, .invalidState].contains(error.code) {
                continue  // a step that has nothing to act on yet
            }
        }
        #expect(failures > 0)
        metadata.setPlan(.none)
        blobs.setPlan(.none)
        let report = try await registry.check()
        #expect(report.isHealthy, "\(report.problems)")
        // The alias is where the last recorded change of it left it.
        let model = try await registry.registeredModel("m")
        let last = try await registry.auditLog(of: "m").last {
            $0.alias == "champion" && ($0.kind != .promotion || $0.passed == true)
        }
        #expect(model.aliases["champion"] == last?.version)
    }
}
