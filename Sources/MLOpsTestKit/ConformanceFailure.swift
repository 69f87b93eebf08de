/// The error a conformance suite throws when a backend breaks the contract.
///
/// It names the suite and the check that failed (``check``), says what was
/// expected and what the store did (``message``), and keeps the store's own
/// error when one was thrown (``underlying``). When a whole suite runs, the
/// first failure is thrown and the names of any later failed checks are in
/// ``otherFailedChecks``, so one run shows everything a backend gets wrong.
///
/// ```swift
/// do {
///     try await KeyValueStoreConformance { InMemoryKeyValueStore() }.run()
/// } catch let failure as ConformanceFailure {
///     print(failure.check, failure.message)
/// }
/// ```
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// The suite that ran, e.g. `KeyValueStoreConformance`.
    public var suite: String
    /// The name of the failed check, e.g. `casAllOrNothing`.
    public var check: String
    /// What was expected and what happened instead.
    public var message: String
    /// The error the store threw, if the check failed because of one.
    public var underlying: (any Error)?
    /// Where in the suite the expectation was made, as `file:line`.
    public var location: String
    /// Names of further checks that also failed in the same ``KeyValueStoreConformance/run()``.
    public var otherFailedChecks: [String] = []

    /// Creates a failure; suites fill in ``suite`` and ``check`` when they catch it.
    public init(
        suite: String = "",
        check: String = "",
        message: String,
        underlying: (any Error)? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.suite = suite
        self.check = check
        self.message = message
        self.underlying = underlying
        self.location = "\(fileID):\(line)"
    }

    /// Suite, check, message, store error, location and other failed checks, on one line.
    public var description: String {
        var text = "\(suite) check '\(check)' failed: \(message)"
        if let underlying { text += " [store error: \(underlying)]" }
        text += " (\(location))"
        if !otherFailedChecks.isEmpty {
            text += "; other failed checks: \(otherFailedChecks.joined(separator: ", "))"
        }
        return text
    }
}
