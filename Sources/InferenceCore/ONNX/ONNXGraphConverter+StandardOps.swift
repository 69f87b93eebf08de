import MLOpsCore

extension ONNXGraphConverter {
    /// Converts one node of the default (`ai.onnx`) domain.
    mutating func convertStandardOp(_ c: ONNXNodeContext) throws {
        let node = c.node
        switch node.opType {
        case "Gemm":
            try c.checkAttributes(["alpha", "beta", "transA", "transB", "broadcast"])
            try c.requireInputs(2, 3)
            try c.requireOutputs(1)
            let gemm = GraphOp.Gemm(
                alpha: try c.float("alpha", default: 1), beta: try c.float("beta", default: 1),
                transA: try c.bool("transA", default: false), transB: try c.bool("transB", default: false))
            _ = try c.bool("broadcast", default: true)  // pre-opset-7 flag; unidirectional broadcasting covers both.
            var inputs = [node.inputs[0], node.inputs[1]]
            if let bias = c.input(2) { inputs.append(bias) }
            emit(c, .gemm(gemm), inputs: inputs, outputs: outputNames(c, count: 1))

        case "MatMul":
            try simple(c, .matMul, inputs: 2)
        case "Add":
            try simple(c, .add, inputs: 2)
        case "Sub":
            try simple(c, .sub, inputs: 2)
        case "Mul":
            try simple(c, .mul, inputs: 2)
        case "Div":
            try simple(c, .div, inputs: 2)
        case "Relu":
            try simple(c, .relu, inputs: 1)
        case "Sigmoid":
            try simple(c, .sigmoid, inputs: 1)
        case "Tanh":
            try simple(c, .tanh, inputs: 1)
        case "Identity":
            try simple(c, .identity, inputs: 1)

        case "Softmax", "LogSoftmax":
            try c.checkAttributes(["axis"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let legacy = c.opsetVersion < 13
            let axis = try c.axis("axis", default: legacy ? 1 : -1)
            if legacy {
                // Before opset 13 the input is coerced to 2-D at `axis`; that equals a one-axis
                // softmax only when `axis` is the last axis.
                guard let spec = try? inferredSpec(of: node.inputs[0]),
                    let normalized = TensorSpec.normalizedAxis(axis, rank: spec.shape.count),
                    normalized == spec.shape.count - 1
                else {
                    throw c.unsupported(
                        "before opset 13, \(node.opType) flattens the input to 2-D at 'axis' (\(axis)); only the "
                            + "case where 'axis' is the last axis of an input of known rank is supported.",
                        value: "axis")
                }
            }
            let op: GraphOp = node.opType == "Softmax" ? .softmax(axis: axis) : .logSoftmax(axis: axis)
            emit(c, op, inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))

        case "Concat":
            try c.checkAttributes(["axis"])
            try c.requireOutputs(1)
            guard !node.inputs.isEmpty, !node.inputs.contains("") else {
                throw c.invalid("needs at least one input and no empty input names.")
            }
            let axis: Int
            if c.opsetVersion < 4 {
                axis = try c.axis("axis", default: 1)
            } else {
                guard node.attribute("axis") != nil else {
                    throw c.invalid("required attribute 'axis' is missing.", value: "axis")
                }
                axis = try c.axis("axis", default: 0)
            }
            emit(c, .concat(axis: axis), inputs: node.inputs, outputs: outputNames(c, count: 1))

        case "Reshape":
            try convertReshape(c)

        case "Flatten":
            try c.checkAttributes(["axis"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            emit(
                c, .flatten(axis: try c.axis("axis", default: 1)), inputs: [node.inputs[0]],
                outputs: outputNames(c, count: 1))

        case "Transpose":
            try c.checkAttributes(["perm"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let perm = try c.ints("perm").map { value -> Int in
                guard value >= 0, value < 65_536 else { throw c.invalid("'perm' holds \(value).", value: "perm") }
                return Int(value)
            }
            emit(c, .transpose(perm: perm), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))

        case "Cast":
            try convertCast(c)

        case "ArgMax":
            try c.checkAttributes(["axis", "keepdims", "select_last_index"])
            try c.requireInputs(1)
            try c.requireOutputs(1)
            let argMax = GraphOp.ArgMax(
                axis: try c.axis("axis", default: 0), keepDims: try c.bool("keepdims", default: true),
                selectLastIndex: try c.bool("select_last_index", default: false))
            emit(c, .argMax(argMax), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))

        case "Constant":
            try convertConstant(c)

        case "OneHot":
            try convertOneHot(c)

        case "Scan":
            try convertScan(c)

        case _ where Self.elementwiseOps.contains(node.opType):
            try convertElementwiseOp(c)

        case "ArgMin":
            try convertArgMin(c)
        case "TopK":
            try convertTopK(c)
        case "Gather":
            try convertGather(c, mode: .slices)
        case "GatherElements":
            try convertGather(c, mode: .elements)
        case "CumSum":
            try convertCumSum(c)
        case let op where Self.reductionKinds[op] != nil:
            try convertReduce(c, kind: Self.reductionKinds[op] ?? .sum)

        default:
            throw c.unsupported(
                "operator '\(node.opType)' is not supported. " + ONNXImporter.supportedList("ai.onnx"))
        }
    }

    /// An op with no attributes and a fixed number of inputs and one output.
    private mutating func simple(_ c: ONNXNodeContext, _ op: GraphOp, inputs count: Int) throws {
        try c.checkAttributes([])
        try c.requireInputs(count)
        try c.requireOutputs(1)
        emit(c, op, inputs: Array(c.node.inputs.prefix(count)), outputs: outputNames(c, count: 1))
    }

    private mutating func convertReshape(_ c: ONNXNodeContext) throws {
        let node = c.node
        try c.requireOutputs(1)
        var shape: [Int64]
        var allowZero = false
        if c.opsetVersion < 5 {
            try c.checkAttributes(["shape"])
            try c.requireInputs(1)
            shape = try c.ints("shape")
        } else {
            try c.checkAttributes(["allowzero"])
            try c.requireInputs(2)
            allowZero = try c.bool("allowzero", default: false)
            guard let tensor = constant(node.inputs[1]) else {
                // A computed target: shape inference takes its plan-time value (e.g. from Shape).
                guard !allowZero else {
                    throw c.unsupported(
                        "allowzero=1 with a computed shape input '\(node.inputs[1])' is not supported.",
                        value: "allowzero")
                }
                emit(
                    c, .reshape(shape: []), inputs: [node.inputs[0], node.inputs[1]], outputs: outputNames(c, count: 1))
                return
            }
            guard let values = tensor.int64Values, tensor.shape.count == 1 else {
                throw c.invalid(
                    "the shape input '\(node.inputs[1])' must be a 1-D int64 tensor, got \(tensor).",
                    value: node.inputs[1])
            }
            shape = values
        }
        guard shape.allSatisfy({ $0 >= -1 && $0 <= Int64(Int32.max) }), shape.filter({ $0 == -1 }).count <= 1 else {
            throw c.invalid(
                "the target shape \(shape) is invalid (at most one -1, no other negative values).", value: "\(shape)")
        }
        if allowZero && shape.contains(0) {
            throw c.unsupported(
                "allowzero=1 with a 0 in the target shape (an empty dimension) is not supported.", value: "allowzero")
        }
        emit(c, .reshape(shape: shape.map { Int($0) }), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))
    }

    private mutating func convertCast(_ c: ONNXNodeContext) throws {
        try c.checkAttributes(["to", "saturate"])
        try c.requireInputs(1)
        try c.requireOutputs(1)
        let target: ONNXDataType
        if let attribute = c.node.attribute("to"), attribute.effectiveType == .string, c.opsetVersion < 6 {
            let name = try c.string("to", default: "")
            guard let index = (0..<30).first(where: { ONNXDataType(rawValue: Int32($0)).name == name }) else {
                throw c.unsupported("attribute 'to' names an unknown type '\(name)'.", value: "to")
            }
            target = ONNXDataType(rawValue: Int32(index))
        } else {
            let raw = try c.requiredInt("to")
            guard let value = Int32(exactly: raw) else { throw c.invalid("attribute 'to' is \(raw).", value: "to") }
            target = ONNXDataType(rawValue: value)
        }
        // `saturate` only changes float8 conversions, which are rejected below.
        _ = try c.bool("saturate", default: true)
        guard let elementType = target.elementType else {
            throw c.unsupported("casting to \(target) is not supported.", value: "to")
        }
        emit(c, .cast(to: elementType), inputs: [c.node.inputs[0]], outputs: outputNames(c, count: 1))
    }

    private mutating func convertConstant(_ c: ONNXNodeContext) throws {
        let known: Set<String> = [
            "value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings",
        ]
        if c.node.attribute("sparse_value") != nil {
            throw c.unsupported("sparse constants are not supported.", value: "sparse_value")
        }
        try c.checkAttributes(known)
        try c.requireInputs(0)
        try c.requireOutputs(1)
        guard c.node.attributes.count == 1, let name = c.node.attributes.first?.name else {
            throw c.invalid("needs exactly one value attribute, has \(c.node.attributes.map(\.name)).")
        }
        let tensor: Tensor
        switch name {
        case "value":
            guard let proto = try c.tensor("value") else { throw c.invalid("attribute 'value' is empty.", value: name) }
            tensor = try proto.makeTensor()
        case "value_float": tensor = try Tensor(shape: [], float32: [try c.float(name, default: 0)])
        case "value_floats":
            let values = try c.floats(name)
            tensor = try Tensor(shape: [values.count], float32: values)
        case "value_int": tensor = try Tensor(shape: [], int64: [try c.requiredInt(name)])
        case "value_ints":
            let values = try c.ints(name)
            tensor = try Tensor(shape: [values.count], int64: values)
        case "value_string": tensor = try Tensor(shape: [], strings: [try c.string(name, default: "")])
        default:
            let values = try c.strings(name)
            tensor = try Tensor(shape: [values.count], strings: values)
        }
        let output = c.node.outputs[0]
        guard !output.isEmpty, initializers[output] == nil else {
            throw c.invalid("output name '\(output)' is empty or already used.", value: output)
        }
        initializers[output] = tensor
    }

    private mutating func convertOneHot(_ c: ONNXNodeContext) throws {
        let node = c.node
        try c.checkAttributes(["axis"])
        try c.requireInputs(3)
        try c.requireOutputs(1)
        guard let depthTensor = constant(node.inputs[1]), depthTensor.count == 1, depthTensor.shape.count <= 1,
            let depthValue = depthTensor.doubleValues.first, depthValue.isFinite,
            depthValue >= 1, depthValue <= Double(Int32.max)
        else {
            throw c.unsupported(
                "the depth input '\(node.inputs[1])' must be a constant positive scalar (or 1-element) tensor.",
                value: node.inputs[1])
        }
        guard depthValue <= Double(options.maxInputElementsPerRow) else {
            throw MLOpsError(
                .limitExceeded,
                "\(c.label): depth \(depthValue) exceeds ONNXImporter.Options.maxInputElementsPerRow.",
                value: node.inputs[1])
        }
        guard let values = constant(node.inputs[2]), values.count == 2, values.shape.count == 1,
            values.elementType.isNumeric
        else {
            throw c.unsupported(
                "the values input '\(node.inputs[2])' must be a constant numeric tensor [off, on].",
                value: node.inputs[2])
        }
        let pair = values.doubleValues
        let oneHot = GraphOp.OneHot(
            depth: Int(depthValue.rounded(.towardZero)), axis: try c.axis("axis", default: -1), offValue: pair[0],
            onValue: pair[1], elementType: values.elementType)
        emit(c, .oneHot(oneHot), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))
    }
}
