/// Reads little-endian binary sections with every access bounds-checked.
struct WeightReader {
    let bytes: [UInt8]

    private func range(_ ref: WeightWriter.Reference, size: Int, what: String) throws -> Range<Int> {
        let (length, overflow) = ref.count.multipliedReportingOverflow(by: size)
        guard ref.offset >= 0, ref.count >= 0, !overflow, ref.offset <= bytes.count, length <= bytes.count - ref.offset
        else {
            throw PackageError.corrupt(
                "\(what) points outside the weights section", value: "\(ref.offset)+\(ref.count)")
        }
        return ref.offset..<(ref.offset + length)
    }

    func floats(_ ref: WeightWriter.Reference, what: String) throws -> [Float] {
        let r = try range(ref, size: 4, what: what)
        return stride(from: r.lowerBound, to: r.upperBound, by: 4).map { Float(bitPattern: integer(at: $0)) }
    }

    func doubles(_ ref: WeightWriter.Reference, what: String) throws -> [Double] {
        let r = try range(ref, size: 8, what: what)
        return stride(from: r.lowerBound, to: r.upperBound, by: 8).map { Double(bitPattern: integer(at: $0)) }
    }

    func int64s(_ ref: WeightWriter.Reference, what: String) throws -> [Int64] {
        let r = try range(ref, size: 8, what: what)
        return stride(from: r.lowerBound, to: r.upperBound, by: 8).map { integer(at: $0) }
    }

    func bools(_ ref: WeightWriter.Reference, what: String) throws -> [Bool] {
        let r = try range(ref, size: 1, what: what)
        return try bytes[r].map { b in
            guard b <= 1 else {
                throw PackageError.corrupt("\(what) holds a byte that is not a boolean", value: String(b))
            }
            return b == 1
        }
    }

    /// A record cursor over `count` records of `size` bytes at `offset`.
    func records(offset: Int, count: Int, size: Int, what: String) throws -> RecordCursor {
        let r = try range(WeightWriter.Reference(offset: offset, count: count), size: size, what: what)
        return RecordCursor(reader: self, position: r.lowerBound, end: r.upperBound)
    }

    /// A little-endian integer at `offset` (the caller has checked the bounds).
    func integer<T: FixedWidthInteger>(at offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { dst in
            for i in 0..<MemoryLayout<T>.size { dst[i] = bytes[offset + i] }
        }
        return T(littleEndian: value)
    }
}
