/// What a person needs to judge an alert: free key/value attributes and, optionally, a whole
/// report as JSON (a drift report, a window's metrics), stored with the alert.
///
/// The engine stores the evidence of the observation that fired an alert and of the one that
/// resolved it. Limits: at most ``maxAttributes`` attributes of at most ``maxAttributeBytes``
/// bytes in all (keys and values), and at most ``maxReportBytes`` bytes of report JSON; the JSON
/// is stored as given, not parsed.
public struct AlertEvidence: Sendable, Hashable, Codable {
    /// The most attributes one piece of evidence may carry.
    public static let maxAttributes = 256
    /// The most UTF-8 bytes all attribute keys and values may have together (64 KiB).
    public static let maxAttributeBytes = 64 << 10
    /// The largest attached report, in UTF-8 bytes (4 MiB).
    public static let maxReportBytes = 4 << 20

    /// Free key/value facts, e.g. `["window": "2026-12-07T10:00Z/1h", "rows": "12000"]`.
    public var attributes: [String: String]
    /// An attached report as JSON text, if any.
    public var reportJSON: String?

    /// Evidence from attributes and an optional report.
    public init(attributes: [String: String] = [:], reportJSON: String? = nil) {
        self.attributes = attributes
        self.reportJSON = reportJSON
    }

    /// Whether there is nothing in it.
    public var isEmpty: Bool { attributes.isEmpty && reportJSON == nil }
}
