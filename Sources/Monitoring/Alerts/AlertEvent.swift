/// A change of an alert, as the engine returns it and delivers it to actions.
public struct AlertEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The alert started firing.
        case fired
        /// The alert resolved.
        case resolved
    }

    /// What happened.
    public var kind: Kind
    /// The alert as stored after the change (for a resolution: with its resolution time,
    /// value and evidence).
    public var alert: Alert

    /// An event.
    public init(kind: Kind, alert: Alert) {
        self.kind = kind
        self.alert = alert
    }
}
