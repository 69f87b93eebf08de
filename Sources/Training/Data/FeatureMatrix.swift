public import MLOpsCore

/// The numeric features of a set of rows: a dense row-major matrix of `Double`, NaN where a value is
/// missing, with a name for each column.
///
/// ```swift
/// let features = try FeatureMatrix(table, columns: ["age", "income"])
/// let income = features[row: 3, column: 1]
/// ```
///
/// Estimators take a `FeatureMatrix`; the preprocessing steps turn text and categorical columns into
/// numbers first. Numeric and boolean table columns convert directly (`true` is 1).
public struct FeatureMatrix: Sendable, Hashable {
    /// The number of rows.
    public let rowCount: Int
    /// The number of columns (features).
    public let columnCount: Int
    /// The values, row after row: the value of row `r`, column `c` is at `r * columnCount + c`.
    public var values: [Double] { storage }
    @usableFromInline var storage: [Double]
    /// The name of each column, in order.
    public let featureNames: [String]

    /// A matrix of `rowCount × featureNames.count` values, row-major.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `values.count` is not `rowCount × featureNames.count`,
    ///   or when a feature name is empty or repeated.
    public init(rowCount: Int, values: [Double], featureNames: [String]) throws {
        guard rowCount >= 0, values.count == rowCount * featureNames.count else {
            throw MLOpsError(
                .invalidArgument,
                "a feature matrix of \(rowCount) rows and \(featureNames.count) columns needs "
                    + "\(max(0, rowCount) * featureNames.count) values", value: String(values.count))
        }
        var seen: Set<String> = []
        for name in featureNames {
            guard !name.isEmpty else {
                throw MLOpsError(.invalidArgument, "a feature name is empty", value: name)
            }
            guard seen.insert(name).inserted else {
                throw MLOpsError(.invalidArgument, "the feature name is given twice", value: name)
            }
        }
        self.rowCount = rowCount
        self.columnCount = featureNames.count
        self.storage = values
        self.featureNames = featureNames
    }

    /// The columns `columns` of `table` (all of them when `nil`), in that order.
    ///
    /// - Throws: `MLOpsError` `notFound` naming a column the table does not have;
    ///   `invalidArgument` naming a text column (encode it first, e.g. with a one-hot encoder).
    public init(_ table: Table, columns: [String]? = nil) throws {
        let names = columns ?? table.columnNames
        let rowCount = table.rowCount
        var values = [Double](repeating: 0, count: rowCount * names.count)
        for (j, name) in names.enumerated() {
            guard let column = table.column(named: name) else {
                throw MLOpsError(.notFound, "the table has no column named \(name)", value: name)
            }
            guard column.type != .string else {
                throw MLOpsError(
                    .invalidArgument,
                    "the column \(name) holds text; encode it (one-hot or ordinal) before using it as a feature",
                    value: name)
            }
            let doubles = try column.doubles()
            values.withUnsafeMutableBufferPointer { out in
                for r in 0..<rowCount { out[r * names.count + j] = column.isMissing(at: r) ? .nan : doubles[r] }
            }
        }
        try self.init(rowCount: rowCount, values: values, featureNames: names)
    }

    /// The value at `row`, `column`.
    @inlinable
    public subscript(row row: Int, column column: Int) -> Double {
        get { storage[row * columnCount + column] }
        set { storage[row * columnCount + column] = newValue }
    }

    /// The values of one column, top to bottom.
    public func column(_ index: Int) -> [Double] {
        (0..<rowCount).map { values[$0 * columnCount + index] }
    }

    /// The rows at `indices`, in that order (an index may repeat).
    ///
    /// - Precondition: every index is in `0..<rowCount`.
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * columnCount)
        for r in indices {
            precondition(r >= 0 && r < rowCount, "row index out of range")
            out.append(contentsOf: values[(r * columnCount)..<((r + 1) * columnCount)])
        }
        // The names were checked when `self` was made.
        return FeatureMatrix(unchecked: indices.count, values: out, featureNames: featureNames)
    }

    /// The values as `Float`, row-major (for the single-precision kernels).
    public var floatValues: [Float] { values.map { Float($0) } }

    /// The column index and name of the first NaN, scanning row by row, or `nil` when there is none.
    public func firstMissing() -> (row: Int, column: String)? {
        guard let index = values.firstIndex(where: \.isNaN) else { return nil }
        return (index / columnCount, featureNames[index % columnCount])
    }

    /// A matrix whose shape and names are known to be consistent.
    package init(unchecked rowCount: Int, values: [Double], featureNames: [String]) {
        self.rowCount = rowCount
        self.columnCount = featureNames.count
        self.storage = values
        self.featureNames = featureNames
    }
}
