/// Writes values known when the plan was resolved: a `Shape` output (its dimensions) or a
/// `ConstantOfShape` output (one value repeated).
struct ConstantFillStep: ExecutionStep {
    /// The values, one per element, or one value repeated `count` times.
    let storage: Tensor.Storage
    let y: Int
    let count: Int

    func run(_ context: ExecutionContext) throws {
        switch storage {
        case .float32(let v): fill(context.f32(y), v)
        case .float64(let v): fill(context.f64(y), v)
        case .int64(let v): fill(context.i64(y), v)
        case .bool(let v): fill(context.bool(y), v)
        case .string: break
        }
    }

    @inline(__always)
    private func fill<T>(_ p: UnsafeMutablePointer<T>, _ values: [T]) {
        if values.count == count {
            for i in 0..<count { p[i] = values[i] }
        } else if let value = values.first {
            for i in 0..<count { p[i] = value }
        }
    }
}
