import MLOpsCore

/// ONNX OneHot with constant depth and values.
struct OneHotStep: ExecutionStep {
    let x: Int
    let y: Int
    let inputType: ElementType
    /// Indices viewed as [outer, inner]; the depth axis goes between.
    let outer: Int
    let inner: Int
    let attributes: GraphOp.OneHot

    func run(_ context: ExecutionContext) throws {
        let depth = attributes.depth
        let reader = ElementReader(context, x, inputType)
        let total = outer * depth * inner
        func write(_ value: Double, _ i: Int) {
            switch attributes.elementType {
            case .float32: context.f32(y)[i] = Float(value)
            case .float64: context.f64(y)[i] = value
            case .int64: context.i64(y)[i] = Int64(exactly: value.rounded(.towardZero)) ?? 0
            case .bool: context.bool(y)[i] = value != 0
            case .string: break
            }
        }
        for i in 0..<total { write(attributes.offValue, i) }
        for o in 0..<outer {
            for i in 0..<inner {
                let raw = reader.double(o * inner + i)
                guard raw.isFinite else { continue }
                var index = Int(exactly: raw.rounded(.towardZero)) ?? -1 - depth * 2
                if index < 0 { index += depth }
                guard index >= 0, index < depth else { continue }
                write(attributes.onValue, (o * depth + index) * inner + i)
            }
        }
    }
}
