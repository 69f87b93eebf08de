import MLOpsCore

extension StepBuilder {
    /// The step of a scan node: its body resolved for this plan's input types, and how each
    /// state, scan input and scan output moves (see ``ScanStep``).
    func buildScan() throws -> any ExecutionStep {
        guard case .scan(let scan) = node.op, let program = program.scans[nodeIndex] else {
            throw GraphError.node(node, "has no compiled body.")
        }
        let bodyStructure = program.body.structure
        let inputSpecs = inputs.map { $0.map { specs[$0] } }
        let maxElements = min(ShapeBounds.maxExtent, ShapeBounds.saturatingProduct(maxElementsPerRow, max(batch, 1)))
        let inferred = try ScanShapeInference.infer(
            node, scan, body: bodyStructure, inputs: inputSpecs, batch: batch, maxElements: maxElements)
        let plan = try ResolvedPlan(
            program: program.body, batch: batch, maxElementsPerRow: maxElementsPerRow, maxArenaBytes: arenaLimit,
            subgraphSpecs: inferred.bodySpecs)
        let bodyInputs = program.body.inputValues
        let bodyOutputs = program.body.outputValues
        let layout = ScanStep.layout(scan, inputSpecs: inputSpecs)
        let t = inferred.iterations
        if let fused = program.fused, let x = inputSpecs[0], let points = inputSpecs[1],
            fused.applies(x: x, points: points, output: specs[outputs[1]])
        {
            // The fused loop transposes X into the first state buffer (2 × X's bytes are reserved).
            return ScanDistanceStep(
                x: input(0), finalState: outputs[0], points: input(1), distances: outputs[1], rows: x.shape[0],
                features: x.shape[1], count: t, inputReversed: fused.inputReversed,
                outputReversed: fused.outputReversed, scratchOffset: scratchOffset + layout.states[0].0)
        }

        var states: [ScanStep.State] = []
        for i in 0..<scan.stateCount {
            let spec = inferred.bodyInputs[i]
            let mode: ScanStep.StateMode
            if bodyOutputs[i] == bodyInputs[i] {
                mode = .passthrough
            } else if plan.directOutputs[i] {
                mode = .direct
            } else {
                mode = .copy
            }
            states.append(
                ScanStep.State(
                    outerIn: input(i), outerOut: outputs[i], bodyIn: bodyInputs[i], bodyOut: bodyOutputs[i],
                    bytes: spec.count * spec.elementType.byteCount, mode: mode, buffers: layout.states[i]))
        }
        var sliced: [ScanStep.Sliced] = []
        for j in 0..<scan.scanInputCount {
            let i = scan.stateCount + j
            let x = inputSpecs[i] ?? TensorSpec(elementType: .float32, shape: [])
            let axis = TensorSpec.normalizedAxis(scan.inputAxes[j], rank: x.shape.count) ?? 0
            let slice = inferred.bodyInputs[i]
            let outer = x.shape[..<axis].reduce(1, *)
            sliced.append(
                ScanStep.Sliced(
                    outer: input(i), body: bodyInputs[i], outerCount: max(outer, 1),
                    sliceBytes: outer == 0 ? 0 : slice.count * slice.elementType.byteCount,
                    reversed: scan.inputReversed[j], gather: layout.gathers[j], direct: false))
        }
        var stacked: [ScanStep.Sliced] = []
        for k in 0..<scan.scanOutputCount {
            let slot = scan.stateCount + k
            let y = specs[outputs[slot]]
            let axis = TensorSpec.normalizedAxis(scan.outputAxes[k], rank: y.shape.count) ?? 0
            let slice = plan.specs[bodyOutputs[slot]]
            let outer = y.shape[..<axis].reduce(1, *)
            stacked.append(
                ScanStep.Sliced(
                    outer: outputs[slot], body: bodyOutputs[slot], outerCount: max(outer, 1),
                    sliceBytes: outer == 0 ? 0 : slice.count * slice.elementType.byteCount,
                    reversed: scan.outputReversed[k], gather: 0, direct: outer <= 1 && plan.directOutputs[slot]))
        }
        let first = scan.stateCount + scan.scanInputCount
        let captured = (first..<inputs.count).map { (outer: input($0), body: bodyInputs[$0]) }
        return ScanStep(
            slot: program.slot, body: program.body, plan: plan, iterations: t, states: states, inputs: sliced,
            outputs: stacked, captured: captured, scratchOffset: scratchOffset)
    }
}
