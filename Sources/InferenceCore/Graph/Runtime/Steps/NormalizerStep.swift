/// Row normalisation (L1, L2 or max) along the last axis, output `float32`; a zero norm
/// leaves the row unscaled.
struct NormalizerStep: ExecutionStep {
    let x: Int
    let y: Int
    let rows: Int
    let cols: Int
    let norm: GraphOp.Normalization
    let elementType: ElementType

    func run(_ context: ExecutionContext) throws {
        let yp = context.f32(y)
        let reader = ElementReader(context, x, elementType)
        for r in 0..<rows {
            let base = r * cols
            for j in 0..<cols { yp[base + j] = reader.float(base + j) }
            var d: Float
            switch norm {
            case .max:
                d = cols > 0 ? yp[base] : 0
                for j in 0..<cols where yp[base + j] > d { d = yp[base + j] }
            case .l1:
                d = 0
                for j in 0..<cols { d += abs(yp[base + j]) }
            case .l2:
                d = 0
                for j in 0..<cols { d += yp[base + j] * yp[base + j] }
                d = d.squareRoot()
            }
            if d != 0 {
                for j in 0..<cols { yp[base + j] /= d }
            }
        }
    }
}
