/// One rule's state for one series inside an ``AlertEngine``: the current streaks, the firing
/// alert and the last resolution time.
struct AlertTracker: Sendable {
    /// Consecutive breaching observations so far.
    var breaches = 0
    /// Consecutive clear observations while firing.
    var clears = 0
    /// The alert firing now, if any.
    var firing: Alert?
    /// When the last alert of this series resolved (for the cooldown).
    var lastResolvedMilliseconds: Int64?

    /// Applies one observation; returns the event it causes, if any.
    mutating func observe(
        _ observation: MetricObservation, rule: AlertRule, newID: (Int64) -> String
    ) -> AlertEvent? {
        let value = observation.value
        let time = observation.timeMilliseconds
        if var alert = firing {
            clears = rule.clears(value) ? clears + 1 : 0
            breaches = rule.breaches(value) ? breaches + 1 : 0
            guard clears >= rule.windowsToClear else { return nil }
            alert.state = .resolved
            alert.resolvedMilliseconds = time
            alert.resolvedValue = value
            alert.resolvedEvidence = observation.evidence
            alert.revision = 2
            firing = nil
            clears = 0
            breaches = 0
            lastResolvedMilliseconds = time
            return AlertEvent(kind: .resolved, alert: alert)
        }
        breaches = rule.breaches(value) ? breaches + 1 : 0
        guard breaches >= rule.windowsToFire else { return nil }
        if let resolved = lastResolvedMilliseconds {
            let (end, overflow) = resolved.addingReportingOverflow(rule.cooldownMilliseconds)
            if !overflow, time < end { return nil }
            if overflow { return nil }
        }
        let alert = Alert(
            id: newID(time), rule: rule, metric: observation.key, value: value, firedMilliseconds: time,
            evidence: observation.evidence)
        firing = alert
        breaches = 0
        clears = 0
        return AlertEvent(kind: .fired, alert: alert)
    }
}
