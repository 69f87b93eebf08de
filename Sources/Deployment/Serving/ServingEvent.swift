/// Something that changed what a ``ModelServer`` serves: a deployment, a swap, a traffic change, a
/// rollback, an unload or a failed alias check. Delivered to ``ModelServer/onEvent(_:)`` hooks and
/// kept in ``ModelServer/events()``.
public struct ServingEvent: Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    public enum Kind: String, Sendable, Hashable {
        /// A version was loaded, warmed up and added.
        case deployed
        /// A followed alias moved: new requests go to ``ServingEvent/version``.
        case swapped
        /// The traffic policy was set.
        case trafficChanged = "traffic_changed"
        /// A challenger crossed a rollback threshold; everything goes to ``ServingEvent/version``.
        case rolledBack = "rolled_back"
        /// A version was removed; requests already running on it finish.
        case unloaded
        /// Checking or loading a followed alias failed; the current version keeps serving.
        case followFailed = "follow_failed"
    }

    /// What happened.
    public var kind: Kind
    /// The model's name.
    public var model: String
    /// The version concerned: the one deployed, swapped to, rolled back to or unloaded.
    public var version: Int?
    /// The version traffic moved away from (swaps and rollbacks).
    public var previousVersion: Int?
    /// Why, in words (a rollback's measured error rate or latency, a load error).
    public var message: String
    /// When, on the continuous clock.
    public var time: ContinuousClock.Instant

    /// Creates an event.
    public init(
        kind: Kind, model: String, version: Int? = nil, previousVersion: Int? = nil, message: String = "",
        time: ContinuousClock.Instant = .now
    ) {
        self.kind = kind
        self.model = model
        self.version = version
        self.previousVersion = previousVersion
        self.message = message
        self.time = time
    }

    /// `KIND MODEL vVERSION (from vPREVIOUS): MESSAGE`.
    public var description: String {
        var text = "\(kind.rawValue) \(model)"
        if let version { text += " v\(version)" }
        if let previousVersion { text += " (from v\(previousVersion))" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }
}
