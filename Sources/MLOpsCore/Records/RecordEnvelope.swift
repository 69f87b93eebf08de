/// The bytes of one stored record: a format byte, the schema version, then the record's JSON.
///
/// ```
/// 0xB1 | schema version (UInt32, big-endian) | JSON (sorted keys)
/// ```
enum RecordEnvelope {
    /// The format byte of envelope format 1.
    static let format: UInt8 = 0xB1
    static let headerSize = 5

    /// Encodes `record` with its type's schema version.
    static func encode<Record: StoredRecord>(_ record: Record) throws -> [UInt8] {
        let json = try RecordCoding.encode(record)
        let version = UInt32(clamping: Record.schemaVersion)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + json.count)
        bytes.append(format)
        withUnsafeBytes(of: version.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        return bytes
    }

    /// Decodes the record stored under `key`.
    ///
    /// - Throws: ``MLOpsError`` `corruptData` ("corrupt record at KEY: …") for bytes that are not
    ///   an envelope or do not decode, `unsupported` for a newer schema version.
    static func decode<Record: StoredRecord>(_ type: Record.Type, from bytes: [UInt8], key: [UInt8]) throws -> Record {
        guard bytes.count >= headerSize, bytes[0] == format else {
            let found = bytes.isEmpty ? "it is empty" : "its first byte is \(bytes[0]), not a record envelope"
            throw corrupt(key, found)
        }
        var version: UInt32 = 0
        for index in 1..<headerSize { version = version << 8 | UInt32(bytes[index]) }
        guard version >= 1 else { throw corrupt(key, "its schema version is 0") }
        guard Int(version) <= Record.schemaVersion else {
            throw MLOpsError(
                .unsupported,
                "the \(Record.recordType) record at \(StorageKey.describe(key)) has schema version \(version); "
                    + "this version of swift-mlops reads up to \(Record.schemaVersion)",
                value: StorageKey.describe(key))
        }
        do {
            return try Record.decode(from: Array(bytes[headerSize...]), schemaVersion: Int(version))
        } catch let error as MLOpsError {
            throw corrupt(key, "it does not decode as a \(Record.recordType) record: \(error.message)")
        } catch {
            throw corrupt(key, "it does not decode as a \(Record.recordType) record: \(error)")
        }
    }

    static func corrupt(_ key: [UInt8], _ what: String) -> MLOpsError {
        MLOpsError(
            .corruptData, "corrupt record at \(StorageKey.describe(key)): \(what)", value: StorageKey.describe(key))
    }
}
