public import MLOpsCore

extension MLOpsError.Code {
    /// A promotion's gates did not all pass: the alias was not moved. The error's message lists
    /// every failed gate with its detail, its value names them; the audit log holds the result
    /// of every gate (a `RegistryEvent` of kind `promotion`).
    ///
    /// A separate code rather than `invalidState`, so that a caller can tell "the challenger is
    /// not good enough" from "the registry is in a state that forbids this".
    public static let promotionBlocked = MLOpsError.Code(rawValue: "promotion_blocked")
}

extension MLOpsError {
    /// An error with code ``MLOpsError/Code/promotionBlocked``, to match with `catch` or `#expect(throws:)`.
    public static var promotionBlocked: MLOpsError { MLOpsError(.promotionBlocked, "") }
}
