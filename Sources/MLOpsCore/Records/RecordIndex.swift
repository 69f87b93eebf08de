/// A secondary index of a ``StoredRecord`` type: the values a record is found by, besides its ID.
///
/// The ``RecordStore`` writes a record's index entries in the same transaction as the record,
/// so an index never disagrees with the records it points at, even across a crash. An index
/// may give a record several values (a tag list), or none (an optional field left empty).
///
/// ```swift
/// struct Dataset: StoredRecord {
///     static let recordType = "dataset"
///     static let indexes = [
///         RecordIndex<Dataset>("name", unique: true) { $0.name },  // one value per record
///         RecordIndex<Dataset>("tag") { $0.tags },  // several values per record (or none)
///     ]
///     var id: String
///     var name: String
///     var tags: [String]
///     var recordID: String { id }
/// }
/// ```
///
/// What a caller must know:
/// - A **unique** index refuses a second record with the same value: the write throws
///   ``MLOpsError/Code/conflict`` naming the index, the value and the record that holds it.
/// - Values are compared as exact strings (no case folding); keep them under
///   ``RecordStore/maxIndexValueLength`` bytes of UTF-8 or the write throws `limitExceeded`.
/// - `values` must be a pure function of the record: the store computes it again to remove
///   old entries when a record changes.
public struct RecordIndex<Record: StoredRecord>: Sendable {
    /// The index's stable name within its record type.
    public let name: String
    /// Whether two records may share a value.
    public let isUnique: Bool
    let values: @Sendable (Record) -> [String]

    /// An index with any number of values per record.
    public init(_ name: String, unique: Bool = false, values: @escaping @Sendable (Record) -> [String]) {
        self.name = name
        self.isUnique = unique
        self.values = values
    }

    /// An index with at most one value per record (`nil`: the record is not indexed).
    public init(_ name: String, unique: Bool = false, value: @escaping @Sendable (Record) -> String?) {
        self.init(name, unique: unique, values: { record in value(record).map { [$0] } ?? [] })
    }

    /// The record's distinct values in this index, in a stable order.
    func distinctValues(of record: Record) -> [String] {
        var seen = Set<String>()
        return values(record).filter { seen.insert($0).inserted }
    }
}
