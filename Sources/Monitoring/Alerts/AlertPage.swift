public import MLOpsCore

/// One page of stored alerts, in firing order (oldest first).
///
/// Pass ``next`` as the `after` cursor of the next call; it is `nil` on the last page.
public struct AlertPage: Sendable {
    /// The alerts of this page.
    public var alerts: [Alert]
    /// Where the next page starts, or `nil` after the last page.
    public var next: RecordCursor?

    /// A page.
    public init(alerts: [Alert], next: RecordCursor?) {
        self.alerts = alerts
        self.next = next
    }
}
