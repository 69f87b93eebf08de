import Foundation
import MLOps
import Testing

@Suite struct WorkspaceMonitoringTests {
    @Test func monitoringIsOpenedOnceAndItsAlertsSurviveAReopen() async throws {
        let directory = "/tmp/mlops-wsmon-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rule = try AlertRule(name: "share", metric: "drift_share", comparison: .above, threshold: 0.5)
        do {
            let workspace = try Workspace.open(at: directory)
            let monitoring = try await workspace.monitoring
            #expect(try await RecordStore.claimedNamespaces(in: workspace.metadata)["monitoring"] == "Monitoring")
            let engine = try await monitoring.engine(rules: [rule])
            let events = try await engine.observe(
                "drift_share", value: 0.7, timeMilliseconds: 5, evidence: AlertEvidence(attributes: ["drifted": "7/10"])
            )
            #expect(events.map(\.kind) == [.fired])
            try await workspace.close()
        }
        let reopened = try Workspace.open(at: directory)
        let alerts = try await reopened.monitoring.allAlerts()
        #expect(alerts.map(\.rule) == ["share"])
        #expect(alerts.first?.evidence.attributes == ["drifted": "7/10"])
        #expect(try await reopened.monitoring.engine(rules: [rule]).firingAlerts.count == 1)
    }

    @Test func aNamespaceClaimedByAnotherOwnerIsRefused() async throws {
        let workspace = Workspace.inMemory()
        _ = try await RecordStore.open(try RecordNamespace("monitoring", owner: "HostApp"), on: workspace.metadata)
        await #expect(throws: MLOpsError.conflict) { _ = try await workspace.monitoring }
    }
}
