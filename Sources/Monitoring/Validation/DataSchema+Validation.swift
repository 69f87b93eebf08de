public import MLOpsCore

extension DataSchema {
    /// Validates every row of `table` against the rules.
    ///
    /// Checks, per column of the schema: presence and type (findings), the missing ratio
    /// (finding), then each value: missing in a non-nullable column, outside the range, not an
    /// allowed value (row violations). Columns not in the schema are findings unless
    /// ``allowsExtraColumns``. NaN in a floating-point column counts as missing; an infinite value
    /// breaks any range.
    ///
    /// - Parameters:
    ///   - table: The data to check.
    ///   - maxListedViolations: The most row violations the report lists (counts stay exact).
    /// - Returns: The report; it never throws: bad data is what it reports.
    public func validate(_ table: Table, maxListedViolations: Int = DataSchema.maxListedViolations)
        -> ValidationReport
    {
        var builder = ReportBuilder(rowCount: table.rowCount, cap: Swift.max(0, maxListedViolations))
        for rule in columns {
            guard let column = table.column(named: rule.name) else {
                builder.findings.append(
                    TableFinding(
                        kind: .missingColumn, column: rule.name, expected: rule.type.rawValue, actual: "absent",
                        reason: "column '\(rule.name)' of the schema is missing"))
                continue
            }
            if column.type != rule.type {
                builder.findings.append(
                    TableFinding(
                        kind: .typeMismatch, column: rule.name, expected: rule.type.rawValue,
                        actual: column.type.rawValue,
                        reason: "column '\(rule.name)' is \(column.type), the schema expects \(rule.type)"))
                guard column.type.isNumeric && rule.type.isNumeric else { continue }
            }
            check(column, against: rule, into: &builder)
        }
        if !allowsExtraColumns {
            let known = Set(columns.map(\.name))
            for name in table.columnNames where !known.contains(name) {
                builder.findings.append(
                    TableFinding(
                        kind: .extraColumn, column: name, expected: "absent", actual: "present",
                        reason: "column '\(name)' is not in the schema"))
            }
        }
        return builder.report()
    }

    /// Validates one request (feature name → value) against the rules, as a table of one row.
    ///
    /// An absent key is a missing value; a value of the wrong type (text for a number, say) is a
    /// ``ViolationKind/wrongType`` violation. An integer is accepted for a floating-point column,
    /// not the reverse. Missing-ratio bounds are not checked for a single row.
    public func validate(request: [String: TableValue]) -> ValidationReport {
        var builder = ReportBuilder(rowCount: 1, cap: Int.max)
        for rule in columns {
            let value = request[rule.name] ?? .missing
            if !Self.matches(value, rule.type) {
                builder.add(
                    row: 0, rule: rule, kind: .wrongType, value: value.description,
                    reason: "'\(rule.name)' is \(Self.typeName(of: value)), the schema expects \(rule.type)")
                continue
            }
            checkValue(value, row: 0, rule: rule, into: &builder)
        }
        if !allowsExtraColumns {
            let known = Set(columns.map(\.name))
            for name in request.keys.sorted() where !known.contains(name) {
                builder.findings.append(
                    TableFinding(
                        kind: .extraColumn, column: name, expected: "absent", actual: "present",
                        reason: "feature '\(name)' is not in the schema"))
            }
        }
        return builder.report()
    }

    // MARK: Checks

    private func check(_ column: Column, against rule: ColumnRule, into builder: inout ReportBuilder) {
        let mask = column.missing
        let hasMissing = mask.hasMissing
        let missing: Int
        // One typed pass per column: no `TableValue` per row, text only for a violation or a
        // category lookup.
        switch column.storage {
        case .double(let values):
            missing = scan(
                column.count, rule, &builder, isMissing: { (hasMissing && mask[$0]) || values[$0].isNaN },
                isNaN: { values[$0].isNaN }, number: { values[$0] }, text: { TableValue.double(values[$0]).description }
            )
        case .float(let values):
            missing = scan(
                column.count, rule, &builder, isMissing: { (hasMissing && mask[$0]) || values[$0].isNaN },
                isNaN: { values[$0].isNaN }, number: { Double(values[$0]) },
                text: { TableValue.double(Double(values[$0])).description })
        case .int(let values):
            missing = scan(
                column.count, rule, &builder, isMissing: { hasMissing && mask[$0] }, isNaN: { _ in false },
                number: { Double(values[$0]) }, text: { String(values[$0]) })
        case .string(let values):
            missing = scan(
                column.count, rule, &builder, isMissing: { hasMissing && mask[$0] }, isNaN: { _ in false },
                number: { _ in nil }, text: { values[$0] })
        case .bool(let values):
            missing = scan(
                column.count, rule, &builder, isMissing: { hasMissing && mask[$0] }, isNaN: { _ in false },
                number: { _ in nil }, text: { values[$0] ? "true" : "false" })
        }
        if let bound = rule.maxMissingRatio, column.count > 0 {
            let ratio = Double(missing) / Double(column.count)
            if ratio > bound {
                builder.findings.append(
                    TableFinding(
                        kind: .missingRatioExceeded, column: rule.name, expected: "≤ \(bound)", actual: "\(ratio)",
                        reason: "\(missing) of \(column.count) values of '\(rule.name)' are missing (\(ratio)), "
                            + "above the bound \(bound)"))
            }
        }
    }

    /// Checks rows `0..<count` of one column; returns how many are missing.
    private func scan(
        _ count: Int, _ rule: ColumnRule, _ builder: inout ReportBuilder, isMissing: (Int) -> Bool,
        isNaN: (Int) -> Bool, number: (Int) -> Double?, text: (Int) -> String
    ) -> Int {
        var missing = 0
        let checksRange = rule.type.isNumeric && (rule.minimum != nil || rule.maximum != nil)
        let minimum = rule.minimum ?? -Double.infinity
        let maximum = rule.maximum ?? Double.infinity
        let allowed = rule.allowedValues.map { Set($0) }
        for row in 0..<count {
            if isMissing(row) {
                missing += 1
                if !rule.isNullable {
                    builder.add(
                        row: row, rule: rule, kind: .missingValue, value: isNaN(row) ? "NaN" : "",
                        reason: "'\(rule.name)' is missing but the column is not nullable")
                }
                continue
            }
            if checksRange, let value = number(row) {
                if value < minimum {
                    builder.add(
                        row: row, rule: rule, kind: .belowMinimum, value: text(row),
                        reason: "'\(rule.name)' is \(text(row)), below the minimum \(minimum)")
                    continue
                }
                if value > maximum {
                    builder.add(
                        row: row, rule: rule, kind: .aboveMaximum, value: text(row),
                        reason: "'\(rule.name)' is \(text(row)), above the maximum \(maximum)")
                    continue
                }
            }
            if let allowed, !allowed.contains(text(row)) {
                builder.add(
                    row: row, rule: rule, kind: .unknownCategory, value: text(row),
                    reason: "'\(rule.name)' is '\(text(row))', not one of its \(allowed.count) allowed values")
            }
        }
        return missing
    }

    private func checkValue(_ value: TableValue, row: Int, rule: ColumnRule, into builder: inout ReportBuilder) {
        if value.isMissing || value.doubleValue?.isNaN == true {
            if !rule.isNullable {
                builder.add(
                    row: row, rule: rule, kind: .missingValue, value: value.isMissing ? "" : "NaN",
                    reason: "'\(rule.name)' is missing but the column is not nullable")
            }
            return
        }
        if rule.type.isNumeric, let number = value.doubleValue {
            if let minimum = rule.minimum, number < minimum {
                builder.add(
                    row: row, rule: rule, kind: .belowMinimum, value: value.description,
                    reason: "'\(rule.name)' is \(value), below the minimum \(minimum)")
                return
            }
            if let maximum = rule.maximum, number > maximum {
                builder.add(
                    row: row, rule: rule, kind: .aboveMaximum, value: value.description,
                    reason: "'\(rule.name)' is \(value), above the maximum \(maximum)")
                return
            }
        }
        if let allowed = rule.allowedValues, !builder.isAllowed(value.description, rule: rule, allowed: allowed) {
            builder.add(
                row: row, rule: rule, kind: .unknownCategory, value: value.description,
                reason: "'\(rule.name)' is '\(value)', not one of its \(allowed.count) allowed values")
        }
    }

    private static func matches(_ value: TableValue, _ type: ColumnType) -> Bool {
        switch (value, type) {
        case (.missing, _): true
        case (.double, .double), (.double, .float), (.int, .double), (.int, .float), (.int, .int): true
        case (.string, .string), (.bool, .bool): true
        default: false
        }
    }

    private static func typeName(of value: TableValue) -> String {
        switch value {
        case .double: "a floating-point number"
        case .int: "an integer"
        case .string: "text"
        case .bool: "a boolean"
        case .missing: "missing"
        }
    }
}

/// Collects a validation's findings and violations, listing at most `cap` violations.
private struct ReportBuilder {
    let rowCount: Int
    let cap: Int
    var findings: [TableFinding] = []
    var violations: [RowViolation] = []
    var violationCount = 0
    var invalidRows = Set<Int>()
    var countsByColumn: [String: Int] = [:]
    var allowedSets: [String: Set<String>] = [:]

    init(rowCount: Int, cap: Int) {
        self.rowCount = rowCount
        self.cap = cap
    }

    mutating func add(row: Int, rule: ColumnRule, kind: ViolationKind, value: String, reason: String) {
        violationCount += 1
        invalidRows.insert(row)
        countsByColumn[rule.name, default: 0] += 1
        if violations.count < cap {
            violations.append(RowViolation(row: row, column: rule.name, kind: kind, value: value, reason: reason))
        }
    }

    /// Whether `text` is allowed, with the allowed values kept as a set per column.
    mutating func isAllowed(_ text: String, rule: ColumnRule, allowed: [String]) -> Bool {
        if let set = allowedSets[rule.name] { return set.contains(text) }
        let set = Set(allowed)
        allowedSets[rule.name] = set
        return set.contains(text)
    }

    func report() -> ValidationReport {
        ValidationReport(
            rowCount: rowCount, findings: findings, violations: violations, violationCount: violationCount,
            invalidRowCount: invalidRows.count, violationCountsByColumn: countsByColumn)
    }
}
