/// `y = x == replaced ? values[j] : x` per last-axis feature (a NaN `replaced` matches NaNs),
/// `float32`, `float64` or `int64` in and out.
struct ImputerStep: ExecutionStep {
    let x: Int
    let y: Int
    let rows: Int
    let cols: Int
    let values: [Float]
    let replaced: Float
    let int64Values: [Int64]
    let replacedInt64: Int64
    let elementType: ElementType

    init(x: Int, y: Int, shape: [Int], imputer: GraphOp.Imputer, elementType: ElementType) {
        self.x = x
        self.y = y
        let cols = shape.last ?? 1
        self.cols = cols
        rows = cols == 0 ? 0 : shape.reduce(1, *) / cols
        values = elementType == .int64 ? [] : Self.expand(imputer.values, cols)
        int64Values = elementType == .int64 ? Self.expand(imputer.int64Values, cols) : []
        replaced = imputer.replacedValue
        replacedInt64 = imputer.replacedInt64
        self.elementType = elementType
    }

    /// A one-value array repeated for every feature, or the array as is.
    private static func expand<T>(_ v: [T], _ cols: Int) -> [T] {
        v.count == 1 ? Array(repeating: v[0], count: cols) : v
    }

    func run(_ context: ExecutionContext) throws {
        switch elementType {
        case .int64:
            let xp = context.i64(x)
            let yp = context.i64(y)
            int64Values.withUnsafeBufferPointer { fill in
                for r in 0..<rows {
                    let base = r * cols
                    for j in 0..<cols {
                        let v = xp[base + j]
                        yp[base + j] = v == replacedInt64 ? fill[j] : v
                    }
                }
            }
        case .float64:
            let xp = context.f64(x)
            let yp = context.f64(y)
            let target = Double(replaced)
            let nan = replaced.isNaN
            values.withUnsafeBufferPointer { fill in
                for r in 0..<rows {
                    let base = r * cols
                    for j in 0..<cols {
                        let v = xp[base + j]
                        yp[base + j] = (nan ? v.isNaN : v == target) ? Double(fill[j]) : v
                    }
                }
            }
        default:
            let xp = context.f32(x)
            let yp = context.f32(y)
            let nan = replaced.isNaN
            values.withUnsafeBufferPointer { fill in
                for r in 0..<rows {
                    let base = r * cols
                    for j in 0..<cols {
                        let v = xp[base + j]
                        yp[base + j] = (nan ? v.isNaN : v == replaced) ? fill[j] : v
                    }
                }
            }
        }
    }
}
