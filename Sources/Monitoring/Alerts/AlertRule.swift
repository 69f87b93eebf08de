import MLOpsCore

/// When to raise an alert on a monitored value: a comparison with a threshold that must hold for
/// N consecutive windows, a separate clear threshold (hysteresis), a cooldown and a severity.
///
/// A rule watches every series of its ``metric`` whose labels include ``labels`` (an empty
/// `labels` matches every series of the metric), and keeps one alert per series: a rule on
/// `column_psi` fires separately for `column_psi{column="x0"}` and `column_psi{column="x1"}`.
///
/// The life of one series' alert, one observation (window) at a time:
/// - **Fire** when the value breaches the threshold (``AlertComparison/holds(_:_:)``) in
///   ``windowsToFire`` consecutive observations — and the series' last alert resolved at least
///   ``cooldown`` ago (observation times). A streak reached during the cooldown fires at the
///   first breaching observation after it.
/// - **Resolve** when the value is on the safe side of ``clearThreshold`` (the comparison no
///   longer holds against it) in ``windowsToClear`` consecutive observations. With
///   `clearThreshold` below the threshold of an upward rule (above it for a downward one),
///   values between the two neither fire nor clear: that is the hysteresis.
/// - NaN breaks both streaks and changes nothing else.
///
/// Rules are validated when created (also when decoded from JSON, where the cooldown is
/// `cooldownSeconds`) and again when an ``AlertEngine`` takes them, since a rule's properties
/// may be changed after.
public struct AlertRule: Sendable, Hashable, Codable {
    /// The longest rule name, in bytes.
    public static let maxNameLength = 100

    /// The rule's unique name, e.g. `psi_high`: 1 to ``maxNameLength`` characters from
    /// `a-z A-Z 0-9 _ - . :`.
    public var name: String
    /// The metric name it watches.
    public var metric: String
    /// Labels a series must have (with these values) to be watched.
    public var labels: [String: String]
    /// How values are compared with the thresholds.
    public var comparison: AlertComparison
    /// The firing threshold; finite.
    public var threshold: Double
    /// The clearing threshold; finite, and not beyond ``threshold`` in the firing direction.
    public var clearThreshold: Double
    /// Consecutive breaching observations needed to fire; at least 1.
    public var windowsToFire: Int
    /// Consecutive clear observations needed to resolve; at least 1.
    public var windowsToClear: Int
    /// How long after a series' alert resolved the rule will not fire again for that series.
    public var cooldown: Duration
    /// How urgent its alerts are.
    public var severity: AlertSeverity
    /// A human sentence for reports and messages; may be empty.
    public var summary: String

    /// A rule, validated.
    ///
    /// - Parameters:
    ///   - name: The rule's unique name.
    ///   - metric: The metric name it watches, e.g. `column_psi`.
    ///   - labels: Labels a series must have to be watched; empty for every series.
    ///   - comparison: How values are compared with the thresholds.
    ///   - threshold: The firing threshold.
    ///   - clearThreshold: The clearing threshold; `nil` for the firing threshold (no hysteresis).
    ///   - windowsToFire: Consecutive breaching observations needed to fire.
    ///   - windowsToClear: Consecutive clear observations needed to resolve.
    ///   - cooldown: Quiet time after a resolution.
    ///   - severity: How urgent its alerts are.
    ///   - summary: A human sentence for reports and messages.
    /// - Throws: `MLOpsError` `invalidArgument` naming the bad setting (see ``validate()``).
    public init(
        name: String, metric: String, labels: [String: String] = [:], comparison: AlertComparison,
        threshold: Double, clearThreshold: Double? = nil, windowsToFire: Int = 1, windowsToClear: Int = 1,
        cooldown: Duration = .zero, severity: AlertSeverity = .warning, summary: String = ""
    ) throws {
        self.name = name
        self.metric = metric
        self.labels = labels
        self.comparison = comparison
        self.threshold = threshold
        self.clearThreshold = clearThreshold ?? threshold
        self.windowsToFire = windowsToFire
        self.windowsToClear = windowsToClear
        self.cooldown = cooldown
        self.severity = severity
        self.summary = summary
        try validate()
    }

    /// Checks every setting.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a bad name or metric name, a non-finite
    ///   threshold or clear threshold, a clear threshold beyond the threshold in the firing
    ///   direction, `windowsToFire` or `windowsToClear` below 1, or a negative cooldown or one
    ///   longer than 100 years.
    public func validate() throws {
        let nameBytes = name.utf8
        let allowed = nameBytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
        }
        guard (1...Self.maxNameLength).contains(nameBytes.count), allowed else {
            throw MLOpsError(
                .invalidArgument,
                "an alert rule name has 1 to \(Self.maxNameLength) characters from a-z A-Z 0-9 _ - . :", value: name)
        }
        _ = try MetricKey(metric, labels: labels)
        guard threshold.isFinite else {
            throw MLOpsError(
                .invalidArgument, "the threshold of alert rule '\(name)' must be a finite number",
                value: String(threshold))
        }
        guard clearThreshold.isFinite else {
            throw MLOpsError(
                .invalidArgument, "the clear threshold of alert rule '\(name)' must be a finite number",
                value: String(clearThreshold))
        }
        let beyond = comparison.isUpward ? clearThreshold > threshold : clearThreshold < threshold
        guard !beyond else {
            throw MLOpsError(
                .invalidArgument,
                "the clear threshold of alert rule '\(name)' must not be "
                    + (comparison.isUpward ? "above" : "below") + " its threshold \(threshold)",
                value: String(clearThreshold))
        }
        guard windowsToFire >= 1 else {
            throw MLOpsError(
                .invalidArgument, "alert rule '\(name)' needs at least 1 window to fire", value: String(windowsToFire))
        }
        guard windowsToClear >= 1 else {
            throw MLOpsError(
                .invalidArgument, "alert rule '\(name)' needs at least 1 window to clear", value: String(windowsToClear)
            )
        }
        guard cooldown >= .zero, cooldown <= .seconds(100 * 366 * 86_400) else {
            throw MLOpsError(
                .invalidArgument, "the cooldown of alert rule '\(name)' must be between 0 and 100 years",
                value: String(describing: cooldown))
        }
    }

    private enum CodingKeys: String, CodingKey {
        case name, metric, labels, comparison, threshold, clearThreshold, windowsToFire, windowsToClear
        case cooldownSeconds, severity, summary
    }

    /// Decodes a rule — `name`, `metric`, `comparison` (`>`, `>=`, `<`, `<=`) and `threshold`
    /// required; `labels`, `clearThreshold`, `windowsToFire`, `windowsToClear`,
    /// `cooldownSeconds`, `severity` and `summary` optional with the initializer's defaults —
    /// and validates it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let cooldownSeconds = try container.decodeIfPresent(Double.self, forKey: .cooldownSeconds) ?? 0
        guard cooldownSeconds.isFinite, cooldownSeconds >= 0, cooldownSeconds <= 100 * 366 * 86_400 else {
            throw MLOpsError(
                .invalidArgument, "an alert rule's cooldownSeconds must be between 0 and 100 years",
                value: String(cooldownSeconds))
        }
        try self.init(
            name: try container.decode(String.self, forKey: .name),
            metric: try container.decode(String.self, forKey: .metric),
            labels: try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:],
            comparison: try container.decode(AlertComparison.self, forKey: .comparison),
            threshold: try container.decode(Double.self, forKey: .threshold),
            clearThreshold: try container.decodeIfPresent(Double.self, forKey: .clearThreshold),
            windowsToFire: try container.decodeIfPresent(Int.self, forKey: .windowsToFire) ?? 1,
            windowsToClear: try container.decodeIfPresent(Int.self, forKey: .windowsToClear) ?? 1,
            cooldown: .milliseconds(Int64((cooldownSeconds * 1_000).rounded())),
            severity: try container.decodeIfPresent(AlertSeverity.self, forKey: .severity) ?? .warning,
            summary: try container.decodeIfPresent(String.self, forKey: .summary) ?? "")
    }

    /// Encodes the rule with the cooldown as `cooldownSeconds`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(metric, forKey: .metric)
        try container.encode(labels, forKey: .labels)
        try container.encode(comparison, forKey: .comparison)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(clearThreshold, forKey: .clearThreshold)
        try container.encode(windowsToFire, forKey: .windowsToFire)
        try container.encode(windowsToClear, forKey: .windowsToClear)
        try container.encode(Double(cooldownMilliseconds) / 1_000, forKey: .cooldownSeconds)
        try container.encode(severity, forKey: .severity)
        try container.encode(summary, forKey: .summary)
    }

    /// Whether the rule watches the series `key`.
    public func matches(_ key: MetricKey) -> Bool {
        key.name == metric && labels.allSatisfy { key.labels[$0.key] == $0.value }
    }

    /// Whether `value` breaches the firing threshold.
    public func breaches(_ value: Double) -> Bool { comparison.holds(value, threshold) }

    /// Whether `value` is on the safe side of the clear threshold (never for NaN).
    public func clears(_ value: Double) -> Bool { !value.isNaN && !comparison.holds(value, clearThreshold) }

    /// The cooldown in whole milliseconds.
    var cooldownMilliseconds: Int64 {
        let parts = cooldown.components
        return parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
