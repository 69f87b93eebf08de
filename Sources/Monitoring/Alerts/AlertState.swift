/// Whether a stored alert is still firing.
public enum AlertState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The rule's condition held for enough windows and has not cleared since.
    case firing
    /// The condition cleared (past the clear threshold for enough windows).
    case resolved

    /// The stable name: `firing` or `resolved`.
    public var description: String { rawValue }
}
