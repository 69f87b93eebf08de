import MLOpsCore

/// One `order_by` clause: a field and a direction, as in MLflow
/// (`"metrics.accuracy DESC"`, `"attributes.start_time"`, `"params.lr ASC"`).
public struct RunOrderClause: Sendable, Hashable, CustomStringConvertible {
    /// What to sort by: metrics (latest value), params, tags or attributes.
    public var entity: FilterEntity
    /// The key (attribute aliases are canonicalised).
    public var key: String
    /// Smallest first if `true`.
    public var ascending: Bool

    /// Creates a clause.
    public init(entity: FilterEntity, key: String, ascending: Bool = true) {
        self.entity = entity
        self.key = key
        self.ascending = ascending
    }

    /// Parses MLflow's `identifier [ASC|DESC]`.
    ///
    /// - Throws: `MLOpsError` `parseError` naming the column for a bad
    ///   identifier, an unknown attribute, a dataset field, or trailing words.
    public init(parsing text: String) throws {
        var trimmed = text.trimmingSpaces()
        var ascending = true
        let upper = trimmed.uppercased()
        if upper.hasSuffix(" DESC") {
            ascending = false
            trimmed = String(trimmed.dropLast(5)).trimmingSpaces()
        } else if upper.hasSuffix(" ASC") {
            trimmed = String(trimmed.dropLast(4)).trimmingSpaces()
        }
        var parser = FilterParser(trimmed)
        let identifier: (entity: FilterEntity, key: String)
        do {
            identifier = try parser.parseStandaloneIdentifier()
        } catch let error as MLOpsError {
            throw MLOpsError(.parseError, "order_by: \(error.message)", value: text)
        }
        var key = identifier.key
        switch identifier.entity {
        case .attribute:
            key = RunFilter.attributeAliases[key] ?? key
            guard RunFilter.attributeKeys[key] != nil else {
                throw MLOpsError(
                    .parseError,
                    "order_by: unknown attribute '\(FilterParser.escaped(identifier.key))'; expected one of "
                        + RunFilter.attributeKeys.keys.sorted().joined(separator: ", "),
                    value: text)
            }
        case .dataset:
            throw MLOpsError(.parseError, "order_by: runs cannot be ordered by dataset fields", value: text)
        case .metric, .param, .tag:
            break
        }
        self.init(entity: identifier.entity, key: key, ascending: ascending)
    }

    public var description: String {
        "\(entity.rawValue).`\(key)` \(ascending ? "ASC" : "DESC")"
    }
}

/// Sorting runs the way MLflow does: the given clauses in order, then
/// `start_time DESC`, then `run_id ASC`; missing values and NaN sort last in
/// both directions.
public struct RunOrder: Sendable, Hashable {
    /// The clauses, most significant first.
    public var clauses: [RunOrderClause]

    /// Creates an ordering from parsed clauses.
    public init(_ clauses: [RunOrderClause] = []) { self.clauses = clauses }

    /// Parses MLflow `order_by` strings.
    public init(parsing texts: [String]) throws {
        clauses = try texts.map(RunOrderClause.init(parsing:))
    }

    /// The clauses actually applied, ending with the tie-breakers.
    public var effectiveClauses: [RunOrderClause] {
        var result = clauses
        if !result.contains(where: { $0.entity == .attribute && $0.key == "start_time" }) {
            result.append(RunOrderClause(entity: .attribute, key: "start_time", ascending: false))
        }
        if !result.contains(where: { $0.entity == .attribute && $0.key == "run_id" }) {
            result.append(RunOrderClause(entity: .attribute, key: "run_id", ascending: true))
        }
        return result
    }

    /// Whether `a` sorts before `b`.
    public func areInIncreasingOrder(_ a: some RunFilterSubject, _ b: some RunFilterSubject) -> Bool {
        for clause in effectiveClauses {
            let order = Self.compare(Self.sortValue(a, clause), Self.sortValue(b, clause), ascending: clause.ascending)
            if order != 0 { return order < 0 }
        }
        return false
    }

    enum SortValue {
        case missing
        case number(Double)
        case text(String)
    }

    static func sortValue(_ run: some RunFilterSubject, _ clause: RunOrderClause) -> SortValue {
        switch clause.entity {
        case .metric:
            guard let value = run.latestMetric(clause.key), !value.isNaN else { return .missing }
            return .number(value)
        case .param: return run.param(clause.key).map(SortValue.text) ?? .missing
        case .tag: return run.tag(clause.key).map(SortValue.text) ?? .missing
        case .attribute:
            switch run.attribute(clause.key) {
            case .number(let value)?: return .number(Double(value))
            case .text(let value)?: return .text(value)
            case nil: return .missing
            }
        case .dataset: return .missing
        }
    }

    /// Negative, zero or positive; missing values always last.
    static func compare(_ a: SortValue, _ b: SortValue, ascending: Bool) -> Int {
        let raw: Int
        switch (a, b) {
        case (.missing, .missing): return 0
        case (.missing, _): return 1
        case (_, .missing): return -1
        case (.number(let x), .number(let y)): raw = x < y ? -1 : (x > y ? 1 : 0)
        case (.text(let x), .text(let y)): raw = x < y ? -1 : (x > y ? 1 : 0)
        case (.number, .text): raw = -1
        case (.text, .number): raw = 1
        }
        return ascending ? raw : -raw
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
