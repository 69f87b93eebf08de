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
/// - `AND`, `OR` (case-insensitive; `AND` binds tighter) and parentheses.
///
/// A clause on a field the run lacks is false (MLflow's rule). A metric clause
/// compares the run's latest value. An empty filter matches every run.
public struct RunFilter: Sendable, Hashable, CustomStringConvertible {
    /// The parsed expression; `nil` matches everything.
    public let expression: FilterExpression?

    /// Parses filter text.
    ///
    /// - Throws: `MLOpsError` `parseError` whose message starts with
    ///   `column N:` and says what was expected there.
    public init(_ text: String) throws {
        var parser = FilterParser(text)
        expression = try parser.parseFilter()
    }

    /// Wraps an expression from the typed builder, validating every clause
    /// exactly as parsed text is validated.
    public init(_ expression: FilterExpression) throws {
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

    private static func validated(_ expression: FilterExpression) throws -> FilterExpression {
        switch expression {
        case .and(let operands): return .and(try operands.map(validated))
        case .or(let operands): return .or(try operands.map(validated))
        case .comparison(var comparison):
            try validate(&comparison, columns: nil, text: comparison.description)
            return .comparison(comparison)
        }
    }

    /// Checks a clause's comparator and value type against its entity, and
    /// canonicalises attribute aliases.
    static func validate(
        _ comparison: inout FilterComparison, columns: (key: Int, op: Int, value: Int)?, text: String
    ) throws {
        func fail(_ column: Int?, _ message: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
            MLOpsError(
                .parseError, (column.map { "column \($0): " } ?? "") + message, value: text, fileID: fileID,
                line: line)
        }
        let op = comparison.op
        let numericOps: Set<FilterOperator> = [.equal, .notEqual, .greater, .greaterOrEqual, .less, .lessOrEqual]
        let stringOps: Set<FilterOperator> = [.equal, .notEqual, .like, .ilike]
        if comparison.key.isEmpty { throw fail(columns?.key, "the key is empty") }
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
            guard let value = run.param(comparison.key) else { return false }
            return compare(value, comparison)
        case .tag:
            guard let value = run.tag(comparison.key) else { return false }
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
    /// A tag's value, or `nil`.
    func tag(_ key: String) -> String?
    /// A metric's latest value (highest step, then latest timestamp), or `nil`.
    func latestMetric(_ key: String) -> Double?
    /// The values of one field (`name`, `digest`, `context`) over the run's dataset inputs.
    func datasetFields(_ key: String) -> [String]
}
