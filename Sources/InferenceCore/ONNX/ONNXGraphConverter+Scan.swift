import MLOpsCore

extension ONNXGraphConverter {
    /// Converts an ONNX `Scan` (opset ≥ 9): the body attribute with this same converter (so it
    /// may use every supported operator, nested scans included), its outer-scope reads made
    /// explicit as captured inputs (see ``GraphOp/Scan``).
    mutating func convertScan(_ c: ONNXNodeContext) throws {
        let node = c.node
        guard c.opsetVersion >= 9 else {
            throw c.unsupported(
                "Scan before opset 9 (with a sequence_lens input and a batch axis) is not supported.",
                value: String(c.opsetVersion))
        }
        try c.checkAttributes([
            "body", "num_scan_inputs", "scan_input_axes", "scan_input_directions", "scan_output_axes",
            "scan_output_directions",
        ])
        guard let proto = try c.attribute("body", .graph)?.g else {
            throw c.invalid("required attribute 'body' (a graph) is missing.", value: "body")
        }
        guard depth < GraphOp.Scan.maxDepth else {
            throw MLOpsError(
                .limitExceeded, "\(c.label): scans nest more than \(GraphOp.Scan.maxDepth) levels deep.",
                value: node.opType)
        }
        guard !node.inputs.contains("") else { throw c.invalid("an input name is empty.") }
        let m = try c.requiredInt("num_scan_inputs")
        guard m >= 1, m <= Int64(node.inputs.count) else {
            throw c.invalid(
                "attribute 'num_scan_inputs' is \(m); expected 1...\(node.inputs.count) (the node's inputs).",
                value: "num_scan_inputs")
        }
        let scanInputs = Int(m)
        let states = node.inputs.count - scanInputs
        let bodyInputs = proto.runtimeInputs
        guard bodyInputs.count == node.inputs.count else {
            throw c.invalid(
                "the body has \(bodyInputs.count) inputs but the node has \(node.inputs.count) (the body takes the "
                    + "\(states) states and one slice per scan input).", value: "body")
        }
        guard proto.outputs.count >= states, node.outputs.count == proto.outputs.count else {
            throw c.invalid(
                "the body has \(proto.outputs.count) outputs and the node \(node.outputs.count); both must list the "
                    + "\(states) states then the scan outputs.", value: "body")
        }
        let scanOutputs = proto.outputs.count - states
        func axes(_ name: String, count: Int) throws -> [Int] {
            let values = try c.ints(name)
            if values.isEmpty { return Array(repeating: 0, count: count) }
            guard values.count == count else {
                throw c.invalid("attribute '\(name)' has \(values.count) entries; expected \(count).", value: name)
            }
            return try values.map { value in
                guard value >= -65_536, value <= 65_536 else {
                    throw c.invalid("attribute '\(name)' holds \(value).", value: name)
                }
                return Int(value)
            }
        }
        func directions(_ name: String, count: Int) throws -> [Bool] {
            let values = try c.ints(name)
            if values.isEmpty { return Array(repeating: false, count: count) }
            guard values.count == count else {
                throw c.invalid("attribute '\(name)' has \(values.count) entries; expected \(count).", value: name)
            }
            return try values.map { value in
                guard value == 0 || value == 1 else {
                    throw c.invalid(
                        "attribute '\(name)' holds \(value); expected 0 (forward) or 1 (reverse).", value: name)
                }
                return value == 1
            }
        }
        let inputAxes = try axes("scan_input_axes", count: scanInputs)
        let inputReversed = try directions("scan_input_directions", count: scanInputs)
        let outputAxes = try axes("scan_output_axes", count: scanOutputs)
        let outputReversed = try directions("scan_output_directions", count: scanOutputs)

        // What the body can see: this graph's values and constants, over those of the graphs
        // enclosing this one (unless this graph redefines the name).
        let visibleSpecs = (try? inferredSpecs()) ?? outerSpecs.filter { !localNames.contains($0.key) }
        var visibleConstants = depth > 1 ? outerConstants.filter { !localNames.contains($0.key) } : [:]
        for (name, tensor) in initializers { visibleConstants[name] = tensor }
        var bodyInputSpecs: [String: TensorSpec] = [:]
        for (i, value) in bodyInputs.enumerated() {
            guard let outer = visibleSpecs[node.inputs[i]] else { continue }
            if i < states {
                bodyInputSpecs[value.name] = outer
            } else if let axis = TensorSpec.normalizedAxis(inputAxes[i - states], rank: outer.shape.count) {
                var shape = outer.shape
                shape.remove(at: axis)
                bodyInputSpecs[value.name] = TensorSpec(elementType: outer.elementType, shape: shape)
            }
        }
        var converter = ONNXGraphConverter(
            subgraph: proto, parent: self, constants: visibleConstants, specs: visibleSpecs, inputSpecs: bodyInputSpecs)
        let body: ModelGraph
        let captured: [String]
        do {
            (body, captured) = try converter.convertSubgraph()
        } catch let error as MLOpsError {
            throw MLOpsError(
                error.code, "\(c.label), body '\(proto.name)': \(error.message)", value: error.value)
        }
        let scan = GraphOp.Scan(
            body: body, stateCount: states, scanInputCount: scanInputs, inputAxes: inputAxes,
            inputReversed: inputReversed, outputAxes: outputAxes, outputReversed: outputReversed)
        emit(c, .scan(scan), inputs: node.inputs + captured, outputs: outputNames(c, count: node.outputs.count))
    }
}
