/// How urgent an alert is, ordered `info` < `warning` < `critical`.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Worth a look.
    case info
    /// Needs attention soon.
    case warning
    /// Needs attention now.
    case critical

    /// Orders by urgency.
    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }

    /// The stable name: `info`, `warning` or `critical`.
    public var description: String { rawValue }
}
