/// A record as read from a ``RecordStore``, with the version its key had.
///
/// Pass ``version`` back to ``RecordStore/update(_:expectedVersion:)`` or
/// ``RecordStore/delete(_:id:expectedVersion:)`` for a compare-and-swap: the write succeeds only
/// if nobody changed the record since it was read.
public struct VersionedRecord<Record: StoredRecord>: Sendable {
    /// The decoded record.
    public var record: Record
    /// The store's version of the record's key when it was read.
    public var version: UInt64

    /// Pairs a record with its version.
    public init(record: Record, version: UInt64) {
        self.record = record
        self.version = version
    }
}
