public import MLOpsCore

/// A `BlobWriter` from ``FaultyBlobStore``: chunks and the commit are subject
/// to the plan's ``FaultPlan/Operations/writerWrite`` and
/// ``FaultPlan/Operations/writerCommit`` rules.
///
/// A torn chunk passes a prefix to the wrapped writer and throws; a failed
/// commit leaves the wrapped writer uncommitted (call ``abort()`` to discard
/// it); a commit that fails after applying makes the object visible and still
/// throws.
public final class FaultyBlobWriter: BlobWriter {
    /// The wrapped store's writer.
    public let base: any BlobWriter
    private let key: BlobKey
    private let injector: FaultInjector

    init(base: any BlobWriter, key: BlobKey, injector: FaultInjector) {
        self.base = base
        self.key = key
        self.injector = injector
    }

    /// Appends bytes, or a torn prefix of them and throws, as the plan says.
    public func write(_ bytes: [UInt8]) async throws {
        let decision = injector.decide(.writerWrite, subject: key.rawValue)
        if case .tear(let fraction) = decision.failure, let error = decision.error {
            if decision.delay > .zero { try await Task.sleep(for: decision.delay) }
            try await base.write(Array(bytes.prefix(FaultyBlobStore.tornLength(bytes.count, fraction))))
            throw error
        }
        try await FaultInjector.perform(decision) { try await base.write(bytes) }
    }

    /// Commits the wrapped writer unless a rule fails the commit.
    public func commit() async throws {
        let decision = injector.decide(.writerCommit, subject: key.rawValue)
        try await FaultInjector.perform(decision) { try await base.commit() }
    }

    /// Aborts the wrapped writer (never faulted).
    public func abort() async throws { try await base.abort() }
}
