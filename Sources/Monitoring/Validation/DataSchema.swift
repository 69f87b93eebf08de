public import MLOpsCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The expected shape and values of a dataset: one ``ColumnRule`` per column, inferred from
/// reference data, edited in code and stored as JSON.
///
/// ``infer(from:options:)`` reads a reference `Table`; ``validate(_:maxListedViolations:)`` and
/// ``validate(request:)`` check a table or one request against the rules and say, per row and
/// column, what broke which rule. ``json()`` and ``init(json:)`` store the schema (the CLI's
/// `mlops monitor validate --schema S CSV` reads it).
///
/// Inference rules: a column is nullable when the reference has a missing value (or NaN) in
/// it; a numeric column gets the range of its finite values; a text or boolean column with few
/// distinct values (``SchemaInferenceOptions/maxCategories``) gets them as allowed values; a
/// nullable column's missing-ratio bound is its observed ratio plus a slack. An empty reference
/// gives rules with types only; an all-missing column a nullable rule with no range; a constant
/// column the range [c, c].
public struct DataSchema: Sendable, Hashable, Codable {
    /// The version of the JSON layout this code writes and reads.
    public static let currentFormatVersion = 1
    /// The default cap on the row violations a report lists.
    public static let maxListedViolations = 1_000

    /// The version of the JSON layout the schema was read from or will be written with.
    public var formatVersion: Int
    /// The rules, in column order.
    public var columns: [ColumnRule]
    /// Whether a validated table may have columns the schema does not name.
    public var allowsExtraColumns: Bool

    /// A schema with the given rules.
    public init(columns: [ColumnRule], allowsExtraColumns: Bool = false) {
        self.formatVersion = Self.currentFormatVersion
        self.columns = columns
        self.allowsExtraColumns = allowsExtraColumns
    }

    /// The rule of the column named `name`, or `nil`.
    public func rule(named name: String) -> ColumnRule? { columns.first { $0.name == name } }

    /// Infers the rules of every column of `reference`.
    ///
    /// - Parameters:
    ///   - reference: Data known to be good.
    ///   - options: Caps and margins of the inference.
    /// - Throws: `MLOpsError` `invalidArgument` for a negative cap, margin or slack.
    public static func infer(from reference: Table, options: SchemaInferenceOptions = .init()) throws -> DataSchema {
        guard options.maxCategories >= 0, options.maxForcedCategories >= 0, options.rangeMargin >= 0,
            options.missingRatioSlack >= 0
        else {
            throw MLOpsError(
                .invalidArgument, "schema inference caps, range margin and missing-ratio slack must not be negative",
                value: "\(options.maxCategories), \(options.rangeMargin), \(options.missingRatioSlack)")
        }
        return DataSchema(columns: reference.columns.map { inferRule($0, options: options) })
    }

    private static func inferRule(_ column: Column, options: SchemaInferenceOptions) -> ColumnRule {
        var rule = ColumnRule(name: column.name, type: column.type)
        let forced = options.categoricalColumns.contains(column.name)
        let cap = forced ? options.maxForcedCategories : options.maxCategories
        var categories = Set<String>()
        var collectCategories = forced || !column.type.isNumeric
        var missing = 0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        for row in 0..<column.count {
            let value = column.value(at: row)
            if value.isMissing || value.doubleValue?.isNaN == true {
                missing += 1
                continue
            }
            if column.type.isNumeric, let number = value.doubleValue, number.isFinite {
                minimum = Swift.min(minimum, number)
                maximum = Swift.max(maximum, number)
            }
            if collectCategories {
                categories.insert(value.description)
                if categories.count > cap { collectCategories = false }
            }
        }
        let present = column.count - missing
        rule.isNullable = missing > 0
        if rule.isNullable, column.count > 0 {
            rule.maxMissingRatio = Swift.min(1, Double(missing) / Double(column.count) + options.missingRatioSlack)
        }
        if minimum <= maximum {
            let margin = (maximum - minimum) * options.rangeMargin
            rule.minimum = minimum - margin
            rule.maximum = maximum + margin
        }
        if collectCategories, present > 0 { rule.allowedValues = categories.sorted() }
        return rule
    }

    // MARK: JSON

    /// The schema as pretty-printed JSON with sorted keys.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` if a bound is not finite (JSON cannot hold it).
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return Array(try encoder.encode(self))
        } catch {
            throw MLOpsError(
                .invalidArgument, "the schema cannot be written as JSON (is a bound infinite or NaN?): \(error)")
        }
    }

    /// Reads a schema from the JSON ``json()`` wrote (or a person edited).
    ///
    /// - Throws: `MLOpsError` `parseError` for text that is not a schema's JSON; `unsupported`
    ///   for a newer ``formatVersion``; `invalidArgument` for a schema that contradicts itself
    ///   (two rules for one column, a minimum above the maximum, a bound outside [0, 1]),
    ///   naming the column.
    public init(json: [UInt8]) throws {
        let decoded: DataSchema
        do {
            decoded = try JSONDecoder().decode(DataSchema.self, from: Data(json))
        } catch {
            throw MLOpsError(.parseError, "the text is not a data schema's JSON: \(error)", cause: error)
        }
        guard decoded.formatVersion >= 1, decoded.formatVersion <= Self.currentFormatVersion else {
            throw MLOpsError(
                .unsupported,
                "the data schema has format version \(decoded.formatVersion); this version reads 1...\(Self.currentFormatVersion)",
                value: String(decoded.formatVersion))
        }
        try decoded.check()
        self = decoded
    }

    /// Throws naming the first rule that contradicts itself or another.
    public func check() throws {
        var names = Set<String>()
        for rule in columns {
            guard names.insert(rule.name).inserted else {
                throw MLOpsError(
                    .invalidArgument, "the data schema has two rules for column '\(rule.name)'", value: rule.name)
            }
            if let minimum = rule.minimum, let maximum = rule.maximum, !(minimum <= maximum) {
                throw MLOpsError(
                    .invalidArgument, "column '\(rule.name)' has a minimum above its maximum",
                    value: "\(minimum) > \(maximum)")
            }
            if let ratio = rule.maxMissingRatio, !(ratio >= 0 && ratio <= 1) {
                throw MLOpsError(
                    .invalidArgument, "column '\(rule.name)' has a missing-ratio bound outside [0, 1]",
                    value: String(ratio))
            }
        }
    }
}
