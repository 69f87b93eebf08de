/// One scanned record inside the reader's buffer; valid only while the reader hands it to a visitor.
struct CSVRecordView {
    /// The whole buffer the spans point into.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The record's fields.
    let spans: UnsafeMutablePointer<CSVFieldSpan>
    /// How many fields the record has.
    let fieldCount: Int
    /// The 1-based line the record starts on.
    let line: Int

    /// The raw content bytes of field `index` (quotes stripped, doubled quotes still doubled).
    @inline(__always)
    func content(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let span = spans[index]
        return UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
    }

    /// Field `index` as a `String` with doubled quotes unescaped, or `nil` when it is not valid UTF-8.
    func text(_ index: Int, scratch: inout [UInt8]) -> String? {
        let raw = content(index)
        guard spans[index].escaped else { return String(validating: raw, as: UTF8.self) }
        scratch.removeAll(keepingCapacity: true)
        var position = 0
        while position < raw.count {
            let byte = raw[position]
            scratch.append(byte)
            position += byte == CSVScanner.quote ? 2 : 1
        }
        return String(validating: scratch, as: UTF8.self)
    }

    /// Field `index` as text for an error message (invalid UTF-8 repaired).
    func displayText(_ index: Int) -> String {
        let raw = content(index)
        return String(decoding: raw, as: UTF8.self)
    }
}
