/// What an ``AlertEngine`` keeps for one series: its latest value and, for each rule watching
/// it, that rule's tracker.
struct SeriesState: Sendable {
    /// One rule (by position in the engine's rules) and its state for this series.
    struct RuleTracker: Sendable {
        var rule: Int
        var tracker: AlertTracker
    }

    /// The latest observation's value and time; `nil` for a series only resumed from the store.
    var latest: (value: Double, timeMilliseconds: Int64)?
    /// The trackers of the rules watching the series, in rule order.
    var trackers: [RuleTracker]

    /// A new series' state: no value yet, a fresh tracker for every rule that watches `key`.
    init(_ key: MetricKey, rules: [AlertRule]) {
        trackers = rules.indices.filter { rules[$0].matches(key) }.map {
            RuleTracker(rule: $0, tracker: AlertTracker())
        }
    }

    /// Records `observation` and applies it to every tracker; returns the events it caused.
    mutating func observe(_ observation: MetricObservation, rules: [AlertRule]) -> [AlertEvent] {
        latest = (observation.value, observation.timeMilliseconds)
        var events: [AlertEvent] = []
        for index in trackers.indices {
            let rule = rules[trackers[index].rule]
            if let event = trackers[index].tracker.observe(observation, rule: rule, newID: AlertEngine.newID) {
                events.append(event)
            }
        }
        return events
    }
}
