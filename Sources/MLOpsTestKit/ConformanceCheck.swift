/// One named check of a conformance suite, runnable on its own.
///
/// Suites expose their checks as a list so that a failure is easy to locate
/// and a host can run them one by one, e.g. as the arguments of a
/// parameterised test:
///
/// ```swift
/// @Test(arguments: KeyValueStoreConformance.checkNames)
/// func conformance(_ name: String) async throws {
///     try await KeyValueStoreConformance { InMemoryKeyValueStore() }.run(checkNamed: name)
/// }
/// ```
public struct ConformanceCheck<Store: Sendable>: Sendable, CustomStringConvertible {
    /// The check's stable name, e.g. `byteOrdering`.
    public let name: String
    /// What the check verifies, in one sentence.
    public let summary: String
    let body: @Sendable (Store) async throws -> Void

    /// Creates a check. `body` throws ``ConformanceFailure`` (or any error) when
    /// the store breaks the contract.
    public init(name: String, summary: String, body: @escaping @Sendable (Store) async throws -> Void) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    /// The check's name.
    public var description: String { name }
}
