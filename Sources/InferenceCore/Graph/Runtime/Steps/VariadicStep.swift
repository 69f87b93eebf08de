/// `Max`/`Min`/`Sum`/`Mean` of one or more broadcast inputs: the first two combine into the
/// output, each further input combines into it in place; `Mean` then multiplies by the
/// reciprocal of the count, in the element type (as onnxruntime, so results match it bit for bit).
struct VariadicStep: ExecutionStep {
    let function: GraphOp.VariadicFunction
    let elementType: ElementType
    /// The pairwise steps (empty for a single input, which is copied).
    let parts: [BinaryStep]
    let x: Int
    let y: Int
    let count: Int
    let inputCount: Int

    init(
        function: GraphOp.VariadicFunction, elementType: ElementType, inputs: [Int], shapes: [[Int]], y: Int,
        out: [Int], nodeName: String
    ) {
        self.function = function
        self.elementType = elementType
        self.y = y
        x = inputs.first ?? 0
        count = out.reduce(1, *)
        inputCount = inputs.count
        let op: BinaryStep.Op
        switch function {
        case .max: op = .max
        case .min: op = .min
        case .sum, .mean: op = .add
        }
        var parts: [BinaryStep] = []
        for k in inputs.indices.dropFirst() {
            parts.append(
                BinaryStep(
                    op: op, elementType: elementType, a: k == 1 ? inputs[0] : y, b: inputs[k], y: y,
                    shapeA: k == 1 ? shapes[0] : out, shapeB: shapes[k], out: out, nodeName: nodeName))
        }
        self.parts = parts
    }

    func run(_ context: ExecutionContext) throws {
        if parts.isEmpty {
            if count > 0 { context.ptrs[y].copyMemory(from: context.ptrs[x], byteCount: count * elementType.byteCount) }
            return
        }
        for part in parts { try part.run(context) }
        guard function == .mean else { return }
        if elementType == .float32 {
            let (p, r) = (context.f32(y), 1 / Float(inputCount))
            for i in 0..<count { p[i] *= r }
        } else {
            let (p, r) = (context.f64(y), 1 / Double(inputCount))
            for i in 0..<count { p[i] *= r }
        }
    }
}
