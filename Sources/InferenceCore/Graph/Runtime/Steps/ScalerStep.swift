/// `y = (x - offset) * scale` per last-axis feature, output `float32`.
struct ScalerStep: ExecutionStep {
    let x: Int
    let y: Int
    let rows: Int
    let cols: Int
    let offset: [Float]
    let scale: [Float]
    let elementType: ElementType

    init(x: Int, y: Int, shape: [Int], scaler: GraphOp.Scaler, elementType: ElementType) {
        self.x = x
        self.y = y
        cols = shape.last ?? 1
        rows = cols == 0 ? 0 : shape.reduce(1, *) / cols
        offset = scaler.offset.count == 1 ? Array(repeating: scaler.offset[0], count: cols) : scaler.offset
        scale = scaler.scale.count == 1 ? Array(repeating: scaler.scale[0], count: cols) : scaler.scale
        self.elementType = elementType
    }

    func run(_ context: ExecutionContext) throws {
        let yp = context.f32(y)
        let reader = ElementReader(context, x, elementType)
        offset.withUnsafeBufferPointer { off in
            scale.withUnsafeBufferPointer { sc in
                if elementType == .float32 {
                    let xp = context.f32(x)
                    for r in 0..<rows {
                        let base = r * cols
                        for j in 0..<cols { yp[base + j] = (xp[base + j] - off[j]) * sc[j] }
                    }
                } else {
                    for r in 0..<rows {
                        let base = r * cols
                        for j in 0..<cols { yp[base + j] = (reader.float(base + j) - off[j]) * sc[j] }
                    }
                }
            }
        }
    }
}
