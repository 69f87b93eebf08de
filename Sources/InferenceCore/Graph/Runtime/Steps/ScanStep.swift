/// Runs a ``GraphOp/scan(_:)`` node: the body's resolved plan once per iteration, on a nested
/// context the calling context keeps (so nothing is allocated after the first call).
///
/// Per iteration it only sets pointers and copies what must move:
/// - a scan input sliced along a leading axis (every dimension before the scan axis is 1) is read
///   in place; otherwise its slice is gathered into scratch;
/// - a scan output stacked along a leading axis, computed by a body node, is written by that node
///   straight into the node's output; otherwise it is copied there after the iteration;
/// - a state computed by a body node is written alternately into two scratch buffers (the last
///   iteration into the final state output), so the next iteration reads it in place; a state
///   the body passes through unchanged is never copied until the end.
struct ScanStep: ExecutionStep {
    /// How one state moves from one iteration to the next.
    enum StateMode: Sendable {
        /// The body outputs its state input unchanged.
        case passthrough
        /// A body node computes it, straight into the next buffer.
        case direct
        /// The body outputs another input or a constant: copied into the next buffer.
        case copy
    }

    /// One state variable.
    struct State: Sendable {
        var outerIn: Int
        var outerOut: Int
        var bodyIn: Int
        var bodyOut: Int
        var bytes: Int
        var mode: StateMode
        /// Scratch offsets of the two alternating buffers.
        var buffers: (Int, Int)
    }

    /// One scan input or scan output, viewed as [outer, T, inner bytes] around the scan axis.
    struct Sliced: Sendable {
        var outer: Int
        var body: Int
        var outerCount: Int
        var sliceBytes: Int
        var reversed: Bool
        /// Input: the scratch offset its slice is gathered into (when `outerCount > 1`).
        /// Output: unused.
        var gather: Int
        /// Output: whether the body node writes straight into the stacked output.
        var direct: Bool
    }

    let slot: Int
    let body: ExecutionProgram
    let plan: ResolvedPlan
    let iterations: Int
    let states: [State]
    let inputs: [Sliced]
    let outputs: [Sliced]
    /// (outer value, body value) of each captured tensor.
    let captured: [(outer: Int, body: Int)]
    let scratchOffset: Int

    /// The scratch layout for `scan` with inputs of `inputSpecs`: two buffers per state, one
    /// gather buffer per scan input that is not sliced along a leading axis. `Int.max` for a
    /// total that overflows (the plan then refuses it as over the arena limit).
    static func layout(_ scan: GraphOp.Scan, inputSpecs: [TensorSpec?]) -> (
        states: [(Int, Int)], gathers: [Int], total: Int
    ) {
        var total = 0
        var overflow = false
        func place(_ bytes: Int) -> Int {
            let offset = total
            guard let rounded = ShapeBounds.sum(bytes, 63).map({ $0 & ~63 }),
                let next = ShapeBounds.sum(total, rounded)
            else {
                overflow = true
                return 0
            }
            total = next
            return offset
        }
        func bytes(_ spec: TensorSpec?) -> Int {
            guard let spec, let n = ShapeBounds.product(spec.count, spec.elementType.byteCount) else { return Int.max }
            return n
        }
        var states: [(Int, Int)] = []
        for i in 0..<min(scan.stateCount, inputSpecs.count) {
            let b = bytes(inputSpecs[i])
            states.append((place(b), place(b)))
        }
        var gathers: [Int] = []
        for j in 0..<scan.scanInputCount {
            let i = scan.stateCount + j
            guard i < inputSpecs.count, let x = inputSpecs[i],
                let axis = TensorSpec.normalizedAxis(scan.inputAxes[j], rank: x.shape.count)
            else {
                gathers.append(0)
                continue
            }
            let outer = x.shape[..<axis].reduce(1, *)
            if outer == 1 {
                gathers.append(0)
            } else {
                let t = max(x.shape[axis], 1)
                gathers.append(place(bytes(x) / t))
            }
        }
        return (states, gathers, overflow ? Int.max : total)
    }

    /// The scratch bytes a scan step needs (see ``layout(_:inputSpecs:)``).
    static func scratchBytes(_ scan: GraphOp.Scan, inputSpecs: [TensorSpec?]) -> Int {
        layout(scan, inputSpecs: inputSpecs).total
    }

    func run(_ context: ExecutionContext) throws {
        let inner = context.scanContext(slot, body)
        if inner.plan !== plan { inner.bind(plan) }
        for c in captured { inner.ptrs[c.body] = context.ptrs[c.outer] }
        let scratch = context.arenaBase + scratchOffset
        guard iterations > 0 else {
            for s in states where s.bytes > 0 {
                context.ptrs[s.outerOut].copyMemory(from: context.ptrs[s.outerIn], byteCount: s.bytes)
            }
            return
        }
        for s in states { inner.ptrs[s.bodyIn] = context.ptrs[s.outerIn] }
        let t0 = iterations - 1
        for t in 0..<iterations {
            let last = t == t0
            let next = (t + 1) & 1
            for x in inputs {
                let position = x.reversed ? t0 - t : t
                let source = context.ptrs[x.outer]
                if x.outerCount == 1 {
                    inner.ptrs[x.body] = source + position * x.sliceBytes
                } else {
                    let target = scratch + x.gather
                    let stride = x.sliceBytes / x.outerCount
                    let rowStride = stride * iterations
                    for o in 0..<x.outerCount {
                        (target + o * stride).copyMemory(
                            from: source + o * rowStride + position * stride, byteCount: stride)
                    }
                    inner.ptrs[x.body] = target
                }
            }
            for s in states where s.mode == .direct {
                inner.ptrs[s.bodyOut] =
                    last ? context.ptrs[s.outerOut] : scratch + (next == 0 ? s.buffers.0 : s.buffers.1)
            }
            for y in outputs where y.direct {
                let position = y.reversed ? t0 - t : t
                inner.ptrs[y.body] = context.ptrs[y.outer] + position * y.sliceBytes
            }
            try inner.runSteps()
            for y in outputs where !y.direct {
                let position = y.reversed ? t0 - t : t
                let source = inner.ptrs[y.body]
                let target = context.ptrs[y.outer]
                if y.outerCount == 1 {
                    (target + position * y.sliceBytes).copyMemory(from: source, byteCount: y.sliceBytes)
                } else {
                    let stride = y.sliceBytes / y.outerCount
                    let rowStride = stride * iterations
                    for o in 0..<y.outerCount {
                        (target + o * rowStride + position * stride).copyMemory(
                            from: source + o * stride, byteCount: stride)
                    }
                }
            }
            // Copies first (their sources may be other states' current buffers), then pointers.
            for s in states where s.bytes > 0 {
                switch s.mode {
                case .direct: break
                case .passthrough:
                    if last {
                        context.ptrs[s.outerOut].copyMemory(from: inner.ptrs[s.bodyIn], byteCount: s.bytes)
                    }
                case .copy:
                    let target = last ? context.ptrs[s.outerOut] : scratch + (next == 0 ? s.buffers.0 : s.buffers.1)
                    target.copyMemory(from: inner.ptrs[s.bodyOut], byteCount: s.bytes)
                }
            }
            if !last {
                for s in states where s.mode != .passthrough {
                    inner.ptrs[s.bodyIn] = scratch + (next == 0 ? s.buffers.0 : s.buffers.1)
                }
            }
        }
    }
}
