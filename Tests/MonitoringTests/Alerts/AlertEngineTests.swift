import MLOpsCore
import MLOpsTestKit
import Monitoring
import Testing

@Suite struct AlertEngineTests {
    @Test func firesOnlyAfterNConsecutiveBreachingWindows() async throws {
        let key = try MetricKey("drift_share")
        let rule = try AlertRule(
            name: "share", metric: "drift_share", comparison: .above, threshold: 0.5, windowsToFire: 3)
        let engine = try await AlertTestSupport.engine([rule])
        let kinds = try await AlertTestSupport.run(engine, key, [0.6, 0.7, 0.4, 0.6, 0.9, 0.5, 0.6, 0.6, 0.8])
        // 0.5 is not above 0.5: it breaks the streak like 0.4 does.
        #expect(kinds == [nil, nil, nil, nil, nil, nil, nil, nil, .fired])
        let fired = try #require(engine.firingAlerts.first)
        #expect(fired.value == 0.8)
        #expect(fired.firedMilliseconds == 8_000)
        #expect(fired.threshold == 0.5)
        #expect(fired.comparison == .above)
    }

    @Test func hysteresisHoldsBetweenTheThresholds() async throws {
        let key = try MetricKey("drift_share")
        let rule = try AlertRule(
            name: "psi", metric: "drift_share", comparison: .atOrAbove, threshold: 0.5, clearThreshold: 0.3)
        let engine = try await AlertTestSupport.engine([rule])
        // Fires at 0.5 (>=); 0.45 and 0.3 are between (0.3 still holds >= 0.3); resolves below 0.3.
        let kinds = try await AlertTestSupport.run(engine, key, [0.2, 0.5, 0.45, 0.3, 0.49, 0.29, 0.45, 0.5])
        #expect(kinds == [nil, .fired, nil, nil, nil, .resolved, nil, .fired])

        // A downward rule (window AUC below 0.7, clearing above 0.75), needing two clear windows.
        let auc = try MetricKey("window_auc")
        let low = try AlertRule(
            name: "auc", metric: "window_auc", comparison: .below, threshold: 0.7, clearThreshold: 0.75,
            windowsToClear: 2)
        let second = try await AlertTestSupport.engine([low])
        let aucKinds = try await AlertTestSupport.run(second, auc, [0.8, 0.65, 0.72, 0.76, 0.74, 0.8, 0.9])
        #expect(aucKinds == [nil, .fired, nil, nil, nil, nil, .resolved])
    }

    @Test func nanBreaksStreaksAndNeverClears() async throws {
        let key = try MetricKey("drift_share")
        let rule = try AlertRule(name: "r", metric: "drift_share", comparison: .above, threshold: 0.5, windowsToFire: 2)
        let engine = try await AlertTestSupport.engine([rule])
        let kinds = try await AlertTestSupport.run(engine, key, [0.9, .nan, 0.9, 0.9, .nan, .nan, 0.1])
        #expect(kinds == [nil, nil, nil, .fired, nil, nil, .resolved])
        #expect(engine.latestValues[key] == 0.1)
    }

    @Test func cooldownDelaysTheNextFiring() async throws {
        let rule = try AlertRule(
            name: "p99", metric: "latency_p99_seconds", comparison: .above, threshold: 0.25, cooldown: .seconds(5))
        let engine = try await AlertTestSupport.engine([rule])
        let latency = try MetricKey("latency_p99_seconds")
        // One observation a second: fire at 0 s, resolve at 1 s; breaches at 2–5 s are inside the
        // cooldown (until 6 s); the breach at 6 s fires.
        let kinds = try await AlertTestSupport.run(engine, latency, [0.3, 0.1, 0.3, 0.4, 0.5, 0.3, 0.3, 0.1])
        #expect(kinds == [.fired, .resolved, nil, nil, nil, nil, .fired, .resolved])
        let stored = try await engine.store.allAlerts(AlertQuery(rule: "p99"))
        #expect(stored.count == 2)
        #expect(stored.map(\.firedMilliseconds) == [0, 6_000])
        #expect(stored.allSatisfy { $0.state == .resolved })
    }

    @Test func eachMatchingSeriesHasItsOwnAlert() async throws {
        let rule = try AlertRule(name: "psi", metric: "column_psi", comparison: .above, threshold: 0.2)
        let engine = try await AlertTestSupport.engine([rule])
        let x0 = try MetricKey("column_psi", labels: ["column": "x0"])
        let x1 = try MetricKey("column_psi", labels: ["column": "x1"])
        #expect(try await engine.observe(MetricObservation(x0, value: 0.3, timeMilliseconds: 1)).count == 1)
        #expect(try await engine.observe(MetricObservation(x1, value: 0.1, timeMilliseconds: 1)).isEmpty)
        #expect(try await engine.observe(MetricObservation(x1, value: 0.4, timeMilliseconds: 2)).count == 1)
        #expect(try await engine.observe(MetricObservation(x0, value: 0.5, timeMilliseconds: 2)).isEmpty)
        #expect(Set(engine.firingAlerts.map(\.metric)) == [x0, x1])
        // A value nobody watches is only recorded.
        #expect(try await engine.observe("error_rate", value: 0.9).isEmpty)
        #expect(engine.latestValues.count == 3)
    }

    @Test func alertsAreStoredWithEvidenceAndQueryable() async throws {
        let key = try MetricKey("drift_share")
        let rules = [
            try AlertRule(
                name: "share", metric: "drift_share", comparison: .above, threshold: 0.5, severity: .critical),
            try AlertRule(name: "errors", metric: "error_rate", comparison: .above, threshold: 0.01),
        ]
        let engine = try await AlertTestSupport.engine(rules)
        let report = #"{"drift":[{"column":"x0","psi":0.31}]}"#
        let evidence = AlertEvidence(attributes: ["window": "10:00-11:00", "rows": "1200"], reportJSON: report)
        let fired = try await engine.observe(
            MetricObservation(key, value: 0.6, timeMilliseconds: 100, evidence: evidence))
        #expect(fired.first?.alert.evidence == evidence)
        try await engine.observe(
            MetricObservation(
                key, value: 0.1, timeMilliseconds: 200, evidence: AlertEvidence(attributes: ["why": "ok"])))
        for time in [300, 400, 500] as [Int64] {
            try await engine.observe("error_rate", value: time == 400 ? 0.0 : 0.5, timeMilliseconds: time)
        }
        let store = engine.store
        let all = try await store.allAlerts()
        #expect(all.map(\.rule) == ["share", "errors", "errors"])
        let share = all[0]
        #expect(share.state == .resolved && share.severity == .critical)
        #expect(share.evidence.reportJSON == report)
        #expect(share.resolvedEvidence?.attributes == ["why": "ok"])
        #expect(share.resolvedMilliseconds == 200 && share.resolvedValue == 0.1)
        #expect(try await store.alert(id: share.id) == share)
        #expect(try await store.allAlerts(AlertQuery(state: .firing)).map(\.rule) == ["errors"])
        #expect(try await store.allAlerts(AlertQuery(rule: "errors", state: .resolved)).count == 1)
        #expect(try await store.allAlerts(AlertQuery(rule: "nope")).isEmpty)
        // Paging.
        let first = try await store.alerts(limit: 2)
        #expect(first.alerts.count == 2)
        let rest = try await store.alerts(after: first.next, limit: 2)
        #expect(rest.alerts.map(\.id) == [all[2].id])
        await #expect(throws: MLOpsError.self) { _ = try await store.alerts(limit: 0) }
    }

    @Test func badObservationsAreRefused() async throws {
        let rule = try AlertRule(name: "r", metric: "m", comparison: .above, threshold: 1)
        let store = try await MonitoringStore.open(metadata: InMemoryKeyValueStore())
        let engine = try await store.engine(rules: [rule], maxSeries: 2)
        await #expect(throws: MLOpsError.self) { try await engine.observe("bad name", value: 1) }
        await #expect(throws: MLOpsError.self) { try await engine.observe(AlertEngine.alertFiringMetric, value: 1) }
        let huge = AlertEvidence(reportJSON: String(repeating: "x", count: AlertEvidence.maxReportBytes + 1))
        await #expect(throws: MLOpsError.self) { try await engine.observe("m", value: 2, evidence: huge) }
        let wide = AlertEvidence(attributes: ["k": String(repeating: "v", count: AlertEvidence.maxAttributeBytes)])
        await #expect(throws: MLOpsError.self) { try await engine.observe("m", value: 2, evidence: wide) }
        let many = AlertEvidence(
            attributes: Dictionary(uniqueKeysWithValues: (0...AlertEvidence.maxAttributes).map { ("k\($0)", "") }))
        await #expect(throws: MLOpsError.self) { try await engine.observe("m", value: 2, evidence: many) }
        #expect(engine.latestValues.isEmpty)
        try await engine.observe("m", labels: ["s": "1"], value: 0)
        try await engine.observe("m", labels: ["s": "2"], value: 0)
        do {
            try await engine.observe("m", labels: ["s": "3"], value: 0)
            Issue.record("a third series was accepted with maxSeries 2")
        } catch let error as MLOpsError {
            #expect(error.code == .limitExceeded)
        }
        // Known series still work.
        #expect(try await engine.observe("m", labels: ["s": "1"], value: 5).count == 1)
    }

    @Test func prometheusTextHasGaugesAndAlertStates() async throws {
        let rule = try AlertRule(name: "psi", metric: "column_psi", comparison: .above, threshold: 0.2)
        let engine = try await AlertTestSupport.engine([rule])
        try await engine.observe("column_psi", labels: ["column": "x\"0"], value: 0.3, timeMilliseconds: 1)
        try await engine.observe("column_psi", labels: ["column": "x1"], value: 0.1, timeMilliseconds: 1)
        try await engine.observe("window_auc", value: .nan, timeMilliseconds: 1)
        try await engine.observe("drift_share", value: 0.25, timeMilliseconds: 1)
        let text = engine.prometheusText()
        let expected = """
            # HELP column_psi Latest observed value of column_psi.
            # TYPE column_psi gauge
            column_psi{column="x1"} 0.1
            column_psi{column="x\\"0"} 0.3
            # HELP drift_share Latest observed value of drift_share.
            # TYPE drift_share gauge
            drift_share 0.25
            # HELP window_auc Latest observed value of window_auc.
            # TYPE window_auc gauge
            window_auc NaN
            # HELP mlops_monitoring_alert_firing 1 while the alert rule fires for the series, else 0.
            # TYPE mlops_monitoring_alert_firing gauge
            mlops_monitoring_alert_firing{rule="psi",severity="warning",series="column_psi{column=\\"x1\\"}"} 0
            mlops_monitoring_alert_firing{rule="psi",severity="warning",series="column_psi{column=\\"x\\\\\\"0\\"}"} 1

            """
        #expect(text == expected)
    }

    @Test func concurrentObserversFireEachAlertOnce() async throws {
        let rule = try AlertRule(name: "lat", metric: "latency_p99_seconds", comparison: .above, threshold: 1)
        let log = EventLog()
        let engine = try await AlertTestSupport.engine([rule], actions: [AlertAction("log") { log.append($0) }])
        let shards = 32
        // Every shard's series breaches from many tasks at once, and one shared series too.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<(shards * 4) {
                group.addTask {
                    let shard = task % shards
                    try await engine.observe(
                        "latency_p99_seconds", labels: ["shard": String(shard)], value: 2, timeMilliseconds: Int64(task)
                    )
                    try await engine.observe("latency_p99_seconds", value: 3, timeMilliseconds: Int64(task))
                }
            }
            try await group.waitForAll()
        }
        let stored = try await engine.store.allAlerts()
        #expect(stored.count == shards + 1)
        #expect(Set(stored.map(\.metric)).count == shards + 1)
        #expect(stored.allSatisfy { $0.state == .firing })
        #expect(log.all.count == shards + 1)
        #expect(engine.firingAlerts.count == shards + 1)
        // All resolve, concurrently.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for shard in 0..<shards {
                group.addTask {
                    try await engine.observe(
                        "latency_p99_seconds", labels: ["shard": String(shard)], value: 0, timeMilliseconds: 1_000)
                }
            }
            group.addTask { try await engine.observe("latency_p99_seconds", value: 0, timeMilliseconds: 1_000) }
            try await group.waitForAll()
        }
        #expect(try await engine.store.allAlerts(AlertQuery(state: .resolved)).count == shards + 1)
        #expect(engine.firingAlerts.isEmpty)
    }

    @Test func failingActionsNeverLoseTheAlert() async throws {
        struct PagerDown: Error, CustomStringConvertible {
            var description: String { "pager is down" }
        }
        let log = EventLog()
        let hangers = Hangers()
        let actions = [
            AlertAction("broken") { _ in throw PagerDown() },
            AlertAction("stuck", timeout: .milliseconds(50)) { _ in await hangers.hang() },
            AlertAction("log") { log.append($0) },
        ]
        let rule = try AlertRule(name: "err", metric: "error_rate", comparison: .above, threshold: 0.05)
        let engine = try await AlertTestSupport.engine([rule], actions: actions)
        let events = try await engine.observe("error_rate", value: 0.2, timeMilliseconds: 10)
        let event = try #require(events.first)
        #expect(event.kind == .fired)
        // The working action got it; the failures are on the returned and the stored alert.
        #expect(log.all.map(\.kind) == [.fired])
        #expect(event.alert.deliveryFailures.map(\.action) == ["broken", "stuck"])
        #expect(event.alert.deliveryFailures[0].message == "pager is down")
        #expect(event.alert.deliveryFailures[1].message.contains("did not finish"))
        let stored = try #require(try await engine.store.alert(id: event.alert.id))
        #expect(stored.state == .firing)
        #expect(stored.deliveryFailures == event.alert.deliveryFailures)
        // The engine goes on: the resolution is stored too, keeping the earlier failures.
        let resolved = try await engine.observe("error_rate", value: 0.0, timeMilliseconds: 20)
        #expect(resolved.first?.kind == .resolved)
        let after = try #require(try await engine.store.alert(id: event.alert.id))
        #expect(after.state == .resolved)
        #expect(after.deliveryFailures.count == 4)
        #expect(after.deliveryFailures.filter { $0.event == .resolved }.map(\.action) == ["broken", "stuck"])
        #expect(log.all.map(\.kind) == [.fired, .resolved])
        hangers.releaseAll()
    }

    @Test func storageFailuresAreRetried() async throws {
        let faulty = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore())
        let store = try await MonitoringStore.open(metadata: faulty)
        let log = EventLog()
        let rule = try AlertRule(name: "r", metric: "m", comparison: .above, threshold: 1)
        let engine = try await store.engine(rules: [rule], actions: [AlertAction("log") { log.append($0) }])
        faulty.setPlan(.failWrites(after: 0))
        await #expect(throws: MLOpsError.self) { try await engine.observe("m", value: 2, timeMilliseconds: 1) }
        // The action still ran; the alert waits in memory.
        #expect(log.all.count == 1)
        #expect(engine.pendingWrites == 1)
        #expect(engine.firingAlerts.count == 1)
        faulty.setPlan(.none)
        try await engine.flush()
        #expect(engine.pendingWrites == 0)
        let stored = try await store.allAlerts()
        #expect(stored.count == 1 && stored[0].state == .firing)
    }
}
