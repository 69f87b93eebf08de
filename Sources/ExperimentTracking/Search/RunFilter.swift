import MLOpsCore

/// A run filter in MLflow's `search_runs` grammar, plus `OR` and parentheses.
///
/// ```swift
/// let filter = try RunFilter("metrics.accuracy > 0.9 AND params.optimizer = 'adam'")
/// let hits = runs.filter { filter.matches($0) }
/// ```
///
/// What is accepted (see `Documentation/ExperimentTracking.md` for the whole grammar):
/// - identifiers `metrics.`/`params.`/`tags.`/`attributes.`/`datasets.` and the
///   aliases `metric`, `param`, `parameter(s)`, `tag`, `attribute`, `attr`,
///   `run`, `dataset`; a key may be bare, `"quoted"`, `'quoted'` or in backticks;
///   without an entity the identifier is an attribute;
/// - metrics and `start_time`/`end_time` (alias `created`): `= != > >= < <=` with a number;
/// - params, tags and string attributes: `= != LIKE ILIKE` with a quoted string;
///   `attributes.run_id` also `IN`/`NOT IN` with a list; datasets (`name`,
///   `digest`, `context`): `= != LIKE ILIKE IN NOT IN`;
/// - params and tags also `IS NULL` / `IS NOT NULL` (the run lacks / has the key, as in MLflow 3);
/// - `AND`, `OR` (case-insensitive; `AND` binds tighter) and parentheses.
///
/// A clause on a field the run lacks is false (MLflow's rule), except
/// `IS NULL`. A metric clause compares the run's latest value. An empty filter
/// matches every run.
///
/// Tags include the ones an MLflow export derives from the run's ID and
/// captured environment (`mlops.run_id`, `mlflow.source.git.*`,
/// `mlflow.source.name`, `mlops.env.*`): the store's search and ``Run``'s
/// ``RunFilterSubject`` conformance show them, so search and export agree.
///
/// Bad input gets a typed error, never a crash: filter text longer than
/// ``maxLength`` or with more than ``maxNestingDepth`` open parentheses, and
/// expressions deeper than ``maxExpressionDepth``, are refused with
/// `MLOpsError` `limitExceeded` before anything recurses over them. Parsing
/// and validation take time linear in the text's length.
public struct RunFilter: Sendable, Hashable, CustomStringConvertible {
    /// The parsed expression; `nil` matches everything.
    public let expression: FilterExpression?

    /// The longest filter text accepted, in UTF-8 bytes (1 MiB): room for
    /// tens of thousands of clauses; longer text is a `limitExceeded` error.
    public static let maxLength = 1 << 20

    /// The most parentheses a filter text may have open at once (128). The
    /// parser recurses once per open parenthesis; a deeper filter is a
    /// `limitExceeded` error naming the column of the first `(` too many.
    public static let maxNestingDepth = 128

    /// The most nested `and`/`or` levels a ``FilterExpression`` given to
    /// ``init(_:)-(FilterExpression)`` may have: `2 × maxNestingDepth + 2`
    /// (258), the deepest tree the parser can produce, so every parsed
    /// filter's expression is accepted back. A deeper tree is a
    /// `limitExceeded` error.
    public static let maxExpressionDepth = 2 * maxNestingDepth + 2

    /// Parses filter text.
    ///
    /// - Throws: `MLOpsError` `parseError` whose message starts with
    ///   `column N:` and says what was expected there; `limitExceeded` for
    ///   text longer than ``maxLength`` bytes or nested deeper than
    ///   ``maxNestingDepth``.
    public init(_ text: String) throws {
        let length = text.utf8.count
        if length > Self.maxLength {
            throw MLOpsError(
                .limitExceeded,
                "the filter is \(length) bytes long; at most \(Self.maxLength) bytes are accepted "
                    + "(RunFilter.maxLength), so it is refused from byte \(Self.maxLength + 1) on",
                value: String(text.prefix(200)))
        }
        var parser = FilterParser(text)
        expression = try parser.parseFilter()
    }

    /// Wraps an expression from the typed builder, validating every clause
    /// exactly as parsed text is validated.
    ///
    /// - Throws: `MLOpsError` `parseError` for a clause whose comparator or
    ///   value does not fit its field; `limitExceeded` for an expression
    ///   deeper than ``maxExpressionDepth`` (checked before anything recurses
    ///   over it).
    public init(_ expression: FilterExpression) throws {
        let depth = expression.depth
        if depth > Self.maxExpressionDepth {
            throw MLOpsError(
                .limitExceeded,
                "the filter expression nests AND/OR \(depth) levels deep; at most \(Self.maxExpressionDepth) "
                    + "are accepted (RunFilter.maxExpressionDepth)",
                value: String(depth))
        }
        self.expression = try Self.validated(expression)
    }

    /// A filter that matches every run.
    public static let all = try! RunFilter("")  // The empty filter always parses.

    public var description: String { expression?.description ?? "" }

    /// Whether `run` satisfies the filter.
    public func matches(_ run: some RunFilterSubject) -> Bool {
        guard let expression else { return true }
        return Self.evaluate(expression, run)
    }

    // MARK: Validation

    /// Canonical attribute keys and whether they are numeric.
    static let attributeKeys: [String: Bool] = [
        "run_id": false, "run_name": false, "status": false, "user_id": false, "artifact_uri": false,
        "start_time": true, "end_time": true,
    ]

    static let attributeAliases: [String: String] = [
        "run name": "run_name", "Run name": "run_name", "Run Name": "run_name",
        "created": "start_time", "Created": "start_time",
    ]

    static let datasetKeys: Set<String> = ["name", "digest", "context"]

    /// Validates every clause. Recursive: callers check ``maxExpressionDepth`` first.
    private static func validated(_ expression: FilterExpression) throws -> FilterExpression {
        switch expression {
        case .and(let operands): return .and(try operands.map(validated))
        case .or(let operands): return .or(try operands.map(validated))
        case .comparison(let original):
            var comparison = original
            try validate(&comparison, columns: nil, text: original.description)
            return .comparison(comparison)
        }
    }

    private static let numericOps: Set<FilterOperator> = [
        .equal, .notEqual, .greater, .greaterOrEqual, .less, .lessOrEqual,
    ]
    private static let stringOps: Set<FilterOperator> = [.equal, .notEqual, .like, .ilike]

    /// Checks a clause's comparator and value type against its entity, and
    /// canonicalises attribute aliases.
    ///
    /// `text` (the whole filter, for the error's value) is only evaluated when
    /// the clause is bad, so validating every clause of a long filter stays linear.
    static func validate(
        _ comparison: inout FilterComparison, columns: (key: Int, op: Int, value: Int)?,
        text: @autoclosure () -> String
    ) throws {
        func fail(_ column: Int?, _ message: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
            MLOpsError(
                .parseError, (column.map { "column \($0): " } ?? "") + FilterParser.escaped(message), value: text(),
                fileID: fileID, line: line)
        }
        let op = comparison.op
        let numericOps = Self.numericOps
        let stringOps = Self.stringOps
        if comparison.key.isEmpty { throw fail(columns?.key, "the key is empty") }
        if op == .isNull || op == .isNotNull {
            guard comparison.entity == .param || comparison.entity == .tag else {
                throw fail(
                    columns?.op,
                    "\(op.rawValue) is only supported for params and tags, not \(comparison.entity.rawValue)")
            }
            guard case .null = comparison.value else {
                throw fail(columns?.value, "\(op.rawValue) takes no value, found \(comparison.value)")
            }
            return
        }
        if case .null = comparison.value {
            throw fail(columns?.value, "NULL is only a value of IS NULL and IS NOT NULL")
        }
        switch comparison.entity {
        case .metric:
            guard numericOps.contains(op) else {
                throw fail(columns?.op, "metrics take =, !=, >, >=, < or <=, not \(op.rawValue)")
            }
            guard case .number = comparison.value else {
                throw fail(columns?.value, "metric values must be numbers, found \(comparison.value)")
            }
        case .param, .tag:
            let kind = comparison.entity == .param ? "params" : "tags"
            guard stringOps.contains(op) else {
                throw fail(columns?.op, "\(kind) take =, !=, LIKE or ILIKE, not \(op.rawValue)")
            }
            guard case .string = comparison.value else {
                throw fail(columns?.value, "\(kind) values must be quoted strings, found \(comparison.value)")
            }
        case .attribute:
            let key = attributeAliases[comparison.key] ?? comparison.key
            guard let numeric = attributeKeys[key] else {
                throw fail(
                    columns?.key,
                    "unknown attribute '\(comparison.key)'; expected one of "
                        + attributeKeys.keys.sorted().joined(separator: ", "))
            }
            comparison.key = key
            if numeric {
                guard numericOps.contains(op) else {
                    throw fail(columns?.op, "\(key) takes =, !=, >, >=, < or <=, not \(op.rawValue)")
                }
                guard case .number(let value) = comparison.value, value == value.rounded() else {
                    throw fail(
                        columns?.value,
                        "\(key) values must be integers (milliseconds since 1970), found \(comparison.value)")
                }
            } else if op == .in || op == .notIn {
                guard key == "run_id" else {
                    throw fail(columns?.op, "\(op.rawValue) is only allowed on attributes.run_id")
                }
                guard case .list = comparison.value else {
                    throw fail(
                        columns?.value, "\(op.rawValue) takes a list such as ('a', 'b'), found \(comparison.value)")
                }
            } else {
                guard stringOps.contains(op) else {
                    throw fail(columns?.op, "\(key) takes =, !=, LIKE or ILIKE, not \(op.rawValue)")
                }
                guard case .string = comparison.value else {
                    throw fail(columns?.value, "\(key) values must be quoted strings, found \(comparison.value)")
                }
            }
        case .dataset:
            guard datasetKeys.contains(comparison.key) else {
                throw fail(columns?.key, "unknown dataset field '\(comparison.key)'; expected name, digest or context")
            }
            if op == .in || op == .notIn {
                guard case .list = comparison.value else {
                    throw fail(
                        columns?.value, "\(op.rawValue) takes a list such as ('a', 'b'), found \(comparison.value)")
                }
            } else {
                guard stringOps.contains(op) else {
                    throw fail(columns?.op, "datasets take =, !=, LIKE, ILIKE, IN or NOT IN, not \(op.rawValue)")
                }
                guard case .string = comparison.value else {
                    throw fail(columns?.value, "dataset values must be quoted strings, found \(comparison.value)")
                }
            }
        }
    }

    // MARK: Evaluation

    static func evaluate(_ expression: FilterExpression, _ run: some RunFilterSubject) -> Bool {
        switch expression {
        case .and(let operands): return operands.allSatisfy { evaluate($0, run) }
        case .or(let operands): return operands.contains { evaluate($0, run) }
        case .comparison(let comparison): return evaluate(comparison, run)
        }
    }

    static func evaluate(_ comparison: FilterComparison, _ run: some RunFilterSubject) -> Bool {
        switch comparison.entity {
        case .metric:
            guard let value = run.latestMetric(comparison.key) else { return false }
            return compare(value, comparison)
        case .param:
            let value = run.param(comparison.key)
            if let presence = presence(value != nil, comparison.op) { return presence }
            guard let value else { return false }
            return compare(value, comparison)
        case .tag:
            let value = run.tag(comparison.key)
            if let presence = presence(value != nil, comparison.op) { return presence }
            guard let value else { return false }
            return compare(value, comparison)
        case .attribute:
            switch run.attribute(comparison.key) {
            case .none: return false
            case .number(let value)?: return compare(Double(value), comparison)
            case .text(let value)?: return compare(value, comparison)
            }
        case .dataset:
            let values = run.datasetFields(comparison.key)
            return values.contains { compare($0, comparison) }
        }
    }

    /// The answer of `IS NULL` / `IS NOT NULL` for a field that is (or is not) `present`;
    /// `nil` for any other operator.
    @inline(__always)
    static func presence(_ present: Bool, _ op: FilterOperator) -> Bool? {
        switch op {
        case .isNull: return !present
        case .isNotNull: return present
        default: return nil
        }
    }

    static func compare(_ value: Double, _ comparison: FilterComparison) -> Bool {
        guard case .number(let target) = comparison.value else { return false }
        return compare(value, comparison.op, target)
    }

    /// `value <op> target` for the numeric comparators; any other operator is `false`.
    @inline(__always)
    static func compare(_ value: Double, _ op: FilterOperator, _ target: Double) -> Bool {
        switch op {
        case .equal: return value == target
        case .notEqual: return value != target
        case .greater: return value > target
        case .greaterOrEqual: return value >= target
        case .less: return value < target
        case .lessOrEqual: return value <= target
        default: return false
        }
    }

    static func compare(_ value: String, _ comparison: FilterComparison) -> Bool {
        switch (comparison.op, comparison.value) {
        case (.equal, .string(let target)): return value == target
        case (.notEqual, .string(let target)): return value != target
        case (.like, .string(let pattern)): return LikePattern(pattern, caseInsensitive: false).matches(value)
        case (.ilike, .string(let pattern)): return LikePattern(pattern, caseInsensitive: true).matches(value)
        case (.in, .list(let values)): return values.contains(value)
        case (.notIn, .list(let values)): return !values.contains(value)
        default: return false
        }
    }
}

/// A run attribute's value as a filter sees it.
public enum RunAttributeValue: Sendable, Hashable {
    /// `start_time`, `end_time`: milliseconds since 1970.
    case number(Int64)
    /// Every other attribute.
    case text(String)
}

/// What a filter reads of a run. Run types of the tracking store conform;
/// so can a host's own records.
public protocol RunFilterSubject {
    /// An attribute by canonical name (`run_id`, `run_name`, `status`,
    /// `user_id`, `artifact_uri`, `start_time`, `end_time`), or `nil` if unset.
    func attribute(_ key: String) -> RunAttributeValue?
    /// A parameter's value, or `nil`.
    func param(_ key: String) -> String?
    /// A tag's value, or `nil`. The tracker's run types also answer for the
    /// tags an MLflow export derives (`mlops.run_id`, `mlflow.source.git.*`,
    /// `mlflow.source.name`, `mlops.env.*`).
    func tag(_ key: String) -> String?
    /// A metric's latest value (highest step, then latest timestamp), or `nil`.
    func latestMetric(_ key: String) -> Double?
    /// The values of one field (`name`, `digest`, `context`) over the run's dataset inputs.
    func datasetFields(_ key: String) -> [String]
}
