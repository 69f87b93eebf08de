import MLOpsCore
import Synchronization

/// Evaluates alert rules over observed values, stores the alerts it fires and resolves in a
/// ``MonitoringStore`` with their evidence, delivers them to host-supplied actions, and exposes
/// the latest monitored values as Prometheus gauges.
///
/// Feed it one observation per series per window (``observe(_:)``); it returns the events the
/// observation caused, after storing them and running the actions.
///
/// What a caller must know:
/// - **Concurrency.** Any number of tasks may observe at once. The rules' state lives behind a
///   lock held only for the synchronous update (no `await` under it), so observers never wait on
///   each other's storage writes or actions; observations of one series are applied in the order
///   `observe` is called. (A lock rather than an actor: the update is short and synchronous,
///   and an actor's reentrancy at every storage `await` would need the same ordering argument
///   anyway — stored alerts only move forward by revision, whatever order writes commit in.)
///   Actions of concurrent observers of one series may run in either order (a resolution's
///   actions before the firing's); each event's ``Alert/revision`` tells which is newer.
/// - **Storing before delivering.** An event's alert is written before any action runs. A
///   failing or slow action is recorded as an ``AlertDeliveryFailure`` on the stored alert and
///   never blocks the engine for longer than its ``AlertAction/timeout``.
/// - **Storage failures.** If a write fails, the actions still run, the alert is kept in memory
///   and written again by the next ``observe(_:)`` or ``flush()``, and `observe` throws the
///   storage error.
/// - **Restarts.** An engine opened on a store resumes its firing alerts and cooldowns; the
///   streaks of observations in progress start again from zero.
/// - **Memory** is bounded by ``maxSeries`` distinct series.
public final class AlertEngine: Sendable {
    /// The default bound on distinct series.
    public static let defaultMaxSeries = 10_000
    /// The gauge of every rule's alert state per series: 1 firing, 0 not.
    public static let alertFiringMetric = "mlops_monitoring_alert_firing"

    /// The rules, in the order given.
    public let rules: [AlertRule]
    /// Where alerts are stored.
    public let store: MonitoringStore
    /// The most distinct series the engine tracks.
    public let maxSeries: Int

    private let actions: [AlertAction]
    private let state: Mutex<EngineState>

    private init(store: MonitoringStore, rules: [AlertRule], actions: [AlertAction], maxSeries: Int) {
        self.store = store
        self.rules = rules
        self.actions = actions
        self.maxSeries = maxSeries
        self.state = Mutex(EngineState())
    }

    /// Opens an engine on `store`, resuming the firing alerts and cooldowns stored there for
    /// these rules.
    ///
    /// - Parameters:
    ///   - store: Where alerts are stored.
    ///   - rules: The rules; names must be unique.
    ///   - actions: What to run on every fired or resolved alert.
    ///   - maxSeries: How many distinct series the engine tracks at most.
    /// - Throws: `MLOpsError` `invalidArgument` for an invalid rule (see
    ///   ``AlertRule/validate()``), two rules with one name, or `maxSeries` below 1; storage
    ///   errors.
    public static func open(
        store: MonitoringStore, rules: [AlertRule], actions: [AlertAction] = [],
        maxSeries: Int = defaultMaxSeries
    ) async throws -> AlertEngine {
        var names = Set<String>()
        for rule in rules {
            try rule.validate()
            guard names.insert(rule.name).inserted else {
                throw MLOpsError(.invalidArgument, "two alert rules have the same name", value: rule.name)
            }
        }
        guard maxSeries >= 1 else {
            throw MLOpsError(.invalidArgument, "an alert engine must track at least 1 series", value: String(maxSeries))
        }
        let engine = AlertEngine(store: store, rules: rules, actions: actions, maxSeries: maxSeries)
        var resumed: [MetricKey: SeriesState] = [:]
        for stored in try await store.allSeries() {
            guard let ruleIndex = rules.firstIndex(where: { $0.name == stored.rule }) else { continue }
            var tracker = AlertTracker()
            tracker.lastResolvedMilliseconds = stored.lastResolvedMilliseconds
            if let id = stored.firingAlertID, let alert = try await store.alert(id: id), alert.state == .firing {
                tracker.firing = alert
            }
            var series = resumed[stored.metric] ?? SeriesState(stored.metric, rules: rules)
            if let position = series.trackers.firstIndex(where: { $0.rule == ruleIndex }) {
                series.trackers[position].tracker = tracker
            }
            resumed[stored.metric] = series
        }
        engine.state.withLock { $0.series = resumed }
        return engine
    }

    // MARK: Observing

    /// Applies one observation to every rule watching its series; stores and delivers the
    /// alerts it fires or resolves.
    ///
    /// - Returns: The events, with any delivery failures recorded on their alerts.
    /// - Throws: `MLOpsError` `invalidArgument` for a series named like the engine's own
    ///   gauges; `limitExceeded` for a new series beyond ``maxSeries`` or evidence over its
    ///   limits (nothing is applied); a storage error after the actions ran (see the type's
    ///   notes).
    @discardableResult
    public func observe(_ observation: MetricObservation) async throws -> [AlertEvent] {
        try Self.check(observation)
        let rules = rules
        let maxSeries = maxSeries
        let (events, writes) = try state.withLock { state -> ([AlertEvent], [Alert]) in
            if state.series.count >= maxSeries, state.series[observation.key] == nil {
                throw MLOpsError(
                    .limitExceeded, "the alert engine already tracks \(maxSeries) series",
                    value: observation.key.description)
            }
            // One lookup per observation; the rules watching a series are found once, when it is new.
            let events = state.series[observation.key, default: SeriesState(observation.key, rules: rules)]
                .observe(observation, rules: rules)
            guard !events.isEmpty || !state.pending.isEmpty else { return (events, []) }
            return (events, Array(state.pending.values) + events.map(\.alert))
        }
        var storageError = await write(writes)
        guard !events.isEmpty else {
            if let storageError { throw storageError }
            return events
        }
        var delivered: [AlertEvent] = []
        for var event in events {
            let failures = await Self.deliver(event, to: actions)
            if !failures.isEmpty {
                event.alert.deliveryFailures += failures
                if let error = await write([event.alert]) { storageError = storageError ?? error }
            }
            delivered.append(event)
        }
        if let storageError { throw storageError }
        return delivered
    }

    /// Observes `value` of the series `name{labels}` at `timeMilliseconds` (default: now).
    ///
    /// - Parameters:
    ///   - name: The metric name.
    ///   - labels: The series' labels.
    ///   - value: The value.
    ///   - timeMilliseconds: When, in milliseconds since 1970; `nil` for the wall clock.
    ///   - evidence: Stored with an alert this observation fires or resolves.
    /// - Returns: The events it caused.
    /// - Throws: `MLOpsError` `invalidArgument` for a bad metric or label name; as ``observe(_:)``.
    @discardableResult
    public func observe(
        _ name: String, labels: [String: String] = [:], value: Double, timeMilliseconds: Int64? = nil,
        evidence: AlertEvidence = AlertEvidence()
    ) async throws -> [AlertEvent] {
        let time = timeMilliseconds ?? Int64(clamping: Platform.wallClockMilliseconds())
        return try await observe(
            MetricObservation(
                try MetricKey(name, labels: labels), value: value, timeMilliseconds: time, evidence: evidence))
    }

    /// Writes the alerts whose earlier writes failed.
    ///
    /// - Throws: The first storage error; the alerts not written stay queued.
    public func flush() async throws {
        let writes = state.withLock { Array($0.pending.values) }
        if let error = await write(writes) { throw error }
    }

    // MARK: Reading

    /// The alerts firing now, by series.
    public var firingAlerts: [Alert] {
        state.withLock { state in state.series.values.flatMap { $0.trackers.compactMap(\.tracker.firing) } }
            .sorted { $0.id < $1.id }
    }

    /// The latest observed value of every series, by key.
    public var latestValues: [MetricKey: Double] {
        state.withLock { state in state.series.compactMapValues(\.latest?.value) }
    }

    /// How many alerts wait to be written again after a storage failure.
    public var pendingWrites: Int { state.withLock { $0.pending.count } }

    /// The Prometheus text exposition (format 0.0.4) of the monitored values and alert states.
    ///
    /// One gauge family per observed metric name (sorted), one sample per series with its
    /// latest value (NaN as `NaN`); then ``alertFiringMetric``, labelled `rule`, `severity` and
    /// `series` (the series' text), 1 while the rule's alert for the series fires, else 0.
    public func prometheusText() -> String {
        let (latest, alertStates) = state.withLock { state in
            (
                state.series.compactMapValues(\.latest),
                state.series.flatMap { entry in
                    entry.value.trackers.map { (entry.key, $0.rule, $0.tracker.firing != nil) }
                }
            )
        }
        var out = PrometheusWriter()
        // Each key's text is made once; sorting compares the texts.
        let gauges = latest.map { (key: $0.key, text: $0.key.description, value: $0.value.value) }
            .sorted { ($0.key.name, $0.text) < ($1.key.name, $1.text) }
        var family = ""
        for gauge in gauges {
            if gauge.key.name != family {
                family = gauge.key.name
                out.family(family, type: .gauge, help: "Latest observed value of \(family).")
            }
            out.sample(family, labels: gauge.key.sortedLabels.map { ($0.name, $0.value) }, value: gauge.value)
        }
        out.family(
            Self.alertFiringMetric, type: .gauge, help: "1 while the alert rule fires for the series, else 0.")
        let rows = alertStates.map { (rule: rules[$0.1], series: $0.0.description, firing: $0.2) }
            .sorted { ($0.rule.name, $0.series) < ($1.rule.name, $1.series) }
        for row in rows {
            out.sample(
                Self.alertFiringMetric,
                labels: [("rule", row.rule.name), ("severity", row.rule.severity.rawValue), ("series", row.series)],
                value: row.firing ? 1 : 0)
        }
        return out.text
    }

    // MARK: Internals

    private static func check(_ observation: MetricObservation) throws {
        let name = observation.key.name
        guard !name.hasPrefix("mlops_monitoring_alert") else {
            throw MLOpsError(
                .invalidArgument, "metric names starting with mlops_monitoring_alert are the alert engine's own",
                value: name)
        }
        let evidence = observation.evidence
        guard evidence.attributes.count <= AlertEvidence.maxAttributes else {
            throw MLOpsError(
                .limitExceeded, "alert evidence has more than \(AlertEvidence.maxAttributes) attributes",
                value: String(evidence.attributes.count))
        }
        let attributeBytes = evidence.attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        guard attributeBytes <= AlertEvidence.maxAttributeBytes else {
            throw MLOpsError(
                .limitExceeded, "alert evidence attributes are larger than \(AlertEvidence.maxAttributeBytes) bytes",
                value: String(attributeBytes))
        }
        if let report = evidence.reportJSON, report.utf8.count > AlertEvidence.maxReportBytes {
            throw MLOpsError(
                .limitExceeded, "an attached report is larger than \(AlertEvidence.maxReportBytes) bytes",
                value: String(report.utf8.count))
        }
    }

    /// A new alert ID sorting by `time` (clamped to the ID's range).
    static func newID(_ time: Int64) -> String {
        let timestamp = UInt64(clamping: max(0, min(time, Int64(clamping: SortableID.maxTimestamp))))
        let random = SortableID().rawValue & SortableID.maxRandomness
        return ((try? SortableID(timestamp: timestamp, randomness: random)) ?? SortableID()).description
    }

    /// Writes `alerts`, keeping those that fail as pending; returns the first error.
    private func write(_ alerts: [Alert]) async -> (any Error)? {
        var firstError: (any Error)?
        for alert in alerts {
            do {
                try await store.store(alert)
                state.withLock { state in
                    if let pending = state.pending[alert.id], pending.revision <= alert.revision,
                        Set(pending.deliveryFailures).isSubset(of: alert.deliveryFailures)
                    {
                        state.pending[alert.id] = nil
                    }
                }
            } catch {
                firstError = firstError ?? error
                state.withLock { state in
                    var kept = alert
                    if let pending = state.pending[alert.id] {
                        if pending.revision > alert.revision { kept = pending }
                        kept.deliveryFailures =
                            pending.deliveryFailures
                            + alert.deliveryFailures.filter { !pending.deliveryFailures.contains($0) }
                    }
                    state.pending[alert.id] = kept
                }
            }
        }
        return firstError
    }

    /// Runs every action on `event` at once; returns their failures, by action name.
    private static func deliver(_ event: AlertEvent, to actions: [AlertAction]) async -> [AlertDeliveryFailure] {
        guard !actions.isEmpty else { return [] }
        let failures = await withTaskGroup(of: AlertDeliveryFailure?.self) { group in
            for action in actions {
                group.addTask {
                    guard let message = await DeliveryRace.run(action, event) else { return nil }
                    return AlertDeliveryFailure(
                        action: action.name, event: event.kind, message: message,
                        timeMilliseconds: Int64(clamping: Platform.wallClockMilliseconds()))
                }
            }
            var failures: [AlertDeliveryFailure] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        return failures.sorted { $0.action < $1.action }
    }
}

/// The engine's mutable state, behind its lock.
struct EngineState: Sendable {
    /// Every series seen (or resumed from the store), by key.
    var series: [MetricKey: SeriesState] = [:]
    /// Alerts whose last write failed, by ID.
    var pending: [String: Alert] = [:]
}
