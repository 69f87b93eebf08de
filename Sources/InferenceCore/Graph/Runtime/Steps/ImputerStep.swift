/// `y = isNaN(x) ? values[j] : x` per last-axis feature, `float32` or `float64` in and out.
struct ImputerStep: ExecutionStep {
    let x: Int
    let y: Int
    let rows: Int
    let cols: Int
    let values: [Float]
    let elementType: ElementType

    init(x: Int, y: Int, shape: [Int], imputer: GraphOp.Imputer, elementType: ElementType) {
        self.x = x
        self.y = y
        cols = shape.last ?? 1
        rows = cols == 0 ? 0 : shape.reduce(1, *) / cols
        values = imputer.values.count == 1 ? Array(repeating: imputer.values[0], count: cols) : imputer.values
        self.elementType = elementType
    }

    func run(_ context: ExecutionContext) throws {
        values.withUnsafeBufferPointer { fill in
            if elementType == .float64 {
                let xp = context.f64(x)
                let yp = context.f64(y)
                for r in 0..<rows {
                    let base = r * cols
                    for j in 0..<cols {
                        let v = xp[base + j]
                        yp[base + j] = v.isNaN ? Double(fill[j]) : v
                    }
                }
            } else {
                let xp = context.f32(x)
                let yp = context.f32(y)
                for r in 0..<rows {
                    let base = r * cols
                    for j in 0..<cols {
                        let v = xp[base + j]
                        yp[base + j] = v.isNaN ? fill[j] : v
                    }
                }
            }
        }
    }
}
