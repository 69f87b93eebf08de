import MLOpsCore

/// Index of the largest (or smallest) element along an axis, the tensor viewed as
/// [outer, axis, inner].
///
/// As onnxruntime: the first element is the candidate and a later one replaces it only if it
/// compares strictly better (or equal, with `selectLast`), so a leading NaN wins and later NaNs
/// never do.
struct ArgMaxStep: ExecutionStep {
    let x: Int
    let y: Int
    let outer: Int
    let axis: Int
    let inner: Int
    let selectLast: Bool
    /// Whether this is argMin.
    let minimum: Bool
    let elementType: ElementType

    func run(_ context: ExecutionContext) throws {
        switch elementType {
        case .float32: dispatch(context.f32(x), context.i64(y))
        case .float64: dispatch(context.f64(x), context.i64(y))
        default: dispatch(context.i64(x), context.i64(y))
        }
    }

    /// Picks the comparison once, so each scan is specialised for it.
    @inline(__always)
    private func dispatch<T: Comparable>(_ xp: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<Int64>) {
        switch (minimum, selectLast) {
        case (false, false): scan(xp, out) { $0 > $1 }
        case (false, true): scan(xp, out) { $0 >= $1 }
        case (true, false): scan(xp, out) { $0 < $1 }
        case (true, true): scan(xp, out) { $0 <= $1 }
        }
    }

    /// `replaces(v, best)`: whether `v` becomes the new candidate.
    @inline(__always)
    private func scan<T: Comparable>(
        _ xp: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<Int64>, replaces: (T, T) -> Bool
    ) {
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * axis * inner + i
                var best = 0
                var bv = xp[base]
                for a in 1..<max(1, axis) {
                    let v = xp[base + a * inner]
                    if replaces(v, bv) {
                        best = a
                        bv = v
                    }
                }
                out[o * inner + i] = Int64(best)
            }
        }
    }
}
