import MLOpsCore

/// A bounds-checked reader of the protobuf wire format over a borrowed byte buffer.
///
/// The reader walks one message: ``readTag()`` returns the next field's number and wire type,
/// then one of the `read…` methods consumes the value (checking the wire type against what the
/// field needs), or ``skip(_:)`` passes over a field the caller does not know. Nested messages
/// are read with ``readMessage(_:)``, which returns a reader for the sub-message one level
/// deeper; the depth is bounded by ``Limits/maxDepth``.
///
/// Every read checks the buffer's bounds: truncated, overlong or inconsistent input throws
/// `MLOpsError` (`parseError`, or `limitExceeded` for a bound), never traps. Groups (wire
/// types 3 and 4) are rejected. Repeated scalars are accepted both packed and unpacked.
///
/// The reader borrows its buffer: use it only inside the `withUnsafeBytes` closure that
/// produced the pointer.
package struct ProtobufReader {
    /// Bounds applied while reading.
    package struct Limits: Sendable, Hashable {
        /// The largest message accepted, in bytes (protobuf's own limit is 2 GiB).
        package var maxBytes: Int
        /// How deeply messages may nest.
        package var maxDepth: Int

        /// Creates limits.
        package init(maxBytes: Int = Int(Int32.max), maxDepth: Int = 64) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }
    }

    /// The wire types of the protobuf encoding.
    package enum WireType: UInt8, Sendable, CustomStringConvertible {
        /// A base-128 varint (ints, bools, enums).
        case varint = 0
        /// Eight little-endian bytes (fixed64, sfixed64, double).
        case fixed64 = 1
        /// A varint length followed by that many bytes (strings, bytes, messages, packed scalars).
        case lengthDelimited = 2
        /// Start of a group (deprecated; rejected).
        case startGroup = 3
        /// End of a group (deprecated; rejected).
        case endGroup = 4
        /// Four little-endian bytes (fixed32, sfixed32, float).
        case fixed32 = 5

        package var description: String {
            switch self {
            case .varint: "0 (varint)"
            case .fixed64: "1 (64-bit)"
            case .lengthDelimited: "2 (length-delimited)"
            case .startGroup: "3 (start group)"
            case .endGroup: "4 (end group)"
            case .fixed32: "5 (32-bit)"
            }
        }
    }

    /// A field key: the field number and how its value is encoded.
    package struct Tag: Sendable, Hashable {
        /// The field number (1 ... 2²⁹-1).
        package var field: Int
        /// The encoding of the value that follows.
        package var wireType: WireType
    }

    /// The whole buffer (offsets are reported relative to its start).
    package let buffer: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    package private(set) var offset: Int
    /// One past the last byte of this message.
    package let end: Int
    /// How many messages enclose this one (0 for the top level).
    package let depth: Int
    /// The bounds in force.
    package let limits: Limits

    /// Creates a reader over a whole buffer, checking its size against `limits`.
    ///
    /// - Throws: `MLOpsError` (`limitExceeded`) if the buffer is larger than `limits.maxBytes`.
    package init(_ buffer: UnsafeRawBufferPointer, limits: Limits = Limits()) throws {
        guard buffer.count <= limits.maxBytes else {
            throw MLOpsError(
                .limitExceeded,
                "The protobuf message is \(buffer.count) bytes; the limit is \(limits.maxBytes) bytes.",
                value: String(buffer.count))
        }
        self.buffer = buffer
        self.offset = 0
        self.end = buffer.count
        self.depth = 0
        self.limits = limits
    }

    private init(buffer: UnsafeRawBufferPointer, range: Range<Int>, depth: Int, limits: Limits) {
        self.buffer = buffer
        self.offset = range.lowerBound
        self.end = range.upperBound
        self.depth = depth
        self.limits = limits
    }

    /// Whether every byte of this message has been read.
    package var isAtEnd: Bool { offset >= end }

    // MARK: - Primitives

    /// Reads a base-128 varint of at most 10 bytes.
    ///
    /// - Throws: `MLOpsError` (`parseError`) if the varint runs past the message or overflows 64 bits.
    @inline(__always)
    package mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var position = offset
        while true {
            guard position < end else {
                throw MLOpsError(
                    .parseError, "A varint runs past the end of the protobuf message; the file is truncated.",
                    value: "offset \(offset)")
            }
            let byte = buffer[position]
            position &+= 1
            if shift == 63 && byte > 1 {
                throw MLOpsError(
                    .parseError, "A varint overflows 64 bits; the protobuf data is corrupt.", value: "offset \(offset)")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                offset = position
                return result
            }
            shift &+= 7
        }
    }

    /// Reads the next field key.
    ///
    /// - Throws: `MLOpsError` (`parseError`) for field number 0 or above 2²⁹-1, a wire type
    ///   that does not exist, or a group (wire types 3 and 4).
    package mutating func readTag() throws -> Tag {
        let start = offset
        let key = try readVarint()
        let field = key >> 3
        guard field > 0, field <= 0x1FFF_FFFF else {
            throw MLOpsError(
                .parseError, "A protobuf field number is \(field); valid numbers are 1 ... 536870911.",
                value: "offset \(start)")
        }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw MLOpsError(
                .parseError, "Protobuf field \(field) has wire type \(key & 7), which does not exist.",
                value: "offset \(start)")
        }
        if wireType == .startGroup || wireType == .endGroup {
            throw MLOpsError(
                .parseError, "Protobuf field \(field) is a group (wire type \(wireType)); groups are not supported.",
                value: "offset \(start)")
        }
        return Tag(field: Int(field), wireType: wireType)
    }

    /// Reads four little-endian bytes.
    package mutating func readFixed32() throws -> UInt32 {
        guard end - offset >= 4 else { throw truncated("A 4-byte value") }
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    /// Reads eight little-endian bytes.
    package mutating func readFixed64() throws -> UInt64 {
        guard end - offset >= 8 else { throw truncated("An 8-byte value") }
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    /// Reads a length prefix and returns the byte range it covers, checking it lies inside this message.
    package mutating func readLengthDelimitedRange() throws -> Range<Int> {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(end - offset) else {
            throw MLOpsError(
                .parseError,
                "A length-delimited protobuf field claims \(length) bytes but only \(end - offset) remain;"
                    + " the file is truncated or corrupt.",
                value: "offset \(start)")
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// Skips the value of a field with the given wire type.
    package mutating func skip(_ wireType: WireType) throws {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimitedRange()
        case .startGroup, .endGroup:
            throw MLOpsError(.parseError, "Protobuf groups are not supported.", value: "offset \(offset)")
        }
    }

    // MARK: - Typed fields

    /// Throws unless `tag` has the wire type `expected`; `name` names the field in the message.
    @inline(__always)
    package func expect(_ tag: Tag, _ expected: WireType, _ name: @autoclosure () -> String) throws {
        guard tag.wireType == expected else { throw wrongWireType(tag, expected: [expected], name()) }
    }

    /// Reads a varint field as a two's-complement `Int64` (protobuf `int64`/`int32`, not zigzag).
    package mutating func readInt64(_ tag: Tag, _ name: @autoclosure () -> String) throws -> Int64 {
        try expect(tag, .varint, name())
        return Int64(bitPattern: try readVarint())
    }

    /// Reads a varint field as `Int32` (protobuf `int32`/enum: the low 32 bits).
    package mutating func readInt32(_ tag: Tag, _ name: @autoclosure () -> String) throws -> Int32 {
        try expect(tag, .varint, name())
        return Int32(truncatingIfNeeded: try readVarint())
    }

    /// Reads a `float` field (wire type 5).
    package mutating func readFloat(_ tag: Tag, _ name: @autoclosure () -> String) throws -> Float {
        try expect(tag, .fixed32, name())
        return Float(bitPattern: try readFixed32())
    }

    /// Reads a `bytes` field.
    package mutating func readBytes(_ tag: Tag, _ name: @autoclosure () -> String) throws -> [UInt8] {
        try expect(tag, .lengthDelimited, name())
        let range = try readLengthDelimitedRange()
        return Array(UnsafeRawBufferPointer(rebasing: buffer[range]))
    }

    /// Reads a `string` field, which must be valid UTF-8.
    package mutating func readString(_ tag: Tag, _ name: @autoclosure () -> String) throws -> String {
        try expect(tag, .lengthDelimited, name())
        let range = try readLengthDelimitedRange()
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[range])
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw MLOpsError(
                .parseError, "The string field \(name()) is not valid UTF-8.", value: "offset \(range.lowerBound)")
        }
        return string
    }

    /// Reads an embedded message field and returns a reader over it, one level deeper.
    ///
    /// - Throws: `MLOpsError` (`limitExceeded`) if the nesting depth would exceed ``Limits/maxDepth``.
    package mutating func readMessage(_ tag: Tag, _ name: @autoclosure () -> String) throws -> ProtobufReader {
        try expect(tag, .lengthDelimited, name())
        guard depth < limits.maxDepth else {
            throw MLOpsError(
                .limitExceeded,
                "Protobuf messages nest deeper than \(limits.maxDepth) levels (at \(name())); the file is hostile or corrupt.",
                value: "offset \(offset)")
        }
        let range = try readLengthDelimitedRange()
        return ProtobufReader(buffer: buffer, range: range, depth: depth + 1, limits: limits)
    }

    /// Appends a repeated varint field's values (unpacked: one value; packed: all in the payload)
    /// as two's-complement `Int64`.
    package mutating func readRepeatedInt64(
        _ tag: Tag, into values: inout [Int64], _ name: @autoclosure () -> String
    ) throws {
        switch tag.wireType {
        case .varint:
            values.append(Int64(bitPattern: try readVarint()))
        case .lengthDelimited:
            let range = try readLengthDelimitedRange()
            var packed = ProtobufReader(buffer: buffer, range: range, depth: depth, limits: limits)
            while !packed.isAtEnd {
                values.append(Int64(bitPattern: try packed.readVarint()))
            }
        default:
            throw wrongWireType(tag, expected: [.varint, .lengthDelimited], name())
        }
    }

    /// Appends a repeated `int32` field's values (the low 32 bits of each varint).
    package mutating func readRepeatedInt32(
        _ tag: Tag, into values: inout [Int32], _ name: @autoclosure () -> String
    ) throws {
        switch tag.wireType {
        case .varint:
            values.append(Int32(truncatingIfNeeded: try readVarint()))
        case .lengthDelimited:
            let range = try readLengthDelimitedRange()
            var packed = ProtobufReader(buffer: buffer, range: range, depth: depth, limits: limits)
            while !packed.isAtEnd {
                values.append(Int32(truncatingIfNeeded: try packed.readVarint()))
            }
        default:
            throw wrongWireType(tag, expected: [.varint, .lengthDelimited], name())
        }
    }

    /// Appends a repeated `uint64` field's values.
    package mutating func readRepeatedUInt64(
        _ tag: Tag, into values: inout [UInt64], _ name: @autoclosure () -> String
    ) throws {
        switch tag.wireType {
        case .varint:
            values.append(try readVarint())
        case .lengthDelimited:
            let range = try readLengthDelimitedRange()
            var packed = ProtobufReader(buffer: buffer, range: range, depth: depth, limits: limits)
            while !packed.isAtEnd {
                values.append(try packed.readVarint())
            }
        default:
            throw wrongWireType(tag, expected: [.varint, .lengthDelimited], name())
        }
    }

    /// Appends a repeated `float` field's values (unpacked wire type 5, or packed).
    package mutating func readRepeatedFloat(
        _ tag: Tag, into values: inout [Float], _ name: @autoclosure () -> String
    ) throws {
        switch tag.wireType {
        case .fixed32:
            values.append(Float(bitPattern: try readFixed32()))
        case .lengthDelimited:
            let range = try readLengthDelimitedRange()
            guard range.count % 4 == 0 else {
                throw MLOpsError(
                    .parseError, "The packed float field \(name()) holds \(range.count) bytes, not a multiple of 4.",
                    value: "offset \(range.lowerBound)")
            }
            ProtobufReader.appendLittleEndian(
                UnsafeRawBufferPointer(rebasing: buffer[range]), as: UInt32.self, into: &values
            ) { Float(bitPattern: $0) }
        default:
            throw wrongWireType(tag, expected: [.fixed32, .lengthDelimited], name())
        }
    }

    /// Appends a repeated `double` field's values (unpacked wire type 1, or packed).
    package mutating func readRepeatedDouble(
        _ tag: Tag, into values: inout [Double], _ name: @autoclosure () -> String
    ) throws {
        switch tag.wireType {
        case .fixed64:
            values.append(Double(bitPattern: try readFixed64()))
        case .lengthDelimited:
            let range = try readLengthDelimitedRange()
            guard range.count % 8 == 0 else {
                throw MLOpsError(
                    .parseError, "The packed double field \(name()) holds \(range.count) bytes, not a multiple of 8.",
                    value: "offset \(range.lowerBound)")
            }
            ProtobufReader.appendLittleEndian(
                UnsafeRawBufferPointer(rebasing: buffer[range]), as: UInt64.self, into: &values
            ) { Double(bitPattern: $0) }
        default:
            throw wrongWireType(tag, expected: [.fixed64, .lengthDelimited], name())
        }
    }

    /// Decodes consecutive little-endian integers of type `Word` from `bytes` and appends them converted.
    ///
    /// `bytes.count` must be a multiple of `MemoryLayout<Word>.size` (trailing bytes are ignored).
    @inline(__always)
    package static func appendLittleEndian<Word: FixedWidthInteger, Element>(
        _ bytes: UnsafeRawBufferPointer, as _: Word.Type, into values: inout [Element],
        _ convert: (Word) -> Element
    ) {
        let size = MemoryLayout<Word>.size
        let count = bytes.count / size
        values.reserveCapacity(values.count + count)
        for index in 0..<count {
            values.append(convert(Word(littleEndian: bytes.loadUnaligned(fromByteOffset: index * size, as: Word.self))))
        }
    }

    // MARK: - Errors

    private func truncated(_ what: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        MLOpsError(
            .parseError, "\(what) runs past the end of the protobuf message; the file is truncated.",
            value: "offset \(offset)", fileID: fileID, line: line)
    }

    private func wrongWireType(
        _ tag: Tag, expected: [WireType], _ name: String, fileID: String = #fileID, line: Int = #line
    ) -> MLOpsError {
        let allowed = expected.map(\.description).joined(separator: " or ")
        return MLOpsError(
            .parseError,
            "The protobuf field \(name) (number \(tag.field)) has wire type \(tag.wireType); expected \(allowed).",
            value: "offset \(offset)", fileID: fileID, line: line)
    }
}
