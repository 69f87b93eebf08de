import Deployment
import InferenceCore
import MLOpsCore
import Synchronization
import Testing

/// Promotion gates block a worse or incompatible challenger — recording why — and let a better
/// one through.
@Suite struct PromotionTests {
    /// `churn` with champion = version 1 (holdout auc 0.81) and challenger = version 2 (0.82).
    static func registry() async throws -> ModelRegistry {
        let registry = try await RegistryFixtures.populated(2)
        try await registry.setAlias("churn", "champion", version: 1)
        try await registry.setAlias("churn", "challenger", version: 2)
        return registry
    }

    @Test func aBetterChallengerIsPromotedAndEveryGateRecorded() async throws {
        let registry = try await Self.registry()
        let result = try await registry.promote(
            "churn", from: "challenger", to: "champion",
            policy: .standard(metric: "auc", on: "holdout", margin: 0.005), actor: "ci", reason: "weekly")
        #expect(result.version == 2 && result.previousVersion == 1)
        #expect(result.gates.map(\.gate) == ["signature", "metric auc on holdout"])
        #expect(result.gates.allSatisfy { $0.passed })
        #expect(try await registry.version(of: "churn", alias: "champion") == 2)
        let event = try #require(try await registry.auditLog(of: "churn").last)
        #expect(event == result.event)
        #expect(event.kind == .promotion && event.passed == true && event.sourceAlias == "challenger")
        #expect(event.gates == result.gates)
        #expect(event.gates[1].detail.contains("0.82") && event.gates[1].detail.contains("0.81"))
    }

    @Test func aWorseChallengerIsBlockedAndTheReasonRecorded() async throws {
        let registry = try await Self.registry()
        do {
            // Version 2 is better by 0.01, not by the required 0.05.
            try await registry.promote("churn", policy: .standard(metric: "auc", on: "holdout", margin: 0.05))
            Issue.record("the promotion was not blocked")
        } catch let error as MLOpsError {
            #expect(error.code == .promotionBlocked)
            #expect(error.value == "metric auc on holdout")
            #expect(error.message.contains("metric auc on holdout") && error.message.contains("margin 0.05"))
        }
        #expect(try await registry.version(of: "churn", alias: "champion") == 1)
        let event = try #require(try await registry.auditLog(of: "churn").last)
        #expect(event.kind == .promotion && event.passed == false)
        #expect(event.version == 2 && event.previousVersion == 1 && event.alias == "champion")
        #expect(event.gates.map(\.passed) == [true, false])
        #expect(event.summary.contains("blocked by metric auc on holdout"))
    }

    @Test func lowerIsBetterMetricsAndMissingMetricsAreJudged() async throws {
        let registry = try await Self.registry()
        try await registry.recordEvaluation("churn", version: 1, set: "holdout", metrics: ["loss": 0.30])
        try await registry.recordEvaluation("churn", version: 2, set: "holdout", metrics: ["loss": 0.35])
        await #expect(throws: MLOpsError.promotionBlocked) {
            try await registry.promote(
                "churn", policy: PromotionPolicy([.metric("loss", on: "holdout", .lowerIsBetter)]))
        }
        // A missing metric fails the gate, on either side.
        await #expect(throws: MLOpsError.promotionBlocked) {
            try await registry.promote("churn", policy: PromotionPolicy([.metric("f1", on: "holdout")]))
        }
        await #expect(throws: MLOpsError.promotionBlocked) {
            try await registry.promote("churn", policy: PromotionPolicy([.metric("auc", on: "q9")]))
        }
        // Registration metrics when no set is named; a negative margin tolerates a small loss.
        try await registry.promote(
            "churn", policy: PromotionPolicy([.metric("loss", on: "holdout", .lowerIsBetter, margin: -0.1)]))
        #expect(try await registry.version(of: "churn", alias: "champion") == 2)
        try await registry.setAlias("churn", "challenger", version: 1)
        await #expect(throws: MLOpsError.promotionBlocked) {
            try await registry.promote("churn", policy: PromotionPolicy([.metric("auc")]))
        }
        let gates = try await registry.auditLog(of: "churn").filter { $0.kind == .promotion }.map { $0.gates[0] }
        #expect(gates.map(\.passed) == [false, false, false, true, false])
        #expect(gates[1].detail.contains("no metric 'f1'"))
    }

    @Test func anIncompatibleSignatureIsBlocked() async throws {
        let registry = try await Self.registry()
        // Three features instead of two, then a renamed input.
        let wider = try await registry.register(try RegistryFixtures.linear([1, 2, 3]), name: "churn")
        try await registry.setAlias("churn", "challenger", version: wider.version)
        do {
            try await registry.promote("churn", policy: .standard())
            Issue.record("the promotion was not blocked")
        } catch let error as MLOpsError {
            #expect(error.code == .promotionBlocked && error.value == "signature")
            #expect(error.message.contains("input 'x' has shape [N, 3]"), "\(error.message)")
        }
        let renamed = try await registry.register(
            try RegistryFixtures.linear([5, 5], input: "features"), name: "churn")
        try await registry.setAlias("churn", "challenger", version: renamed.version)
        await #expect(throws: MLOpsError.promotionBlocked) { try await registry.promote("churn", policy: .standard()) }
        let problems = ModelRegistry.signatureProblems(champion: wider.signature, challenger: renamed.signature)
        #expect(problems.contains("the challenger lacks input 'x'"))
        #expect(problems.contains("the challenger needs input 'features', which the champion does not take"))
        #expect(try await registry.version(of: "churn", alias: "champion") == 1)
    }

    @Test func signatureRules() throws {
        func signature(_ inputs: [ValueInfo], _ outputs: [ValueInfo], _ names: [String] = []) -> ModelSignature {
            ModelSignature(inputs: inputs, outputs: outputs, featureNames: names)
        }
        let x = ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(2)])
        let y = ValueInfo(name: "y", elementType: .float32, shape: [.batch, .fixed(1)])
        let z = ValueInfo(name: "z", elementType: .int64, shape: [.batch])
        let champion = signature([x], [y], ["a", "b"])
        #expect(ModelRegistry.signatureProblems(champion: champion, challenger: champion).isEmpty)
        // More outputs are fine; unnamed features are fine.
        #expect(ModelRegistry.signatureProblems(champion: champion, challenger: signature([x], [y, z])).isEmpty)
        // A fixed batch of 1 is not a batch dimension; a batch dimension accepts a fixed size.
        let fixedOne = ValueInfo(name: "x", elementType: .float32, shape: [.fixed(1), .fixed(2)])
        #expect(!ModelRegistry.signatureProblems(champion: champion, challenger: signature([fixedOne], [y])).isEmpty)
        #expect(ModelRegistry.signatureProblems(champion: signature([fixedOne], [y]), challenger: champion).isEmpty)
        // Types, missing outputs, reordered features.
        let double = ValueInfo(name: "x", elementType: .float64, shape: [.batch, .fixed(2)])
        #expect(
            ModelRegistry.signatureProblems(champion: champion, challenger: signature([double], [y]))
                == ["input 'x' is float64 in the challenger, float32 in the champion"])
        #expect(
            ModelRegistry.signatureProblems(champion: champion, challenger: signature([x], [z]))
                == ["the challenger lacks output 'y'"])
        #expect(
            ModelRegistry.signatureProblems(champion: champion, challenger: signature([x], [y], ["b", "a"])).count == 1)
    }

    @Test func hostChecksRunAndDecide() async throws {
        let registry = try await Self.registry()
        let seen = SeenVersions()
        let refuse = PromotionGate.check("shadow traffic") { candidate in
            seen.versions.withLock { $0.append(candidate.challenger.version) }
            return .fail("error rate 2.1% > 1%")
        }
        let thrower = PromotionGate.check("sign-off") { _ in
            throw MLOpsError(.unavailable, "the approval service did not answer")
        }
        let loader = PromotionGate.check("loads and predicts") { candidate in
            let model = try await candidate.registry.model(candidate.model.name, version: candidate.challenger.version)
            let value = try RegistryFixtures.predict(model, [1, 1])
            return value == 3 ? .pass("predicted \(value)") : .fail("predicted \(value)")
        }
        do {
            try await registry.promote("churn", policy: PromotionPolicy([refuse, thrower, loader]))
            Issue.record("the promotion was not blocked")
        } catch let error as MLOpsError {
            #expect(error.code == .promotionBlocked)
            #expect(error.value == "shadow traffic, sign-off")
            #expect(error.message.contains("error rate 2.1% > 1%"))
            #expect(error.message.contains("the approval service did not answer"))
        }
        #expect(seen.versions.withLock { $0 } == [2])
        let gates = try #require(try await registry.auditLog(of: "churn").last?.gates)
        #expect(gates.map(\.passed) == [false, false, true])
        #expect(gates[2].detail == "predicted 3.0")
        try await registry.promote("churn", policy: PromotionPolicy([loader]))
        #expect(try await registry.version(of: "churn", alias: "champion") == 2)
    }

    @Test func theFirstPromotionHasNoChampionToBeat() async throws {
        let registry = try await RegistryFixtures.populated(1)
        let result = try await registry.promote(
            "churn", from: "latest", to: "champion", policy: .standard(metric: "auc", margin: 1))
        #expect(result.previousVersion == nil && result.version == 1)
        #expect(result.gates.map(\.detail) == ["no current champion to compare with", "no current champion to beat"])
        await #expect(throws: MLOpsError.notFound) { try await registry.promote("churn", policy: .standard()) }
        await #expect(throws: MLOpsError.notFound) { try await registry.promote("other", policy: .standard()) }
    }

    @Test func anAliasMovedWhileTheGatesRanIsAConflict() async throws {
        let registry = try await Self.registry()
        let interfere = PromotionGate.check("slow") { candidate in
            try await candidate.registry.setAlias("churn", "champion", version: 2, actor: "other")
            return .pass()
        }
        await #expect(throws: MLOpsError.conflict) {
            try await registry.promote("churn", policy: PromotionPolicy([interfere]))
        }
        let log = try await registry.auditLog(of: "churn")
        #expect(log.last?.kind == .aliasMoved && log.last?.actor == "other")
        #expect(!log.contains { $0.kind == .promotion })
    }
}

/// What a host check saw, shared with the test.
final class SeenVersions: Sendable {
    let versions = Mutex<[Int]>([])
}
