import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// The demo's monitoring step: what it says it logged, found and stored is what the workspace
/// holds, and a second run on the same workspace keeps the first run's alerts without firing
/// them again.
@Suite struct DemoMonitoringTests {
    @Test func theDemoWatchesDriftedTrafficAndStoresPredictionsAlertsAndTheReport() async throws {
        let path = "/tmp/mlops-cli-demo-monitoring-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = await runCLI(["demo", "--workspace", path, "--seed", "11"])
        #expect(first.status == 0, "\(first.err)")
        let lines = first.out

        // Drift is injected into x0 and x2 only, and the default test finds exactly those.
        let drift = try #require(lines.first { $0.hasPrefix("drift ") })
        #expect(drift.contains("x0 wasserstein") && drift.contains("x1 wasserstein"), "\(drift)")
        #expect(drift.contains("2 of 3 columns"), "\(drift)")
        let x1 = try #require(drift.components(separatedBy: "x1 wasserstein ").last?.split(separator: ",").first)
        #expect(!x1.contains("(drift)"), "\(drift)")

        // Every served request became a prediction with its label joined.
        let monitor = try #require(lines.first { $0.hasPrefix("monitor ") })
        #expect(monitor.contains("logged \(DemoCommand.productionRequests) predictions (0 failed)"), "\(monitor)")
        let workspace = try Workspace.open(at: path)
        let log = try await PredictionLog.open(on: workspace.metadata)
        #expect(await log.count == DemoCommand.productionRequests)
        #expect(await log.labelledCount == DemoCommand.productionRequests)
        let performance = try #require(lines.first { $0.hasPrefix("performance ") })
        #expect(performance.contains("\(DemoCommand.productionRequests) labels joined"), "\(performance)")

        // The alerts it printed are stored, firing, with their evidence.
        let store = try await workspace.monitoring
        let alerts = try await store.allAlerts()
        let firing = alerts.filter { $0.state == .firing }
        #expect(
            Set(firing.map(\.metric.description)).isSuperset(of: [
                "drift_share", "column_drift{column=\"x0\"}", "column_drift{column=\"x2\"}",
            ]))
        #expect(!firing.contains { $0.metric.description == "column_drift{column=\"x1\"}" })
        let share = try #require(firing.first { $0.rule == "dataset-drift" })
        #expect(share.evidence.attributes["drifted"] == "x0,x2")
        try await workspace.close()

        // The report is self-contained and shows the drift table.
        let html = try String(contentsOfFile: path + "/reports/monitoring.html", encoding: .utf8)
        #expect(html.contains("drift-table") && html.contains(">x2<") && !html.contains("<script"))
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: path + "/reports/monitoring.json")))
        #expect((json as? [String: Any])?["drift"] != nil)

        // A second run: new predictions under new request IDs; the alerts still firing are not
        // fired again.
        let second = await runCLI(["demo", "--workspace", path, "--seed", "11"])
        #expect(second.status == 0, "\(second.err)")
        let alertsLine = try #require(second.out.first { $0.hasPrefix("alerts ") })
        #expect(!alertsLine.contains("fired dataset-drift"), "\(alertsLine)")
        let reopened = try Workspace.open(at: path)
        let again = try await PredictionLog.open(on: reopened.metadata)
        #expect(await again.count == 2 * DemoCommand.productionRequests)
    }
}
