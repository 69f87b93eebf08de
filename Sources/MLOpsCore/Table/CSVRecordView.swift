/// One scanned record inside a byte buffer (a ``CSVReader``'s, or the bytes a ``CSVRecordParser`` scans); valid only
/// during the call that hands it out. Field indices must be below ``fieldCount``.
package struct CSVRecordView {
    /// The whole buffer the spans point into.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The record's fields.
    let spans: UnsafeMutablePointer<CSVFieldSpan>
    /// How many fields the record has.
    package let fieldCount: Int
    /// The 1-based line the record starts on.
    package let line: Int
    /// The record's first byte, as an offset from the start of the input (a byte order mark included).
    package let offset: Int

    /// The raw content bytes of field `index` (quotes stripped, doubled quotes still doubled).
    @inline(__always)
    func content(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let span = spans[index]
        return UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
    }

    /// Whether field `index` was enclosed in double quotes.
    @inline(__always)
    package func isQuoted(_ index: Int) -> Bool {
        precondition(index >= 0 && index < fieldCount, "CSV field index out of range")
        return spans[index].quoted
    }

    /// Calls `body` with the bytes of field `index` as text: quotes stripped and doubled quotes unescaped (into
    /// `scratch` when there are any), not checked for UTF-8.
    @inline(__always)
    package func withField<Result>(
        _ index: Int, scratch: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result {
        precondition(index >= 0 && index < fieldCount, "CSV field index out of range")
        let raw = content(index)
        guard spans[index].escaped else { return try body(raw) }
        unescape(raw, into: &scratch)
        return try scratch.withUnsafeBufferPointer(body)
    }

    /// Field `index` as a `String` with doubled quotes unescaped, or `nil` when it is not valid UTF-8.
    package func text(_ index: Int, scratch: inout [UInt8]) -> String? {
        let raw = content(index)
        guard spans[index].escaped else { return String(validating: raw, as: UTF8.self) }
        unescape(raw, into: &scratch)
        return String(validating: scratch, as: UTF8.self)
    }

    /// `raw` with each doubled quote written once.
    private func unescape(_ raw: UnsafeBufferPointer<UInt8>, into scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        var position = 0
        while position < raw.count {
            let byte = raw[position]
            scratch.append(byte)
            position += byte == CSVScanner.quote ? 2 : 1
        }
    }

    /// Field `index` as text for an error message (invalid UTF-8 repaired).
    func displayText(_ index: Int) -> String {
        let raw = content(index)
        return String(decoding: raw, as: UTF8.self)
    }
}
