public import MLOpsCore
import InferenceCore

/// Fills missing values, as scikit-learn's `SimpleImputer`: with each column's mean, median or
/// most frequent value over the fit rows, or with a constant.
///
/// Numeric columns (NaN or missing is missing) take every strategy; text columns (missing or
/// empty text is missing) take ``Strategy/mostFrequent`` and ``Strategy/constant(number:text:)``. Ties of the
/// most frequent value pick the smallest (numbers by value, text by byte order), as scikit-learn
/// does. A column with no values at all is an error for the statistics (scikit-learn drops such
/// a column with a warning; this keeps the column set fixed and asks for a constant instead).
/// Imputed numeric columns become `double`; text columns stay text.
///
/// The exported graph imputes numeric columns only: a pipeline that imputes a text column can be
/// fitted and transformed in process but not exported (`unsupported`).
public struct SimpleImputer: Transformer {
    /// How the fill value is chosen.
    public enum Strategy: Sendable, Hashable, Codable {
        /// The mean of the present values (numeric columns only).
        case mean
        /// The median of the present values, the mean of the two middle ones for an even count
        /// (numeric columns only).
        case median
        /// The most frequent present value, the smallest on ties.
        case mostFrequent
        /// A constant: `number` for numeric columns, `text` for text columns (scikit-learn's
        /// defaults are 0 and `"missing_value"`).
        case constant(number: Double = 0, text: String = "missing_value")
    }

    /// The columns to impute; every numeric and boolean column when `nil` (name text columns to
    /// impute them).
    public var columns: [String]?
    /// How the fill value is chosen (default ``Strategy/mean``, as scikit-learn).
    public var strategy: Strategy

    /// An imputer of `columns` (every numeric column when `nil`) with `strategy`.
    public init(columns: [String]? = nil, strategy: Strategy = .mean) {
        self.columns = columns
        self.strategy = strategy
    }

    /// Learns each column's fill value.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a table without rows, the mean or median of a
    ///   text column, a statistic of a column with no values, or a non-finite constant (naming
    ///   the column); `notFound` for an unknown column.
    public func fit(_ table: Table) throws -> Fitted {
        let names = try ColumnKind.numeric.resolve(columns, in: table, step: "SimpleImputer")
        var fills: [Fill] = []
        for name in names {
            let column = try Preprocessing.column(table, name, step: "SimpleImputer")
            if column.type == .string {
                let values = Preprocessing.texts(column).compactMap { $0 }
                switch strategy {
                case .mean, .median:
                    throw MLOpsError(
                        .invalidArgument,
                        "SimpleImputer: the column \(name) holds text; the \(strategy) strategy needs numbers "
                            + "(use mostFrequent or constant)", value: name)
                case .constant(_, let text):
                    fills.append(.text(text))
                case .mostFrequent:
                    var counts: [String: Int] = [:]
                    for v in values { counts[v, default: 0] += 1 }
                    let best = counts.max { a, b in
                        a.value != b.value ? a.value < b.value : Preprocessing.byteOrder(b.key, a.key)
                    }
                    guard let best else { throw noValues(name) }
                    fills.append(.text(best.key))
                }
            } else {
                let values = try column.doubles().filter { !$0.isNaN }
                switch strategy {
                case .constant(let number, _):
                    guard number.isFinite else {
                        throw MLOpsError(
                            .invalidArgument, "SimpleImputer: the constant for the column \(name) is not finite",
                            value: String(number))
                    }
                    fills.append(.number(number))
                case .mean:
                    guard !values.isEmpty else { throw noValues(name) }
                    fills.append(.number(values.reduce(0, +) / Double(values.count)))
                case .median:
                    guard !values.isEmpty else { throw noValues(name) }
                    let sorted = values.sorted()
                    let middle = sorted.count / 2
                    fills.append(
                        .number(sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2))
                case .mostFrequent:
                    var counts: [Double: Int] = [:]
                    for v in values { counts[v, default: 0] += 1 }
                    let best = counts.max { a, b in a.value != b.value ? a.value < b.value : b.key < a.key }
                    guard let best else { throw noValues(name) }
                    fills.append(.number(best.key))
                }
            }
        }
        return Fitted(columns: names, fills: fills)
    }

    private func noValues(_ name: String) -> MLOpsError {
        MLOpsError(
            .invalidArgument,
            "SimpleImputer: the column \(name) has no values (all are missing), so it has no \(strategy); "
                + "use the constant strategy for it or leave it out", value: name)
    }

    /// A fill value.
    public enum Fill: Sendable, Hashable, Codable {
        /// The number that replaces a missing value of a numeric column.
        case number(Double)
        /// The text that replaces a missing value of a text column.
        case text(String)
    }

    /// A fitted ``SimpleImputer``: the fill value of each column.
    public struct Fitted: FittedTransformer {
        /// The imputed columns.
        public let columns: [String]
        /// The fill value of each column.
        public let fills: [Fill]

        /// A fitted imputer from its fill values (one per column).
        public init(columns: [String], fills: [Fill]) {
            self.columns = columns
            self.fills = fills
        }

        public var inputColumns: [String] { columns }
        public var outputColumns: [String] { columns }

        public func transform(_ table: Table) throws -> Table {
            var replacements: [String: [Column]] = [:]
            for (name, fill) in zip(columns, fills) {
                let column = try Preprocessing.column(table, name, step: "SimpleImputer")
                switch fill {
                case .number(let value):
                    let values = try Preprocessing.numbers(column, step: "SimpleImputer")
                    replacements[name] = [.double(name, values.map { $0.isNaN ? value : $0 })]
                case .text(let value):
                    guard column.type == .string else {
                        throw MLOpsError(
                            .invalidArgument,
                            "SimpleImputer: the column \(name) was text when fitted; it holds numbers",
                            value: name)
                    }
                    replacements[name] = [.string(name, Preprocessing.texts(column).map { $0 ?? value })]
                }
            }
            return try Preprocessing.replacing(table, replacements)
        }

        public func export(into builder: inout GraphBuilder, columns graph: inout GraphColumns) throws {
            var numbers: [Float] = []
            for (name, fill) in zip(columns, fills) {
                guard case .number(let value) = fill else {
                    throw MLOpsError(
                        .unsupported, "imputing the text column \(name) cannot be exported to a graph yet", value: name)
                }
                numbers.append(Float(value))
            }
            guard !columns.isEmpty else { return }
            let input = try graph.gather(columns, builder: &builder)
            var source = input
            if !(input.elementType == .float32 || input.elementType == .float64) {
                source = builder.add(
                    .cast(to: .float64), inputs: [input.name], output: (.float64, input.width), hint: "cast")
            }
            let imputed = builder.add(
                .imputer(.init(values: numbers)), inputs: [source.name], output: (source.elementType, columns.count),
                hint: "imputed")
            for (j, name) in columns.enumerated() { try graph.set(name, to: [name], in: imputed, from: j) }
        }
    }
}
