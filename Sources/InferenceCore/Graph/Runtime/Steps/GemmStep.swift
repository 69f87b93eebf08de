/// `Y = act(alpha·A·W + bias)` with constant `W` pre-packed for the SGEMM kernels and a
/// row-broadcast `beta·C` folded into `bias` at compile time; any other `C` is added at run time.
struct GemmStep: ExecutionStep {
    let a: Int
    let y: Int
    let m: Int
    let packed: PackedGemm
    /// A non-row-broadcast `C`: value index, row stride, column stride (0 = broadcast), beta.
    let c: (value: Int, rowStride: Int, colStride: Int, beta: Float)?
    let activation: Activation
    let pool: WorkerPool?

    func run(_ context: ExecutionContext) throws {
        let n = packed.n
        let yp = context.f32(y)
        let bias = packed.bias.map { UnsafePointer($0.pointer.assumingMemoryBound(to: Float.self)) }
        if let c {
            Kernels.sgemm(
                m: m, alpha: packed.alpha, a: context.f32(a), lda: max(1, packed.k), b: packed.matrix, c: yp,
                ldc: max(1, n), bias: bias, pool: pool)
            GemmGeneralStep.addC(c, context: context, y: yp, m: m, n: n)
            Kernels.apply(activation, yp, yp, count: m * n)
        } else {
            Kernels.sgemm(
                m: m, alpha: packed.alpha, a: context.f32(a), lda: max(1, packed.k), b: packed.matrix, c: yp,
                ldc: max(1, n), bias: bias, activation: activation, pool: pool)
        }
    }
}

extension Activation {
    /// The kernel activation for a graph activation.
    init(_ activation: GraphOp.Activation) {
        switch activation {
        case .none: self = .identity
        case .relu: self = .relu
        case .sigmoid: self = .sigmoid
        case .tanh: self = .tanh
        }
    }
}
