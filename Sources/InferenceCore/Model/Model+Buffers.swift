import MLOpsCore

extension Model {
    /// The number of elements each output has for `rowCount` rows, in ``signature`` order: the
    /// sizes of the buffers the buffer overloads of `predict` fill.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a negative row count, `limitExceeded` if the
    ///   sizes overflow or exceed the compile options' limits.
    public func outputElementCounts(rowCount: Int) throws -> [Int] {
        guard rowCount >= 0 else {
            throw MLOpsError(.invalidArgument, "the row count must not be negative", value: String(rowCount))
        }
        switch engine {
        case .trees(let ensemble):
            let (count, overflow) = rowCount.multipliedReportingOverflow(by: ensemble.outputCount)
            guard !overflow else {
                throw MLOpsError(.limitExceeded, "\(rowCount) rows overflow the output size", value: String(rowCount))
            }
            return signature.outputs.map { _ in count }
        case .graph(let compiled):
            guard rowCount > 0 else { return signature.outputs.map { _ in 0 } }
            return try compiled.outputShapes(batchSize: rowCount).map { $0.reduce(1, *) }
        }
    }

    /// Predicts `rowCount` rows of `Float` features into caller-owned buffers: the
    /// allocation-free path.
    ///
    /// - Parameters:
    ///   - rows: `rowCount` rows of features, row-major, in the order of
    ///     ``ModelSignature/featureNames`` (or the model's column order); NaN marks a missing
    ///     value. A graph model must have exactly one input, of type `float32`; a tree model
    ///     takes `Float` or `Double` rows.
    ///   - rowCount: The number of rows.
    ///   - outputs: One buffer per output of ``signature``, in order, each holding at least
    ///     ``outputElementCounts(rowCount:)`` elements of that output's element type (`Double`
    ///     for every tree model output), row-major. The memory is bound to that type.
    /// - Throws: `MLOpsError` `invalidArgument` for a wrong number or size of buffers, a model
    ///   with several inputs or another input type; errors of the runtime. After the first call at
    ///   a batch size nothing is allocated.
    public func predict(
        _ rows: UnsafeBufferPointer<Float>, rowCount: Int, into outputs: [UnsafeMutableRawBufferPointer]
    ) throws {
        switch engine {
        case .trees(let ensemble):
            let (transformed, raw) = try treeBuffers(ensemble, rowCount: rowCount, outputs)
            try ensemble.predict(rows, rowCount: rowCount, raw: raw, transformed: transformed)
        case .graph(let compiled):
            try checkSingleInput(.float32, rowType: "Float")
            try compiled.predict(
                batchSize: rowCount, inputBuffers: CollectionOfOne(UnsafeRawBufferPointer(rows)), outputs: outputs)
        }
    }

    /// Predicts `rowCount` rows of `Double` features into caller-owned buffers: the
    /// allocation-free path. As the `Float` overload, for a graph whose only input is `float64`
    /// or any tree model.
    public func predict(
        _ rows: UnsafeBufferPointer<Double>, rowCount: Int, into outputs: [UnsafeMutableRawBufferPointer]
    ) throws {
        switch engine {
        case .trees(let ensemble):
            let (transformed, raw) = try treeBuffers(ensemble, rowCount: rowCount, outputs)
            try ensemble.predict(rows, rowCount: rowCount, raw: raw, transformed: transformed)
        case .graph(let compiled):
            try checkSingleInput(.float64, rowType: "Double")
            try compiled.predict(
                batchSize: rowCount, inputBuffers: CollectionOfOne(UnsafeRawBufferPointer(rows)), outputs: outputs)
        }
    }

    /// Checks the output buffers of a tree model and returns them as (transformed, raw).
    private func treeBuffers(
        _ ensemble: TreeEnsemble, rowCount: Int, _ outputs: [UnsafeMutableRawBufferPointer]
    ) throws -> (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>?) {
        guard outputs.count == signature.outputs.count else {
            throw MLOpsError(
                .invalidArgument,
                "the model has \(signature.outputs.count) outputs (\(signature.outputs.map(\.name).joined(separator: ", "))) "
                    + "but \(outputs.count) output buffers were given", value: String(outputs.count))
        }
        let (count, overflow) = rowCount.multipliedReportingOverflow(by: ensemble.outputCount)
        guard rowCount >= 0, !overflow else {
            throw MLOpsError(.invalidArgument, "the row count is negative or too large", value: String(rowCount))
        }
        for (j, buffer) in outputs.enumerated() {
            let name = signature.outputs[j].name
            guard buffer.count >= count * MemoryLayout<Double>.stride else {
                throw MLOpsError(
                    .invalidArgument,
                    "the buffer for output \(name) holds \(buffer.count) bytes; \(rowCount) rows need "
                        + "\(count) Double values (\(count * MemoryLayout<Double>.stride) bytes)", value: name)
            }
            guard Int(bitPattern: buffer.baseAddress) % MemoryLayout<Double>.alignment == 0 else {
                throw MLOpsError(
                    .invalidArgument, "the buffer for output \(name) is not aligned for Double", value: name)
            }
        }
        let transformed = outputs[0].bindMemory(to: Double.self)
        let raw = outputs.count > 1 ? outputs[1].bindMemory(to: Double.self) : nil
        return (transformed, raw)
    }

    /// Throws unless the graph has one input of type `elementType`.
    private func checkSingleInput(_ elementType: ElementType, rowType: String) throws {
        guard signature.inputs.count == 1 else {
            throw MLOpsError(
                .invalidArgument,
                "the model has \(signature.inputs.count) inputs; the row-buffer predict needs a model with one "
                    + "input (use predict(_ table:))", value: String(signature.inputs.count))
        }
        let input = signature.inputs[0]
        guard input.elementType == elementType else {
            throw MLOpsError(
                .invalidArgument,
                "the model's input \(input.name) is \(input.elementType), so it cannot take \(rowType) rows; pass "
                    + "rows of its type or use predict(_ table:)", value: input.name)
        }
    }
}
