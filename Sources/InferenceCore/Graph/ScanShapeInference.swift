import MLOpsCore

/// Structure and shape checks of ``GraphOp/scan(_:)`` nodes: attribute counts, nesting depth,
/// the body's structure, and the types and shapes of the body and of the node's outputs.
enum ScanShapeInference {
    /// The types a scan node and its body infer for one set of input types.
    struct Result {
        /// The node's outputs: final states, then stacked scan outputs.
        var outputs: [TensorSpec]
        /// The body's inputs: states, scan slices, captured tensors.
        var bodyInputs: [TensorSpec]
        /// Every tensor of the body, by the body structure's value index.
        var bodySpecs: [TensorSpec]
        /// The number of iterations.
        var iterations: Int
    }

    /// Checks `scan`'s attributes against its body and returns the body's checked structure.
    ///
    /// - Parameter depth: The nesting level of the graph holding `node` (1 for a model's graph).
    /// - Throws: `MLOpsError` (`invalidArgument`) naming the node for inconsistent counts or a
    ///   malformed body; (`limitExceeded`) when scans nest deeper than ``GraphOp/Scan/maxDepth``.
    static func checkStructure(_ node: GraphNode, _ scan: GraphOp.Scan, depth: Int) throws -> GraphStructure {
        guard depth < GraphOp.Scan.maxDepth else {
            throw MLOpsError(
                .limitExceeded,
                "Node '\(node.name)' (scan): scans nest more than \(GraphOp.Scan.maxDepth) levels deep.",
                value: node.name)
        }
        let body = scan.body
        guard scan.stateCount >= 0, scan.stateCount <= body.outputs.count else {
            throw GraphError.node(
                node,
                "stateCount is \(scan.stateCount) but the body '\(body.name)' has \(body.outputs.count) outputs "
                    + "(the new states come first).", tensor: String(scan.stateCount))
        }
        guard scan.scanInputCount >= 1, scan.scanInputCount <= body.inputs.count - scan.stateCount else {
            throw GraphError.node(
                node,
                "scanInputCount is \(scan.scanInputCount); it must be at least 1 and the body '\(body.name)' "
                    + "must have \(scan.stateCount) state inputs before its scan inputs (it has \(body.inputs.count) "
                    + "inputs).", tensor: String(scan.scanInputCount))
        }
        guard scan.inputAxes.count == scan.scanInputCount, scan.inputReversed.count == scan.scanInputCount else {
            throw GraphError.node(
                node,
                "has \(scan.inputAxes.count) input axes and \(scan.inputReversed.count) input directions for "
                    + "\(scan.scanInputCount) scan inputs.", tensor: "inputAxes")
        }
        let outputs = scan.scanOutputCount
        guard scan.outputAxes.count == outputs, scan.outputReversed.count == outputs else {
            throw GraphError.node(
                node,
                "has \(scan.outputAxes.count) output axes and \(scan.outputReversed.count) output directions for "
                    + "\(outputs) scan outputs.", tensor: "outputAxes")
        }
        do {
            return try GraphStructure(body, depth: depth + 1)
        } catch let error as MLOpsError {
            throw MLOpsError(
                error.code, "Node '\(node.name)' (scan), body '\(body.name)': \(error.message)", value: error.value)
        }
    }

    /// The output types of a scan node for the given input types, and its body's types.
    ///
    /// - Parameters:
    ///   - body: The body's structure (from ``checkStructure(_:_:depth:)``).
    ///   - batch: The enclosing plan's batch size (for messages).
    ///   - maxElements: The most elements any tensor of the body may have.
    static func infer(
        _ node: GraphNode, _ scan: GraphOp.Scan, body: GraphStructure, inputs: [TensorSpec?], batch: Int,
        maxElements: Int
    ) throws -> Result {
        func name(_ i: Int) -> String { i < node.inputs.count ? node.inputs[i] : "#\(i)" }
        func fail(_ message: String, _ i: Int) -> MLOpsError {
            GraphError.node(node, message, tensor: name(i))
        }
        func input(_ i: Int) throws -> TensorSpec {
            guard i < inputs.count, let spec = inputs[i] else { throw fail("input #\(i) is missing.", i) }
            return spec
        }
        let states = scan.stateCount
        var bodyInputs: [TensorSpec] = []
        bodyInputs.reserveCapacity(inputs.count)
        for i in 0..<states {
            let x = try input(i)
            guard x.elementType != .string else {
                throw fail("state '\(name(i))' is a string tensor (unsupported).", i)
            }
            bodyInputs.append(x)
        }
        var iterations: Int?
        for j in 0..<scan.scanInputCount {
            let i = states + j
            let x = try input(i)
            guard x.elementType != .string else {
                throw fail("scan input '\(name(i))' is a string tensor (unsupported).", i)
            }
            guard let axis = TensorSpec.normalizedAxis(scan.inputAxes[j], rank: x.shape.count) else {
                throw fail(
                    "scan axis \(scan.inputAxes[j]) is out of range for input '\(name(i))' of shape \(x.shape).", i)
            }
            let length = x.shape[axis]
            if let t = iterations, t != length {
                throw fail(
                    "scan input '\(name(i))' has \(length) slices along axis \(axis) but an earlier scan input has "
                        + "\(t).", i)
            }
            iterations = length
            var slice = x.shape
            slice.remove(at: axis)
            bodyInputs.append(TensorSpec(elementType: x.elementType, shape: slice))
        }
        for i in (states + scan.scanInputCount)..<max(states + scan.scanInputCount, inputs.count) {
            let x = try input(i)
            guard x.elementType != .string else {
                throw fail("captured tensor '\(name(i))' is a string tensor (unsupported).", i)
            }
            bodyInputs.append(x)
        }
        let bodySpecs: [TensorSpec]
        do {
            bodySpecs = try body.subgraphSpecs(inputs: bodyInputs, batch: batch, maxElements: maxElements)
        } catch let error as MLOpsError {
            throw MLOpsError(
                error.code, "Node '\(node.name)' (scan), body '\(scan.body.name)': \(error.message)",
                value: error.value)
        }
        let t = iterations ?? 0
        var outputs: [TensorSpec] = []
        for (slot, v) in body.outputs.enumerated() {
            let y = bodySpecs[v]
            let outName = scan.body.outputs[slot].name
            if slot < states {
                guard y == bodyInputs[slot] else {
                    throw fail(
                        "the body's new state '\(outName)' is \(y) but state '\(name(slot))' is \(bodyInputs[slot]); "
                            + "a state keeps its type and shape.", slot)
                }
                outputs.append(y)
                continue
            }
            let k = slot - states
            guard y.elementType != .string else {
                throw GraphError.node(
                    node, "scan output '\(outName)' is a string tensor (unsupported).", tensor: outName)
            }
            guard let axis = TensorSpec.normalizedAxis(scan.outputAxes[k], rank: y.shape.count + 1) else {
                throw GraphError.node(
                    node,
                    "output axis \(scan.outputAxes[k]) is out of range for scan output '\(outName)' of rank "
                        + "\(y.shape.count + 1).", tensor: outName)
            }
            var shape = y.shape
            shape.insert(t, at: axis)
            outputs.append(TensorSpec(elementType: y.elementType, shape: shape))
        }
        return Result(outputs: outputs, bodyInputs: bodyInputs, bodySpecs: bodySpecs, iterations: t)
    }
}
