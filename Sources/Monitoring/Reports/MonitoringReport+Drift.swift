public import MLOpsCore

extension MonitoringReport {
    /// The number of bins ``init(title:generatedMilliseconds:drift:reference:current:bins:)`` draws
    /// for a numeric column.
    public static let defaultHistogramBins = 20

    /// A report of a drift check: the dataset decision, one drift row per tested column and, for
    /// each, its reference and current distributions computed from the two tables.
    ///
    /// Numeric columns get `bins` equal-width bins spanning the finite values of both tables;
    /// text and boolean columns one bar per value (the renderer folds the rarest into "other").
    /// Missing values, NaN and infinities are left out of the distributions, as the drift tests
    /// leave them out. Timelines and alerts are empty; add them to the returned value.
    ///
    /// - Parameters:
    ///   - title: The page's title.
    ///   - generatedMilliseconds: When it was made, in milliseconds since 1970.
    ///   - drift: What `DriftDetector.detect(reference:current:)` returned for these tables.
    ///   - reference: The reference table the drift was computed from.
    ///   - current: The current table.
    ///   - bins: Bins per numeric column (at least 1).
    /// - Throws: `MLOpsError` `notFound` when a tested column is missing from either table;
    ///   `invalidArgument` when `bins` is below 1.
    public init(
        title: String, generatedMilliseconds: Int64, drift: DatasetDriftResult, reference: Table, current: Table,
        bins: Int = MonitoringReport.defaultHistogramBins
    ) throws {
        guard bins >= 1 else {
            throw MLOpsError(
                .invalidArgument, "a report needs at least one bin per numeric column", value: String(bins))
        }
        var distributions: [Distribution] = []
        for result in drift.columns {
            guard let referenceColumn = reference[result.column], let currentColumn = current[result.column] else {
                throw MLOpsError(
                    .notFound, "the column \(result.column) of the drift result is not in both tables",
                    value: result.column)
            }
            distributions.append(
                try Distribution(comparing: referenceColumn, with: currentColumn, bins: bins))
        }
        self.init(
            title: title, generatedMilliseconds: generatedMilliseconds, datasetDrift: DatasetDrift(drift),
            drift: drift.columns.map(DriftRow.init), distributions: distributions)
    }
}

extension MonitoringReport.DatasetDrift {
    /// The dataset-level decision of a drift check.
    public init(_ result: DatasetDriftResult) {
        self.init(
            driftedColumns: result.driftedCount, columns: result.columns.count, share: result.share,
            shareThreshold: result.shareThreshold, isDrifted: result.isDrifted)
    }
}

extension MonitoringReport.DriftRow {
    /// One column's drift test as a table row (the method by its Evidently name: `ks`, `psi`,
    /// `wasserstein`, `jensenshannon`, `chisquare`, `z`).
    public init(_ result: ColumnDriftResult) {
        self.init(
            column: result.column, kind: result.kind.rawValue, method: result.method.rawValue,
            statistic: result.statistic, pValue: result.pValue, threshold: result.threshold,
            isDrifted: result.isDrifted)
    }
}

extension MonitoringReport.Distribution {
    /// The reference and current distributions of one column, over the same bins: equal-width
    /// bins spanning the finite values of both for numbers, one bin per value (sorted by total
    /// count, then by value) for text and booleans.
    ///
    /// A numeric column whose finite values are all equal gets one bin; one without finite
    /// values gets none.
    ///
    /// - Parameters:
    ///   - reference: The reference column.
    ///   - current: The current column; numbers may be compared with numbers of another type,
    ///     text and booleans with their own type only.
    ///   - bins: Bins for numbers (at least 1).
    /// - Throws: `MLOpsError` `invalidArgument` when one column holds numbers and the other does
    ///   not, or `bins` is below 1.
    public init(comparing reference: Column, with current: Column, bins: Int) throws {
        guard bins >= 1 else {
            throw MLOpsError(.invalidArgument, "a distribution needs at least one bin", value: String(bins))
        }
        switch (Self.finiteNumbers(reference), Self.finiteNumbers(current)) {
        case (let referenceValues?, let currentValues?):
            self = Self.numeric(reference.name, referenceValues, currentValues, bins: bins)
        case (nil, nil):
            let referenceCounts = Self.valueCounts(reference)
            let currentCounts = Self.valueCounts(current)
            var totals = referenceCounts
            for (value, count) in currentCounts { totals[value, default: 0] += count }
            let categories = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
            self.init(
                column: reference.name, bins: .categorical(categories: categories),
                reference: categories.map { Double(referenceCounts[$0] ?? 0) },
                current: categories.map { Double(currentCounts[$0] ?? 0) })
        default:
            throw MLOpsError(
                .invalidArgument,
                "the column \(reference.name) holds numbers on one side only (reference \(reference.storage.type), "
                    + "current \(current.storage.type))",
                value: reference.name)
        }
    }

    /// The present finite values of a numeric column; `nil` for text and booleans.
    private static func finiteNumbers(_ column: Column) -> [Double]? {
        var values: [Double] = []
        func add(_ value: Double, _ index: Int) {
            if value.isFinite && !column.missing[index] { values.append(value) }
        }
        switch column.storage {
        case .double(let array):
            values.reserveCapacity(array.count)
            for index in array.indices { add(array[index], index) }
        case .float(let array):
            values.reserveCapacity(array.count)
            for index in array.indices { add(Double(array[index]), index) }
        case .int(let array):
            values.reserveCapacity(array.count)
            for index in array.indices { add(Double(array[index]), index) }
        case .string, .bool:
            return nil
        }
        return values
    }

    /// How often each present value of a text or boolean column occurs.
    private static func valueCounts(_ column: Column) -> [String: Int] {
        var counts: [String: Int] = [:]
        switch column.storage {
        case .string(let array):
            for index in array.indices where !column.missing[index] { counts[array[index], default: 0] += 1 }
        case .bool(let array):
            for index in array.indices where !column.missing[index] {
                counts[array[index] ? "true" : "false", default: 0] += 1
            }
        case .double, .float, .int:
            break
        }
        return counts
    }

    /// Equal-width bins over the range of both samples.
    private static func numeric(_ name: String, _ reference: [Double], _ current: [Double], bins: Int) -> Self {
        var low = Double.infinity
        var high = -Double.infinity
        for value in reference {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        for value in current {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        guard low <= high else { return Self(column: name, bins: .numeric(edges: []), reference: [], current: []) }
        // A constant column, or a range too narrow to split, gets one bin.
        let count = (high - low).isFinite && high > low ? bins : 1
        let width = (high - low) / Double(count)
        var edges = count == 1 ? [low, high] : (0...count).map { low + Double($0) * width }
        edges[count] = high
        func counts(_ values: [Double]) -> [Double] {
            var result = [Double](repeating: 0, count: count)
            for value in values {
                let position = width > 0 ? Int((value - low) / width) : 0
                result[Swift.min(Swift.max(position, 0), count - 1)] += 1
            }
            return result
        }
        return Self(column: name, bins: .numeric(edges: edges), reference: counts(reference), current: counts(current))
    }
}
