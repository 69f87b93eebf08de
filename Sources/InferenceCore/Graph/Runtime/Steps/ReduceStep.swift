import MLOpsCore

/// A reduction over some axes (``GraphOp/reduce(_:)``).
///
/// At build time the input's axes are coalesced: size-1 axes dropped and neighbours that are
/// both reduced (or both kept) merged. The common results — reduced axes forming one block —
/// run as [outer, axis, inner] with contiguous inner loops; other layouts (e.g. axes 0 and 2
/// of a rank-3 tensor) walk precomputed offset tables. Each reduced set is folded in the
/// input's row-major order, seeded with its first element (so `max`/`min` handle NaN as
/// onnxruntime does).
struct ReduceStep: ExecutionStep {
    /// How the input is traversed.
    enum Layout {
        /// Output element `o·inner + i` reduces `x[o, 0..<axis, i]`.
        case blocks(outer: Int, axis: Int, inner: Int)
        /// Output element `j` reduces `x[kept[j] + r]` for every `r` in `reduced`.
        case offsets(kept: [Int], reduced: [Int])
    }

    let x: Int
    let y: Int
    let kind: GraphOp.Reduce.Kind
    let layout: Layout
    let elementType: ElementType

    /// Plans the reduction of a tensor of `shape` over the axes flagged in `mask`.
    init(x: Int, y: Int, kind: GraphOp.Reduce.Kind, shape: [Int], mask: [Bool], elementType: ElementType) {
        self.x = x
        self.y = y
        self.kind = kind
        self.elementType = elementType
        layout = Self.layout(shape: shape, mask: mask)
    }

    /// The traversal for `shape` reduced over `mask` (validated by shape inference).
    static func layout(shape: [Int], mask: [Bool]) -> Layout {
        var groups: [(size: Int, reduced: Bool)] = []
        for (d, size) in shape.enumerated() where size != 1 {
            let reduced = d < mask.count && mask[d]
            if let last = groups.last, last.reduced == reduced {
                groups[groups.count - 1].size = last.size * size
            } else {
                groups.append((size, reduced))
            }
        }
        switch groups.map(\.reduced) {
        case []: return .blocks(outer: 1, axis: 1, inner: 1)
        case [false]: return .blocks(outer: groups[0].size, axis: 1, inner: 1)
        case [true]: return .blocks(outer: 1, axis: groups[0].size, inner: 1)
        case [false, true]: return .blocks(outer: groups[0].size, axis: groups[1].size, inner: 1)
        case [true, false]: return .blocks(outer: 1, axis: groups[0].size, inner: groups[1].size)
        case [false, true, false]:
            return .blocks(outer: groups[0].size, axis: groups[1].size, inner: groups[2].size)
        default:
            // Row-major strides of the groups, then every offset of the kept and reduced groups.
            var strides = [Int](repeating: 1, count: groups.count)
            for g in stride(from: groups.count - 2, through: 0, by: -1) {
                strides[g] = strides[g + 1] * groups[g + 1].size
            }
            func offsets(_ reduced: Bool) -> [Int] {
                var result = [0]
                for (g, group) in groups.enumerated() where group.reduced == reduced {
                    var next: [Int] = []
                    next.reserveCapacity(result.count * group.size)
                    for base in result {
                        for j in 0..<group.size { next.append(base + j * strides[g]) }
                    }
                    result = next
                }
                return result
            }
            return .offsets(kept: offsets(false), reduced: offsets(true))
        }
    }

    func run(_ context: ExecutionContext) throws {
        if kind == .logSumExp, elementType == .float32, case .blocks(let outer, let axis, 1) = layout {
            Self.logSumExpRows(context.f32(x), context.f32(y), rows: outer, count: axis)
            return
        }
        switch elementType {
        case .float32: reduce(context.f32(x), context.f32(y))
        case .float64: reduce(context.f64(x), context.f64(y))
        default: reduce(context.i64(x), context.i64(y))
        }
    }

    @inline(__always)
    private func reduce<T: ReduceScalar>(_ xp: UnsafeMutablePointer<T>, _ yp: UnsafeMutablePointer<T>) {
        switch kind {
        case .sum: fold(xp, yp, SumFolding<T>.self)
        case .mean: fold(xp, yp, MeanFolding<T>.self)
        case .sumSquare: fold(xp, yp, SumSquareFolding<T>.self)
        case .prod: fold(xp, yp, ProdFolding<T>.self)
        case .max: fold(xp, yp, MaxFolding<T>.self)
        case .min: fold(xp, yp, MinFolding<T>.self)
        case .l1: fold(xp, yp, L1Folding<T>.self)
        case .l2: fold(xp, yp, L2Folding<T>.self)
        case .logSum: fold(xp, yp, LogSumFolding<T>.self)
        case .logSumExp: logSumExp(xp, yp)
        }
    }

    /// Folds every reduced set with `F` (see ``ReduceFolding``), left to right from the first
    /// element; a long contiguous set of a reassociating kind folds as four interleaved partial
    /// results.
    private func fold<F: ReduceFolding>(
        _ xp: UnsafeMutablePointer<F.Element>, _ yp: UnsafeMutablePointer<F.Element>, _: F.Type
    ) {
        switch layout {
        case .blocks(let outer, let axis, let inner):
            if axis == 0 {
                yp.update(repeating: F.finish(F.empty, 0), count: outer * inner)
            } else if inner == 1 && F.reassociates && axis >= 8 {
                // Four interleaved partial results break the dependency chain of one accumulator.
                for o in 0..<outer {
                    let row = xp + o * axis
                    var acc0 = F.map(row[0])
                    var acc1 = F.map(row[1])
                    var acc2 = F.map(row[2])
                    var acc3 = F.map(row[3])
                    var a = 4
                    while a + 4 <= axis {
                        acc0 = F.combine(acc0, F.map(row[a]))
                        acc1 = F.combine(acc1, F.map(row[a + 1]))
                        acc2 = F.combine(acc2, F.map(row[a + 2]))
                        acc3 = F.combine(acc3, F.map(row[a + 3]))
                        a += 4
                    }
                    var acc = F.combine(F.combine(acc0, acc1), F.combine(acc2, acc3))
                    while a < axis {
                        acc = F.combine(acc, F.map(row[a]))
                        a += 1
                    }
                    yp[o] = F.finish(acc, axis)
                }
            } else if inner == 1 {
                for o in 0..<outer {
                    let row = xp + o * axis
                    var acc = F.map(row[0])
                    for a in 1..<axis { acc = F.combine(acc, F.map(row[a])) }
                    yp[o] = F.finish(acc, axis)
                }
            } else {
                // Whole rows at a time: the inner loops are contiguous and independent per lane.
                for o in 0..<outer {
                    let out = yp + o * inner
                    let first = xp + o * axis * inner
                    for i in 0..<inner { out[i] = F.map(first[i]) }
                    for a in 1..<axis {
                        let row = first + a * inner
                        for i in 0..<inner { out[i] = F.combine(out[i], F.map(row[i])) }
                    }
                    for i in 0..<inner { out[i] = F.finish(out[i], axis) }
                }
            }
        case .offsets(let kept, let reduced):
            kept.withUnsafeBufferPointer { kp in
                reduced.withUnsafeBufferPointer { rp in
                    for (j, base) in kp.enumerated() {
                        guard let r0 = rp.first else {
                            yp[j] = F.finish(F.empty, 0)
                            continue
                        }
                        let start = xp + base
                        var acc = F.map(start[r0])
                        for r in rp.dropFirst() { acc = F.combine(acc, F.map(start[r])) }
                        yp[j] = F.finish(acc, rp.count)
                    }
                }
            }
        }
    }

    /// ``logSumExp(_:_:)`` of `rows` contiguous float32 rows of `count` values, 16 lanes at a time
    /// (`VectorMath.exp`, about 2 ulp).
    private static func logSumExpRows(
        _ xp: UnsafeMutablePointer<Float>, _ yp: UnsafeMutablePointer<Float>, rows: Int, count: Int
    ) {
        typealias V = VectorMath.Vector
        let negativeInfinity = V(repeating: -.infinity)
        let infinity = V(repeating: .infinity)
        for r in 0..<rows {
            let row = xp + r * count
            // The largest finite element (NaN and ±∞ excluded), or 0 if there is none.
            var best = negativeInfinity
            var j = 0
            while j + 16 <= count {
                let v = VectorMath.load(row + j)
                best = best.replacing(with: v, where: (v .> best) .& (v .< infinity))
                j += 16
            }
            var m = best.max()
            while j < count {
                let v = row[j]
                if v.isFinite && v > m { m = v }
                j += 1
            }
            if m == -.infinity { m = 0 }
            let shift = V(repeating: m)
            var sum = V()
            j = 0
            while j + 16 <= count {
                sum += VectorMath.exp(VectorMath.load(row + j) - shift)
                j += 16
            }
            if j < count {
                sum += VectorMath.exp(VectorMath.loadPartial(row + j, count - j, fill: -.infinity) - shift)
            }
            yp[r] = Platform.log(sum.sum()) + m
        }
    }

    /// `m + log Σ e^(x − m)` per reduced set, with `m` the largest finite element (0 if none).
    @inline(__always)
    private func logSumExp<T: ReduceScalar>(_ xp: UnsafeMutablePointer<T>, _ yp: UnsafeMutablePointer<T>) {
        @inline(__always)
        func one(_ count: Int, _ at: (Int) -> T) -> T {
            var m: T.Real = -.infinity
            for j in 0..<count {
                let v = at(j)
                if v.isFiniteValue && v.real > m { m = v.real }
            }
            if m == -.infinity { m = 0 }
            var sum: T.Real = 0
            for j in 0..<count { sum += T.exp(at(j).real - m) }
            return T(real: T.log(sum) + m)
        }
        switch layout {
        case .blocks(let outer, let axis, let inner):
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = xp + o * axis * inner + i
                    yp[o * inner + i] = one(axis) { base[$0 * inner] }
                }
            }
        case .offsets(let kept, let reduced):
            kept.withUnsafeBufferPointer { kp in
                reduced.withUnsafeBufferPointer { rp in
                    for (j, base) in kp.enumerated() {
                        let start = xp + base
                        yp[j] = one(rp.count) { start[rp[$0]] }
                    }
                }
            }
        }
    }
}
