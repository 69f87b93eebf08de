/// `Where(condition, X, Y)`: `condition ? X : Y` per element, the three broadcast together.
struct WhereStep: ExecutionStep {
    let elementType: ElementType
    let condition: Int
    let x: Int
    let yInput: Int
    let out: Int
    let layout: BroadcastLayout

    func run(_ context: ExecutionContext) throws {
        let c = context.bool(condition)
        switch elementType {
        case .float32: layout.apply(c, context.f32(x), context.f32(yInput), context.f32(out)) { $0 ? $1 : $2 }
        case .float64: layout.apply(c, context.f64(x), context.f64(yInput), context.f64(out)) { $0 ? $1 : $2 }
        case .int64: layout.apply(c, context.i64(x), context.i64(yInput), context.i64(out)) { $0 ? $1 : $2 }
        case .bool: layout.apply(c, context.bool(x), context.bool(yInput), context.bool(out)) { $0 ? $1 : $2 }
        case .string:
            let (sx, sy) = (context.strings[x], context.strings[yInput])
            let (ic, ix, iy) = (layout.indices(of: 0), layout.indices(of: 1), layout.indices(of: 2))
            var result: [String] = []
            result.reserveCapacity(layout.count)
            for i in 0..<layout.count {
                let (values, index) = c[ic[i]] ? (sx, ix[i]) : (sy, iy[i])
                result.append(index < values.count ? values[index] : "")
            }
            context.strings[out] = result
        }
    }
}
