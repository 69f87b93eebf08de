public import MLOpsCore

/// A `BlobReader` from ``FaultyBlobStore``: each read is subject to the plan's
/// ``FaultPlan/Operations/readerRead`` rules.
public final class FaultyBlobReader: BlobReader {
    /// The wrapped store's reader.
    public let base: any BlobReader
    private let key: BlobKey
    private let injector: FaultInjector

    init(base: any BlobReader, key: BlobKey, injector: FaultInjector) {
        self.base = base
        self.key = key
        self.injector = injector
    }

    /// The object's size, as the wrapped reader reports it.
    public var size: Int { base.size }

    /// Reads through the wrapped reader unless a rule fails this read.
    public func read(upTo maxLength: Int) async throws -> [UInt8] {
        let decision = injector.decide(.readerRead, subject: key.rawValue)
        return try await FaultInjector.perform(decision) { try await base.read(upTo: maxLength) }
    }

    /// Closes the wrapped reader (never faulted).
    public func close() async throws { try await base.close() }
}
