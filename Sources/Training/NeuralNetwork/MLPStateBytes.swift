import MLOpsCore

/// Appends values to a checkpoint state, little-endian, floats as their bit patterns (so they
/// round-trip exactly).
struct MLPStateWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func int(_ value: Int) { withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 } }
    mutating func double(_ value: Double) { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func doubles(_ values: [Double]) {
        int(values.count)
        for value in values { double(value) }
    }

    /// `count` floats from `source`.
    mutating func floats(_ source: UnsafePointer<Float>, count: Int) {
        int(count)
        for index in 0..<count { withUnsafeBytes(of: source[index].bitPattern.littleEndian) { bytes += $0 } }
    }
}

/// Reads what ``MLPStateWriter`` wrote; every read is bounds-checked and throws `corruptData` on a
/// short or inconsistent state.
struct MLPStateReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    static func corrupt(_ what: String) -> MLOpsError {
        MLOpsError(.corruptData, "the MLP checkpoint state is not valid for this network: \(what)", value: what)
    }

    private mutating func word(_ size: Int) throws -> UInt64 {
        guard bytes.count - offset >= size else { throw Self.corrupt("it ends early") }
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += size
        return value
    }

    mutating func int() throws -> Int { Int(Int64(bitPattern: try word(8))) }
    mutating func double() throws -> Double { Double(bitPattern: try word(8)) }

    mutating func bool() throws -> Bool {
        let value = try word(1)
        guard value <= 1 else { throw Self.corrupt("a flag is not 0 or 1") }
        return value == 1
    }

    mutating func doubles(limit: Int) throws -> [Double] {
        let count = try int()
        guard count >= 0, count <= limit else { throw Self.corrupt("a list has \(count) values") }
        return try (0..<count).map { _ in try double() }
    }

    /// Reads exactly `count` floats into `destination`.
    mutating func floats(into destination: UnsafeMutablePointer<Float>, count: Int) throws {
        let stored = try int()
        guard stored == count else { throw Self.corrupt("an array has \(stored) values, expected \(count)") }
        for index in 0..<count { destination[index] = Float(bitPattern: UInt32(try word(4))) }
    }
}
