public import MLOpsCore

/// A `BlobStore` that forwards to another and injects faults by a ``FaultPlan``.
///
/// Besides failing and delaying operations it can *tear* a write
/// (``FaultPlan/Effect/tear(keepingFraction:)``): the wrapped store receives a
/// prefix of the bytes through a writer that is then abandoned — neither
/// committed nor aborted, as when a process dies — and the caller gets
/// `injectedFault`. A correct store shows nothing of a torn object.
///
/// ```swift
/// let blobs = FaultyBlobStore(wrapping: try FileBlobStore(root: dir), plan: .tearNthBlobWrite(1))
/// try? await blobs.put(key, data: bytes)         // throws injectedFault
/// let visible = try await blobs.base.exists(key)  // false: nothing partial is visible
/// ```
///
/// Readers and writers returned by the wrapper are wrapped too, so
/// ``FaultPlan/Operations/readerRead``, ``FaultPlan/Operations/writerWrite``
/// and ``FaultPlan/Operations/writerCommit`` rules apply to them.
public final class FaultyBlobStore: BlobStore {
    /// The store every operation is forwarded to.
    public let base: any BlobStore
    let injector: FaultInjector

    /// Wraps `base`, injecting faults by `plan`.
    public init(wrapping base: any BlobStore, plan: FaultPlan = .none) {
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

    /// Puts through the wrapped store; a tear rule hands it a prefix through an abandoned writer.
    public func put(_ key: BlobKey, data: [UInt8]) async throws {
        let decision = injector.decide(.put, subject: key.rawValue)
        if case .tear(let fraction) = decision.failure, let error = decision.error {
            if decision.delay > .zero { try await Task.sleep(for: decision.delay) }
            let writer = try await base.openWriter(key)
            try await writer.write(Array(data.prefix(Self.tornLength(data.count, fraction))))
            // Abandoned on purpose: neither committed nor aborted, as if the process had died.
            throw error
        }
        try await FaultInjector.perform(decision) { try await base.put(key, data: data) }
    }

    /// Reads through the wrapped store unless a rule fails the read.
    public func get(_ key: BlobKey) async throws -> [UInt8] {
        let decision = injector.decide(.get, subject: key.rawValue)
        return try await FaultInjector.perform(decision) { try await base.get(key) }
    }

    /// Asks the wrapped store unless a rule fails the call.
    public func exists(_ key: BlobKey) async throws -> Bool {
        let decision = injector.decide(.exists, subject: key.rawValue)
        return try await FaultInjector.perform(decision) { try await base.exists(key) }
    }

    /// Lists through the wrapped store unless a rule fails the call.
    public func list(prefix: String) async throws -> [BlobKey] {
        let decision = injector.decide(.list, subject: prefix)
        return try await FaultInjector.perform(decision) { try await base.list(prefix: prefix) }
    }

    /// Lists a page through the wrapped store unless a rule fails the call (a ``FaultPlan/Operations/list`` rule).
    public func list(prefix: String, after cursor: BlobKey?, limit: Int) async throws -> BlobListPage {
        let decision = injector.decide(.list, subject: prefix)
        return try await FaultInjector.perform(decision) {
            try await base.list(prefix: prefix, after: cursor, limit: limit)
        }
    }

    /// Deletes through the wrapped store unless a rule fails the delete (before or after applying it).
    public func delete(_ key: BlobKey) async throws {
        let decision = injector.decide(.delete, subject: key.rawValue)
        try await FaultInjector.perform(decision) { try await base.delete(key) }
    }

    /// Opens a reader on the wrapped store, wrapped so that read rules apply to its chunks.
    public func openReader(_ key: BlobKey) async throws -> any BlobReader {
        let decision = injector.decide(.openReader, subject: key.rawValue)
        let reader = try await FaultInjector.perform(decision) { try await base.openReader(key) }
        return FaultyBlobReader(base: reader, key: key, injector: injector)
    }

    /// Opens a writer on the wrapped store, wrapped so that write and commit rules apply.
    public func openWriter(_ key: BlobKey) async throws -> any BlobWriter {
        let decision = injector.decide(.openWriter, subject: key.rawValue)
        let writer = try await FaultInjector.perform(decision) { try await base.openWriter(key) }
        return FaultyBlobWriter(base: writer, key: key, injector: injector)
    }

    /// The bytes a tear keeps: `fraction` of `count`, clamped to `0..<count` so
    /// that a torn write is always incomplete (empty objects tear to nothing).
    static func tornLength(_ count: Int, _ fraction: Double) -> Int {
        guard count > 0, fraction.isFinite else { return 0 }
        return Swift.min(count - 1, Swift.max(0, Int(Double(count) * fraction)))
    }
}
