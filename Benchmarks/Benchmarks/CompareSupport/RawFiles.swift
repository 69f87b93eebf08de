// The raw little-endian files the compare scripts write for the executables.
import Foundation

/// The little-endian `T` values of the file at `path`: exactly `count` of them when given. Exits
/// (status 1, through `fail`) when the file cannot be read or its size does not fit.
public func readLittleEndian<T: FixedWidthInteger>(_ path: String, as type: T.Type, count: Int? = nil) -> [T] {
    let width = MemoryLayout<T>.size
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    if let count, data.count != count * width {
        fail("\(path) has \(data.count) bytes, expected \(count * width)")
    }
    guard data.count % width == 0 else { fail("\(path) has \(data.count) bytes, not a multiple of \(width)") }
    return data.withUnsafeBytes { raw in
        (0..<(raw.count / width)).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * width, as: T.self)) }
    }
}

/// The little-endian float64 values of the file at `path` (exactly `count` when given); exits as
/// `readLittleEndian` does.
public func readDoubles(_ path: String, count: Int? = nil) -> [Double] {
    readLittleEndian(path, as: UInt64.self, count: count).map { Double(bitPattern: $0) }
}

/// The little-endian float32 values of the file at `path` (exactly `count` when given); exits as
/// `readLittleEndian` does.
public func readFloats(_ path: String, count: Int? = nil) -> [Float] {
    readLittleEndian(path, as: UInt32.self, count: count).map { Float(bitPattern: $0) }
}
