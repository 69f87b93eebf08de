/// How an alert rule compares a value with its threshold.
///
/// A value *breaches* a rule when the comparison holds against the rule's threshold. NaN never
/// breaches (every comparison with NaN is false).
public enum AlertComparison: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Breaches when value > threshold.
    case above = ">"
    /// Breaches when value ≥ threshold.
    case atOrAbove = ">="
    /// Breaches when value < threshold.
    case below = "<"
    /// Breaches when value ≤ threshold.
    case atOrBelow = "<="

    /// Whether `value` compared with `threshold` holds.
    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .above: value > threshold
        case .atOrAbove: value >= threshold
        case .below: value < threshold
        case .atOrBelow: value <= threshold
        }
    }

    /// Whether the rule fires on high values (`>`, `>=`).
    public var isUpward: Bool { self == .above || self == .atOrAbove }

    /// The operator: `>`, `>=`, `<` or `<=`.
    public var description: String { rawValue }
}
