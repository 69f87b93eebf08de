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
        let out = context.i64(y)
        switch (elementType, minimum) {
        case (.float32, false): scan(context.f32(x), out, better: { $0 > $1 }, tie: { $0 >= $1 })
        case (.float32, true): scan(context.f32(x), out, better: { $0 < $1 }, tie: { $0 <= $1 })
        case (.float64, false): scan(context.f64(x), out, better: { $0 > $1 }, tie: { $0 >= $1 })
        case (.float64, true): scan(context.f64(x), out, better: { $0 < $1 }, tie: { $0 <= $1 })
        case (_, false): scan(context.i64(x), out, better: { $0 > $1 }, tie: { $0 >= $1 })
        case (_, true): scan(context.i64(x), out, better: { $0 < $1 }, tie: { $0 <= $1 })
        }
    }

    @inline(__always)
    private func scan<T: Comparable>(
        _ xp: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<Int64>, better: (T, T) -> Bool,
        tie: (T, T) -> Bool
    ) {
        let replaces = selectLast ? tie : better
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
