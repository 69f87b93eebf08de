public import MLOpsCore
import InferenceCore

/// Encodes categorical columns as the index of their category, as scikit-learn's `OrdinalEncoder`.
///
/// Categories are learned as by ``OneHotEncoder`` (text in byte order, whole numbers in numeric
/// order; missing values are not a category), and category `i` of the sorted list becomes `i`. A
/// missing value stays missing (NaN), as scikit-learn's default `encoded_missing_value`. An
/// unknown category is an error naming the column and the value, or becomes a configured value
/// (scikit-learn `handle_unknown="use_encoded_value"`). The encoded columns are `double` and keep
/// their names.
///
/// In the exported graph a missing value is treated as an unknown category (an error, or the
/// configured value), and the configured value must be finite.
public struct OrdinalEncoder: Transformer {
    /// What an unknown category does.
    public enum UnknownHandling: Sendable, Hashable, Codable {
        /// An error naming the column and the value (scikit-learn's default).
        case error
        /// The value given (scikit-learn `unknown_value`); it must not be a category index.
        case useEncodedValue(Double)
    }

    /// The columns to encode; every text column when `nil`.
    public var columns: [String]?
    /// What an unknown category does (default ``UnknownHandling/error``).
    public var handleUnknown: UnknownHandling

    /// An encoder of `columns` (every text column when `nil`).
    public init(columns: [String]? = nil, handleUnknown: UnknownHandling = .error) {
        self.columns = columns
        self.handleUnknown = handleUnknown
    }

    /// Learns the categories of each column.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a table without rows, a column without values,
    ///   a numeric column with a value that is not whole, or an unknown value that is a category
    ///   index (naming it); `notFound` for an unknown column.
    public func fit(_ table: Table) throws -> Fitted {
        let names = try ColumnKind.text.resolve(columns, in: table, step: "OrdinalEncoder")
        var categories: [[Category]] = []
        for name in names {
            let column = try Preprocessing.column(table, name, step: "OrdinalEncoder")
            let learned = try CategoryValues(column, step: "OrdinalEncoder").categories()
            guard !learned.isEmpty else {
                throw MLOpsError(
                    .invalidArgument, "OrdinalEncoder: the column \(name) has no values (all are missing)", value: name)
            }
            if case .useEncodedValue(let u) = handleUnknown, u >= 0, u < Double(learned.count), u.rounded() == u {
                throw MLOpsError(
                    .invalidArgument,
                    "OrdinalEncoder: the unknown value \(u) is the index of a category of the column \(name)",
                    value: "unknownValue=\(u)")
            }
            categories.append(learned)
        }
        return Fitted(columns: names, categories: categories, handleUnknown: handleUnknown)
    }

    /// A fitted ``OrdinalEncoder``: the sorted categories of each column.
    public struct Fitted: FittedTransformer {
        /// The encoded columns.
        public let columns: [String]
        /// The categories of each column; category `i` encodes as `i`.
        public let categories: [[Category]]
        /// What an unknown category does.
        public let handleUnknown: UnknownHandling

        /// A fitted encoder from its categories (one list per column).
        public init(columns: [String], categories: [[Category]], handleUnknown: UnknownHandling) {
            self.columns = columns
            self.categories = categories
            self.handleUnknown = handleUnknown
        }

        public var inputColumns: [String] { columns }
        public var outputColumns: [String] { columns }

        public func transform(_ table: Table) throws -> Table {
            var replacements: [String: [Column]] = [:]
            for (name, learned) in zip(columns, categories) {
                let column = try Preprocessing.column(table, name, step: "OrdinalEncoder")
                let values = try CategoryValues(column, step: "OrdinalEncoder", wholeNumbersOnly: false)
                let index = Dictionary(uniqueKeysWithValues: learned.enumerated().map { ($1, Double($0)) })
                var out = [Double](repeating: .nan, count: table.rowCount)
                for row in 0..<table.rowCount {
                    guard let category = values[row] else { continue }
                    if let i = index[category] {
                        out[row] = i
                    } else if case .useEncodedValue(let u) = handleUnknown {
                        out[row] = u
                    } else {
                        throw MLOpsError(
                            .invalidArgument,
                            "OrdinalEncoder: the column \(name) has the unknown category \(category) at row \(row + 1)",
                            value: category.description)
                    }
                }
                replacements[name] = [.double(name, out)]
            }
            return try Preprocessing.replacing(table, replacements)
        }

        public func export(into builder: inout GraphBuilder, columns graph: inout GraphColumns) throws {
            for (name, learned) in zip(columns, categories) {
                let input = try graph.gather([name], builder: &builder)
                let labels: GraphOp.ClassLabels
                if input.elementType == .string {
                    labels = .string(learned.map(\.description))
                } else {
                    labels = .int64(
                        try learned.map { category in
                            guard case .number(let v) = category, let i = Int64(exactly: v) else {
                                throw MLOpsError(
                                    .unsupported,
                                    "OrdinalEncoder: the category \(category) of the column \(name) cannot be "
                                        + "matched by the exported graph", value: category.description)
                            }
                            return i
                        })
                }
                var unknown: Float = 0
                if case .useEncodedValue(let u) = handleUnknown {
                    guard u.isFinite else {
                        throw MLOpsError(
                            .unsupported,
                            "OrdinalEncoder: the unknown value \(u) of the column \(name) cannot be exported "
                                + "(it must be finite)", value: String(u))
                    }
                    unknown = Float(u)
                }
                let k = learned.count
                let encoded = builder.add(
                    .oneHotEncoder(.init(categories: labels, zeros: handleUnknown != .error)), inputs: [input.name],
                    output: (.float32, k), hint: "ordinal_one_hot")
                let rows = builder.add(
                    .reshape(shape: [0, k]), inputs: [encoded.name], output: (.float32, k), hint: "ordinal_rows")
                // index = onehot · (i - u) + u: i for category i, u for an all-zero (unknown) row.
                let weights = builder.constant(
                    try Tensor(shape: [k, 1], float32: (0..<k).map { Float($0) - unknown }), hint: "ordinal_index")
                let bias = builder.constant(try Tensor(shape: [1], float32: [unknown]), hint: "ordinal_unknown")
                let index = builder.add(
                    .gemm(.init()), inputs: [rows.name, weights, bias], output: (.float32, 1), hint: "ordinal")
                try graph.set(name, to: [name], in: index, from: 0)
            }
        }
    }
}
