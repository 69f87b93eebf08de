import MLOpsCore

extension ONNXGraphConverter {
    /// The ai.onnx reductions and their kinds.
    static let reductionKinds: [String: GraphOp.Reduce.Kind] = [
        "ReduceSum": .sum, "ReduceMean": .mean, "ReduceSumSquare": .sumSquare, "ReduceProd": .prod,
        "ReduceLogSumExp": .logSumExp, "ReduceMax": .max, "ReduceMin": .min, "ReduceL1": .l1, "ReduceL2": .l2,
        "ReduceLogSum": .logSum,
    ]

    /// The largest axis magnitude accepted in an attribute or constant input.
    private static let axisBound: Int64 = 65_536

    /// `Reduce*`: `axes` is an attribute before opset 13 (`ReduceSum`) or 18 (the others), then
    /// an optional constant input, with `noop_with_empty_axes`.
    mutating func convertReduce(_ c: ONNXNodeContext, kind: GraphOp.Reduce.Kind) throws {
        let node = c.node
        try c.requireOutputs(1)
        let axesAsInput = c.opsetVersion >= (kind == .sum ? 13 : 18)
        var axes: [Int64]
        var noop = false
        if axesAsInput {
            try c.checkAttributes(["keepdims", "noop_with_empty_axes"])
            try c.requireInputs(1, 2)
            noop = try c.bool("noop_with_empty_axes", default: false)
            axes = []
            if let name = c.input(1) {
                axes = try constantInts(c, name, role: "axes")
            }
        } else {
            try c.checkAttributes(["keepdims", "axes"])
            try c.requireInputs(1)
            axes = try c.ints("axes")
        }
        var seen = Set<Int64>()
        var unique: [Int] = []
        for axis in axes {
            guard axis >= -Self.axisBound, axis <= Self.axisBound else {
                throw c.invalid("axes holds \(axis), which is not a valid axis.", value: "axes")
            }
            if seen.insert(axis).inserted { unique.append(Int(axis)) }
        }
        let reduce = GraphOp.Reduce(
            kind: kind, axes: unique, keepDims: try c.bool("keepdims", default: true), noopWithEmptyAxes: noop)
        emit(c, .reduce(reduce), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))
    }

    /// `ArgMin` (attributes as `ArgMax`).
    mutating func convertArgMin(_ c: ONNXNodeContext) throws {
        try c.checkAttributes(["axis", "keepdims", "select_last_index"])
        try c.requireInputs(1)
        try c.requireOutputs(1)
        let attributes = GraphOp.ArgMax(
            axis: try c.axis("axis", default: 0), keepDims: try c.bool("keepdims", default: true),
            selectLastIndex: try c.bool("select_last_index", default: false))
        emit(c, .argMin(attributes), inputs: [c.node.inputs[0]], outputs: outputNames(c, count: 1))
    }

    /// `TopK`: `k` is an attribute before opset 10, then a constant input; `largest` and
    /// `sorted` from opset 11.
    mutating func convertTopK(_ c: ONNXNodeContext) throws {
        let node = c.node
        try c.requireOutputs(2)
        let k: Int64
        if c.opsetVersion < 10 {
            try c.checkAttributes(["axis", "k"])
            try c.requireInputs(1)
            k = try c.requiredInt("k")
        } else {
            try c.checkAttributes(c.opsetVersion < 11 ? ["axis"] : ["axis", "largest", "sorted"])
            try c.requireInputs(2)
            let values = try constantInts(c, node.inputs[1], role: "k")
            guard values.count == 1 else {
                throw c.invalid(
                    "the k input '\(node.inputs[1])' must hold exactly one value, got \(values.count).",
                    value: node.inputs[1])
            }
            k = values[0]
        }
        guard k >= 0, k <= Int64(Int32.max) else { throw c.invalid("k is \(k); expected 0 or more.", value: "k") }
        let topK = GraphOp.TopK(
            k: Int(k), axis: try c.axis("axis", default: -1), largest: try c.bool("largest", default: true),
            sorted: try c.bool("sorted", default: true))
        emit(c, .topK(topK), inputs: [node.inputs[0]], outputs: outputNames(c, count: 2))
    }

    /// `Gather` and `GatherElements`.
    mutating func convertGather(_ c: ONNXNodeContext, mode: GraphOp.Gather.Mode) throws {
        try c.checkAttributes(["axis"])
        try c.requireInputs(2)
        try c.requireOutputs(1)
        let gather = GraphOp.Gather(mode: mode, axis: try c.axis("axis", default: 0))
        emit(c, .gather(gather), inputs: Array(c.node.inputs.prefix(2)), outputs: outputNames(c, count: 1))
    }

    /// `CumSum`: the axis is a constant input.
    mutating func convertCumSum(_ c: ONNXNodeContext) throws {
        let node = c.node
        try c.checkAttributes(["exclusive", "reverse"])
        try c.requireInputs(2)
        try c.requireOutputs(1)
        let values = try constantInts(c, node.inputs[1], role: "axis")
        guard values.count == 1, let axis = values.first, axis >= -Self.axisBound, axis <= Self.axisBound else {
            throw c.invalid(
                "the axis input '\(node.inputs[1])' must hold exactly one valid axis, got \(values).",
                value: node.inputs[1])
        }
        let cumSum = GraphOp.CumSum(
            axis: Int(axis), exclusive: try c.bool("exclusive", default: false),
            reverse: try c.bool("reverse", default: false))
        emit(c, .cumSum(cumSum), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))
    }

    /// The values of input `name`, which must be a constant integer tensor of rank 0 or 1
    /// (int32 and narrower are imported as int64).
    private func constantInts(_ c: ONNXNodeContext, _ name: String, role: String) throws -> [Int64] {
        guard let tensor = constant(name) else {
            throw c.unsupported(
                "the \(role) input '\(name)' is computed at run time; only constant \(role) (initializers or "
                    + "Constant nodes) are supported.",
                value: name)
        }
        guard let values = tensor.int64Values, tensor.shape.count <= 1 else {
            throw c.invalid(
                "the \(role) input '\(name)' must be a 0-D or 1-D integer tensor, got \(tensor).", value: name)
        }
        return values
    }
}
