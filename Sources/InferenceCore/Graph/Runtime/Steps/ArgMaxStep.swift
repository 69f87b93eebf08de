import MLOpsCore

/// Index of the largest element along an axis, the tensor viewed as [outer, axis, inner].
struct ArgMaxStep: ExecutionStep {
    let x: Int
    let y: Int
    let outer: Int
    let axis: Int
    let inner: Int
    let selectLast: Bool
    let elementType: ElementType

    func run(_ context: ExecutionContext) throws {
        let out = context.i64(y)
        switch elementType {
        case .float32: scan(context.f32(x), out, isNaN: { $0.isNaN })
        case .float64: scan(context.f64(x), out, isNaN: { $0.isNaN })
        default: scan(context.i64(x), out, isNaN: { _ in false })
        }
    }

    @inline(__always)
    private func scan<T: Comparable>(
        _ xp: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<Int64>, isNaN: (T) -> Bool
    ) {
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * axis * inner + i
                var best = 0
                var bv = xp[base]
                if !isNaN(bv) {
                    for a in 1..<max(1, axis) {
                        let v = xp[base + a * inner]
                        if isNaN(v) {
                            best = a
                            break
                        }
                        if v > bv || (selectLast && v == bv) {
                            best = a
                            bv = v
                        }
                    }
                }
                out[o * inner + i] = Int64(best)
            }
        }
    }
}
