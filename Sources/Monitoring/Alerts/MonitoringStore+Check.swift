public import MLOpsCore

extension MonitoringStore {
    /// The component name of the monitoring records' self-check.
    public static let componentName = "Monitoring records"

    /// Verifies every record of the `monitoring` namespace — alerts, alert series and the
    /// prediction log's predictions: each decodes, its stored ID matches its key, and the index
    /// entries match the records.
    ///
    /// Reads only; a problem is reported, never repaired. A deleted record leaves no trace to
    /// find (the namespace keeps no counts).
    ///
    /// - Throws: Only when the store cannot be read at all.
    public func check() async throws -> StoreCheckReport {
        var report = StoreCheckReport(component: Self.componentName)
        try await records.check(AlertRecord.self, into: &report)
        try await records.check(AlertSeriesRecord.self, into: &report)
        try await records.check(PredictionRecord.self, into: &report)
        return report
    }
}
