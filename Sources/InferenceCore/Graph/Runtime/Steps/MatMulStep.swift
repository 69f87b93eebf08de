/// numpy `matmul` of `A` [..., K] by `B` [K, N] or [K], read at run time.
struct MatMulStep: ExecutionStep {
    let a: Int
    let b: Int
    let y: Int
    let rows: Int
    let n: Int
    let k: Int
    let elementType: ElementType
    let pool: WorkerPool?

    func run(_ context: ExecutionContext) throws {
        if elementType == .float32 {
            Kernels.sgemm(
                m: rows, n: n, k: k, a: context.f32(a), lda: max(1, k), b: context.f32(b), ldb: max(1, n),
                c: context.f32(y), ldc: max(1, n), pool: pool)
            return
        }
        let ap = context.f64(a)
        let bp = context.f64(b)
        let yp = context.f64(y)
        for r in 0..<rows {
            for j in 0..<n { yp[r * n + j] = 0 }
            for kk in 0..<k {
                let av = ap[r * k + kk]
                for j in 0..<n { yp[r * n + j] += av * bp[kk * n + j] }
            }
        }
    }
}
