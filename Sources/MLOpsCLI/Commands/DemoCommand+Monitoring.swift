#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOps
import Synchronization

extension DemoCommand {
    /// Production requests in the demo's monitoring step.
    static let productionRequests = 3_000
    /// Requests per performance window.
    static let windowRequests = 500
    /// The covariate shift injected into production traffic: `x0` moves by this many standard
    /// deviations…
    static let injectedShift = 0.8
    /// …and `x2` spreads by this factor around its mean.
    static let injectedSpread = 1.6
    /// The folder of the workspace the monitoring report is written to.
    static let reportsDirectoryName = "reports"

    /// Step 8 of the demo: production traffic with drift injected into two features is served by
    /// the champion and watched (Monitoring).
    ///
    /// New rows come from the same generator as the training data, with `x0` shifted by
    /// ``injectedShift`` standard deviations and `x2` spread by ``injectedSpread``, before the
    /// labels are drawn — a covariate shift, not a change of the rule from features to label. A
    /// `ModelServer` following `champion` answers them; its `observe` hook sees every exchange,
    /// and each becomes a prediction in a `PredictionLog` on the workspace. Then:
    /// - the traffic is profiled in chunks whose profiles are merged;
    /// - drift is tested against the training rows with Evidently's default rule;
    /// - a schema inferred from the training rows validates the traffic;
    /// - labels arrive and are joined by request ID; ROC AUC per window of ``windowRequests``
    ///   requests is set beside CBPE's label-free estimate (fitted on the held-out rows);
    /// - alert rules on the drift share, each column's drift score and the windowed AUC are
    ///   evaluated and their alerts stored in the workspace;
    /// - the HTML and JSON reports are written to `reports/` in the workspace.
    static func monitorProduction(
        workspace: Workspace, workspacePath: String, reference: Table, holdout: Table, seed: UInt64, run: UInt64,
        say: @Sendable (String) -> Void
    ) async throws {
        let registry = try await workspace.registry
        let name = registeredModelName
        let championVersion = try await registry.version(of: name, alias: "champion")
        let champion = try await registry.model(name, version: championVersion)
        let features = ["x0", "x1", "x2"]

        // Production traffic, served; the observe hook logs every exchange.
        let production = try syntheticTable(
            rows: productionRequests, seed: seed &+ 1, x0Shift: injectedShift, x2Spread: injectedSpread)
        let server = ModelServer()
        try await server.follow(name, alias: "champion", in: registry, pollInterval: .seconds(60))
        let exchanges = Mutex<[ServedExchange]>([])
        server.observe { exchange in exchanges.withLock { $0.append(exchange) } }
        let inputs = try requestInputs(production, for: champion)
        let prefix = "demo\(run)-request-"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<burstCallers {
                group.addTask {
                    for row in stride(from: caller, to: inputs.count, by: burstCallers) {
                        _ = try await server.infer(
                            InferenceRequest(model: name, inputs: inputs[row], id: prefix + String(row)))
                    }
                }
            }
            try await group.waitForAll()
        }
        let log = try await PredictionLog.open(on: workspace.metadata)
        let started = Int64(clamping: Platform.wallClockMilliseconds())
        var predictions: [Prediction] = []
        var failed = 0
        for exchange in exchanges.withLock({ $0 }) {
            guard case .success(let response) = exchange.result,
                let score = response.outputs.first(where: { $0.name == "probability" })?.tensor.doubleValues.first,
                let id = exchange.request.id, let row = Int(id.dropFirst(prefix.count))
            else {
                failed += 1
                continue
            }
            // Each request's time is its row's place in the stream (a millisecond apart), so the
            // windows below follow the traffic's order whatever order the callers finished in.
            predictions.append(
                Prediction(
                    requestID: id, timestampMilliseconds: started + Int64(row),
                    modelVersion: exchange.version.map(String.init), score: score))
        }
        try await log.record(predictions)
        say(
            "monitor          \(productionRequests) production requests with drift injected into x0 (+"
                + "\(format(injectedShift)) sd) and x2 (×\(format(injectedSpread)) spread), served by champion "
                + "version \(championVersion); the server's observe hook logged \(predictions.count) predictions "
                + "(\(failed) failed) to the workspace's prediction log")

        // Profile the traffic in four chunks and merge them, as shards or hosts would.
        let current = try production.select(columns: features)
        var profile = try DatasetProfile(columnNames: features)
        let chunk = (current.rowCount + 3) / 4
        for start in stride(from: 0, to: current.rowCount, by: chunk) {
            try profile.merge(
                DatasetProfile(try current.rows(Array(start..<min(start + chunk, current.rowCount)))))
        }
        let referenceFeatures = try reference.select(columns: features)
        let referenceProfile = DatasetProfile(referenceFeatures)
        say(
            "profile          traffic: \(profile.rowCount) rows × \(features.count) columns, 4 chunk profiles "
                + "merged (KLL, HyperLogLog, moments); median x0 \(format(profile["x0"]?.quantiles?.quantile(0.5) ?? .nan)) "
                + "vs \(format(referenceProfile["x0"]?.quantiles?.quantile(0.5) ?? .nan)) in training, "
                + "sd x2 \(format(profile["x2"]?.statistics.standardDeviation ?? .nan)) vs "
                + "\(format(referenceProfile["x2"]?.statistics.standardDeviation ?? .nan)); "
                + "\(profile.serialized().count) bytes serialised")

        // Drift, with Evidently's default rule.
        let drift = try DriftDetector().detect(reference: referenceFeatures, current: current)
        say(
            "drift            "
                + drift.columns.map {
                    "\($0.column) \($0.method.rawValue) \(format($0.statistic))\($0.isDrifted ? " (drift)" : "")"
                }.joined(separator: ", ")
                + "; dataset drift \(drift.isDrifted ? "yes" : "no"): \(drift.driftedCount) of \(drift.columns.count) "
                + "columns (threshold share \(format(drift.shareThreshold)))")

        // Validation against the training rows' schema.
        let schema = try DataSchema.infer(from: referenceFeatures)
        let validation = schema.validate(current, maxListedViolations: 3)
        let byColumn = validation.violationCountsByColumn.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        say(
            "validation       \(validation.invalidRowCount) of \(validation.rowCount) rows break the schema "
                + "inferred from the training rows (out of the training range: \(byColumn.isEmpty ? "none" : byColumn))"
        )

        // Labels arrive later and are joined; windowed ROC AUC against CBPE's estimate.
        let labels = try production.doubles(column: "label")
        var joined = 0
        for prediction in predictions {
            guard let row = Int(prediction.requestID.dropFirst(prefix.count)) else { continue }
            let result = try await log.recordLabel(
                requestID: prediction.requestID, label: Int(labels[row]),
                at: prediction.timestampMilliseconds + 60_000)
            if case .joined = result { joined += 1 }
        }
        let logged = await log.all().filter { $0.requestID.hasPrefix(prefix) }
            .sorted { $0.timestampMilliseconds < $1.timestampMilliseconds }
        let windows = try PerformanceWindows.compute(
            logged, window: .tumblingCount(windowRequests), task: .binaryClassification(threshold: 0.5))
        let holdoutScores = try champion.predict(holdout.select(columns: champion.signature.featureNames))
            .doubles(column: "probability")
        let cbpe = try CBPE(
            referenceScores: holdoutScores, referenceLabels: try holdout.doubles(column: "label").map { Int($0) })
        // The same chunks of the stream, scored without their labels.
        let estimates = try cbpe.estimate(scores: logged.compactMap(\.score), chunkSize: windowRequests)
        let pairs = zip(windows, estimates).map {
            "\(format($0.metrics.rocAUC ?? .nan))/\(format($1.rocAUC ?? .nan))"
        }
        say(
            "performance      \(joined) labels joined by request ID; ROC AUC per \(windowRequests)-request window, "
                + "from labels / estimated without them (CBPE, calibrated on the held-out rows): "
                + pairs.joined(separator: ", "))

        // Alerts on the drift share, each column's drift score and the windowed AUC.
        let store = try await workspace.monitoring
        let fired = Mutex<[String]>([])
        let engine = try await AlertEngine.open(
            store: store,
            rules: [
                AlertRule(
                    name: "dataset-drift", metric: "drift_share", comparison: .atOrAbove, threshold: 0.5,
                    severity: .critical, summary: "half the features or more drifted"),
                AlertRule(
                    name: "feature-drift", metric: "column_drift", comparison: .atOrAbove, threshold: 0.1,
                    clearThreshold: 0.05, summary: "a feature's normed Wasserstein distance is 0.1 or more"),
                AlertRule(
                    name: "auc-drop", metric: "window_roc_auc", comparison: .below, threshold: 0.75,
                    clearThreshold: 0.78, windowsToFire: 2, severity: .critical,
                    summary: "ROC AUC below 0.75 in two windows in a row"),
            ],
            actions: [
                AlertAction("demo output") { event in
                    fired.withLock { $0.append("\(event.kind.rawValue) \(event.alert.rule) (\(event.alert.metric))") }
                }
            ])
        let now = Int64(clamping: Platform.wallClockMilliseconds())
        try await engine.observe(
            MetricObservation(
                try MetricKey("drift_share"), value: drift.share, timeMilliseconds: now,
                evidence: AlertEvidence(attributes: [
                    "drifted": drift.columns.filter(\.isDrifted).map(\.column).joined(separator: ","),
                    "requests": String(productionRequests),
                ])))
        for column in drift.columns {
            try await engine.observe(
                MetricObservation(
                    try MetricKey("column_drift", labels: ["column": column.column]), value: column.statistic,
                    timeMilliseconds: now,
                    evidence: AlertEvidence(attributes: [
                        "method": column.method.rawValue, "threshold": format(column.threshold),
                    ])))
        }
        for window in windows {
            guard let auc = window.metrics.rocAUC else { continue }
            try await engine.observe(
                MetricObservation(
                    try MetricKey("window_roc_auc"), value: auc, timeMilliseconds: window.endMilliseconds,
                    evidence: AlertEvidence(attributes: ["requests": String(window.count)])))
        }
        let firing = engine.firingAlerts
        let events = fired.withLock { $0 }
        say(
            "alerts           \(events.isEmpty ? "no new alerts" : events.joined(separator: "; ")); "
                + "\(firing.count) firing, stored with their evidence in the workspace")

        // The report: drift table, distributions, AUC timelines and the alerts.
        var report = try MonitoringReport(
            title: "mlops demo — production traffic against the training data", generatedMilliseconds: now,
            drift: drift, reference: referenceFeatures, current: current)
        report.timelines = [
            MonitoringReport.Timeline(
                name: "ROC AUC per window (labels)",
                points: windows.compactMap { window in
                    window.metrics.rocAUC.map { .init(timeMilliseconds: window.endMilliseconds, value: $0) }
                }, threshold: 0.75),
            MonitoringReport.Timeline(
                name: "ROC AUC per window (CBPE estimate, no labels)",
                points: zip(windows, estimates).compactMap { window, estimate in
                    estimate.rocAUC.map { .init(timeMilliseconds: window.endMilliseconds, value: $0) }
                }, threshold: 0.75),
        ]
        report.alerts = firing.map(MonitoringReport.AlertRow.init)
        let renderer = ReportRenderer()
        let html = Array(renderer.html(report).utf8)
        let json = Array(renderer.json(report).utf8)
        let directoryPath = workspacePath + "/" + reportsDirectoryName
        try await BlockingExecutor.shared.run {
            let directory = try DirectoryHandle.open(root: directoryPath, create: true)
            try directory.writeFile("monitoring.html", html)
            try directory.writeFile("monitoring.json", json)
        }
        say(
            "report           \(directoryPath)/monitoring.html (drift table, distributions, AUC timelines, alerts; "
                + "self-contained, no scripts) and monitoring.json")
    }
}
