/// Cumulative sum along an axis (``GraphOp/cumSum(_:)``), the tensor viewed as
/// [outer, axis, inner]: whole inner rows are added at a time, so the inner loops are
/// contiguous.
struct CumSumStep: ExecutionStep {
    let x: Int
    let y: Int
    let outer: Int
    let axis: Int
    let inner: Int
    let exclusive: Bool
    let reverse: Bool
    let elementType: ElementType

    func run(_ context: ExecutionContext) throws {
        switch elementType {
        case .float32: scan(context.f32(x), context.f32(y))
        case .float64: scan(context.f64(x), context.f64(y))
        default: scan(context.i64(x), context.i64(y))
        }
    }

    @inline(__always)
    private func scan<T: ReduceScalar>(_ xp: UnsafeMutablePointer<T>, _ yp: UnsafeMutablePointer<T>) {
        guard axis > 0, inner > 0 else { return }
        if inner == 1 {
            // One running total per row.
            for o in 0..<outer {
                let xs = xp + o * axis
                let ys = yp + o * axis
                var total = T.zero
                if reverse {
                    for a in stride(from: axis - 1, through: 0, by: -1) {
                        if exclusive {
                            ys[a] = total
                            total = T.plus(total, xs[a])
                        } else {
                            total = T.plus(total, xs[a])
                            ys[a] = total
                        }
                    }
                } else {
                    for a in 0..<axis {
                        if exclusive {
                            ys[a] = total
                            total = T.plus(total, xs[a])
                        } else {
                            total = T.plus(total, xs[a])
                            ys[a] = total
                        }
                    }
                }
            }
            return
        }
        // Visit the axis positions first to last (or last to first), `step` rows apart.
        let first = reverse ? (axis - 1) * inner : 0
        let step = reverse ? -inner : inner
        for o in 0..<outer {
            let xs = xp + o * axis * inner + first
            let ys = yp + o * axis * inner + first
            if exclusive {
                for i in 0..<inner { ys[i] = T.zero }
                for a in 1..<axis {
                    let prev = ys + (a - 1) * step
                    let cur = ys + a * step
                    let xprev = xs + (a - 1) * step
                    for i in 0..<inner { cur[i] = T.plus(prev[i], xprev[i]) }
                }
            } else {
                for i in 0..<inner { ys[i] = xs[i] }
                for a in 1..<axis {
                    let prev = ys + (a - 1) * step
                    let cur = ys + a * step
                    let xcur = xs + a * step
                    for i in 0..<inner { cur[i] = T.plus(prev[i], xcur[i]) }
                }
            }
        }
    }
}
