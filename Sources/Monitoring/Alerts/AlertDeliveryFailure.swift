/// An action that failed to deliver an alert event: it threw, or did not finish in time.
///
/// Failures are stored with the alert; the alert itself is stored before any action runs, so a
/// failing action never loses it.
public struct AlertDeliveryFailure: Sendable, Hashable, Codable {
    /// The action's name.
    public var action: String
    /// The event it failed to deliver.
    public var event: AlertEvent.Kind
    /// What went wrong: the error's description, or that it timed out.
    public var message: String
    /// When the delivery was given up, in milliseconds since 1970 (UTC).
    public var timeMilliseconds: Int64

    /// A failure record.
    public init(action: String, event: AlertEvent.Kind, message: String, timeMilliseconds: Int64) {
        self.action = action
        self.event = event
        self.message = message
        self.timeMilliseconds = timeMilliseconds
    }
}
