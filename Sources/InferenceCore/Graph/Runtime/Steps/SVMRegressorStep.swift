/// ai.onnx.ml SVMRegressor, following onnxruntime: `float32` kernel values for the whole batch,
/// then `Σ coefficients·kernel + rho[0]` per row (or `x·coefficients + rho[0]` without support
/// vectors), and the sign (±1) for a one-class model.
///
/// Arena scratch: the input as `float32` when it is another type, and the kernel values [rows, V].
struct SVMRegressorStep: ExecutionStep {
    let attributes: GraphOp.SVMRegressor
    let evaluator: SVMKernelEvaluator
    let x: Int
    let inputType: ElementType
    let y: Int
    let rows: Int
    let features: Int
    let scratchOffset: Int
    let pool: WorkerPool?

    init(
        attributes r: GraphOp.SVMRegressor, x: Int, inputType: ElementType, y: Int, rows: Int, features: Int,
        scratchOffset: Int, pool: WorkerPool?
    ) throws {
        attributes = r
        if r.supportCount > 0 {
            evaluator = try SVMKernelEvaluator(
                kernel: r.kernel, matrix: Array(r.supportVectors.prefix(r.supportCount * features)),
                vectors: r.supportCount, features: features)
        } else {
            evaluator = try SVMKernelEvaluator(
                kernel: GraphOp.SVMKernel(kind: .linear), matrix: r.coefficients, vectors: 1, features: features,
                intercept: r.rho[0])
        }
        self.x = x
        self.inputType = inputType
        self.y = y
        self.rows = rows
        self.features = features
        self.scratchOffset = scratchOffset
        self.pool = pool
    }

    /// Scratch bytes for `rows` rows, or `nil` if the count overflows.
    static func scratchBytes(_ r: GraphOp.SVMRegressor, rows: Int, features: Int, inputType: ElementType) -> Int? {
        let converted = inputType == .float32 ? 0 : ShapeBounds.product(rows, features)
        let kernels = r.supportCount > 0 ? ShapeBounds.product(rows, r.supportCount) : 0
        guard let converted, let kernels else { return nil }
        let (floats, overflow) = converted.addingReportingOverflow(kernels)
        return overflow ? nil : ShapeBounds.product(floats, 4)
    }

    func run(_ context: ExecutionContext) {
        let r = attributes
        var next = (context.arenaBase + scratchOffset).assumingMemoryBound(to: Float.self)
        var input = UnsafePointer(context.f32(x))
        if inputType != .float32 {
            let reader = ElementReader(context, x, inputType)
            for i in 0..<(rows * features) { next[i] = reader.float(i) }
            input = UnsafePointer(next)
            next += rows * features
        }
        let out = context.f32(y)
        if r.supportCount == 0 {
            evaluator.evaluate(input, rows: rows, into: out, pool: pool)
        } else {
            let v = r.supportCount
            let kernels = next
            evaluator.evaluate(input, rows: rows, into: kernels, pool: pool)
            let rho = r.rho[0]
            r.coefficients.withUnsafeBufferPointer { coefficients in
                for row in 0..<rows {
                    let k = kernels + row * v
                    var sum: Float = 0
                    for m in 0..<v { sum += coefficients[m] * k[m] }
                    out[row] = sum + rho
                }
            }
        }
        if r.oneClass {
            for i in 0..<rows { out[i] = out[i] > 0 ? 1 : -1 }
        }
    }
}
