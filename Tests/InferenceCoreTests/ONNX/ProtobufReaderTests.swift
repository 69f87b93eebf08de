import MLOpsCore
import Testing

@testable import InferenceCore

struct ProtobufReaderTests {
    private func read<T>(_ bytes: [UInt8], _ body: (inout ProtobufReader) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { buffer in
            var reader = try ProtobufReader(buffer)
            return try body(&reader)
        }
    }

    private func code(_ body: () throws -> Void) -> MLOpsError.Code? {
        do {
            try body()
            return nil
        } catch let error as MLOpsError {
            return error.code
        } catch {
            return MLOpsError.Code(rawValue: "not an MLOpsError: \(error)")
        }
    }

    @Test func varintsDecodeAllWidths() throws {
        for value: UInt64 in [0, 1, 127, 128, 300, 1 << 35, UInt64(Int64.max), UInt64.max] {
            var w = TestProtobufWriter()
            w.varint(value)
            let decoded = try read(w.bytes) { try $0.readVarint() }
            #expect(decoded == value)
        }
    }

    @Test func negativeInt64TakesTenBytesAndIsNotZigzag() throws {
        var w = TestProtobufWriter()
        w.int(3, -2)
        #expect(w.bytes.count == 11)
        let value = try read(w.bytes) { r in
            let tag = try r.readTag()
            return try r.readInt64(tag, "test")
        }
        #expect(value == -2)
    }

    @Test func overlongAndOverflowingVarintsAreRejected() {
        let elevenBytes = [UInt8](repeating: 0x80, count: 10) + [0x01]
        #expect(code { _ = try read(elevenBytes) { try $0.readVarint() } } == .parseError)
        let overflow = [UInt8](repeating: 0xFF, count: 9) + [0x02]
        #expect(code { _ = try read(overflow) { try $0.readVarint() } } == .parseError)
        let unterminated: [UInt8] = [0x80, 0x80]
        #expect(code { _ = try read(unterminated) { try $0.readVarint() } } == .parseError)
    }

    @Test func lengthPastEndIsRejected() {
        // field 2, wire type 2, length 100, only 3 bytes follow.
        let bytes: [UInt8] = [0x12, 100, 1, 2, 3]
        #expect(
            code {
                _ = try read(bytes) { r in
                    let tag = try r.readTag()
                    return try r.readBytes(tag, "test")
                }
            } == .parseError)
        // A length larger than Int.max.
        var w = TestProtobufWriter()
        w.tag(2, 2)
        w.varint(UInt64.max)
        #expect(code { _ = try read(w.bytes) { r in try r.readLengthDelimitedRange() } } == .parseError)
    }

    @Test func groupsInvalidWireTypesAndFieldZeroAreRejected() {
        for key: UInt8 in [0x0B, 0x0C, 0x0E, 0x0F, 0x00, 0x02] {  // groups, wt 6/7, field 0
            #expect(code { _ = try read([key, 0]) { try $0.readTag() } } == .parseError)
        }
    }

    @Test func fixedWidthValuesAreBoundsChecked() throws {
        #expect(code { _ = try read([1, 2, 3]) { try $0.readFixed32() } } == .parseError)
        #expect(code { _ = try read([1, 2, 3, 4, 5, 6, 7]) { try $0.readFixed64() } } == .parseError)
        let value = try read([0x00, 0x00, 0x80, 0x3F]) { try $0.readFixed32() }
        #expect(Float(bitPattern: value) == 1)
    }

    @Test func packedAndUnpackedRepeatedFieldsAgree() throws {
        var unpacked = TestProtobufWriter()
        for v: Int64 in [3, -1, 500] { unpacked.int(8, v) }
        var packed = TestProtobufWriter()
        packed.packedInts(8, [3, -1, 500])
        for bytes in [unpacked.bytes, packed.bytes] {
            let values = try read(bytes) { r in
                var out: [Int64] = []
                while !r.isAtEnd {
                    let tag = try r.readTag()
                    try r.readRepeatedInt64(tag, into: &out, "ints")
                }
                return out
            }
            #expect(values == [3, -1, 500])
        }
        var floats = TestProtobufWriter()
        floats.float(7, 1.5)
        floats.packedFloats(7, [2.5, -3])
        let decoded = try read(floats.bytes) { r in
            var out: [Float] = []
            while !r.isAtEnd {
                let tag = try r.readTag()
                try r.readRepeatedFloat(tag, into: &out, "floats")
            }
            return out
        }
        #expect(decoded == [1.5, 2.5, -3])
    }

    @Test func packedFloatsWithRaggedLengthAreRejected() {
        var w = TestProtobufWriter()
        w.bytesField(7, [0, 0, 128, 63, 0])
        #expect(
            code {
                _ = try read(w.bytes) { r in
                    var out: [Float] = []
                    let tag = try r.readTag()
                    try r.readRepeatedFloat(tag, into: &out, "floats")
                }
            } == .parseError)
    }

    @Test func wrongWireTypeForAKnownFieldNamesTheField() throws {
        let bytes: [UInt8] = [0x08, 0x01]  // field 1 as a varint
        do {
            _ = try read(bytes) { r in
                let tag = try r.readTag()
                return try r.readString(tag, "NodeProto.input")
            }
            Issue.record("expected an error")
        } catch let error as MLOpsError {
            #expect(error.code == .parseError)
            #expect(error.message.contains("NodeProto.input"))
        }
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        var w = TestProtobufWriter()
        w.int(100, 7)
        w.float(101, 1)
        w.tag(102, 1)
        w.bytes += [1, 2, 3, 4, 5, 6, 7, 8]
        w.bytesField(103, [9, 9, 9])
        w.int(1, 42)
        let value = try read(w.bytes) { r -> Int64? in
            var found: Int64?
            while !r.isAtEnd {
                let tag = try r.readTag()
                if tag.field == 1 { found = try r.readInt64(tag, "x") } else { try r.skip(tag.wireType) }
            }
            return found
        }
        #expect(value == 42)
    }

    @Test func invalidUTF8IsRejected() {
        var w = TestProtobufWriter()
        w.bytesField(1, [0xC3, 0x28])
        #expect(
            code {
                _ = try read(w.bytes) { r in
                    let tag = try r.readTag()
                    return try r.readString(tag, "name")
                }
            } == .parseError)
    }

    @Test func sizeLimitIsEnforced() {
        let bytes = [UInt8](repeating: 0, count: 100)
        #expect(
            code {
                try bytes.withUnsafeBytes { buffer in
                    _ = try ProtobufReader(buffer, limits: .init(maxBytes: 99))
                }
            } == .limitExceeded)
    }

    @Test func nestingDepthIsBounded() {
        // A TypeProto whose sequence element type is a sequence ... 1000 levels deep.
        var inner: [UInt8] = []
        for _ in 0..<1000 {
            var sequence = TestProtobufWriter()
            sequence.bytesField(1, inner)  // Sequence.elem_type = TypeProto
            var type = TestProtobufWriter()
            type.bytesField(4, sequence.bytes)  // TypeProto.sequence_type
            inner = type.bytes
        }
        var valueInfo = TestProtobufWriter()
        valueInfo.string(1, "X")
        valueInfo.bytesField(2, inner)
        let deep = ONNXTestModels.model { g in g.bytesField(11, valueInfo.bytes) }
        #expect(code { _ = try ONNXModelProto(serializedBytes: deep) } == .limitExceeded)
    }
}
