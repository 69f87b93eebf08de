public import InferenceCore

/// A tensor element type of the Open Inference Protocol (`BOOL`, `INT8` … `UINT64`, `FP16`,
/// `FP32`, `FP64`, `BYTES`), and how it maps onto `ElementType`.
///
/// The runtime holds five element types, so decoding widens: every integer type becomes `int64`
/// (a `UINT64` value above `Int64.max` is an error), `FP16` and `FP32` become `float32`
/// (an `FP16` value outside ±65504 is an error; it is not rounded to half precision), `FP64`
/// `float64`, `BOOL` `bool` and `BYTES` `string` (UTF-8 text; the binary-data extension is not
/// supported). Encoding writes `float32` as `FP32`, `float64` as `FP64`, `int64` as `INT64`,
/// `bool` as `BOOL` and `string` as `BYTES`.
public enum OpenInferenceDatatype: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `true`/`false`.
    case bool = "BOOL"
    /// 8-bit signed integer.
    case int8 = "INT8"
    /// 16-bit signed integer.
    case int16 = "INT16"
    /// 32-bit signed integer.
    case int32 = "INT32"
    /// 64-bit signed integer.
    case int64 = "INT64"
    /// 8-bit unsigned integer.
    case uint8 = "UINT8"
    /// 16-bit unsigned integer.
    case uint16 = "UINT16"
    /// 32-bit unsigned integer.
    case uint32 = "UINT32"
    /// 64-bit unsigned integer (values up to `Int64.max` are accepted).
    case uint64 = "UINT64"
    /// Half precision, sent as JSON numbers.
    case fp16 = "FP16"
    /// Single precision.
    case fp32 = "FP32"
    /// Double precision.
    case fp64 = "FP64"
    /// Strings.
    case bytes = "BYTES"

    /// The protocol's name, e.g. `FP32`.
    public var description: String { rawValue }

    /// The element type a tensor of this datatype decodes to when the model does not ask for
    /// another.
    public var elementType: ElementType {
        switch self {
        case .bool: .bool
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: .int64
        case .fp16, .fp32: .float32
        case .fp64: .float64
        case .bytes: .string
        }
    }

    /// The datatype a tensor of `elementType` is encoded as.
    public init(_ elementType: ElementType) {
        switch elementType {
        case .float32: self = .fp32
        case .float64: self = .fp64
        case .int64: self = .int64
        case .bool: self = .bool
        case .string: self = .bytes
        }
    }

    /// Whether this is one of the integer types.
    public var isInteger: Bool { elementType == .int64 }

    /// Whether this is `FP16`, `FP32` or `FP64`.
    public var isFloatingPoint: Bool { self == .fp16 || self == .fp32 || self == .fp64 }

    /// The range of values of an integer type, clamped to `Int64`'s.
    var integerRange: ClosedRange<Int64> {
        switch self {
        case .int8: Int64(Int8.min)...Int64(Int8.max)
        case .int16: Int64(Int16.min)...Int64(Int16.max)
        case .int32: Int64(Int32.min)...Int64(Int32.max)
        case .uint8: 0...Int64(UInt8.max)
        case .uint16: 0...Int64(UInt16.max)
        case .uint32: 0...Int64(UInt32.max)
        case .uint64: 0...Int64.max
        default: Int64.min...Int64.max
        }
    }
}
