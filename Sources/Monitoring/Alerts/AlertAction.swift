/// Something the host wants done when an alert fires or resolves: page someone, post to a
/// chat, write a log line.
///
/// The engine runs every action for every event after the alert is stored, all actions at once.
/// An action that throws, or runs longer than ``timeout``, is recorded as an
/// ``AlertDeliveryFailure`` on the stored alert; a timed-out action is cancelled and left to
/// finish on its own — the engine does not wait for it. Actions are not retried.
public struct AlertAction: Sendable {
    /// A name for failure records, e.g. `pager`.
    public var name: String
    /// How long the engine waits for one delivery.
    public var timeout: Duration
    /// Delivers one event.
    public var deliver: @Sendable (AlertEvent) async throws -> Void

    /// An action.
    ///
    /// - Parameters:
    ///   - name: A name for failure records.
    ///   - timeout: How long the engine waits for one delivery (default 10 s).
    ///   - deliver: The closure that delivers an event.
    public init(
        _ name: String, timeout: Duration = .seconds(10), deliver: @escaping @Sendable (AlertEvent) async throws -> Void
    ) {
        self.name = name
        self.timeout = timeout
        self.deliver = deliver
    }
}
