public import MLOpsCore
import InferenceCore

/// Scales numeric columns to a range, as scikit-learn's `MinMaxScaler`:
/// `x · scale + min` with `scale = (high - low) / (max - min)` and `min = low - dataMin · scale`.
///
/// The column minimum and maximum are taken over the fit rows, ignoring missing values (NaN); a
/// missing value stays missing. A constant column gets `scale = high - low` (its range counts as
/// 1, as in scikit-learn). Values outside the fit range map outside `featureRange` (no clipping).
public struct MinMaxScaler: Transformer {
    /// The columns to scale; every numeric and boolean column when `nil`.
    public var columns: [String]?
    /// The target range (scikit-learn `feature_range`, default 0...1); `low < high`.
    public var featureRange: (low: Double, high: Double)

    /// A scaler of `columns` (every numeric column when `nil`) to `featureRange`.
    public init(columns: [String]? = nil, featureRange: (low: Double, high: Double) = (0, 1)) {
        self.columns = columns
        self.featureRange = featureRange
    }

    /// Learns each column's minimum and maximum.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for `featureRange` with `low >= high` (naming
    ///   it), a table without rows, a text column or a column without values (naming it);
    ///   `notFound` for an unknown column.
    public func fit(_ table: Table) throws -> Fitted {
        let (low, high) = featureRange
        guard low.isFinite, high.isFinite, low < high else {
            throw MLOpsError(
                .invalidArgument, "MinMaxScaler: featureRange must have low < high, got (\(low), \(high))",
                value: "featureRange=(\(low), \(high))")
        }
        let names = try ColumnKind.numeric.resolve(columns, in: table, step: "MinMaxScaler")
        var scales: [Double] = []
        var offsets: [Double] = []
        for name in names {
            let values = try Preprocessing.numbers(
                Preprocessing.column(table, name, step: "MinMaxScaler"), step: "MinMaxScaler")
            let present = values.filter { !$0.isNaN }
            guard let lo = present.min(), let hi = present.max() else {
                throw MLOpsError(
                    .invalidArgument, "MinMaxScaler: the column \(name) has no values (all are missing)", value: name)
            }
            let range = hi - lo == 0 ? 1 : hi - lo
            let scale = (high - low) / range
            scales.append(scale)
            offsets.append(low - lo * scale)
        }
        return Fitted(columns: names, scales: scales, offsets: offsets)
    }

    /// A fitted ``MinMaxScaler``: `x · scales[j] + offsets[j]` for column `j` (scikit-learn's
    /// `scale_` and `min_`).
    public struct Fitted: FittedTransformer {
        /// The scaled columns.
        public let columns: [String]
        /// Each column's multiplier (non-zero).
        public let scales: [Double]
        /// Each column's offset, added after multiplying.
        public let offsets: [Double]

        /// A fitted scaler from its parameters (one scale and offset per column).
        public init(columns: [String], scales: [Double], offsets: [Double]) {
            self.columns = columns
            self.scales = scales
            self.offsets = offsets
        }

        public var inputColumns: [String] { columns }
        public var outputColumns: [String] { columns }

        public func transform(_ table: Table) throws -> Table {
            try Preprocessing.mappingNumbers(table, columns, step: "MinMaxScaler") { j, x in x * scales[j] + offsets[j]
            }
        }

        public func export(into builder: inout GraphBuilder, columns graph: inout GraphColumns) throws {
            // (x - offset') · scale with offset' = -offset / scale.
            try Preprocessing.exportScaler(
                columns, offset: zip(offsets, scales).map { Float(-$0 / $1) }, scale: scales.map { Float($0) },
                hint: "min_max_scaled", builder: &builder, graph: &graph)
        }
    }
}
