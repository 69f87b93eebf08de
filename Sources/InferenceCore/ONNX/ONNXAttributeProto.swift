/// A decoded ONNX `AttributeProto`: one named attribute of a node.
///
/// The value sits in the field that ``type`` names (``f``, ``i``, ``s``, ``t``, ``floats``, ``ints``,
/// ``strings``, ``tensors``, ``g``, ``graphs``). Graph-valued attributes (the bodies of control-flow
/// operators such as `Scan`) are decoded as nested ``ONNXGraphProto``s; the reader's nesting bound
/// limits how deeply they can nest. When an old model leaves ``type`` unset, ``effectiveType``
/// infers it from the field that is present.
struct ONNXAttributeProto: Sendable, Hashable {
    /// The `AttributeProto.AttributeType` enum.
    struct AttributeType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The enum number.
        var rawValue: Int32

        /// Creates a type from its enum number.
        init(rawValue: Int32) { self.rawValue = rawValue }

        /// 0: not set.
        static let undefined = AttributeType(rawValue: 0)
        /// 1: one float (`f`).
        static let float = AttributeType(rawValue: 1)
        /// 2: one int64 (`i`).
        static let int = AttributeType(rawValue: 2)
        /// 3: one byte string (`s`).
        static let string = AttributeType(rawValue: 3)
        /// 4: one tensor (`t`).
        static let tensor = AttributeType(rawValue: 4)
        /// 5: one graph (`g`).
        static let graph = AttributeType(rawValue: 5)
        /// 6: floats.
        static let floats = AttributeType(rawValue: 6)
        /// 7: int64s.
        static let ints = AttributeType(rawValue: 7)
        /// 8: byte strings.
        static let strings = AttributeType(rawValue: 8)
        /// 9: tensors.
        static let tensors = AttributeType(rawValue: 9)
        /// 10: graphs.
        static let graphs = AttributeType(rawValue: 10)
        /// 11: one sparse tensor.
        static let sparseTensor = AttributeType(rawValue: 11)
        /// 12: sparse tensors.
        static let sparseTensors = AttributeType(rawValue: 12)
        /// 13: one type proto.
        static let typeProto = AttributeType(rawValue: 13)
        /// 14: type protos.
        static let typeProtos = AttributeType(rawValue: 14)

        private static let names = [
            "UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "FLOATS", "INTS", "STRINGS", "TENSORS",
            "GRAPHS", "SPARSE_TENSOR", "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS",
        ]

        /// The ONNX name, e.g. `INTS`, or `UNKNOWN (n)` for numbers this version does not know.
        var description: String {
            let index = Int(rawValue)
            return index >= 0 && index < AttributeType.names.count
                ? AttributeType.names[index] : "UNKNOWN (\(rawValue))"
        }
    }

    /// The attribute's name.
    var name: String = ""
    /// The declared type (may be ``AttributeType/undefined`` in very old models).
    var type: AttributeType = .undefined
    /// The float value, if present.
    var f: Float?
    /// The integer value, if present.
    var i: Int64?
    /// The byte-string value, if present.
    var s: [UInt8]?
    /// The tensor value, if present.
    var t: ONNXTensorProto?
    /// The float list.
    var floats: [Float] = []
    /// The integer list.
    var ints: [Int64] = []
    /// The byte-string list.
    var strings: [[UInt8]] = []
    /// The tensor list.
    var tensors: [ONNXTensorProto] = []
    /// The graph value (`g`), if present.
    var g: ONNXGraphProto?
    /// The graph list (`graphs`).
    var graphs: [ONNXGraphProto] = []
    /// How many sparse-tensor or type-proto values were present; they are not decoded.
    var otherValueCount = 0
    /// For attributes of function bodies: the name of the caller's attribute this refers to.
    var refAttrName: String = ""

    /// Creates an empty attribute; set the fields you need.
    init() {}

    /// ``type``, or when it is unset, the type implied by the field that is present.
    var effectiveType: AttributeType {
        if type != .undefined { return type }
        if f != nil { return .float }
        if i != nil { return .int }
        if s != nil { return .string }
        if t != nil { return .tensor }
        if g != nil { return .graph }
        if !floats.isEmpty { return .floats }
        if !ints.isEmpty { return .ints }
        if !strings.isEmpty { return .strings }
        if !tensors.isEmpty { return .tensors }
        if !graphs.isEmpty { return .graphs }
        return .undefined
    }

    /// Decodes an `AttributeProto` message.
    init(from reader: inout ProtobufReader) throws {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1: name = try reader.readString(tag, "AttributeProto.name")
            case 2: f = try reader.readFloat(tag, "AttributeProto.f")
            case 3: i = try reader.readInt64(tag, "AttributeProto.i")
            case 4: s = try reader.readBytes(tag, "AttributeProto.s")
            case 5:
                var message = try reader.readMessage(tag, "AttributeProto.t")
                t = try ONNXTensorProto(from: &message)
            case 6:
                var message = try reader.readMessage(tag, "AttributeProto.g")
                g = try ONNXGraphProto(from: &message)
            case 11:
                var message = try reader.readMessage(tag, "AttributeProto.graphs")
                graphs.append(try ONNXGraphProto(from: &message))
            case 7: try reader.readRepeatedFloat(tag, into: &floats, "AttributeProto.floats")
            case 8: try reader.readRepeatedInt64(tag, into: &ints, "AttributeProto.ints")
            case 9: strings.append(try reader.readBytes(tag, "AttributeProto.strings"))
            case 10:
                var message = try reader.readMessage(tag, "AttributeProto.tensors")
                tensors.append(try ONNXTensorProto(from: &message))
            case 14, 15, 22, 23:
                try reader.expect(tag, .lengthDelimited, "AttributeProto.sparse_tensor/tp")
                try reader.skip(tag.wireType)
                otherValueCount += 1
            case 20: type = AttributeType(rawValue: try reader.readInt32(tag, "AttributeProto.type"))
            case 21: refAttrName = try reader.readString(tag, "AttributeProto.ref_attr_name")
            default: try reader.skip(tag.wireType)
            }
        }
    }
}
