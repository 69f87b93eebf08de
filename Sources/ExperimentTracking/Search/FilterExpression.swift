/// A parsed run filter: comparisons joined by `AND`/`OR`, with parentheses.
///
/// Built by ``RunFilter/init(_:)-(String)`` from MLflow's filter text, or directly with
/// the typed builder (``FilterField``):
///
/// ```swift
/// let filter = FilterField.metric("accuracy") > 0.9 && FilterField.param("optimizer") == "adam"
/// print(filter.description)  // metrics.`accuracy` > 0.9 AND params.`optimizer` = 'adam'
/// ```
public indirect enum FilterExpression: Sendable, Hashable, CustomStringConvertible {
    /// Every operand must hold.
    case and([FilterExpression])
    /// At least one operand must hold.
    case or([FilterExpression])
    /// One `identifier comparator value` clause.
    case comparison(FilterComparison)

    /// The expression in filter syntax; parsing it gives back an equal expression.
    ///
    /// Rendered without recursion, so even a tree deeper than
    /// ``RunFilter/maxExpressionDepth`` (which ``RunFilter`` refuses) prints.
    public var description: String {
        enum Item {
            case node(FilterExpression, topLevel: Bool)
            case text(String)
        }
        var output = ""
        var stack: [Item] = [.node(self, topLevel: true)]
        while let item = stack.popLast() {
            switch item {
            case .text(let text): output += text
            case .node(.comparison(let comparison), _): output += comparison.description
            case .node(.and(let operands), _):
                for (index, operand) in operands.enumerated().reversed() {
                    stack.append(.node(operand, topLevel: false))
                    if index > 0 { stack.append(.text(" AND ")) }
                }
            case .node(.or(let operands), let topLevel):
                if !topLevel { stack.append(.text(")")) }
                for (index, operand) in operands.enumerated().reversed() {
                    stack.append(.node(operand, topLevel: false))
                    if index > 0 { stack.append(.text(" OR ")) }
                }
                if !topLevel { stack.append(.text("(")) }
            }
        }
        return output
    }

    /// The most `and`/`or` levels on any path from the root (0 for a lone
    /// comparison), found without recursion.
    var depth: Int {
        var deepest = 0
        var stack: [(FilterExpression, Int)] = [(self, 0)]
        while let (expression, level) = stack.popLast() {
            switch expression {
            case .comparison: deepest = Swift.max(deepest, level)
            case .and(let operands), .or(let operands):
                deepest = Swift.max(deepest, level + 1)
                for operand in operands { stack.append((operand, level + 1)) }
            }
        }
        return deepest
    }

    /// Both must hold.
    public static func && (lhs: FilterExpression, rhs: FilterExpression) -> FilterExpression {
        switch (lhs, rhs) {
        case (.and(let a), .and(let b)): return .and(a + b)
        case (.and(let a), _): return .and(a + [rhs])
        case (_, .and(let b)): return .and([lhs] + b)
        default: return .and([lhs, rhs])
        }
    }

    /// Either may hold.
    public static func || (lhs: FilterExpression, rhs: FilterExpression) -> FilterExpression {
        switch (lhs, rhs) {
        case (.or(let a), .or(let b)): return .or(a + b)
        case (.or(let a), _): return .or(a + [rhs])
        case (_, .or(let b)): return .or([lhs] + b)
        default: return .or([lhs, rhs])
        }
    }
}

/// The kind of thing a filter clause looks at.
public enum FilterEntity: String, Sendable, Hashable, CaseIterable {
    /// A metric's latest value.
    case metric = "metrics"
    /// A parameter.
    case param = "params"
    /// A tag.
    case tag = "tags"
    /// A run attribute (`run_id`, `run_name`, `status`, `user_id`, `artifact_uri`, `start_time`, `end_time`).
    case attribute = "attributes"
    /// A dataset input (`name`, `digest`, `context`).
    case dataset = "datasets"
}

/// A comparator of the filter grammar.
public enum FilterOperator: String, Sendable, Hashable, CaseIterable {
    /// `=`
    case equal = "="
    /// `!=`
    case notEqual = "!="
    /// `>`
    case greater = ">"
    /// `>=`
    case greaterOrEqual = ">="
    /// `<`
    case less = "<"
    /// `<=`
    case lessOrEqual = "<="
    /// `LIKE` (case-sensitive; `%` any run, `_` one character)
    case like = "LIKE"
    /// `ILIKE` (as `LIKE`, ignoring case)
    case ilike = "ILIKE"
    /// `IN ('a', 'b')`
    case `in` = "IN"
    /// `NOT IN ('a', 'b')`
    case notIn = "NOT IN"
    /// `IS NULL`: the run has no such param or tag (params and tags only, as in MLflow 3).
    case isNull = "IS NULL"
    /// `IS NOT NULL`: the run has the param or tag, whatever its value.
    case isNotNull = "IS NOT NULL"
}

/// The right-hand side of a comparison.
public enum FilterValue: Sendable, Hashable, CustomStringConvertible {
    /// A numeric literal (metrics, `start_time`, `end_time`).
    case number(Double)
    /// A quoted string.
    case string(String)
    /// A parenthesised list of quoted strings, for `IN` and `NOT IN`.
    case list([String])
    /// No value: the operand of `IS NULL` and `IS NOT NULL`.
    case null

    /// The value in filter syntax (`NULL` for ``null``).
    public var description: String {
        switch self {
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        case .string(let value): return FilterValue.quote(value)
        case .list(let values): return "(" + values.map(FilterValue.quote).joined(separator: ", ") + ")"
        case .null: return "NULL"
        }
    }

    static func quote(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}

/// One clause: `entity.key comparator value`.
public struct FilterComparison: Sendable, Hashable, CustomStringConvertible {
    /// What kind of field.
    public var entity: FilterEntity
    /// The field's key; for attributes the canonical name (`run_name`, `start_time`…).
    public var key: String
    /// The comparator.
    public var op: FilterOperator
    /// The value compared with.
    public var value: FilterValue

    /// Creates a clause; ``RunFilter`` validates clauses built by hand the same way as parsed ones.
    public init(entity: FilterEntity, key: String, op: FilterOperator, value: FilterValue) {
        self.entity = entity
        self.key = key
        self.op = op
        self.value = value
    }

    /// The clause in filter syntax: the entity, a dot, the key in backticks
    /// (in double quotes if it contains a backtick), the comparator and the
    /// value; `IS NULL` and `IS NOT NULL` have no value.
    public var description: String {
        let quotedKey =
            key.contains("`")
            ? "\"" + key.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"" : "`\(key)`"
        if op == .isNull || op == .isNotNull { return "\(entity.rawValue).\(quotedKey) \(op.rawValue)" }
        return "\(entity.rawValue).\(quotedKey) \(op.rawValue) \(value)"
    }
}

/// A field for the typed query builder: `FilterField.metric("loss") < 0.1`.
public struct FilterField: Sendable, Hashable {
    /// The entity.
    public var entity: FilterEntity
    /// The key.
    public var key: String

    /// A metric's latest value.
    public static func metric(_ key: String) -> FilterField { FilterField(entity: .metric, key: key) }
    /// A parameter.
    public static func param(_ key: String) -> FilterField { FilterField(entity: .param, key: key) }
    /// A tag.
    public static func tag(_ key: String) -> FilterField { FilterField(entity: .tag, key: key) }
    /// A run attribute.
    public static func attribute(_ key: String) -> FilterField { FilterField(entity: .attribute, key: key) }
    /// A dataset input field (`name`, `digest`, `context`).
    public static func dataset(_ key: String) -> FilterField { FilterField(entity: .dataset, key: key) }

    private func clause(_ op: FilterOperator, _ value: FilterValue) -> FilterExpression {
        .comparison(FilterComparison(entity: entity, key: key, op: op, value: value))
    }

    /// `field = number`
    public static func == (lhs: FilterField, rhs: Double) -> FilterExpression { lhs.clause(.equal, .number(rhs)) }
    /// `field != number`
    public static func != (lhs: FilterField, rhs: Double) -> FilterExpression { lhs.clause(.notEqual, .number(rhs)) }
    /// `field > number`
    public static func > (lhs: FilterField, rhs: Double) -> FilterExpression { lhs.clause(.greater, .number(rhs)) }
    /// `field >= number`
    public static func >= (lhs: FilterField, rhs: Double) -> FilterExpression {
        lhs.clause(.greaterOrEqual, .number(rhs))
    }
    /// `field < number`
    public static func < (lhs: FilterField, rhs: Double) -> FilterExpression { lhs.clause(.less, .number(rhs)) }
    /// `field <= number`
    public static func <= (lhs: FilterField, rhs: Double) -> FilterExpression {
        lhs.clause(.lessOrEqual, .number(rhs))
    }
    /// `field = 'text'`
    public static func == (lhs: FilterField, rhs: String) -> FilterExpression { lhs.clause(.equal, .string(rhs)) }
    /// `field != 'text'`
    public static func != (lhs: FilterField, rhs: String) -> FilterExpression { lhs.clause(.notEqual, .string(rhs)) }
    /// `field LIKE 'pattern'`
    public func like(_ pattern: String) -> FilterExpression { clause(.like, .string(pattern)) }
    /// `field ILIKE 'pattern'`
    public func ilike(_ pattern: String) -> FilterExpression { clause(.ilike, .string(pattern)) }
    /// `field IN ('a', …)`
    public func isIn(_ values: [String]) -> FilterExpression { clause(.in, .list(values)) }
    /// `field NOT IN ('a', …)`
    public func isNotIn(_ values: [String]) -> FilterExpression { clause(.notIn, .list(values)) }
    /// `field IS NULL`: the run lacks the param or tag (``RunFilter`` accepts it on params and tags only).
    public func isNull() -> FilterExpression { clause(.isNull, .null) }
    /// `field IS NOT NULL`: the run has the param or tag (``RunFilter`` accepts it on params and tags only).
    public func isNotNull() -> FilterExpression { clause(.isNotNull, .null) }
}
