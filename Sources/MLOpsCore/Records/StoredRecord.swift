/// A typed, versioned record that a module keeps on a ``KeyValueStore`` through a ``RecordStore``.
///
/// A record type names itself (``recordType``), says which schema version the code writes
/// (``schemaVersion``), has a primary key (``recordID``) and, optionally, secondary indexes
/// (``indexes``) that the record store keeps in the same transaction as the record.
///
/// ```swift
/// struct DatasetRecord: StoredRecord {
///     static let recordType = "dataset"
///     static let schemaVersion = 2
///     static let indexes = [RecordIndex<DatasetRecord>("name", unique: true) { $0.name }]
///     var id: String
///     var name: String
///     var recordID: String { id }
/// }
/// ```
///
/// What a conforming type must know:
/// - ``recordType`` and index names are part of the stored layout: never rename them; add a
///   new type and a ``RecordMigration`` instead.
/// - Records are stored as JSON with sorted keys. A record written with an older
///   ``schemaVersion`` is decoded by ``decode(from:schemaVersion:)``, which by default decodes
///   the JSON as it is (added optional properties read as `nil`); a record written with a newer
///   version is refused with ``MLOpsError/Code/unsupported``. Rewrite old records in a migration
///   when their shape changes incompatibly.
/// - ``recordID`` must be non-empty and at most ``RecordStore/maxIDLength`` bytes of UTF-8.
public protocol StoredRecord: Codable, Sendable {
    /// The record type's stable name within its namespace, e.g. `"experiment"`.
    static var recordType: String { get }
    /// The schema version this code writes; 1 unless overridden.
    static var schemaVersion: Int { get }
    /// The secondary indexes kept for this type; none unless overridden.
    static var indexes: [RecordIndex<Self>] { get }
    /// The record's primary key within its type.
    var recordID: String { get }
    /// Decodes a record stored with `schemaVersion` (at most ``schemaVersion``) from its JSON.
    ///
    /// The default decodes the JSON as `Self`. Override it to read older shapes.
    static func decode(from json: [UInt8], schemaVersion: Int) throws -> Self
}

extension StoredRecord {
    /// Version 1.
    public static var schemaVersion: Int { 1 }
    /// No indexes.
    public static var indexes: [RecordIndex<Self>] { [] }
    /// Decodes the JSON as `Self`, whatever the stored schema version.
    public static func decode(from json: [UInt8], schemaVersion: Int) throws -> Self {
        try RecordCoding.decode(Self.self, from: json)
    }
}
