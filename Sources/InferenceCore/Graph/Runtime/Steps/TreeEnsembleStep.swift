/// Runs a ``TreeEnsemble`` and lays out the node's requested outputs.
///
/// Without labels the ensemble writes raw and transformed scores straight into the output
/// tensors; with labels it writes them to arena scratch first, then the step derives labels
/// and (binary case) the `[1 - p, p]` columns.
struct TreeEnsembleStep: ExecutionStep {
    let node: GraphOp.TreeEnsembleNode
    let x: Int
    let inputType: ElementType
    /// Value index per node output, aligned with `node.outputs`.
    let outputs: [Int]
    let rows: Int
    /// Arena byte offset of the raw and transformed scratch (used only with labels).
    let scratchOffset: Int

    /// Scratch bytes the step needs for `rows` rows.
    static func scratchBytes(_ node: GraphOp.TreeEnsembleNode, rows: Int) -> Int {
        guard node.labels != nil else { return 0 }
        return 2 * rows * node.ensemble.outputCount * node.scoreType.byteCount
    }

    func run(_ context: ExecutionContext) throws {
        if node.scoreType == .float64 {
            try run(Double.self, context)
        } else {
            try run(Float.self, context)
        }
    }

    private func output(_ kind: GraphOp.TreeEnsembleNode.Output) -> Int? {
        node.outputs.firstIndex(of: kind).map { outputs[$0] }
    }

    private func predict<T: BinaryFloatingPoint>(
        _: T.Type, _ context: ExecutionContext, raw: UnsafeMutablePointer<T>?, transformed: UnsafeMutablePointer<T>?
    ) throws {
        let count = rows * node.ensemble.outputCount
        let rawBuffer = raw.map { UnsafeMutableBufferPointer(start: $0, count: count) }
        let outBuffer = transformed.map { UnsafeMutableBufferPointer(start: $0, count: count) }
        let features = rows * node.ensemble.featureCount
        if inputType == .float64 {
            let input = UnsafeBufferPointer(start: context.f64(x), count: features)
            if T.self == Double.self {
                try node.ensemble.predict(
                    input, rowCount: rows, raw: rawBuffer.map(Self.cast(Double.self)),
                    transformed: outBuffer.map(Self.cast(Double.self)))
            } else {
                try node.ensemble.predict(
                    input, rowCount: rows, raw: rawBuffer.map(Self.cast(Float.self)),
                    transformed: outBuffer.map(Self.cast(Float.self)))
            }
        } else {
            let input = UnsafeBufferPointer(start: context.f32(x), count: features)
            if T.self == Double.self {
                try node.ensemble.predict(
                    input, rowCount: rows, raw: rawBuffer.map(Self.cast(Double.self)),
                    transformed: outBuffer.map(Self.cast(Double.self)))
            } else {
                try node.ensemble.predict(
                    input, rowCount: rows, raw: rawBuffer.map(Self.cast(Float.self)),
                    transformed: outBuffer.map(Self.cast(Float.self)))
            }
        }
    }

    private static func cast<T, U>(_: U.Type) -> (UnsafeMutableBufferPointer<T>) -> UnsafeMutableBufferPointer<U> {
        { buffer in
            UnsafeMutableBufferPointer(
                start: UnsafeMutableRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: U.self), count: buffer.count
            )
        }
    }

    private func run<T: BinaryFloatingPoint>(_: T.Type, _ context: ExecutionContext) throws {
        let marginOut = output(.margin).map { context.ptrs[$0].assumingMemoryBound(to: T.self) }
        let scoresOut = output(.scores).map { context.ptrs[$0].assumingMemoryBound(to: T.self) }
        guard let labels = node.labels else {
            try predict(T.self, context, raw: marginOut, transformed: scoresOut)
            return
        }
        let k = node.ensemble.outputCount
        let raw = (context.arenaBase + scratchOffset).assumingMemoryBound(to: T.self)
        let transformed = raw + rows * k
        try predict(T.self, context, raw: raw, transformed: transformed)
        if let marginOut { marginOut.update(from: raw, count: rows * k) }
        let binary = node.isBinaryWithLabels
        if let scoresOut {
            if binary {
                for r in 0..<rows {
                    let p = transformed[r]
                    scoresOut[2 * r] = 1 - p
                    scoresOut[2 * r + 1] = p
                }
            } else {
                scoresOut.update(from: transformed, count: rows * k)
            }
        }
        guard let labelValue = output(.label) else { return }
        if case .string = labels { context.strings[labelValue] = [String](repeating: "", count: rows) }
        for r in 0..<rows {
            var index = 0
            if binary {
                index = transformed[r] > 0.5 ? 1 : 0
            } else {
                let row = raw + r * k
                for c in 1..<max(1, k) where row[c] > row[index] { index = c }
            }
            switch labels {
            case .int64(let l): context.i64(labelValue)[r] = l[index]
            case .string(let l): context.strings[labelValue][r] = l[index]
            }
        }
    }
}
