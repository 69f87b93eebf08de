import MLOpsCore
import Monitoring
import Testing

@Suite struct DataSchemaTests {
    static func reference() throws -> Table {
        try Table(columns: [
            .double("income", [10, 20, nil, 40, 50, 60, 70, 80, 90, 100]),
            .int("age", [18, 25, 30, 41, 52, 33, 29, 60, 70, 44]),
            .string("plan", ["free", "pro", "free", "team", "pro", "free", "free", "pro", "team", "free"]),
            .bool("active", [true, false, true, true, true, false, true, true, false, true]),
            .string("email", (0..<10).map { "user\($0)@example.com" }),
        ])
    }

    /// The reference's schema with at most 5 categories (the 10 e-mail addresses get none).
    static func schema() throws -> DataSchema {
        try DataSchema.infer(from: try reference(), options: SchemaInferenceOptions(maxCategories: 5))
    }

    @Test func infersRules() throws {
        let schema = try DataSchema.infer(from: try Self.reference(), options: SchemaInferenceOptions(maxCategories: 5))
        let income = try #require(schema.rule(named: "income"))
        #expect(income.type == .double)
        #expect(income.isNullable)
        #expect(income.minimum == 10)
        #expect(income.maximum == 100)
        #expect(abs((income.maxMissingRatio ?? 0) - 0.15) < 1e-12)
        #expect(income.allowedValues == nil)
        let age = try #require(schema.rule(named: "age"))
        #expect(!age.isNullable)
        #expect(age.maxMissingRatio == nil)
        #expect(age.minimum == 18 && age.maximum == 70)
        #expect(schema.rule(named: "plan")?.allowedValues == ["free", "pro", "team"])
        #expect(schema.rule(named: "active")?.allowedValues == ["false", "true"])
        #expect(schema.rule(named: "email")?.allowedValues == nil)  // 10 distinct > cap 5
        #expect(schema.validate(try Self.reference()).isValid)
    }

    @Test func reportsRowViolationsWithReasons() throws {
        var schema = try Self.schema()
        schema.columns[1].maximum = 65  // edited in code
        let current = try Table(columns: [
            .double("income", [5, 20, 30]),
            .int("age", [18, nil, 66]),
            .string("plan", ["free", "enterprise", "pro"]),
            .bool("active", [true, true, false]),
            .string("email", ["a", "b", "c"]),
        ])
        let report = schema.validate(current)
        #expect(!report.isValid)
        #expect(report.findings.isEmpty)
        #expect(report.violationCount == 4)
        #expect(report.invalidRowCount == 3)
        #expect(report.violationCountsByColumn == ["income": 1, "age": 2, "plan": 1])
        let found = Set(report.violations.map { "\($0.row) \($0.column) \($0.kind.rawValue) \($0.value)" })
        #expect(
            found == [
                "0 income belowMinimum 5.0", "1 age missingValue ", "2 age aboveMaximum 66",
                "1 plan unknownCategory enterprise",
            ])
        let below = try #require(report.violations.first { $0.kind == .belowMinimum })
        #expect(below.reason.contains("income") && below.reason.contains("minimum"))
    }

    @Test func tableLevelFindings() throws {
        let schema = try Self.schema()
        let current = try Table(columns: [
            .double("income", [nil, nil, 30, nil]),
            .string("age", ["a", "b", "c", "d"]),
            .bool("active", [true, true, true, true]),
            .string("email", ["a", "b", "c", "d"]),
            .double("surprise", [1, 2, 3, 4]),
        ])
        let report = schema.validate(current)
        let kinds = report.findings.map { "\($0.kind.rawValue) \($0.column)" }
        #expect(
            kinds == [
                "missingRatioExceeded income", "typeMismatch age", "missingColumn plan", "extraColumn surprise",
            ])
        #expect(report.violationCount == 0)  // a retyped text column is not checked value by value
        var lenient = schema
        lenient.allowsExtraColumns = true
        #expect(!lenient.validate(current).findings.contains { $0.kind == .extraColumn })
    }

    @Test func numericRetypeIsStillRangeChecked() throws {
        let schema = try Self.schema()
        let current = try Table(columns: [
            .int("income", [10, 200]), .int("age", [20, 30]), .string("plan", ["free", "pro"]),
            .bool("active", [true, false]), .string("email", ["a", "b"]),
        ])
        let report = schema.validate(current)
        #expect(report.findings.map(\.kind) == [.typeMismatch])
        #expect(report.violations.map(\.kind) == [.aboveMaximum])
    }

    @Test func reportSizeIsBounded() throws {
        let schema = DataSchema(columns: [ColumnRule(name: "x", type: .double, isNullable: false, maximum: 1)])
        let table = try Table(columns: [.double("x", (0..<5_000).map { Double($0) })])
        let report = schema.validate(table, maxListedViolations: 10)
        #expect(report.violations.count == 10)
        #expect(report.violationCount == 4_998)
        #expect(report.invalidRowCount == 4_998)
        #expect(report.isTruncated)
        #expect(report.violations.map(\.row) == Array(2..<12))
    }

    @Test func validatesASingleRequest() throws {
        let schema = try Self.schema()
        #expect(
            schema.validate(request: [
                "income": .int(55), "age": .int(30), "plan": .string("pro"), "active": .bool(true),
                "email": .string("x@y"),
            ]).isValid)
        let report = schema.validate(request: [
            "income": .double(.nan), "age": .string("thirty"), "plan": .string("gold"), "extra": .int(1),
        ])
        let kinds = report.violations.map { "\($0.column) \($0.kind.rawValue)" }
        #expect(kinds == ["age wrongType", "plan unknownCategory", "active missingValue", "email missingValue"])
        #expect(report.findings.map(\.column) == ["extra"])
        #expect(report.invalidRowCount == 1)
    }

    @Test func degenerateReferences() throws {
        let empty = try DataSchema.infer(
            from: try Table(columns: [.double("x", [Double]()), .string("s", [String]())]))
        #expect(empty.columns.map(\.type) == [.double, .string])
        #expect(empty.columns.allSatisfy { $0.minimum == nil && $0.allowedValues == nil && $0.maxMissingRatio == nil })
        #expect(try DataSchema.infer(from: Table()).columns.isEmpty)
        let allMissing = try DataSchema.infer(from: try Table(columns: [.double("x", [nil, nil, .nan])]))
        let rule = try #require(allMissing.columns.first)
        #expect(rule.isNullable && rule.minimum == nil && rule.maximum == nil && rule.maxMissingRatio == 1)
        let constant = try DataSchema.infer(
            from: try Table(columns: [.double("c", [3, 3, 3]), .string("k", ["a", "a", "a"])]),
            options: SchemaInferenceOptions(rangeMargin: 0.1))
        #expect(constant.columns[0].minimum == 3 && constant.columns[0].maximum == 3)
        #expect(constant.columns[1].allowedValues == ["a"])
        #expect(constant.validate(try Table(columns: [.double("c", [3]), .string("k", ["b"])])).violationCount == 1)
        // Validating an empty table: the missing ratio of zero rows is not checked.
        let report = allMissing.validate(try Table(columns: [.double("x", [Double]())]))
        #expect(report.isValid && report.rowCount == 0)
        #expect(throws: MLOpsError.self) {
            try DataSchema.infer(from: Table(), options: SchemaInferenceOptions(maxCategories: -1))
        }
    }

    @Test func jsonRoundTrip() throws {
        let schema = try Self.schema()
        let json = try schema.json()
        #expect(try DataSchema(json: json) == schema)
        #expect(String(decoding: json, as: UTF8.self).contains("\"allowedValues\""))
    }

    @Test func malformedJSONThrowsTypedErrors() throws {
        func code(_ text: String) -> MLOpsError.Code? {
            do {
                _ = try DataSchema(json: Array(text.utf8))
                return nil
            } catch let error as MLOpsError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code("") == .parseError)
        #expect(code("{") == .parseError)
        #expect(code("[]") == .parseError)
        #expect(code(#"{"formatVersion": 1, "allowsExtraColumns": false}"#) == .parseError)
        #expect(
            code(
                #"{"formatVersion":1,"allowsExtraColumns":false,"columns":[{"name":"x","type":"complex","isNullable":true}]}"#
            ) == .parseError)
        #expect(code(#"{"formatVersion": 9, "allowsExtraColumns": false, "columns": []}"#) == .unsupported)
        let rule = #"{"name":"x","type":"double","isNullable":true,"minimum":5,"maximum":1}"#
        #expect(code(#"{"formatVersion":1,"allowsExtraColumns":false,"columns":["# + rule + "]}") == .invalidArgument)
        let twice = #"{"name":"x","type":"int","isNullable":true}"#
        #expect(
            code(#"{"formatVersion":1,"allowsExtraColumns":false,"columns":["# + twice + "," + twice + "]}")
                == .invalidArgument)
        let ratio = #"{"name":"x","type":"int","isNullable":true,"maxMissingRatio":1.5}"#
        #expect(code(#"{"formatVersion":1,"allowsExtraColumns":false,"columns":["# + ratio + "]}") == .invalidArgument)
        #expect(code(#"{"formatVersion":1,"allowsExtraColumns":false,"columns":[]}"#) == nil)
    }
}
