import MLOpsCore

/// Elementwise add/sub/mul/div with numpy broadcasting.
///
/// At resolve time the output shape is collapsed to as few dimensions as possible, each with
/// a stride per operand (0 where the operand is broadcast), so the inner loop runs over a
/// contiguous or constant operand.
struct BinaryStep: ExecutionStep {
    enum Op: Sendable { case add, sub, mul, div }

    let op: Op
    let elementType: ElementType
    let a: Int
    let b: Int
    let y: Int
    let nodeName: String
    /// Collapsed output dims (outermost first) and per-operand strides in elements.
    let dims: [Int]
    let stridesA: [Int]
    let stridesB: [Int]
    let count: Int
    let countB: Int

    init(
        op: Op, elementType: ElementType, a: Int, b: Int, y: Int, shapeA: [Int], shapeB: [Int], out: [Int],
        nodeName: String
    ) {
        self.op = op
        self.elementType = elementType
        self.a = a
        self.b = b
        self.y = y
        self.nodeName = nodeName
        let rank = out.count
        func strides(_ shape: [Int]) -> [Int] {
            let padded = Array(repeating: 1, count: rank - shape.count) + shape
            var s = [Int](repeating: 0, count: rank)
            var acc = 1
            for i in stride(from: rank - 1, through: 0, by: -1) {
                s[i] = padded[i] == 1 ? 0 : acc
                acc *= padded[i]
            }
            return s
        }
        var sa = strides(shapeA)
        var sb = strides(shapeB)
        var d = out
        // Drop size-1 dims, then merge neighbours that are contiguous for both operands.
        var keep: [Int] = []
        for i in 0..<rank where d[i] != 1 { keep.append(i) }
        d = keep.map { d[$0] }
        sa = keep.map { sa[$0] }
        sb = keep.map { sb[$0] }
        var cd: [Int] = []
        var ca: [Int] = []
        var cb: [Int] = []
        for i in 0..<d.count {
            if let last = cd.indices.last,
                ca[last] == sa[i] * d[i], cb[last] == sb[i] * d[i]
            {
                cd[last] *= d[i]
                ca[last] = sa[i]
                cb[last] = sb[i]
            } else {
                cd.append(d[i])
                ca.append(sa[i])
                cb.append(sb[i])
            }
        }
        if cd.isEmpty {
            cd = [1]
            ca = [0]
            cb = [0]
        }
        dims = cd
        stridesA = ca
        stridesB = cb
        count = out.reduce(1, *)
        countB = shapeB.reduce(1, *)
    }

    func run(_ context: ExecutionContext) throws {
        switch elementType {
        case .float32:
            let (a, b, y) = (context.f32(a), context.f32(b), context.f32(y))
            switch op {
            case .add: loop(a, b, y) { $0 + $1 }
            case .sub: loop(a, b, y) { $0 - $1 }
            case .mul: loop(a, b, y) { $0 * $1 }
            case .div: loop(a, b, y) { $0 / $1 }
            }
        case .float64:
            let (a, b, y) = (context.f64(a), context.f64(b), context.f64(y))
            switch op {
            case .add: loop(a, b, y) { $0 + $1 }
            case .sub: loop(a, b, y) { $0 - $1 }
            case .mul: loop(a, b, y) { $0 * $1 }
            case .div: loop(a, b, y) { $0 / $1 }
            }
        default:
            let (a, b, y) = (context.i64(a), context.i64(b), context.i64(y))
            switch op {
            case .add: loop(a, b, y) { $0 &+ $1 }
            case .sub: loop(a, b, y) { $0 &- $1 }
            case .mul: loop(a, b, y) { $0 &* $1 }
            case .div:
                for i in 0..<countB where b[i] == 0 {
                    throw MLOpsError(
                        .invalidArgument, "Node '\(nodeName)' (div): integer division by zero.",
                        value: "divisor element \(i)")
                }
                loop(a, b, y) { $1 == -1 ? 0 &- $0 : $0 / $1 }
            }
        }
    }

    @inline(__always)
    private func loop<T>(
        _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>,
        _ f: (T, T) -> T
    ) {
        guard count > 0 else { return }
        let r = dims.count
        let inner = dims[r - 1]
        let ia = stridesA[r - 1]
        let ib = stridesB[r - 1]
        if r == 1 {
            Self.inner(a, ia, b, ib, y, inner, f)
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: r) { index in
            index.initialize(repeating: 0)
            var offA = 0
            var offB = 0
            var out = y
            let outer = count / inner
            for _ in 0..<outer {
                Self.inner(a + offA, ia, b + offB, ib, out, inner, f)
                out += inner
                // Advance the odometer over dims[0..<r-1].
                var d = r - 2
                while d >= 0 {
                    index[d] += 1
                    offA += stridesA[d]
                    offB += stridesB[d]
                    if index[d] < dims[d] { break }
                    offA -= stridesA[d] * dims[d]
                    offB -= stridesB[d] * dims[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }

    @inline(__always)
    private static func inner<T>(
        _ a: UnsafeMutablePointer<T>, _ sa: Int, _ b: UnsafeMutablePointer<T>, _ sb: Int,
        _ y: UnsafeMutablePointer<T>, _ n: Int, _ f: (T, T) -> T
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
