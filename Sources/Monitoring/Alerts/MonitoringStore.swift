public import MLOpsCore

/// The persistent side of monitoring: alerts with their evidence, kept in the `monitoring`
/// namespace of a `KeyValueStore`, listable and queryable after a restart. `Workspace` opens one
/// as `workspace.monitoring`.
///
/// Create an ``AlertEngine`` on it with ``engine(rules:actions:maxSeries:)``; the engine writes
/// every alert here before it runs any action.
///
/// What a caller must know:
/// - The store is a value: copies share the key-value store, and it keeps no cache, so alerts
///   written by other processes are seen by the next read.
/// - Writes of one alert never go backwards: a stored alert is replaced only by a newer revision
///   (resolved over firing), whatever order concurrent writes commit in.
public struct MonitoringStore: Sendable {
    /// The record namespace monitoring owns.
    public static let namespaceName = "monitoring"

    /// Where records live.
    public let metadata: any KeyValueStore

    let records: RecordStore

    private init(metadata: any KeyValueStore, records: RecordStore) {
        self.metadata = metadata
        self.records = records
    }

    static func namespace() throws -> RecordNamespace { try RecordNamespace(namespaceName, owner: "Monitoring") }

    /// Opens (creating on first use) the monitoring records in `metadata`, claiming the
    /// `monitoring` namespace.
    ///
    /// - Throws: `MLOpsError` `conflict` if another module owns the namespace; storage errors.
    public static func open(metadata: any KeyValueStore) async throws -> MonitoringStore {
        MonitoringStore(metadata: metadata, records: try await RecordStore.open(try namespace(), on: metadata))
    }

    /// A store over a key-value store that must not be written (a read-only workspace): claims
    /// nothing; reads work, writes fail in the store.
    public static func reading(metadata: any KeyValueStore) throws -> MonitoringStore {
        MonitoringStore(metadata: metadata, records: RecordStore(checking: try namespace(), on: metadata))
    }

    /// An alert engine with `rules` and `actions` that stores its alerts here, resuming the
    /// firing alerts and cooldowns stored by earlier engines.
    ///
    /// - Parameters:
    ///   - rules: The rules; names must be unique.
    ///   - actions: What to run on every fired or resolved alert.
    ///   - maxSeries: How many distinct series the engine tracks at most (memory bound).
    /// - Throws: As ``AlertEngine/open(store:rules:actions:maxSeries:)``.
    public func engine(
        rules: [AlertRule], actions: [AlertAction] = [], maxSeries: Int = AlertEngine.defaultMaxSeries
    ) async throws -> AlertEngine {
        try await AlertEngine.open(store: self, rules: rules, actions: actions, maxSeries: maxSeries)
    }

    // MARK: Reading

    /// The alert with `id`, or `nil`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for an empty or over-long ID; `corruptData` for a
    ///   damaged record.
    public func alert(id: String) async throws -> Alert? {
        try await records.get(AlertRecord.self, id: id)?.record.alert
    }

    /// Up to `limit` stored alerts matching `query`, in firing order, after `cursor`.
    ///
    /// - Parameters:
    ///   - query: Which alerts (default: all).
    ///   - cursor: Where to continue, from the previous page's ``AlertPage/next``.
    ///   - limit: The page size, 1 to 10,000.
    /// - Throws: `MLOpsError` `invalidArgument` for a bad limit; storage errors.
    public func alerts(
        _ query: AlertQuery = AlertQuery(), after cursor: RecordCursor? = nil, limit: Int = 100
    ) async throws -> AlertPage {
        let page: RecordPage<AlertRecord>
        switch (query.rule, query.state) {
        case (nil, nil):
            page = try await records.list(AlertRecord.self, after: cursor, limit: limit)
        case (let rule?, nil):
            page = try await records.lookup(AlertRecord.self, index: "rule", value: rule, after: cursor, limit: limit)
        case (nil, let state?):
            page = try await records.lookup(
                AlertRecord.self, index: "state", value: state.rawValue, after: cursor, limit: limit)
        case (let rule?, let state?):
            page = try await records.lookup(
                AlertRecord.self, index: "rule_state", value: rule + "/" + state.rawValue, after: cursor, limit: limit)
        }
        return AlertPage(alerts: page.records.map(\.record.alert), next: page.next)
    }

    /// Every stored alert matching `query`, in firing order.
    public func allAlerts(_ query: AlertQuery = AlertQuery()) async throws -> [Alert] {
        var result: [Alert] = []
        var cursor: RecordCursor?
        repeat {
            let page = try await alerts(query, after: cursor, limit: 1_000)
            result += page.alerts
            cursor = page.next
        } while cursor != nil
        return result
    }

    // MARK: Writing (the engine's)

    /// Stores `alert` unless a newer revision is stored, merging delivery failures, and updates
    /// its series record — one transaction.
    func store(_ alert: Alert) async throws {
        try await records.transaction { tx in
            var merged = alert
            if let stored = try await tx.get(AlertRecord.self, id: alert.id)?.record.alert {
                // The newer revision wins; delivery failures of both are kept.
                merged = stored.revision > alert.revision ? stored : alert
                let extra = alert.deliveryFailures.filter { !stored.deliveryFailures.contains($0) }
                merged.deliveryFailures = stored.deliveryFailures + extra
                if merged == stored { return }
            }
            try await tx.save(AlertRecord(alert: merged))
            let seriesID = AlertSeriesRecord.id(rule: alert.rule, metric: alert.metric)
            var series =
                try await tx.get(AlertSeriesRecord.self, id: seriesID)?.record
                ?? AlertSeriesRecord(rule: alert.rule, metric: alert.metric)
            switch merged.state {
            case .firing:
                if series.firingAlertID == nil || series.firingAlertID ?? "" < merged.id {
                    series.firingAlertID = merged.id
                }
            case .resolved:
                if series.firingAlertID == merged.id { series.firingAlertID = nil }
                if let resolved = merged.resolvedMilliseconds {
                    series.lastResolvedMilliseconds = max(series.lastResolvedMilliseconds ?? resolved, resolved)
                }
            }
            try await tx.save(series)
        }
    }

    /// Every series record, for an engine resuming.
    func allSeries() async throws -> [AlertSeriesRecord] {
        var result: [AlertSeriesRecord] = []
        var cursor: RecordCursor?
        repeat {
            let page = try await records.list(AlertSeriesRecord.self, after: cursor, limit: 1_000)
            result += page.records.map(\.record)
            cursor = page.next
        } while cursor != nil
        return result
    }
}
