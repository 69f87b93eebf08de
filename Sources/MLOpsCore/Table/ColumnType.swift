/// The element type of a ``Column``.
///
/// Every type can also hold missing values (see ``MissingMask``). `int` is a
/// 64-bit signed integer. The raw values are stable names, safe to store in
/// schemas and manifests.
public enum ColumnType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 64-bit IEEE floating point (`Double`).
    case double
    /// 32-bit IEEE floating point (`Float`).
    case float
    /// 64-bit signed integer (`Int64`).
    case int
    /// UTF-8 text (`String`).
    case string
    /// `true` / `false`.
    case bool

    /// `true` for `double`, `float` and `int`, the types that convert to floating point without loss of meaning.
    public var isNumeric: Bool {
        switch self {
        case .double, .float, .int: true
        case .string, .bool: false
        }
    }

    public var description: String { rawValue }
}
