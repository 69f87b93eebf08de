/// Sequential reads within a bounds-checked region.
struct RecordCursor {
    let reader: WeightReader
    var position: Int
    let end: Int

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard position + size <= end else { throw PackageError.corrupt("a record is truncated") }
        let v: T = reader.integer(at: position)
        position += size
        return v
    }

    mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }
}
