import Foundation
import MLOps
import Testing

// The ```swift blocks of Documentation/Monitoring.md, verbatim (indentation aside) and in the guide's
// order, with the context each assumes declared before it; DocSnippetTests checks that they stay so.
// The test runs them on an in-memory workspace and checks what their comments say.
@Suite struct MonitoringGuideSnippetTests {
    @Test func theGuideRuns() async throws {
        let workspace = Workspace.inMemory()

        // Profiles
        let monday = try Table(columns: [
            .double("amount", [12.5, 7.25, 310.0, 42.0]),
            .string("country", ["DE", "FR", "DE", nil]),
        ])
        let tuesday = try Table(columns: [
            .double("amount", [5.0, 18.75, .nan]),
            .string("country", ["DE", "US", "FR"]),
        ])
        var profile = DatasetProfile(monday)
        try profile.merge(DatasetProfile(tuesday))  // or: try profile.update(with: tuesday)

        if let amount = profile["amount"] {
            print(amount.count, amount.missingCount)  // 7 1
            print(amount.statistics.mean, amount.quantiles?.quantile(0.5) ?? .nan)  // 65.916… 12.5
            print(amount.histogram(bins: 4)?.counts ?? [])
        }
        if let country = profile["country"] {
            print(country.distinctEstimate)  // 3.0
            let items = country.frequentItems?.items() ?? []
            print(items.map { "\($0.value) \($0.estimate)" })  // ["DE 3", "FR 2", "US 1"]
        }
        #expect(profile["amount"]?.count == 7)
        #expect(profile["amount"]?.missingCount == 1)
        #expect(abs((profile["amount"]?.statistics.mean ?? 0) - 395.5 / 6) < 1e-12)
        #expect(profile["amount"]?.quantiles?.quantile(0.5) == 12.5)
        #expect(abs((profile["country"]?.distinctEstimate ?? 0) - 3) < 0.01)
        #expect(
            profile["country"]?.frequentItems?.items().map { "\($0.value) \($0.estimate)" } == ["DE 3", "FR 2", "US 1"])

        // Serialising
        let bytes = profile.serialized()
        let restored = try DatasetProfile(serialized: bytes)
        let summary = profile.jsonSummary()
        print(bytes.count, restored.rowCount, summary.utf8.count)
        #expect(restored == profile)
        #expect(restored.rowCount == 7)
        #expect(summary.contains("\"amount\""))

        let configuration = try ProfileConfiguration(quantileK: 400, seed: 7)
        let precise = DatasetProfile(monday, configuration: configuration)
        print(precise["amount"]?.quantiles?.k ?? 0)  // 400
        #expect(precise["amount"]?.quantiles?.k == 400)

        // Drift
        let reference = try Table(columns: [
            .double("age", (0..<500).map { Double($0 % 50) + 20 }),
            .string("plan", (0..<500).map { $0 % 3 == 0 ? "pro" : "free" }),
        ])
        let current = try Table(columns: [
            .double("age", (0..<500).map { Double($0 % 50) + 30 }),
            .string("plan", (0..<500).map { $0 % 2 == 0 ? "pro" : "free" }),
        ])
        let drift = try DriftDetector().detect(reference: reference, current: current)
        for column in drift.columns {
            print(column.column, column.method, column.statistic, column.pValue ?? .nan, column.isDrifted)
        }
        print(drift.driftedCount, drift.share, drift.isDrifted)  // 2 1.0 true
        #expect(drift.columns.map(\.method) == [.ks, .zTest])
        #expect(drift.driftedCount == 2 && drift.share == 1 && drift.isDrifted)

        let options = DriftOptions(
            numericalMethod: .psi,
            perColumn: [
                "age": ColumnDriftOptions(method: .wasserstein, threshold: 0.2),
                "plan": ColumnDriftOptions(method: .chiSquare),
            ],
            driftShare: 0.3)
        let custom = try DriftDetector(options: options).detect(reference: reference, current: current)
        if let age = custom[column: "age"] {
            print(age.method, age.statistic, age.threshold, age.isDrifted)  // wasserstein 0.69… 0.2 true
        }
        #expect(custom[column: "age"]?.method == .wasserstein)
        #expect(abs((custom[column: "age"]?.statistic ?? 0) - 10 / ((2500.0 - 1) / 12).squareRoot()) < 1e-9)
        #expect(custom[column: "age"]?.threshold == 0.2)
        #expect(custom[column: "plan"]?.method == .chiSquare)
        #expect(custom.shareThreshold == 0.3)

        // Data validation
        var schema = try DataSchema.infer(from: reference)
        if let index = schema.columns.firstIndex(where: { $0.name == "age" }) {
            schema.columns[index].minimum = 18
            schema.columns[index].maximum = 65
        }
        let report = schema.validate(current)
        print(report.isValid, report.invalidRowCount, report.violationCountsByColumn)  // false 50 ["age": 50]
        let request = schema.validate(request: ["age": .double(17), "plan": .string("gold")])
        for violation in request.violations {
            print(violation.column, violation.kind, violation.reason)
        }
        let reread = try DataSchema(json: try schema.json())
        print(reread == schema)  // true
        #expect(!report.isValid)
        #expect(report.invalidRowCount == 140)
        #expect(report.violationCountsByColumn == ["age": 140])
        #expect(request.violations.map(\.kind) == [.belowMinimum, .unknownCategory])
        #expect(reread == schema)

        // Performance windows
        let log = try await PredictionLog.open(on: workspace.metadata)
        let hour: Int64 = 3_600_000
        try await log.record([
            Prediction(requestID: "r1", timestampMilliseconds: 10, modelVersion: "churn/3", score: 0.91),
            Prediction(requestID: "r2", timestampMilliseconds: 20, modelVersion: "churn/3", score: 0.12),
            Prediction(requestID: "r3", timestampMilliseconds: hour + 5, modelVersion: "churn/3", score: 0.65),
            Prediction(requestID: "r4", timestampMilliseconds: hour + 9, modelVersion: "churn/3", score: 0.30),
        ])
        // Labels arrive later, in any order.
        try await log.recordLabel(requestID: "r2", label: 0, at: 2 * hour)
        try await log.recordLabel(requestID: "r1", label: 1, at: 2 * hour)
        try await log.recordLabel(requestID: "r3", label: 0, at: 3 * hour)
        try await log.recordLabel(requestID: "r4", label: 1, at: 3 * hour)
        let windows = try PerformanceWindows.compute(
            await log.all(), window: .tumblingTime(milliseconds: hour), task: .binaryClassification(threshold: 0.5))
        for window in windows {
            let metrics = window.metrics
            print(window.startMilliseconds, window.count, metrics.accuracy ?? .nan, metrics.rocAUC ?? .nan)
        }
        // 0 2 1.0 1.0
        // 3600000 2 0.0 0.0
        #expect(windows.map(\.startMilliseconds) == [0, hour])
        #expect(windows.map(\.count) == [2, 2])
        #expect(windows.map(\.metrics.accuracy) == [1, 0])
        #expect(windows.map(\.metrics.rocAUC) == [1, 0])

        // CBPE: a calibrated classifier, so the estimate should be close to the truth.
        var random = SeededRandom(seed: 14)
        var referenceScores: [Double] = []
        var referenceLabels: [Int] = []
        for _ in 0..<5_000 {
            let score = random.nextDouble()
            referenceScores.append(score)
            referenceLabels.append(random.nextDouble() < score ? 1 : 0)
        }
        let productionScores = (0..<2_000).map { _ in random.nextDouble() * random.nextDouble() }
        let cbpe = try CBPE(referenceScores: referenceScores, referenceLabels: referenceLabels, threshold: 0.5)
        for estimate in try cbpe.estimate(scores: productionScores, chunkSize: 500) {
            print(estimate.count, estimate.accuracy ?? .nan, estimate.rocAUC ?? .nan)
        }
        let estimates = try cbpe.estimate(scores: productionScores, chunkSize: 500)
        #expect(estimates.map(\.count) == [500, 500, 500, 500])
        #expect(estimates.allSatisfy { ($0.accuracy ?? 0) > 0.5 && ($0.rocAUC ?? 0) > 0.5 })

        // Alerts
        let store = try await workspace.monitoring
        let rule = try AlertRule(
            name: "psi_high", metric: "column_psi", comparison: .atOrAbove, threshold: 0.2, clearThreshold: 0.1,
            windowsToFire: 3, windowsToClear: 2, cooldown: .seconds(6 * 3600), severity: .critical,
            summary: "A feature's PSI stayed at or above 0.2 for three windows")
        let pager = AlertAction("pager", timeout: .seconds(5)) { event in
            print(event.kind, event.alert.metric, event.alert.value)  // fired column_psi{column="age"} 0.28
        }
        let engine = try await store.engine(rules: [rule], actions: [pager])
        for (hour, psi) in [0.05, 0.25, 0.31, 0.28, 0.15, 0.08, 0.04].enumerated() {
            let events = try await engine.observe(
                "column_psi", labels: ["column": "age"], value: psi, timeMilliseconds: Int64(hour) * 3_600_000,
                evidence: AlertEvidence(attributes: ["window": "hour \(hour)"]))
            for event in events { print(hour, event.kind) }  // 3 fired, then 6 resolved
        }
        let stored = try await store.allAlerts(AlertQuery(rule: "psi_high"))
        print(stored.map(\.state), stored.first?.evidence.attributes ?? [:])  // [resolved] ["window": "hour 3"]
        print(engine.prometheusText())
        #expect(stored.map(\.state) == [.resolved])
        #expect(stored.first?.evidence.attributes == ["window": "hour 3"])
        #expect(stored.first?.value == 0.28)
        let resolvedAt: Int64 = 6 * 3_600_000
        #expect(stored.first?.resolvedMilliseconds == resolvedAt)
        #expect(engine.prometheusText().contains("mlops_monitoring_alert_firing"))

        // Reports
        var page = try MonitoringReport(
            title: "churn model — inputs", generatedMilliseconds: 1_796_000_000_000, drift: drift,
            reference: reference, current: current)
        page.timelines = [
            MonitoringReport.Timeline(
                name: "window_accuracy",
                points: windows.map {
                    .init(timeMilliseconds: $0.startMilliseconds, value: $0.metrics.accuracy ?? .nan)
                },
                threshold: 0.8)
        ]
        page.alerts = try await store.allAlerts().map { MonitoringReport.AlertRow($0) }
        let html = ReportRenderer().html(page)
        let json = ReportRenderer().json(page)
        #expect(html.contains("<svg"))
        #expect(html.contains("churn model — inputs"))
        #expect(json.contains("\"drift\""))
        #expect(page.distributions.map(\.column) == ["age", "plan"])
        #expect(page.distributions.allSatisfy { $0.isConsistent })
        #expect(page.alerts.map(\.rule) == ["psi_high"])
    }
}

// The ```swift block of Sources/Monitoring/Monitoring.docc/GettingStarted.md that profiles a table and
// tests it for drift (its RunningStatistics blocks are in ArticleSnippets.swift).
@Suite struct MonitoringArticleSnippetTests {
    @Test func profileAndDrift() throws {
        let reference = try Table(columns: [.double("latency", (0..<400).map { Double($0 % 40) })])
        let current = try Table(columns: [.double("latency", (0..<400).map { Double($0 % 40) + 8 })])
        let profile = DatasetProfile(reference)
        print(profile["latency"]?.quantiles?.quantile(0.9) ?? .nan)  // 35.0
        let result = try DriftDetector().detect(reference: reference, current: current)
        print(result[column: "latency"]?.method ?? .ks, result.isDrifted)  // ks true
        #expect(profile["latency"]?.quantiles?.quantile(0.9) == 35)
        #expect(result[column: "latency"]?.method == .ks)
        #expect(result.isDrifted)
    }
}
