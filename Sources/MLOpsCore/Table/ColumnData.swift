/// The typed values of a ``Column``, one array per element type.
///
/// Slots that the column's ``MissingMask`` marks as missing hold a placeholder:
/// `Double.nan` / `Float.nan` for floating point, `0` for integers, `""` for
/// strings and `false` for booleans. ``Column`` normalises the placeholders when
/// it is created, so reading `storage` directly is safe; use the mask, not the
/// placeholder, to decide whether a value is present (a present value may be NaN).
public enum ColumnData: Sendable {
    /// 64-bit floating point values.
    case double([Double])
    /// 32-bit floating point values.
    case float([Float])
    /// 64-bit signed integer values.
    case int([Int64])
    /// Text values.
    case string([String])
    /// Boolean values.
    case bool([Bool])

    /// The element type.
    public var type: ColumnType {
        switch self {
        case .double: .double
        case .float: .float
        case .int: .int
        case .string: .string
        case .bool: .bool
        }
    }

    /// The number of values, present or missing.
    public var count: Int {
        switch self {
        case .double(let values): values.count
        case .float(let values): values.count
        case .int(let values): values.count
        case .string(let values): values.count
        case .bool(let values): values.count
        }
    }
}

extension ColumnData: Equatable {
    /// Compares element type and values; floating point values compare by bit
    /// pattern, so NaN equals NaN and `0.0` differs from `-0.0`.
    public static func == (lhs: ColumnData, rhs: ColumnData) -> Bool {
        switch (lhs, rhs) {
        case (.double(let a), .double(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
        case (.float(let a), .float(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
        case (.int(let a), .int(let b)):
            return a == b
        case (.string(let a), .string(let b)):
            return a == b
        case (.bool(let a), .bool(let b)):
            return a == b
        default:
            return false
        }
    }
}
