import Deployment
import MLOpsCore
import Testing

/// Aliases follow MLflow's rules: `^[\w\-]*$`, at most 255 characters, `latest` and `v<digits>`
/// reserved; a refusal names the alias.
@Suite struct AliasNameTests {
    static let refused: [String] = [
        "", "latest", "LATEST", "Latest", "v1", "V12", "v0001", "a b", "a/b", "a@b", "a.b", "a:b", "tab\t",
        "new\nline", "émoji🙂", String(repeating: "a", count: 256),
    ]
    static let accepted: [String] = [
        "champion", "challenger", "v", "v1a", "va1", "prod-2", "blue_green", "ünïcödé", "数字", "1",
        String(repeating: "a", count: 255),
    ]

    @Test(arguments: refused)
    func refusesWithInvalidArgumentNamingTheAlias(_ alias: String) async throws {
        let registry = try await RegistryFixtures.populated(1)
        do {
            try await registry.setAlias("churn", alias, version: 1)
            Issue.record("alias \(alias.debugDescription) was accepted")
        } catch let error as MLOpsError {
            #expect(error.code == .invalidArgument)
            #expect(error.value != nil)
            if !alias.isEmpty, alias.count < 100, !alias.contains(where: \.isNewline), !alias.contains("\t") {
                #expect(error.value == alias)
            }
        }
        #expect(try await registry.registeredModel("churn").aliases.isEmpty)
        #expect(try await registry.auditLog(of: "churn").count == 2)
    }

    @Test(arguments: accepted)
    func accepts(_ alias: String) async throws {
        let registry = try await RegistryFixtures.populated(1)
        try await registry.setAlias("churn", alias, version: 1)
        #expect(try await registry.version(of: "churn", alias: alias) == 1)
    }

    @Test func reservedNamesAreRefusedEverywhereAnAliasIsWritten() async throws {
        let registry = try await RegistryFixtures.populated(2)
        await #expect(throws: MLOpsError.invalidArgument) { try await registry.deleteAlias("churn", "latest") }
        await #expect(throws: MLOpsError.invalidArgument) { try await registry.rollback("churn", "v2") }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await registry.promote("churn", from: "latest", to: "latest", policy: PromotionPolicy([]))
        }
    }
}
