/// An ONNX `TensorProto.DataType` value, kept as its raw number so that unknown types survive decoding.
///
/// Named constants cover the types the importer understands; ``name`` renders any value for
/// error messages (`FLOAT16 (10)`), and ``elementType`` maps it to the runtime's
/// ``ElementType`` (integers narrower than 64 bits widen to `int64`).
struct ONNXDataType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The `TensorProto.DataType` enum number.
    var rawValue: Int32

    /// Creates a data type from its enum number.
    init(rawValue: Int32) { self.rawValue = rawValue }

    /// 0: not set.
    static let undefined = ONNXDataType(rawValue: 0)
    /// 1: 32-bit float.
    static let float = ONNXDataType(rawValue: 1)
    /// 2: unsigned 8-bit integer.
    static let uint8 = ONNXDataType(rawValue: 2)
    /// 3: signed 8-bit integer.
    static let int8 = ONNXDataType(rawValue: 3)
    /// 4: unsigned 16-bit integer.
    static let uint16 = ONNXDataType(rawValue: 4)
    /// 5: signed 16-bit integer.
    static let int16 = ONNXDataType(rawValue: 5)
    /// 6: signed 32-bit integer.
    static let int32 = ONNXDataType(rawValue: 6)
    /// 7: signed 64-bit integer.
    static let int64 = ONNXDataType(rawValue: 7)
    /// 8: UTF-8 string.
    static let string = ONNXDataType(rawValue: 8)
    /// 9: boolean.
    static let bool = ONNXDataType(rawValue: 9)
    /// 10: IEEE half-precision float.
    static let float16 = ONNXDataType(rawValue: 10)
    /// 11: 64-bit float.
    static let double = ONNXDataType(rawValue: 11)
    /// 12: unsigned 32-bit integer.
    static let uint32 = ONNXDataType(rawValue: 12)
    /// 13: unsigned 64-bit integer.
    static let uint64 = ONNXDataType(rawValue: 13)

    private static let names: [String] = [
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
        "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN",
        "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0",
        "UINT2", "INT2", "FLOAT6E2M3", "FLOAT6E3M2",
    ]

    /// The ONNX name of the type, e.g. `FLOAT`, or `UNKNOWN` for numbers this version does not know.
    var name: String {
        let index = Int(rawValue)
        return index >= 0 && index < ONNXDataType.names.count ? ONNXDataType.names[index] : "UNKNOWN"
    }

    /// The runtime element type holding values of this type, or `nil` if the runtime cannot hold them.
    ///
    /// `FLOAT` → `float32`, `DOUBLE` → `float64`, every integer type up to `UINT64` → `int64`
    /// (a `UINT64` value above `Int64.max` is rejected when a tensor is converted), `BOOL` → `bool`,
    /// `STRING` → `string`. Half, bfloat, float8 and complex types have no runtime type.
    var elementType: ElementType? {
        switch self {
        case .float: .float32
        case .double: .float64
        case .uint8, .int8, .uint16, .int16, .int32, .int64, .uint32, .uint64: .int64
        case .bool: .bool
        case .string: .string
        default: nil
        }
    }

    /// The size in bytes of one element in `raw_data`, or `nil` for strings and sub-byte or unknown types.
    var rawElementSize: Int? {
        switch self {
        case .float, .int32, .uint32: 4
        case .double, .int64, .uint64: 8
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16: 2
        default: nil
        }
    }

    /// `NAME (number)`, e.g. `FLOAT16 (10)`.
    var description: String { "\(name) (\(rawValue))" }
}
