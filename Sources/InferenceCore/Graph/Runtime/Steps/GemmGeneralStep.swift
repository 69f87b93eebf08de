/// `Y = act(alpha·A'·B' + beta·C)` with every operand read at run time (B packed per call).
struct GemmGeneralStep: ExecutionStep {
    let a: Int
    let b: Int
    let y: Int
    let m: Int
    let n: Int
    let k: Int
    let gemm: GraphOp.Gemm
    let c: (value: Int, rowStride: Int, colStride: Int, beta: Float)?
    let pool: WorkerPool?

    func run(_ context: ExecutionContext) throws {
        let yp = context.f32(y)
        let activation = Activation(gemm.activation)
        Kernels.sgemm(
            transposeA: gemm.transA, transposeB: gemm.transB, m: m, n: n, k: k, alpha: gemm.alpha,
            a: context.f32(a), lda: max(1, gemm.transA ? m : k), b: context.f32(b), ldb: max(1, gemm.transB ? k : n),
            c: yp, ldc: max(1, n), activation: c == nil ? activation : .identity, pool: pool)
        if let c {
            Self.addC(c, context: context, y: yp, m: m, n: n)
            Kernels.apply(activation, yp, yp, count: m * n)
        }
    }

    /// `y[i, j] += beta · C[i·rowStride + j·colStride]`.
    static func addC(
        _ c: (value: Int, rowStride: Int, colStride: Int, beta: Float), context: ExecutionContext,
        y: UnsafeMutablePointer<Float>, m: Int, n: Int
    ) {
        let cp = context.f32(c.value)
        for i in 0..<m {
            let row = y + i * n
            let crow = cp + i * c.rowStride
            if c.colStride == 1 {
                for j in 0..<n { row[j] += c.beta * crow[j] }
            } else {
                let v = c.beta * crow[0]
                for j in 0..<n { row[j] += v }
            }
        }
    }

    /// Strides of a `C` of `shape` (rank ≤ 2) broadcast to [m, n].
    static func cStrides(shape: [Int]) -> (rowStride: Int, colStride: Int) {
        let dims = Array(repeating: 1, count: max(0, 2 - shape.count)) + shape
        let rowStride = dims[0] == 1 ? 0 : dims[1]
        let colStride = dims[1] == 1 ? 0 : 1
        return (rowStride, colStride)
    }
}
