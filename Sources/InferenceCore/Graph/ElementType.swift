/// The element type of a tensor in a model graph.
///
/// The runtime computes in `float32` wherever it can; `float64` exists for models whose
/// reference tools compute in double precision (LightGBM), `int64` for indices and integer
/// labels, `bool` for masks, and `string` only for class labels.
/// Importers widen narrower integer types (int8…int32, uint8…uint32) to `int64`.
public enum ElementType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 32-bit IEEE float (`Float`).
    case float32
    /// 64-bit IEEE float (`Double`).
    case float64
    /// 64-bit signed integer (`Int64`).
    case int64
    /// Boolean, one byte per element.
    case bool
    /// Unicode strings; only class labels use them.
    case string

    /// The number of bytes an element of this type occupies in a runtime buffer
    /// (`string` elements are held out of line and report 0).
    public var byteCount: Int {
        switch self {
        case .float32: 4
        case .float64, .int64: 8
        case .bool: 1
        case .string: 0
        }
    }

    /// Whether arithmetic ops (add, gemm, activations...) accept this type.
    public var isNumeric: Bool {
        switch self {
        case .float32, .float64, .int64: true
        case .bool, .string: false
        }
    }

    /// Whether this is `float32` or `float64`.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The raw name, e.g. `float32`.
    public var description: String { rawValue }
}
