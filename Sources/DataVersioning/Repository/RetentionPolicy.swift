/// How much of a ref's history garbage collection keeps: the newest commits along its first
/// parents, by count and by age. The ref's own commit is always kept.
///
/// A commit is kept if either limit keeps it; a policy with neither limit keeps all history (the
/// default for every ref).
public struct RetentionPolicy: Sendable, Hashable, Codable {
    /// Keep at least this many commits (the ref's commit and its first-parent ancestors).
    public var keepCommits: Int?
    /// Keep commits made at most this many milliseconds before the collection.
    public var keepMilliseconds: UInt64?

    /// A policy; `nil` limits keep nothing beyond the other limit.
    public init(keepCommits: Int? = nil, keepMilliseconds: UInt64? = nil) {
        self.keepCommits = keepCommits
        self.keepMilliseconds = keepMilliseconds
    }

    /// Keep all history.
    public static let all = RetentionPolicy()

    /// Whether the policy keeps all history.
    public var keepsAll: Bool { keepCommits == nil && keepMilliseconds == nil }
}
