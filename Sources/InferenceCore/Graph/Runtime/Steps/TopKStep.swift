/// The `k` best elements of every slice along an axis (``GraphOp/topK(_:)``), the tensor
/// viewed as [outer, axis, inner].
///
/// Per slice a heap of the `k` best candidates so far (worst at the root) is kept in the step's
/// arena scratch, then sorted in place: O(n log k) with no allocation; each further candidate
/// costs one comparison with the root's value unless it enters the heap (16 at once for
/// contiguous `float32` slices). "Better" is a strict
/// total order — by value (a NaN above every number), then the lower index — so the result does
/// not depend on the algorithm.
struct TopKStep: ExecutionStep {
    let x: Int
    let values: Int
    let indices: Int
    let outer: Int
    let axis: Int
    let inner: Int
    let k: Int
    let largest: Bool
    let elementType: ElementType
    /// Arena offset of `k` `Int`s of scratch.
    let scratchOffset: Int

    func run(_ context: ExecutionContext) throws {
        guard k > 0 else { return }
        let heap = (context.arenaBase + scratchOffset).assumingMemoryBound(to: Int.self)
        let out = context.i64(indices)
        switch elementType {
        case .float32: select(context.f32(x), context.f32(values), out, heap)
        case .float64: select(context.f64(x), context.f64(values), out, heap)
        default: select(context.i64(x), context.i64(values), out, heap)
        }
    }

    @inline(__always)
    private func select<T: ReduceScalar>(
        _ xp: UnsafeMutablePointer<T>, _ vp: UnsafeMutablePointer<T>, _ ip: UnsafeMutablePointer<Int64>,
        _ heap: UnsafeMutablePointer<Int>
    ) {
        let largest = largest
        let k = k
        for o in 0..<outer {
            for i in 0..<inner {
                let base = xp + o * axis * inner + i
                /// Whether element `a` of the slice ranks before element `b`.
                @inline(__always)
                func better(_ a: Int, _ b: Int) -> Bool {
                    let va = base[a * inner]
                    let vb = base[b * inner]
                    if va.isNaNValue || vb.isNaNValue {
                        if va.isNaNValue != vb.isNaNValue { return va.isNaNValue == largest }
                        return a < b
                    }
                    if va != vb { return largest ? va > vb : va < vb }
                    return a < b
                }
                /// Restores the heap (worst at the root) below `start` within `count` entries.
                @inline(__always)
                func siftDown(_ start: Int, _ count: Int) {
                    var parent = start
                    while true {
                        let left = 2 * parent + 1
                        guard left < count else { return }
                        var worst = left
                        if left + 1 < count && better(heap[worst], heap[left + 1]) { worst = left + 1 }
                        guard better(heap[parent], heap[worst]) else { return }
                        (heap[parent], heap[worst]) = (heap[worst], heap[parent])
                        parent = worst
                    }
                }
                for a in 0..<k { heap[a] = a }
                for p in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(p, k) }
                // The candidates after the first k are tested against the worst kept value
                // alone: a later index never wins a tie, and a NaN root (the rare case) takes
                // the full comparison. Contiguous float32 slices skip 16 candidates at a time
                // while none of them beats the root.
                var worst = base[heap[0] * inner]
                let blocks = T.self == Float.self && inner == 1
                var a = k
                while a < axis {
                    var end = axis
                    if blocks && !worst.isNaNValue {
                        let floats = UnsafeRawPointer(base)
                        let root = SIMD16<Float>(repeating: unsafeBitCast(worst, to: Float.self))
                        while a + 16 <= axis {
                            let v = floats.loadUnaligned(fromByteOffset: a * 4, as: SIMD16<Float>.self)
                            // Greater or NaN (largest), less (smallest; a NaN never wins).
                            guard !any(largest ? .!(v .<= root) : v .< root) else { break }
                            a += 16
                        }
                        end = min(a + 16, axis)
                    }
                    while a < end {
                        let v = base[a * inner]
                        let wins: Bool
                        if worst.isNaNValue {
                            wins = better(a, heap[0])
                        } else if largest {
                            wins = !(v <= worst)  // greater, or NaN
                        } else {
                            wins = v < worst  // a NaN never wins
                        }
                        if wins {
                            heap[0] = a
                            siftDown(0, k)
                            worst = base[heap[0] * inner]
                        }
                        a += 1
                    }
                }
                // Heapsort: the worst goes to the end each time, so the best ends up first.
                var count = k
                while count > 1 {
                    count -= 1
                    (heap[0], heap[count]) = (heap[count], heap[0])
                    siftDown(0, count)
                }
                let outBase = o * k * inner + i
                for j in 0..<k {
                    vp[outBase + j * inner] = base[heap[j] * inner]
                    ip[outBase + j * inner] = Int64(heap[j])
                }
            }
        }
    }
}
