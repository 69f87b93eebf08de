/// One metric measurement: a key, a value, the step it belongs to, and when
/// it was taken.
///
/// Values are stored and returned bit for bit, so NaN and ±infinity survive a
/// round trip (MLflow's rule). Two metrics compare equal when their values
/// have the same bits, so a NaN point equals itself.
public struct Metric: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The metric's name; see ``TrackingLimits`` for the rules.
    public var key: String
    /// The measured value; any `Double`, including NaN and ±infinity.
    public var value: Double
    /// The training step (MLflow's default is 0).
    public var step: Int64
    /// Milliseconds since 1970-01-01 UTC.
    public var timestamp: Int64

    /// Creates a measurement.
    public init(key: String, value: Double, step: Int64 = 0, timestamp: Int64) {
        self.key = key
        self.value = value
        self.step = step
        self.timestamp = timestamp
    }

    /// Equal keys, steps, timestamps and value bit patterns (so NaN equals NaN).
    public static func == (lhs: Metric, rhs: Metric) -> Bool {
        lhs.key == rhs.key && lhs.value.bitPattern == rhs.value.bitPattern && lhs.step == rhs.step
            && lhs.timestamp == rhs.timestamp
    }

    /// Hashes what ``==(_:_:)`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(value.bitPattern)
        hasher.combine(step)
        hasher.combine(timestamp)
    }

    /// `key=value @ step s, t ms`.
    public var description: String { "\(key)=\(value) @ step \(step), \(timestamp) ms" }

    /// Whether `self` supersedes `other` as a run's latest value: a higher
    /// step, or the same step and a timestamp at least as late.
    func isLatest(comparedTo other: Metric) -> Bool {
        step != other.step ? step > other.step : timestamp >= other.timestamp
    }
}
