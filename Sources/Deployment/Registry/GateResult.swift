/// What one promotion gate decided, as recorded in the audit log.
public struct GateResult: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The gate's name (``PromotionGate/name``).
    public var gate: String
    /// Whether it passed.
    public var passed: Bool
    /// Why, in plain words (the values compared, the incompatibility found, a check's message).
    public var detail: String

    /// Creates a result.
    public init(gate: String, passed: Bool, detail: String) {
        self.gate = gate
        self.passed = passed
        self.detail = detail
    }

    /// `gate: passed|failed (detail)`.
    public var description: String { "\(gate): \(passed ? "passed" : "failed") (\(detail))" }
}
