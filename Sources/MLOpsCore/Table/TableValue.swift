/// One cell of a ``Table``: a typed value or `missing`.
///
/// `Float` cells are reported as `.double` (the widening is exact). Equality
/// follows the element types, so `.double(.nan) != .double(.nan)`; compare
/// whole columns or tables to get bit-pattern equality.
public enum TableValue: Sendable, Hashable, CustomStringConvertible {
    /// A floating point value (from a `double` or `float` column).
    case double(Double)
    /// An integer value.
    case int(Int64)
    /// A text value.
    case string(String)
    /// A boolean value.
    case bool(Bool)
    /// No value.
    case missing

    /// `true` for ``missing``.
    public var isMissing: Bool {
        if case .missing = self { return true }
        return false
    }

    /// The value as a `Double`: floating point as is, integers converted, booleans as 0 or 1; `nil` for text and
    /// missing.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        case .bool(let value): value ? 1 : 0
        case .string, .missing: nil
        }
    }

    /// The value as written by ``CSVWriter``; missing is the empty string.
    public var description: String {
        switch self {
        case .double(let value): CSVWriter.format(value)
        case .int(let value): String(value)
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        case .missing: ""
        }
    }
}
