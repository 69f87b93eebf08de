import Deployment
import MLOpsCore
import Testing

@Suite struct RollbackTests {
    @Test func rollbackStepsBackThroughAnAliasTargets() async throws {
        let registry = try await RegistryFixtures.populated(3)
        try await registry.setAlias("churn", "champion", version: 1)
        try await registry.setAlias("churn", "champion", version: 2)
        try await registry.setAlias("churn", "challenger", version: 3)
        try await registry.promote("churn", policy: .standard(metric: "auc"))
        #expect(try await registry.version(of: "churn", alias: "champion") == 3)

        let first = try await registry.rollback("churn", "champion", actor: "oncall", reason: "p99 regression")
        #expect(first.kind == .rollback && first.version == 2 && first.previousVersion == 3)
        #expect(first.actor == "oncall" && first.reason == "p99 regression")
        #expect(try await registry.version(of: "churn", alias: "champion") == 2)
        let second = try await registry.rollback("churn", "champion")
        #expect(second.version == 1 && second.previousVersion == 2)
        do {
            try await registry.rollback("churn", "champion")
            Issue.record("rolled back past the first target")
        } catch let error as MLOpsError {
            #expect(error.code == .invalidState && error.value == "champion")
        }
        #expect(try await registry.version(of: "churn", alias: "champion") == 1)
        #expect(try await registry.auditLog(of: "churn").filter { $0.kind == .rollback }.count == 2)
    }

    @Test func rollbackHonoursTheExpectedTargetAndDeletingForgetsHistory() async throws {
        let registry = try await RegistryFixtures.populated(2)
        try await registry.setAlias("churn", "champion", version: 1)
        try await registry.setAlias("churn", "champion", version: 2)
        await #expect(throws: MLOpsError.conflict) {
            try await registry.rollback("churn", "champion", expecting: .version(1))
        }
        #expect(try await registry.version(of: "churn", alias: "champion") == 2)
        try await registry.deleteAlias("churn", "champion", expecting: .version(2))
        await #expect(throws: MLOpsError.notFound) { try await registry.rollback("churn", "champion") }
        try await registry.setAlias("churn", "champion", version: 2, expecting: .unset)
        await #expect(throws: MLOpsError.invalidState) { try await registry.rollback("churn", "champion") }
        await #expect(throws: MLOpsError.conflict) {
            try await registry.setAlias("churn", "champion", version: 1, expecting: .unset)
        }
    }
}
