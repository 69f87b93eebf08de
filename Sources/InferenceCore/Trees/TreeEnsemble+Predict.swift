import MLOpsCore

extension TreeEnsemble {
    /// Predicts a batch of `Float` rows into `Float` outputs.
    ///
    /// - Parameters:
    ///   - rows: `rowCount` rows of ``featureCount`` values each, row-major. NaN marks a
    ///     missing value. At least `rowCount * featureCount` values.
    ///   - rowCount: The number of rows.
    ///   - raw: If given, receives the raw scores (margins), `rowCount * outputCount` values,
    ///     row-major.
    ///   - transformed: If given, receives the outputs after ``postTransform``
    ///     (probabilities for classifiers), `rowCount * outputCount` values, row-major.
    /// - Throws: `MLOpsError` `invalidArgument` when a buffer is too small. Nothing is
    ///   allocated; the call is safe from many threads at once.
    public func predict(
        _ rows: UnsafeBufferPointer<Float>,
        rowCount: Int,
        raw: UnsafeMutableBufferPointer<Float>? = nil,
        transformed: UnsafeMutableBufferPointer<Float>? = nil
    ) throws {
        try run(rows, rowCount: rowCount, raw: raw, transformed: transformed)
    }

    /// Predicts a batch of `Double` rows into `Double` outputs.
    ///
    /// A ``Precision/float64`` ensemble (LightGBM) compares the values as given; a
    /// ``Precision/float32`` ensemble (XGBoost, ONNX) rounds each value to `Float` first, as
    /// those tools do. The parameters are those of the `Float` overload: `rowCount` rows of
    /// ``featureCount`` values (NaN = missing), and optional `raw` and `transformed` buffers of
    /// at least `rowCount * outputCount` values each.
    public func predict(
        _ rows: UnsafeBufferPointer<Double>,
        rowCount: Int,
        raw: UnsafeMutableBufferPointer<Double>? = nil,
        transformed: UnsafeMutableBufferPointer<Double>? = nil
    ) throws {
        try run(rows, rowCount: rowCount, raw: raw, transformed: transformed)
    }

    /// Predicts a batch of `Float` rows into `Double` outputs (exact for every precision).
    public func predict(
        _ rows: UnsafeBufferPointer<Float>,
        rowCount: Int,
        raw: UnsafeMutableBufferPointer<Double>? = nil,
        transformed: UnsafeMutableBufferPointer<Double>? = nil
    ) throws {
        try run(rows, rowCount: rowCount, raw: raw, transformed: transformed)
    }

    /// Predicts a batch of `Double` rows into `Float` outputs (a ``Precision/float64`` result
    /// is rounded to `Float` on the way out).
    public func predict(
        _ rows: UnsafeBufferPointer<Double>,
        rowCount: Int,
        raw: UnsafeMutableBufferPointer<Float>? = nil,
        transformed: UnsafeMutableBufferPointer<Float>? = nil
    ) throws {
        try run(rows, rowCount: rowCount, raw: raw, transformed: transformed)
    }

    /// Predicts one row and returns its transformed outputs (allocates; for convenience).
    ///
    /// - Parameter row: ``featureCount`` values; NaN marks a missing value.
    /// - Returns: ``outputCount`` values after ``postTransform``.
    public func predict(row: [Double]) throws -> [Double] {
        try predictBatch(rows: row, rowCount: 1).transformed
    }

    /// Predicts one row and returns its raw scores (margins) (allocates; for convenience).
    public func predictRaw(row: [Double]) throws -> [Double] {
        try predictBatch(rows: row, rowCount: 1).raw
    }

    /// Predicts a row-major batch and returns raw and transformed outputs, each
    /// `rowCount * outputCount` values (allocates; for convenience).
    public func predictBatch(rows: [Double], rowCount: Int) throws -> (raw: [Double], transformed: [Double]) {
        let (size, overflow) = rowCount.multipliedReportingOverflow(by: outputCount)
        guard rowCount >= 0, !overflow else {
            throw MLOpsError(.invalidArgument, "rowCount is negative or too large.", value: String(rowCount))
        }
        var raw = [Double](repeating: 0, count: size)
        var transformed = [Double](repeating: 0, count: size)
        try rows.withUnsafeBufferPointer { input in
            try raw.withUnsafeMutableBufferPointer { rawBuffer in
                try transformed.withUnsafeMutableBufferPointer { outBuffer in
                    try run(input, rowCount: rowCount, raw: rawBuffer, transformed: outBuffer)
                }
            }
        }
        return (raw, transformed)
    }

    /// Predicts a row-major batch and returns each row's most likely class (allocates).
    ///
    /// With several outputs this is the index of the largest raw score (the first on ties),
    /// which is also the largest softmax probability — XGBoost's `multi:softmax` prediction.
    /// With one output it is 1 when the raw score is positive (probability above 0.5 for a
    /// logistic model), else 0.
    public func predictClassIndices(rows: [Double], rowCount: Int) throws -> [Int] {
        let raw = try predictBatch(rows: rows, rowCount: rowCount).raw
        var classes: [Int] = []
        classes.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            let scores = raw[row * outputCount..<(row + 1) * outputCount]
            if outputCount == 1 {
                classes.append(scores[scores.startIndex] > 0 ? 1 : 0)
            } else {
                var best = scores.startIndex
                for index in scores.indices where scores[index] > scores[best] { best = index }
                classes.append(best - scores.startIndex)
            }
        }
        return classes
    }

    private func run<I: TreeScalar, O: TreeScalar>(
        _ rows: UnsafeBufferPointer<I>,
        rowCount: Int,
        raw: UnsafeMutableBufferPointer<O>?,
        transformed: UnsafeMutableBufferPointer<O>?
    ) throws {
        guard rowCount >= 0 else {
            throw MLOpsError(.invalidArgument, "rowCount must not be negative.", value: String(rowCount))
        }
        let (inputCount, inputOverflow) = rowCount.multipliedReportingOverflow(by: featureCount)
        guard !inputOverflow, rows.count >= inputCount else {
            throw MLOpsError(
                .invalidArgument,
                "The input holds \(rows.count) values; \(rowCount) rows of \(featureCount) features need "
                    + "\(inputOverflow ? "more" : String(inputCount)).",
                value: String(rows.count)
            )
        }
        let (outputSize, outputOverflow) = rowCount.multipliedReportingOverflow(by: outputCount)
        for buffer in [raw, transformed] {
            if let buffer, outputOverflow || buffer.count < outputSize {
                throw MLOpsError(
                    .invalidArgument,
                    "An output buffer holds \(buffer.count) values; \(rowCount) rows of \(outputCount) "
                        + "outputs need \(outputSize).",
                    value: String(buffer.count)
                )
            }
        }
        guard rowCount > 0 else { return }
        let rawPointer = raw?.baseAddress
        let outPointer = transformed?.baseAddress
        if let base = rows.baseAddress {
            dispatch(base, rowCount: rowCount, raw: rawPointer, transformed: outPointer)
        } else {
            // Only reachable with featureCount == 0: trees are single leaves and read nothing.
            var dummy = I(treeFloat: 0)
            withUnsafePointer(to: &dummy) { pointer in
                dispatch(pointer, rowCount: rowCount, raw: rawPointer, transformed: outPointer)
            }
        }
    }

    private func dispatch<I: TreeScalar, O: TreeScalar>(
        _ rows: UnsafePointer<I>,
        rowCount: Int,
        raw: UnsafeMutablePointer<O>?,
        transformed: UnsafeMutablePointer<O>?
    ) {
        switch storage {
        case .float32(let compiled):
            compiled.predict(rows: rows, rowCount: rowCount, raw: raw, transformed: transformed)
        case .float64(let compiled):
            compiled.predict(rows: rows, rowCount: rowCount, raw: raw, transformed: transformed)
        }
    }
}
