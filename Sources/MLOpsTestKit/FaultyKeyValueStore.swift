public import MLOpsCore

/// A `KeyValueStore` that forwards to another and injects faults by a ``FaultPlan``.
///
/// Use it to prove that code above a store survives failed, slow or
/// half-acknowledged commits:
///
/// ```swift
/// let faulty = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failWrites(after: 10))
/// let tracker = ExperimentTracker(metadata: faulty, artifacts: InMemoryBlobStore())
/// // … the 11th commit onwards throws MLOpsError(.injectedFault, …)
/// ```
///
/// What a caller must know:
/// - A ``FaultPlan/Effect/fail`` commit never reaches the wrapped store, so it
///   changes nothing. A ``FaultPlan/Effect/failAfterApplying`` commit is
///   applied in full and then reported as failed. ``FaultPlan/Effect/tear(keepingFraction:)``
///   acts as `fail` here: a key-value commit is all-or-nothing.
/// - Counting is per wrapper and thread-safe; ``operationCount(_:)`` and
///   ``injectedFaultCount`` tell how many operations ran and how many faults fired.
public final class FaultyKeyValueStore: KeyValueStore {
    /// The store every operation is forwarded to.
    public let base: any KeyValueStore
    private let injector: FaultInjector

    /// Wraps `base`, injecting faults by `plan`.
    public init(wrapping base: any KeyValueStore, plan: FaultPlan = .none) {
        self.base = base
        self.injector = FaultInjector(plan: plan)
    }

    /// The plan in force.
    public var plan: FaultPlan { injector.plan }

    /// Replaces the plan; its rules count from zero again. Statistics are kept.
    public func setPlan(_ plan: FaultPlan) { injector.setPlan(plan) }

    /// How many faults (failures, not delays) have been injected.
    public var injectedFaultCount: Int { injector.injectedFaultCount }

    /// How many operations of the given kinds were attempted, faulted or not.
    public func operationCount(_ operations: FaultPlan.Operations = .all) -> Int {
        injector.operationCount(operations)
    }

    /// Reads through the wrapped store unless a rule fails the read.
    public func get(_ key: [UInt8]) async throws -> KeyValueEntry? {
        let decision = injector.decide(.get, subject: describeBytes(key))
        return try await FaultInjector.perform(decision) { try await base.get(key) }
    }

    /// Scans through the wrapped store unless a rule fails the scan.
    public func scan(_ request: KeyScan) async throws -> [KeyValueEntry] {
        let decision = injector.decide(.scan, subject: describeBytes(request.range.lowerBound))
        return try await FaultInjector.perform(decision) { try await base.scan(request) }
    }

    /// Commits through the wrapped store unless a rule fails the commit (before or after applying it).
    @discardableResult
    public func commit(_ transaction: KeyValueTransaction) async throws -> UInt64 {
        let decision = injector.decide(
            .commit, subject: "\(transaction.checks.count) checks, \(transaction.writes.count) writes")
        return try await FaultInjector.perform(decision) { try await base.commit(transaction) }
    }
}
