import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// The demo's deployment step: what it says it registered, served and promoted is what the
/// workspace's registry holds.
@Suite struct DemoDeploymentTests {
    @Test func theDemoRegistersServesWithACanaryAndPromotesThroughGates() async throws {
        let path = "/tmp/mlops-cli-demo-deployment-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let demo = await runCLI(["demo", "--workspace", path, "--seed", "7"])
        #expect(demo.status == 0, "\(demo.err)")
        let lines = demo.out

        let workspace = try Workspace.open(at: path, mode: .readOnly)
        let registry = try await workspace.registry
        let tracker = try await workspace.tracking
        let name = DemoCommand.registeredModelName
        let versions = try await registry.versions(of: name)
        #expect(versions.map(\.version) == [1, 2])
        let experiment = try #require(try await tracker.experiment(named: "demo-classification"))
        let runs = try await tracker.searchRuns(experimentIDs: [experiment.id]).runs
        let runIDs = Dictionary(uniqueKeysWithValues: runs.map { ($0.info.runName, $0.info.runID) })
        // Version 1 is the boosted trees, version 2 the logistic model, each with its run and the
        // data version it learned from, and its held-out AUC as the 'holdout' evaluation.
        let dataVersion = try await workspace.data.resolve("demo").description
        for (version, runName) in [(versions[0], "gbdt"), (versions[1], "logistic")] {
            #expect(version.lineage.runID == runIDs[runName])
            #expect(version.lineage.dataVersion == dataVersion)
            let auc = try #require(version.lineage.metrics["validation_roc_auc"])
            #expect(version.lineage.evaluations["holdout"] == ["roc_auc": auc])
        }

        // The serving line: the whole burst answered, about 10% on the canary, no errors.
        let serving = try #require(lines.first { $0.hasPrefix("serving ") })
        #expect(
            serving.contains("\(DemoCommand.burstRequests) requests") && serving.contains(" 0 errors"), "\(serving)")
        let canary = try #require(
            serving.split(separator: " ").firstIndex(of: "canary").map { index in
                Int(serving.split(separator: " ")[index + 3]) ?? -1
            })
        #expect(canary > 100 && canary < 300, "\(serving)")

        // Promoted or blocked, the champion alias and the audit log agree with what was printed.
        let model = try await registry.registeredModel(name)
        let holdout = versions.map { $0.lineage.evaluations["holdout"]?["roc_auc"] ?? .nan }
        let events = try await registry.auditLog(of: name)
        let promotion = try #require(events.last { $0.kind == .promotion })
        if holdout[1] - holdout[0] >= 0.005 {
            #expect(model.aliases["champion"] == 2 && model.aliases["challenger"] == 2)
            #expect(lines.contains { $0.hasPrefix("promotion        version 2 → champion: 3 gates passed") })
            #expect(lines.contains { $0.contains("the next request was served by version 2") })
        } else {
            #expect(model.aliases["champion"] == 1)
            #expect(lines.contains { $0.hasPrefix("promotion        blocked, champion stays version 1") })
        }
        #expect(promotion.summary.contains("champion"))
        #expect(
            lines.contains(
                "audit            \(name): \(events.count) events in the registry's audit log "
                    + "('mlops models audit \(name)')"))
    }
}
