/// Where a namespace's records and index entries live.
///
/// | key | value |
/// |---|---|
/// | `<ns>/rec/<type>/<id>` | the record's ``RecordEnvelope`` |
/// | `<ns>/idx/<type>/<index>/<value>/<id>` | empty: the record `id` has `value` in a non-unique index |
/// | `<ns>/uniq/<type>/<index>/<value>` | the UTF-8 ID of the record that holds `value` in a unique index |
struct RecordKeys: Sendable {
    let namespace: String

    func record(_ type: String, _ id: String) -> [UInt8] { StorageKey(namespace, "rec", type, id).bytes }
    func records(_ type: String) -> [UInt8] { StorageKey(namespace, "rec", type).bytes }
    func indexEntry(_ type: String, _ index: String, _ value: String, _ id: String) -> [UInt8] {
        StorageKey(namespace, "idx", type, index, value, id).bytes
    }
    func indexValue(_ type: String, _ index: String, _ value: String) -> [UInt8] {
        StorageKey(namespace, "idx", type, index, value).bytes
    }
    func indexEntries(_ type: String, _ index: String) -> [UInt8] { StorageKey(namespace, "idx", type, index).bytes }
    func unique(_ type: String, _ index: String, _ value: String) -> [UInt8] {
        StorageKey(namespace, "uniq", type, index, value).bytes
    }
    func uniques(_ type: String, _ index: String) -> [UInt8] { StorageKey(namespace, "uniq", type, index).bytes }

    /// The string part at the end of `key`, after `prefix` (the ID of a record or index entry).
    static func trailingPart(of key: [UInt8], after prefix: [UInt8]) -> String? {
        StorageKey.decodeStringParts(key, from: prefix.count).flatMap { $0.count == 1 ? $0[0] : nil }
    }

    /// The two string parts at the end of `key` after `prefix` (an index value and a record ID).
    static func trailingPair(of key: [UInt8], after prefix: [UInt8]) -> (String, String)? {
        StorageKey.decodeStringParts(key, from: prefix.count).flatMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
    }
}
