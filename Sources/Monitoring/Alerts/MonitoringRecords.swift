import MLOpsCore

// The records of the `monitoring` namespace. An alert is stored under its SortableID, so a
// listing is in firing order; a series record — one per rule and series that ever alerted —
// remembers the firing alert and the last resolution, so an engine opened after a restart
// resumes where the last one stopped (firing alerts stay firing, cooldowns still hold).

/// One alert.
struct AlertRecord: StoredRecord {
    static let recordType = "alert"
    static let indexes: [RecordIndex<AlertRecord>] = [
        RecordIndex("state") { $0.alert.state.rawValue },
        RecordIndex("rule") { $0.alert.rule },
        RecordIndex("rule_state") { $0.alert.rule + "/" + $0.alert.state.rawValue },
    ]
    var alert: Alert
    var recordID: String { alert.id }
}

/// What an engine must remember of one rule's series across restarts.
struct AlertSeriesRecord: StoredRecord {
    static let recordType = "series"
    var rule: String
    var metric: MetricKey
    /// The alert firing now, if any.
    var firingAlertID: String?
    /// When the series' newest resolved alert resolved.
    var lastResolvedMilliseconds: Int64?
    var recordID: String { Self.id(rule: rule, metric: metric) }

    static func id(rule: String, metric: MetricKey) -> String { rule + "/" + metric.description }
}
