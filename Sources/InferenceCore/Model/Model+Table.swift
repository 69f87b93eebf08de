public import MLOpsCore

extension Model {
    /// Runs the model over the rows of `table` and returns one column per prediction.
    ///
    /// Feature columns are picked by name when the model names its features
    /// (``ModelSignature/featureNames``), else the table's columns are the features in order. A
    /// graph with several inputs takes each from the column of the same name. Numeric and
    /// boolean columns are accepted (missing values become NaN); a text column is an error,
    /// except for a `string` input (of a graph with several inputs, or the only input when the
    /// model names one feature), which takes the column's values as text (a missing value becomes
    /// the empty string, a number its CSV text).
    ///
    /// The result's columns are those `mlops predict` writes (see ``Model``): `probability` and
    /// `margin` for a binary tree classifier, `probability_0…probability_{K-1}` for a multiclass
    /// one, `prediction` (`prediction_0…` for several targets) for a tree regressor; for a graph,
    /// one column per output of shape [N] named after it, and `<name>_0…<name>_{K-1}` for an
    /// output of shape [N, K] (also when K is 1; higher ranks are flattened per row).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the missing feature columns, the extra
    ///   columns the model does not take, a text column, or a count mismatch for unnamed
    ///   features; errors of the runtime.
    public func predict(_ table: Table) throws -> Table {
        let rowCount = table.rowCount
        switch engine {
        case .trees(let ensemble):
            let rows = try featureRows(table, names: signature.featureNames, width: ensemble.featureCount)
            let (raw, transformed) = try ensemble.predictBatch(rows: rows, rowCount: rowCount)
            let k = ensemble.outputCount
            var columns: [Column] = []
            for output in signature.outputs {
                let values = output.name == "margin" ? raw : transformed
                if output.shape?.count == 1 {
                    columns.append(.double(output.name, values))
                } else {
                    for j in 0..<k {
                        columns.append(.double("\(output.name)_\(j)", (0..<rowCount).map { values[$0 * k + j] }))
                    }
                }
            }
            return try Table(columns: columns)
        case .graph(let compiled):
            let inputs = try graphInputs(table)
            if rowCount == 0 { return try emptyPredictions(compiled) }
            let results = try compiled.predict(inputs)
            var columns: [Column] = []
            for info in signature.outputs {
                guard let tensor = results[info.name] else {
                    throw MLOpsError(
                        .invalidState, "the model did not produce its output \(info.name)", value: info.name)
                }
                columns += try Self.outputColumns(name: info.name, tensor: tensor, rowCount: rowCount)
            }
            return try Table(columns: columns)
        }
    }

    /// The columns of ``predict(_:)`` for a table without rows: the runtime needs at least one
    /// row, so the column names come from the output shapes of a one-row batch.
    private func emptyPredictions(_ compiled: CompiledModel) throws -> Table {
        let shapes = try compiled.outputShapes(batchSize: 1)
        var columns: [Column] = []
        for (info, shape) in zip(signature.outputs, shapes) {
            let width = shape.dropFirst().reduce(1, *)
            let names = shape.count >= 2 ? (0..<width).map { "\(info.name)_\($0)" } : [info.name]
            for name in names {
                switch info.elementType {
                case .float32: columns.append(.float(name, [Float]()))
                case .float64: columns.append(.double(name, [Double]()))
                case .int64: columns.append(.int(name, [Int64]()))
                case .bool: columns.append(.bool(name, [Bool]()))
                case .string: columns.append(.string(name, [String]()))
                }
            }
        }
        return try Table(columns: columns)
    }

    /// The graph's inputs built from `table`: a single input gets the feature columns as
    /// [N, F] (or [N] when it is declared with rank 1); with several inputs, each is filled from
    /// the column of the same name as [N, 1] (or [N]); a `string` input there takes the column as text.
    func graphInputs(_ table: Table) throws -> [String: Tensor] {
        let rowCount = table.rowCount
        let inputs = signature.inputs
        if inputs.count > 1 {
            let wanted = inputs.map(\.name)
            try Self.checkColumns(table, names: wanted, what: "model input")
        }
        var result: [String: Tensor] = [:]
        for info in inputs {
            let rank = info.shape?.count ?? 2
            if info.elementType == .string, inputs.count > 1 || signature.featureNames.count == 1 {
                // A text input: the column of its name (of its one feature name for a single input),
                // as text, missing as "".
                let name = inputs.count > 1 ? info.name : signature.featureNames[0]
                if inputs.count == 1 { try Self.checkColumns(table, names: [name], what: "feature") }
                guard let column = table[name] else {
                    throw MLOpsError(.invalidArgument, "the input has no column for model input \(name)", value: name)
                }
                let text = (0..<rowCount).map { column.value(at: $0).description }
                result[info.name] = try Tensor(shape: rank == 1 ? [rowCount] : [rowCount, 1], strings: text)
                continue
            }
            let values: [Double]
            let width: Int
            if inputs.count == 1 {
                var declared: Int?
                if rank == 1 {
                    declared = 1
                } else if case .fixed(let n)? = info.shape?.last {
                    declared = n
                }
                values = try featureRows(table, names: signature.featureNames, width: declared)
                width = rowCount == 0 ? (declared ?? table.columnCount) : values.count / rowCount
            } else {
                // The table's columns were checked against the inputs above; take this one alone.
                values = try featureRows(table.select(columns: [info.name]), names: [info.name], width: 1)
                width = 1
            }
            let shape = rank == 1 && width == 1 ? [rowCount] : [rowCount, width]
            switch info.elementType {
            case .float32: result[info.name] = try Tensor(shape: shape, float32: values.map { Float($0) })
            case .float64: result[info.name] = try Tensor(shape: shape, float64: values)
            case .int64:
                guard values.allSatisfy({ $0.isFinite && $0.rounded() == $0 && abs($0) < 9.2e18 }) else {
                    throw MLOpsError(
                        .invalidArgument,
                        "the model's input \(info.name) takes integers, but the table has a missing or "
                            + "non-integer value for it", value: info.name)
                }
                result[info.name] = try Tensor(shape: shape, int64: values.map { Int64($0) })
            case .bool: result[info.name] = try Tensor(shape: shape, bool: values.map { $0 != 0 })
            case .string:
                throw MLOpsError(
                    .unsupported,
                    "the model's input \(info.name) takes text, which predicting a table does not support",
                    value: info.name)
            }
        }
        return result
    }

    /// The feature values of `table`, row-major (NaN for missing values).
    ///
    /// With `names`, exactly those columns in that order, and no others; without, every column in
    /// order, and there must be `width` of them when `width` is known.
    func featureRows(_ table: Table, names: [String], width: Int?) throws -> [Double] {
        let columns: [Column]
        if names.isEmpty {
            if let width, table.columnCount != width {
                if table.columnCount > width {
                    let extra = table.columnNames[width...].joined(separator: ", ")
                    throw MLOpsError(
                        .invalidArgument,
                        "the input has \(table.columnCount) columns but the model takes \(width) unnamed features "
                            + "in column order; the extra columns are \(extra)", value: extra)
                }
                throw MLOpsError(
                    .invalidArgument,
                    "the input has \(table.columnCount) columns but the model takes \(width) unnamed features "
                        + "in column order (\(width - table.columnCount) missing)", value: String(table.columnCount))
            }
            columns = table.columns
        } else {
            try Self.checkColumns(table, names: names, what: "feature")
            columns = names.compactMap { table[$0] }
        }
        let rowCount = table.rowCount
        let width = columns.count
        var rows = [Double](repeating: 0, count: rowCount * width)
        for (j, column) in columns.enumerated() {
            let values = try column.doubles()
            for i in 0..<rowCount { rows[i * width + j] = values[i] }
        }
        return rows
    }

    /// Throws unless `table` has a column for each of `names` and no other column.
    static func checkColumns(_ table: Table, names: [String], what: String) throws {
        let wanted = Set(names)
        let missing = names.filter { table.columnIndex(named: $0) == nil }
        let extra = table.columnNames.filter { !wanted.contains($0) }
        var problems: [String] = []
        if !missing.isEmpty {
            problems.append(
                "the input has no column for \(what)\(missing.count == 1 ? "" : "s") "
                    + missing.joined(separator: ", "))
        }
        if !extra.isEmpty {
            problems.append(
                "the input has column\(extra.count == 1 ? "" : "s") \(extra.joined(separator: ", ")) that the model "
                    + "does not take")
        }
        guard problems.isEmpty else {
            throw MLOpsError(
                .invalidArgument,
                problems.joined(separator: "; ") + " (the model takes \(names.count) \(what)s: "
                    + names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", …" : "") + ")",
                value: (missing + extra).joined(separator: ", "))
        }
    }

    /// The table columns of one output tensor.
    ///
    /// An output of shape [N] (one value per row) becomes one column `name`; an output of shape
    /// [N, K] becomes `name_0…name_{K-1}` for every K, including 1, so a column's name shows the
    /// output's rank. Higher ranks [N, A, B, …] are flattened per row to `name_0…name_{A·B·…-1}`.
    /// A scalar output is accepted for a single row.
    static func outputColumns(name: String, tensor: Tensor, rowCount: Int) throws -> [Column] {
        let shape = tensor.shape
        let mismatch = MLOpsError(
            .invalidArgument, "the model's output \(name) does not have one row per input row (shape \(shape))",
            value: "\(name) \(shape)")
        // Values per row: 1 for [N] (and a scalar), the product of the trailing dimensions otherwise.
        var perRow = 1
        for d in shape.dropFirst() {
            let (p, overflow) = perRow.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow else { throw mismatch }
            perRow = p
        }
        let (expected, overflow) = perRow.multipliedReportingOverflow(by: rowCount)
        guard (shape.first ?? 1) == rowCount, !overflow, expected == tensor.count else { throw mismatch }
        let k = perRow
        let names = shape.count >= 2 ? (0..<k).map { "\(name)_\($0)" } : [name]
        func split<T>(_ values: [T]) -> [[T]] {
            guard shape.count >= 2 else { return [values] }
            return (0..<k).map { j in (0..<rowCount).map { values[$0 * k + j] } }
        }
        switch tensor.storage {
        case .float32(let v): return zip(names, split(v)).map { Column.float($0, $1) }
        case .float64(let v): return zip(names, split(v)).map { Column.double($0, $1) }
        case .int64(let v): return zip(names, split(v)).map { Column.int($0, $1) }
        case .bool(let v): return zip(names, split(v)).map { Column.bool($0, $1) }
        case .string(let v): return zip(names, split(v)).map { Column.string($0, $1) }
        }
    }
}
