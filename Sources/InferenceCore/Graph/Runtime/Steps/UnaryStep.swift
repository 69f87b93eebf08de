/// Elementwise relu / sigmoid / tanh on `float32` or `float64`.
struct UnaryStep: ExecutionStep {
    let activation: GraphOp.Activation
    let elementType: ElementType
    let x: Int
    let y: Int
    let count: Int

    func run(_ context: ExecutionContext) throws {
        if elementType == .float32 {
            let (xp, yp) = (context.f32(x), context.f32(y))
            switch activation {
            case .none: yp.update(from: xp, count: count)
            case .relu: Kernels.relu(xp, yp, count: count)
            case .sigmoid: Kernels.sigmoid(xp, yp, count: count)
            case .tanh: Kernels.tanh(xp, yp, count: count)
            }
            return
        }
        let (xp, yp) = (context.f64(x), context.f64(y))
        for i in 0..<count {
            let v = xp[i]
            switch activation {
            case .none: yp[i] = v
            case .relu: yp[i] = v < 0 ? 0 : v
            case .sigmoid: yp[i] = ReferenceKernels.sigmoid(v)
            case .tanh: yp[i] = mathTanh(v)
            }
        }
    }
}
