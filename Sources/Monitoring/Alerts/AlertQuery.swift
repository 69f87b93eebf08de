/// Which stored alerts to list: all of them, or those of one rule, one state, or both.
public struct AlertQuery: Sendable, Hashable {
    /// Only alerts of this rule, if set.
    public var rule: String?
    /// Only alerts in this state, if set.
    public var state: AlertState?

    /// A query; with no arguments, every alert.
    public init(rule: String? = nil, state: AlertState? = nil) {
        self.rule = rule
        self.state = state
    }
}
