#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Typed records on any ``KeyValueStore``, encoded as JSON.
///
/// JSON keeps records readable with `sqlite3` and tolerant of added fields;
/// modules that need compact hot-path records encode bytes themselves.
extension KeyValueStore {
    /// Reads and decodes the record under `key`, or `nil` if absent.
    ///
    /// - Throws: ``MLOpsError`` `corruptData` if the stored bytes do not decode as `T`.
    public func record<T: Decodable>(_ type: T.Type, at key: [UInt8]) async throws -> T? {
        guard let entry = try await get(key) else { return nil }
        return try RecordCoding.decode(type, from: entry.value, key: key)
    }

    /// Encodes and stores `record` under `key`, unconditionally.
    public func putRecord<T: Encodable>(_ record: T, at key: [UInt8]) async throws {
        var tx = KeyValueTransaction()
        tx.put(key, try RecordCoding.encode(record))
        try await commit(tx)
    }

    /// Stores `value` under `key` unconditionally (a one-write transaction).
    public func put(_ key: [UInt8], _ value: [UInt8]) async throws {
        try await commit(KeyValueTransaction(writes: [.put(key, value)]))
    }

    /// Deletes `key` unconditionally (a one-write transaction).
    public func delete(_ key: [UInt8]) async throws {
        try await commit(KeyValueTransaction(writes: [.delete(key)]))
    }
}

/// The JSON encoding used for records on a ``KeyValueStore``.
public enum RecordCoding {
    /// Encodes a record (sorted keys, so equal records are equal bytes).
    public static func encode<T: Encodable>(_ record: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return Array(try encoder.encode(record))
        } catch {
            throw MLOpsError(.invalidArgument, "record of type \(T.self) cannot be encoded: \(error)")
        }
    }

    /// Decodes a record, naming the key in the error if it does not decode.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], key: [UInt8] = []) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch {
            guard !key.isEmpty else {
                throw MLOpsError(.corruptData, "the record does not decode as \(T.self): \(error)", cause: error)
            }
            let described = StorageKey.describe(key)
            throw MLOpsError(
                .corruptData,
                "corrupt record at \(described): it does not decode as \(T.self): \(error)",
                value: described, cause: error
            )
        }
    }
}
