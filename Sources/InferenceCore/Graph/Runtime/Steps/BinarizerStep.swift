import MLOpsCore

/// `y = x > threshold ? 1 : 0` elementwise, same type (`float32`, `float64`, `int64`); a NaN throws.
struct BinarizerStep: ExecutionStep {
    let x: Int
    let y: Int
    let count: Int
    let threshold: Float
    let elementType: ElementType
    let nodeName: String

    func run(_ context: ExecutionContext) throws {
        switch elementType {
        case .float64:
            let xp = context.f64(x)
            let yp = context.f64(y)
            let t = Double(threshold)
            for i in 0..<count {
                let v = xp[i]
                guard !v.isNaN else { throw nanError(i) }
                yp[i] = v > t ? 1 : 0
            }
        case .int64:
            let xp = context.i64(x)
            let yp = context.i64(y)
            for i in 0..<count { yp[i] = Float(xp[i]) > threshold ? 1 : 0 }
        default:
            let xp = context.f32(x)
            let yp = context.f32(y)
            for i in 0..<count {
                let v = xp[i]
                guard !v.isNaN else { throw nanError(i) }
                yp[i] = v > threshold ? 1 : 0
            }
        }
    }

    private func nanError(_ index: Int) -> MLOpsError {
        MLOpsError(
            .invalidArgument,
            "Node '\(nodeName)' (binarizer): input element \(index) is NaN (onnxruntime refuses it too).",
            value: String(index))
    }
}
