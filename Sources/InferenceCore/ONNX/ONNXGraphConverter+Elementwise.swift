import MLOpsCore

extension ONNXGraphConverter {
    /// The `ai.onnx` operators ``convertElementwiseOp(_:)`` handles.
    static let elementwiseOps: Set<String> = [
        "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal", "Sign", "Floor", "Ceil", "Erf", "Not", "Pow", "Max", "Min",
        "Sum", "Mean", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Equal", "And", "Or", "Xor", "Where",
        "Shape", "ConstantOfShape",
    ]

    private static let unaryFunctions: [String: GraphOp.UnaryFunction] = [
        "Exp": .exp, "Log": .log, "Sqrt": .sqrt, "Neg": .neg, "Abs": .abs, "Reciprocal": .reciprocal, "Sign": .sign,
        "Floor": .floor, "Ceil": .ceil, "Erf": .erf, "Not": .not,
    ]

    private static let binaryFunctions: [String: GraphOp.BinaryFunction] = [
        "Pow": .pow, "Less": .less, "LessOrEqual": .lessOrEqual, "Greater": .greater,
        "GreaterOrEqual": .greaterOrEqual, "Equal": .equal, "And": .and, "Or": .or, "Xor": .xor,
    ]

    private static let variadicFunctions: [String: GraphOp.VariadicFunction] = [
        "Max": .max, "Min": .min, "Sum": .sum, "Mean": .mean,
    ]

    /// Converts one of ``elementwiseOps``.
    ///
    /// Opset differences: the pre-opset-7 `broadcast`/`axis` attributes of the binary ops and the
    /// opset-1 `consumed_inputs` are refused as unsupported attributes (numpy broadcasting covers
    /// every later version); `Shape`'s `start`/`end` need opset 15; `Where` needs opset 9.
    mutating func convertElementwiseOp(_ c: ONNXNodeContext) throws {
        let node = c.node
        let outputs = outputNames(c, count: 1)
        if let f = Self.unaryFunctions[node.opType] {
            try c.checkAttributes([])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            emit(c, .unary(f), inputs: [node.inputs[0]], outputs: outputs)
        } else if let f = Self.binaryFunctions[node.opType] {
            try c.checkAttributes([])
            try c.requireInputs(2)
            try c.requireOutputs(1)
            emit(c, .binary(f), inputs: Array(node.inputs.prefix(2)), outputs: outputs)
        } else if let f = Self.variadicFunctions[node.opType] {
            try c.checkAttributes([])
            try c.requireOutputs(1)
            guard !node.inputs.isEmpty, !node.inputs.contains("") else {
                throw c.invalid("needs at least one input and no empty input names.")
            }
            emit(c, .variadic(f), inputs: node.inputs, outputs: outputs)
        } else if node.opType == "Where" {
            guard c.opsetVersion >= 9 else {
                throw c.unsupported("Where exists from opset 9.", value: String(c.opsetVersion))
            }
            try c.checkAttributes([])
            try c.requireInputs(3)
            try c.requireOutputs(1)
            emit(c, .where, inputs: Array(node.inputs.prefix(3)), outputs: outputs)
        } else if node.opType == "Shape" {
            try c.checkAttributes(c.opsetVersion >= 15 ? ["start", "end"] : [])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let start = try c.int("start", default: 0)
            let end = try c.attribute("end", .int)?.i
            // Values beyond any rank clamp the same as ±2^31.
            func clamp(_ v: Int64) -> Int { Int(Swift.min(Swift.max(v, -(1 << 31)), 1 << 31)) }
            emit(
                c, .shape(GraphOp.ShapeSlice(start: clamp(start), end: end.map(clamp))), inputs: [node.inputs[0]],
                outputs: outputs)
        } else {
            try convertConstantOfShape(c, outputs: outputs)
        }
    }

    private mutating func convertConstantOfShape(_ c: ONNXNodeContext, outputs: [String]) throws {
        guard c.opsetVersion >= 9 else {
            throw c.unsupported("ConstantOfShape exists from opset 9.", value: String(c.opsetVersion))
        }
        try c.checkAttributes(["value"])
        try c.requireInputs(1)
        try c.requireOutputs(1)
        var value = try Tensor(shape: [1], float32: [0])
        if let proto = try c.tensor("value") {
            let tensor = try proto.makeTensor()
            guard tensor.count == 1 else {
                throw c.invalid(
                    "attribute 'value' must hold exactly one element, has \(tensor.count) (shape \(tensor.shape)).",
                    value: "value")
            }
            guard tensor.elementType != .string else {
                throw c.unsupported(
                    "attribute 'value' is a string; ConstantOfShape takes numbers or bool.", value: "value")
            }
            value = try Tensor(shape: [1], storage: tensor.storage)
        }
        emit(c, .constantOfShape(value: value), inputs: [c.node.inputs[0]], outputs: outputs)
    }
}
