/// How operands broadcast (numpy rules) onto an output shape, collapsed for fast loops.
///
/// At resolve time the output shape is collapsed to as few dimensions as possible, each with a
/// stride per operand (0 where the operand is broadcast): size-1 dimensions are dropped and
/// neighbours contiguous for every operand merge. The innermost dimension then runs over
/// contiguous or constant operands. Shapes must already be validated (each operand broadcasts
/// to `out`, whose element count does not overflow).
struct BroadcastLayout: Sendable {
    /// Collapsed output dimensions, outermost first (at least one).
    let dims: [Int]
    /// Per operand, the stride in elements of each collapsed dimension.
    let strides: [[Int]]
    /// The output's element count.
    let count: Int

    init(_ shapes: [[Int]], out: [Int]) {
        let rank = out.count
        func strides(_ shape: [Int]) -> [Int] {
            let padded = Array(repeating: 1, count: max(0, rank - shape.count)) + shape.suffix(rank)
            var s = [Int](repeating: 0, count: rank)
            var acc = 1
            for i in stride(from: rank - 1, through: 0, by: -1) {
                s[i] = padded[i] == 1 ? 0 : acc
                acc *= padded[i]
            }
            return s
        }
        let full = shapes.map(strides)
        let keep = (0..<rank).filter { out[$0] != 1 }
        var dims: [Int] = []
        var collapsed = [[Int]](repeating: [], count: shapes.count)
        for i in keep {
            let d = out[i]
            if !dims.isEmpty, (0..<shapes.count).allSatisfy({ collapsed[$0][dims.count - 1] == full[$0][i] * d }) {
                dims[dims.count - 1] *= d
                for k in 0..<shapes.count { collapsed[k][dims.count - 1] = full[k][i] }
            } else {
                dims.append(d)
                for k in 0..<shapes.count { collapsed[k].append(full[k][i]) }
            }
        }
        if dims.isEmpty {
            dims = [1]
            collapsed = collapsed.map { _ in [0] }
        }
        self.dims = dims
        self.strides = collapsed
        count = out.reduce(1, *)
    }

    /// Calls `body(offsets, outOffset)` for every run of the innermost dimension, in output
    /// order: `offsets[k]` is operand `k`'s element offset at the run's start.
    @inline(__always)
    func forEachRun(_ body: (UnsafeMutableBufferPointer<Int>, Int) -> Void) {
        guard count > 0 else { return }
        let r = dims.count
        let operands = strides.count
        let inner = dims[r - 1]
        withUnsafeTemporaryAllocation(of: Int.self, capacity: r + operands) { scratch in
            scratch.initialize(repeating: 0)
            let index = UnsafeMutableBufferPointer(rebasing: scratch[0..<r])
            let offsets = UnsafeMutableBufferPointer(rebasing: scratch[r...])
            var out = 0
            for _ in 0..<(count / inner) {
                body(offsets, out)
                out += inner
                // Advance the odometer over dims[0..<r-1].
                var d = r - 2
                while d >= 0 {
                    index[d] += 1
                    for k in 0..<operands { offsets[k] += strides[k][d] }
                    if index[d] < dims[d] { break }
                    for k in 0..<operands { offsets[k] -= strides[k][d] * dims[d] }
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }

    /// `y[i] = f(a[ia], b[ib])` over the output; the inner loop is specialised for contiguous
    /// and constant operands.
    @inline(__always)
    func apply<A, B, Y>(
        _ a: UnsafeMutablePointer<A>, _ b: UnsafeMutablePointer<B>, _ y: UnsafeMutablePointer<Y>,
        _ f: (A, B) -> Y
    ) {
        let inner = dims[dims.count - 1]
        let sa = strides[0][dims.count - 1]
        let sb = strides[1][dims.count - 1]
        if dims.count == 1 {
            if count > 0 { Self.inner(a, sa, b, sb, y, inner, f) }
            return
        }
        forEachRun { offsets, out in Self.inner(a + offsets[0], sa, b + offsets[1], sb, y + out, inner, f) }
    }

    /// `y[i] = f(c[ic], a[ia], b[ib])` over the output.
    @inline(__always)
    func apply<C, A, B, Y>(
        _ c: UnsafeMutablePointer<C>, _ a: UnsafeMutablePointer<A>, _ b: UnsafeMutablePointer<B>,
        _ y: UnsafeMutablePointer<Y>, _ f: (C, A, B) -> Y
    ) {
        let last = dims.count - 1
        let inner = dims[last]
        let (sc, sa, sb) = (strides[0][last], strides[1][last], strides[2][last])
        forEachRun { offsets, out in
            let (cp, ap, bp, yp) = (c + offsets[0], a + offsets[1], b + offsets[2], y + out)
            for i in 0..<inner { yp[i] = f(cp[i * sc], ap[i * sa], bp[i * sb]) }
        }
    }

    /// For every output element in order, the element index of operand `operand` (for
    /// string tensors and plan-time evaluation, not hot loops).
    func indices(of operand: Int) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(count)
        let last = dims.count - 1
        let s = strides[operand][last]
        forEachRun { offsets, _ in
            for i in 0..<dims[last] { result.append(offsets[operand] + i * s) }
        }
        return result
    }

    @inline(__always)
    private static func inner<A, B, Y>(
        _ a: UnsafeMutablePointer<A>, _ sa: Int, _ b: UnsafeMutablePointer<B>, _ sb: Int,
        _ y: UnsafeMutablePointer<Y>, _ n: Int, _ f: (A, B) -> Y
    ) {
        switch (sa, sb) {
        case (1, 1): for i in 0..<n { y[i] = f(a[i], b[i]) }
        case (1, 0):
            let bv = b[0]
            for i in 0..<n { y[i] = f(a[i], bv) }
        case (0, 1):
            let av = a[0]
            for i in 0..<n { y[i] = f(av, b[i]) }
        default:
            for i in 0..<n { y[i] = f(a[i * sa], b[i * sb]) }
        }
    }
}
