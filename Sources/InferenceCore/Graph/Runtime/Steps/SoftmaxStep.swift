import MLOpsCore

/// Softmax or log-softmax along one axis, the tensor viewed as [outer, axis, inner].
struct SoftmaxStep: ExecutionStep {
    let x: Int
    let y: Int
    let outer: Int
    let axis: Int
    let inner: Int
    let log: Bool
    let elementType: ElementType

    func run(_ context: ExecutionContext) throws {
        if elementType == .float32 && inner == 1 {
            if log {
                Kernels.logSoftmax(rows: outer, columns: axis, context.f32(x), context.f32(y))
            } else {
                Kernels.softmax(rows: outer, columns: axis, context.f32(x), context.f32(y))
            }
            return
        }
        if elementType == .float32 {
            strided(context.f32(x), context.f32(y), exp: { Platform.exp($0) }, ln: { Platform.log($0) })
        } else {
            strided(context.f64(x), context.f64(y), exp: { mathExp($0) }, ln: { mathLog($0) })
        }
    }

    @inline(__always)
    private func strided<T: BinaryFloatingPoint>(
        _ xp: UnsafeMutablePointer<T>, _ yp: UnsafeMutablePointer<T>, exp: (T) -> T, ln: (T) -> T
    ) {
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * axis * inner + i
                var mx = xp[base]
                for a in 1..<max(1, axis) where xp[base + a * inner] > mx { mx = xp[base + a * inner] }
                var sum: T = 0
                for a in 0..<axis { sum += exp(xp[base + a * inner] - mx) }
                if log {
                    let ls = ln(sum)
                    for a in 0..<axis { yp[base + a * inner] = xp[base + a * inner] - mx - ls }
                } else {
                    for a in 0..<axis { yp[base + a * inner] = exp(xp[base + a * inner] - mx) / sum }
                }
            }
        }
    }
}
