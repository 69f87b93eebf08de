public import MLOpsCore
import InferenceCore

/// Encodes categorical columns as 0/1 indicator columns, as scikit-learn's `OneHotEncoder`
/// (`drop=None`, dense output).
///
/// Categories are learned from text columns (byte order) or from numeric columns of whole
/// numbers (numeric order) over the fit rows; missing values (and empty text) are not a category.
/// Column `c` with categories `a, b` becomes the columns `c_a, c_b` (scikit-learn's feature names),
/// in place of `c`, as `double` 0/1.
///
/// **Unknown categories** (and missing values) in ``Fitted/transform(_:)`` give an all-zero row
/// with ``UnknownHandling/ignore``, or an error naming the column and the value with
/// ``UnknownHandling/error``; the exported graph does the same.
///
/// **`maxCategories`** (scikit-learn `max_categories`) caps the output columns of a column,
/// counting one column `c_infrequent_sklearn` that collects the rarer categories: the
/// `maxCategories - 1` most frequent categories are kept (on equal counts the later categories in
/// sorted order are kept, as scikit-learn's stable sort does).
public struct OneHotEncoder: Transformer {
    /// What an unknown category does.
    public enum UnknownHandling: String, Sendable, Hashable, Codable {
        /// An all-zero row (scikit-learn `handle_unknown="ignore"`).
        case ignore
        /// An error naming the column and the value (scikit-learn's default, `"error"`).
        case error
    }

    /// The columns to encode; every text column when `nil`.
    public var columns: [String]?
    /// What an unknown category does (default ``UnknownHandling/error``, as scikit-learn).
    public var handleUnknown: UnknownHandling
    /// The most output columns per input column, the infrequent column included (≥ 1), or `nil`
    /// for no limit (the default).
    public var maxCategories: Int?

    /// An encoder of `columns` (every text column when `nil`).
    public init(columns: [String]? = nil, handleUnknown: UnknownHandling = .error, maxCategories: Int? = nil) {
        self.columns = columns
        self.handleUnknown = handleUnknown
        self.maxCategories = maxCategories
    }

    /// Learns the categories of each column.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for `maxCategories < 1` (naming it), a table
    ///   without rows, a column without values, or a numeric column with a value that is not a
    ///   whole number (naming the column and value); `notFound` for an unknown column.
    public func fit(_ table: Table) throws -> Fitted {
        if let maxCategories, maxCategories < 1 {
            throw MLOpsError(
                .invalidArgument, "OneHotEncoder: maxCategories must be at least 1, got \(maxCategories)",
                value: "maxCategories=\(maxCategories)")
        }
        let names = try ColumnKind.text.resolve(columns, in: table, step: "OneHotEncoder")
        var encodings: [Encoding] = []
        for name in names {
            let column = try Preprocessing.column(table, name, step: "OneHotEncoder")
            let values = try CategoryValues(column, step: "OneHotEncoder")
            let categories = values.categories()
            guard !categories.isEmpty else {
                throw MLOpsError(
                    .invalidArgument, "OneHotEncoder: the column \(name) has no values (all are missing)", value: name)
            }
            var frequent = categories.map(\.self)
            var infrequent: [Category] = []
            if let maxCategories, maxCategories < categories.count {
                let counts = values.counts()
                // scikit-learn: a stable ascending sort of the counts; all but the last
                // maxCategories - 1 are infrequent.
                let order = categories.indices.sorted { a, b in
                    let (ca, cb) = (counts[categories[a], default: 0], counts[categories[b], default: 0])
                    return ca != cb ? ca < cb : a < b
                }
                let infrequentIndices = Set(order.prefix(categories.count - (maxCategories - 1)))
                frequent = categories.indices.filter { !infrequentIndices.contains($0) }.map { categories[$0] }
                infrequent = categories.indices.filter { infrequentIndices.contains($0) }.map { categories[$0] }
            }
            encodings.append(Encoding(column: name, categories: frequent, infrequent: infrequent))
        }
        return Fitted(encodings: encodings, handleUnknown: handleUnknown)
    }

    /// The categories learned for one column.
    public struct Encoding: Sendable, Hashable, Codable {
        /// The encoded column.
        public let column: String
        /// The categories with their own output column, in output order.
        public let categories: [Category]
        /// The categories collected in the infrequent column (empty when there is none).
        public let infrequent: [Category]

        /// An encoding from its parts.
        public init(column: String, categories: [Category], infrequent: [Category]) {
            self.column = column
            self.categories = categories
            self.infrequent = infrequent
        }

        /// The output column names: `column_category` for each category, then
        /// `column_infrequent_sklearn` when some are infrequent.
        public var outputColumns: [String] {
            categories.map { "\(column)_\($0)" } + (infrequent.isEmpty ? [] : ["\(column)_infrequent_sklearn"])
        }
    }

    /// A fitted ``OneHotEncoder``: the categories of each column.
    public struct Fitted: FittedTransformer {
        /// The encoding of each column, in order.
        public let encodings: [Encoding]
        /// What an unknown category does.
        public let handleUnknown: UnknownHandling

        /// A fitted encoder from its encodings.
        public init(encodings: [Encoding], handleUnknown: UnknownHandling) {
            self.encodings = encodings
            self.handleUnknown = handleUnknown
        }

        public var inputColumns: [String] { encodings.map(\.column) }
        public var outputColumns: [String] { encodings.flatMap(\.outputColumns) }

        public func transform(_ table: Table) throws -> Table {
            var replacements: [String: [Column]] = [:]
            let rowCount = table.rowCount
            for encoding in encodings {
                let column = try Preprocessing.column(table, encoding.column, step: "OneHotEncoder")
                let values = try CategoryValues(column, step: "OneHotEncoder", wholeNumbersOnly: false)
                var position: [Category: Int] = [:]
                for (i, c) in encoding.categories.enumerated() { position[c] = i }
                let infrequentColumn = encoding.categories.count
                for c in encoding.infrequent { position[c] = infrequentColumn }
                let width = encoding.outputColumns.count
                var out = [[Double]](repeating: [Double](repeating: 0, count: rowCount), count: width)
                for row in 0..<rowCount {
                    if let category = values[row], let j = position[category] {
                        out[j][row] = 1
                    } else if handleUnknown == .error {
                        throw MLOpsError(
                            .invalidArgument,
                            "OneHotEncoder: the column \(encoding.column) has "
                                + (values[row].map { "the unknown category \($0)" } ?? "a missing value")
                                + " at row \(row + 1)", value: values[row]?.description ?? "")
                    }
                }
                replacements[encoding.column] = zip(encoding.outputColumns, out).map { Column.double($0, $1) }
            }
            return try Preprocessing.replacing(table, replacements)
        }

        public func export(into builder: inout GraphBuilder, columns graph: inout GraphColumns) throws {
            for encoding in encodings {
                let input = try graph.gather([encoding.column], builder: &builder)
                let all = encoding.categories + encoding.infrequent
                let labels: GraphOp.ClassLabels
                if input.elementType == .string {
                    labels = .string(all.map(\.description))
                } else {
                    var ints: [Int64] = []
                    for category in all {
                        guard case .number(let v) = category, let i = Int64(exactly: v) else {
                            throw MLOpsError(
                                .unsupported,
                                "OneHotEncoder: the column \(encoding.column) has the category \(category), which the "
                                    + "exported graph's numeric input cannot match", value: category.description)
                        }
                        ints.append(i)
                    }
                    labels = .int64(ints)
                }
                let encoded = builder.add(
                    .oneHotEncoder(.init(categories: labels, zeros: handleUnknown == .ignore)), inputs: [input.name],
                    output: (.float32, all.count), hint: "one_hot")
                var rows = builder.add(
                    .reshape(shape: [0, all.count]), inputs: [encoded.name], output: (.float32, all.count),
                    hint: "one_hot_rows")
                let width = encoding.outputColumns.count
                if !encoding.infrequent.isEmpty {
                    // [N, all] × [all, width]: each frequent category to its column, the rest summed.
                    var map = [Float](repeating: 0, count: all.count * width)
                    for i in 0..<all.count { map[i * width + min(i, width - 1)] = 1 }
                    let weights = builder.constant(
                        try Tensor(shape: [all.count, width], float32: map), hint: "infrequent_map")
                    rows = builder.add(
                        .gemm(.init()), inputs: [rows.name, weights], output: (.float32, width), hint: "one_hot_grouped"
                    )
                }
                try graph.set(encoding.column, to: encoding.outputColumns, in: rows, from: 0)
            }
        }
    }
}
