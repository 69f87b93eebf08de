import Foundation
import MLOpsCore
import Monitoring
import SQLiteStorage
import Testing

@Suite struct AlertPersistenceTests {
    private func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("metadata.sqlite").path
    }

    @Test func alertsAndEngineStateSurviveAReopen() async throws {
        let path = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let rules = [
            try AlertRule(
                name: "psi", metric: "column_psi", comparison: .above, threshold: 0.2, clearThreshold: 0.1,
                cooldown: .seconds(60)),
            try AlertRule(name: "share", metric: "drift_share", comparison: .above, threshold: 0.5),
        ]
        let x0 = try MetricKey("column_psi", labels: ["column": "x0"])
        let x1 = try MetricKey("column_psi", labels: ["column": "x1"])
        let evidence = AlertEvidence(attributes: ["psi": "0.31"], reportJSON: #"{"column":"x0"}"#)
        let firingID: String
        do {
            let metadata = try await SQLiteKeyValueStore.open(path: path)
            let engine = try await MonitoringStore.open(metadata: metadata).engine(rules: rules)
            firingID = try #require(
                try await engine.observe(
                    MetricObservation(x0, value: 0.31, timeMilliseconds: 1_000, evidence: evidence)
                )
                .first?.alert.id)
            try await engine.observe(MetricObservation(x1, value: 0.5, timeMilliseconds: 1_000))
            try await engine.observe(MetricObservation(x1, value: 0.05, timeMilliseconds: 2_000))
            metadata.close()
        }
        let metadata = try await SQLiteKeyValueStore.open(path: path)
        defer { metadata.close() }
        let store = try await MonitoringStore.open(metadata: metadata)
        let stored = try await store.allAlerts()
        #expect(stored.count == 2)
        let x0Alert = try #require(try await store.alert(id: firingID))
        #expect(x0Alert.state == .firing && x0Alert.evidence == evidence && x0Alert.metric == x0)
        #expect(try await store.allAlerts(AlertQuery(rule: "psi", state: .resolved)).map(\.metric) == [x1])

        let engine = try await store.engine(rules: rules)
        // The firing alert is resumed: not fired again, and a clear value resolves that very alert.
        #expect(engine.firingAlerts.map(\.id) == [firingID])
        #expect(try await engine.observe(MetricObservation(x0, value: 0.4, timeMilliseconds: 3_000)).isEmpty)
        #expect(engine.prometheusText().contains("mlops_monitoring_alert_firing{rule=\"psi\""))
        let resolved = try await engine.observe(MetricObservation(x0, value: 0.05, timeMilliseconds: 4_000))
        #expect(resolved.map(\.alert.id) == [firingID])
        // x1's cooldown (60 s from its resolution at 2 s) holds across the restart.
        #expect(try await engine.observe(MetricObservation(x1, value: 0.5, timeMilliseconds: 30_000)).isEmpty)
        #expect(try await engine.observe(MetricObservation(x1, value: 0.5, timeMilliseconds: 62_000)).count == 1)
        // A read-only view sees the same.
        let reading = try MonitoringStore.reading(metadata: metadata)
        #expect(try await reading.allAlerts().count == 3)
    }
}
