public import MLOpsCore
import InferenceCore

/// Standardises numeric columns: `(x - mean) / std`, as scikit-learn's `StandardScaler`.
///
/// The mean and the population standard deviation (divided by n) are computed over the fit rows,
/// ignoring missing values (NaN); a missing value stays missing in ``Fitted/transform(_:)``. A
/// column of constant values (variance within rounding error of zero, as scikit-learn judges it)
/// gets scale 1. The transformed columns are `double` and keep their names.
public struct StandardScaler: Transformer {
    /// The columns to scale; every numeric and boolean column when `nil`.
    public var columns: [String]?
    /// Whether to subtract the mean (scikit-learn `with_mean`, default `true`).
    public var withMean: Bool
    /// Whether to divide by the standard deviation (scikit-learn `with_std`, default `true`).
    public var withStd: Bool

    /// A scaler of `columns` (every numeric column when `nil`).
    public init(columns: [String]? = nil, withMean: Bool = true, withStd: Bool = true) {
        self.columns = columns
        self.withMean = withMean
        self.withStd = withStd
    }

    /// Learns each column's mean and standard deviation.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a table without rows, a text column (naming
    ///   it), or a column with no values (all missing, naming it); `notFound` for an unknown column.
    public func fit(_ table: Table) throws -> Fitted {
        let names = try ColumnKind.numeric.resolve(columns, in: table, step: "StandardScaler")
        var means: [Double] = []
        var scales: [Double] = []
        for name in names {
            let values = try Preprocessing.numbers(
                Preprocessing.column(table, name, step: "StandardScaler"), step: "StandardScaler")
            let present = values.filter { !$0.isNaN }
            guard !present.isEmpty else {
                throw MLOpsError(
                    .invalidArgument, "StandardScaler: the column \(name) has no values (all are missing)",
                    value: name)
            }
            let n = Double(present.count)
            // scikit-learn's _incremental_mean_and_var: a two-pass variance with its correction term.
            let mean = present.reduce(0, +) / n
            var sumSquares = 0.0
            var correction = 0.0
            for v in present {
                sumSquares += (v - mean) * (v - mean)
                correction += v - mean
            }
            let variance = max(0, (sumSquares - correction * correction / n) / n)
            // scikit-learn's _is_constant_feature: a variance within the rounding error counts as zero.
            let eps = Double.ulpOfOne
            let bound = n * eps * variance + (n * mean * eps) * (n * mean * eps)
            let std = variance <= bound ? 1 : variance.squareRoot()
            means.append(withMean ? mean : 0)
            scales.append(withStd ? std : 1)
        }
        return Fitted(columns: names, means: means, scales: scales)
    }

    /// A fitted ``StandardScaler``: `(x - means[j]) / scales[j]` for column `j`.
    public struct Fitted: FittedTransformer {
        /// The scaled columns.
        public let columns: [String]
        /// The value subtracted from each column (0 without centring).
        public let means: [Double]
        /// The value each column is divided by (1 without scaling or for a constant column).
        public let scales: [Double]

        /// A fitted scaler from its parameters (one mean and scale per column, scales non-zero).
        public init(columns: [String], means: [Double], scales: [Double]) {
            self.columns = columns
            self.means = means
            self.scales = scales
        }

        public var inputColumns: [String] { columns }
        public var outputColumns: [String] { columns }

        public func transform(_ table: Table) throws -> Table {
            try Preprocessing.mappingNumbers(table, columns, step: "StandardScaler") { j, x in
                (x - means[j]) / scales[j]
            }
        }

        public func export(into builder: inout GraphBuilder, columns graph: inout GraphColumns) throws {
            try Preprocessing.exportScaler(
                columns, offset: means.map { Float($0) }, scale: scales.map { Float(1 / $0) }, hint: "standardized",
                builder: &builder, graph: &graph)
        }
    }
}
