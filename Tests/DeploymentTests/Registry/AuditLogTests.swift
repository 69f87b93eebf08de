import Deployment
import MLOpsCore
import Testing

/// Every change leaves exactly one event (creating a model by registering its first version
/// leaves two: the creation and the version), with what, when, who and why; oldest first.
@Suite struct AuditLogTests {
    @Test func everyOperationLeavesOneEventInOrder() async throws {
        let registry = try await RegistryFixtures.registry()
        let before = Platform.wallClockMilliseconds()
        var expected: [(RegistryEvent.Kind, String)] = []
        func step(_ kind: RegistryEvent.Kind, _ actor: String, _ body: () async throws -> Void) async throws {
            let count = try await registry.auditLog(of: "churn").count
            try await body()
            let log = try await registry.auditLog(of: "churn")
            #expect(log.count == count + 1, "\(kind) left \(log.count - count) events")
            expected.append((kind, actor))
        }
        try await registry.createModel(
            "churn", description: "first", tags: ["team": "risk"], actor: "ann", reason: "new")
        expected.append((.modelCreated, "ann"))
        let model = try RegistryFixtures.linear([1, 2])
        try await step(.versionRegistered, "ann") {
            try await registry.register(model, name: "churn", lineage: .init(metrics: ["auc": 0.8]), actor: "ann")
        }
        try await step(.versionRegistered, "bob") {
            try await registry.register(
                try RegistryFixtures.linear([2, 2]), name: "churn", lineage: .init(metrics: ["auc": 0.9]),
                actor: "bob", reason: "retrained")
        }
        try await step(.aliasSet, "ann") { try await registry.setAlias("churn", "champion", version: 1, actor: "ann") }
        try await step(.aliasSet, "ann") {
            try await registry.setAlias("churn", "challenger", version: 2, actor: "ann")
        }
        try await step(.promotion, "cid") {
            try await registry.promote(
                "churn", policy: .standard(metric: "auc"), actor: "cid", reason: "better auc")
        }
        try await step(.promotion, "cid") {
            await #expect(throws: MLOpsError.promotionBlocked) {
                try await registry.promote(
                    "churn", from: "latest", policy: .standard(metric: "auc", margin: 0.5), actor: "cid")
            }
        }
        try await step(.rollback, "dan") { try await registry.rollback("churn", "champion", actor: "dan") }
        try await step(.aliasMoved, "dan") {
            try await registry.setAlias("churn", "champion", version: 2, actor: "dan")
        }
        try await step(.aliasDeleted, "dan") { try await registry.deleteAlias("churn", "challenger", actor: "dan") }
        try await step(.tagsChanged, "eve") {
            try await registry.setTags("churn", ["stage": "prod"], removing: ["team"], actor: "eve")
        }
        try await step(.descriptionChanged, "eve") {
            try await registry.setDescription("churn", "second", actor: "eve")
        }
        try await step(.evaluationRecorded, "eve") {
            try await registry.recordEvaluation("churn", version: 2, set: "q1", metrics: ["auc": 0.91], actor: "eve")
        }
        try await step(.versionRegistered, "tester") { try await registry.register(model, name: "churn") }

        // Changes that change nothing record nothing.
        let count = try await registry.auditLog(of: "churn").count
        #expect(try await registry.setAlias("churn", "champion", version: 2) == nil)
        #expect(try await registry.deleteAlias("churn", "missing") == nil)
        try await registry.setTags("churn", ["stage": "prod"])
        try await registry.setDescription("churn", "second")
        #expect(try await registry.auditLog(of: "churn").count == count)
        // Refused changes record nothing either.
        await #expect(throws: MLOpsError.conflict) {
            try await registry.setAlias("churn", "champion", version: 1, expecting: .version(3))
        }
        await #expect(throws: MLOpsError.notFound) { try await registry.rollback("churn", "missing") }
        #expect(try await registry.auditLog(of: "churn").count == count)

        let log = try await registry.auditLog(of: "churn")
        #expect(log.map(\.kind) == expected.map(\.0))
        #expect(log.map(\.actor) == expected.map(\.1))
        #expect(log.map(\.sequence) == Array(1...log.count))
        #expect(log.allSatisfy { $0.model == "churn" && $0.timeMilliseconds >= before })
        #expect(zip(log, log.dropFirst()).allSatisfy { $0.timeMilliseconds <= $1.timeMilliseconds })
        #expect(log[0].reason == "new" && log[2].reason == "retrained" && log[5].reason == "better auc")
        #expect(log[5].passed == true && log[5].version == 2 && log[5].previousVersion == 1)
        #expect(log[6].passed == false && log[6].gates.map(\.passed) == [true, false])
        #expect(log[7].version == 1 && log[7].previousVersion == 2)
        #expect(log[10].detail == "removed team, stage=prod")
        #expect(log.allSatisfy { !$0.summary.isEmpty })
        #expect(try await registry.check().isHealthy)
    }

    @Test func theDefaultActorComesFromTheEnvironment() {
        let options = ModelRegistry.Options()
        #expect(options.defaultActor == (Platform.environmentValue("USER") ?? "unknown"))
        #expect(ModelRegistry.Options(defaultActor: "ci").defaultActor == "ci")
    }

    @Test func overlongTextIsRefused() async throws {
        let registry = try await RegistryFixtures.populated(1)
        let long = String(repeating: "x", count: 5_001)
        await #expect(throws: MLOpsError.limitExceeded) {
            try await registry.setAlias("churn", "champion", version: 1, reason: long)
        }
        await #expect(throws: MLOpsError.limitExceeded) {
            try await registry.setAlias("churn", "champion", version: 1, actor: long)
        }
        await #expect(throws: MLOpsError.limitExceeded) { try await registry.setDescription("churn", long) }
    }
}
