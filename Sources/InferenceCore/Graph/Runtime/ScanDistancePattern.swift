/// Recognises the scan body of a pairwise squared-distance loop — skl2onnx's k-NN: state `X`
/// [N, F] passed through unchanged, scan input the points [T, F], scan output `Σ_f (X - p)²` [N] per
/// point — so the scan runs as one ``ScanDistanceStep`` instead of T runs of the body.
///
/// Two ways to write the sum are recognised, after the body is simplified (``ScanProgram``
/// removes `Identity` wrappers of its outputs):
/// - `ReduceSumSquare(X - p)` over the feature axis (`1` or `-1`) — skl2onnx's form, whatever
///   opset gave its axes (attribute or constant input; the converter makes both an attribute).
///   With `keepdims` the stacked output is [T, N, 1], which has the same layout;
/// - `MatMul((X - p) * (X - p), ones[F])`.
///
/// `p - X` works too. Everything must be `float32`.
struct ScanDistancePattern: Sendable {
    /// Whether the points are read from last to first.
    let inputReversed: Bool
    /// Whether the distances are stacked from last to first.
    let outputReversed: Bool
    /// For the `MatMul` form: the length of the ones vector (it must be F).
    let onesCount: Int?
    /// For the `ReduceSumSquare` form: the reduced axis (`1` or `-1` of the [N, F] difference).
    let reducedAxis: Int?
    /// For the `ReduceSumSquare` form: whether the reduced axis stays with size 1.
    let keepDims: Bool

    /// The pattern in the (simplified) `body` of `scan`, or `nil` if the body computes something else.
    init?(scan: GraphOp.Scan, body: ModelGraph) {
        guard scan.stateCount == 1, scan.scanInputCount == 1, body.inputs.count == 2, body.outputs.count == 2,
            scan.inputAxes == [0], scan.outputAxes == [0],
            body.inputs.allSatisfy({ $0.elementType == .float32 }),
            body.outputs.allSatisfy({ $0.elementType == .float32 })
        else { return nil }
        let x = body.inputs[0].name
        let p = body.inputs[1].name
        guard body.outputs[0].name == x else { return nil }
        let result = body.outputs[1].name
        var producer: [String: GraphNode] = [:]
        for node in body.nodes {
            for name in node.outputs { producer[name] = node }
        }
        guard let last = producer[result] else { return nil }
        /// Whether `name` is `X - p` or `p - X`.
        func isDifference(_ name: String) -> Bool {
            guard let node = producer[name], case .sub = node.op else { return false }
            return Set(node.inputs) == [x, p] && node.inputs.count == 2
        }
        var nodeCount = 0
        var ones: Int?
        var axis: Int?
        var keep = false
        switch last.op {
        case .matMul:
            guard last.inputs.count == 2, let onesTensor = body.initializers[last.inputs[1]],
                onesTensor.shape.count == 1, let values = onesTensor.float32Values, values.allSatisfy({ $0 == 1 }),
                let square = producer[last.inputs[0]], case .mul = square.op, square.inputs.count == 2,
                square.inputs[0] == square.inputs[1], isDifference(square.inputs[0])
            else { return nil }
            ones = values.count
            nodeCount = 3
        case .reduce(let reduce):
            guard reduce.kind == .sumSquare, reduce.axes.count == 1, reduce.axes[0] == 1 || reduce.axes[0] == -1,
                last.inputs.count == 1, isDifference(last.inputs[0])
            else { return nil }
            axis = reduce.axes[0]
            keep = reduce.keepDims
            nodeCount = 2
        default:
            return nil
        }
        guard body.nodes.count == nodeCount else { return nil }
        inputReversed = scan.inputReversed.first ?? false
        outputReversed = scan.outputReversed.first ?? false
        onesCount = ones
        reducedAxis = axis
        keepDims = keep
    }

    /// Whether the pattern applies to a state of `x`, points of `points` and distances of `output`.
    ///
    /// The points must be [T, F] (so each slice `p` is [F], broadcast over X's rows) and X [N, F]:
    /// then the difference is [N, F], and its axis 1 (or −1) is the feature axis.
    func applies(x: TensorSpec, points: TensorSpec, output: TensorSpec) -> Bool {
        guard x.shape.count == 2, points.shape.count == 2, x.elementType == .float32,
            points.elementType == .float32
        else { return false }
        let f = x.shape[1]
        let t = points.shape[0]
        let n = x.shape[0]
        guard points.shape[1] == f else { return false }
        if let onesCount, onesCount != f { return false }
        let expected = reducedAxis != nil && keepDims ? [t, n, 1] : [t, n]
        return output.shape == expected
    }
}
