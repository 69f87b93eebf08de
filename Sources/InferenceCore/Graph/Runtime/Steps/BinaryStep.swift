import MLOpsCore

/// An elementwise function of two operands with numpy broadcasting (see ``BroadcastLayout``):
/// add/sub/mul/div, max/min (steps of a variadic op), pow, comparisons and logical ops.
struct BinaryStep: ExecutionStep {
    enum Op: Sendable, Equatable {
        case add, sub, mul, div, max, min
        case function(GraphOp.BinaryFunction)
    }

    let op: Op
    /// The type of `a` (and of `b`, except for pow's exponent).
    let elementType: ElementType
    /// The type of `b`.
    let typeB: ElementType
    let a: Int
    let b: Int
    let y: Int
    let nodeName: String
    let layout: BroadcastLayout
    let countB: Int

    init(
        op: Op, elementType: ElementType, typeB: ElementType? = nil, a: Int, b: Int, y: Int, shapeA: [Int],
        shapeB: [Int], out: [Int], nodeName: String
    ) {
        self.op = op
        self.elementType = elementType
        self.typeB = typeB ?? elementType
        self.a = a
        self.b = b
        self.y = y
        self.nodeName = nodeName
        layout = BroadcastLayout([shapeA, shapeB], out: out)
        countB = shapeB.reduce(1, *)
    }

    func run(_ context: ExecutionContext) throws {
        switch op {
        case .function(.pow): return runPow(context)
        case .function(let f) where f.isPredicate: return try runPredicate(f, context)
        default: break
        }
        switch elementType {
        case .float32: arithmetic(context.f32(a), context.f32(b), context.f32(y))
        case .float64: arithmetic(context.f64(a), context.f64(b), context.f64(y))
        default:
            let (a, b, y) = (context.i64(a), context.i64(b), context.i64(y))
            switch op {
            case .add: layout.apply(a, b, y) { $0 &+ $1 }
            case .sub: layout.apply(a, b, y) { $0 &- $1 }
            case .mul: layout.apply(a, b, y) { $0 &* $1 }
            case .div:
                for i in 0..<countB where b[i] == 0 {
                    throw MLOpsError(
                        .invalidArgument, "Node '\(nodeName)' (div): integer division by zero.",
                        value: "divisor element \(i)")
                }
                layout.apply(a, b, y) { $1 == -1 ? 0 &- $0 : $0 / $1 }
            case .max: layout.apply(a, b, y) { Swift.max($0, $1) }
            case .min: layout.apply(a, b, y) { Swift.min($0, $1) }
            case .function: break
            }
        }
    }

    @inline(__always)
    private func arithmetic<T: BinaryFloatingPoint>(
        _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>
    ) {
        switch op {
        case .add: layout.apply(a, b, y) { $0 + $1 }
        case .sub: layout.apply(a, b, y) { $0 - $1 }
        case .mul: layout.apply(a, b, y) { $0 * $1 }
        case .div: layout.apply(a, b, y) { $0 / $1 }
        // NaN in either operand propagates (as onnxruntime's Max/Min).
        case .max: layout.apply(a, b, y) { $0.isNaN || $0 > $1 ? $0 : $1 }
        case .min: layout.apply(a, b, y) { $0.isNaN || $0 < $1 ? $0 : $1 }
        case .function: break
        }
    }

    // MARK: - Pow

    private func runPow(_ context: ExecutionContext) {
        switch (elementType, typeB) {
        case (.float32, .float32): layout.apply(context.f32(a), context.f32(b), context.f32(y)) { Self.pow($0, $1) }
        case (.float32, .float64):
            layout.apply(context.f32(a), context.f64(b), context.f32(y)) { Float(Self.pow(Double($0), $1)) }
        case (.float32, _):
            layout.apply(context.f32(a), context.i64(b), context.f32(y)) { Self.pow($0, Float($1)) }
        case (.float64, .float32):
            layout.apply(context.f64(a), context.f32(b), context.f64(y)) { Self.pow($0, Double($1)) }
        case (.float64, .float64):
            layout.apply(context.f64(a), context.f64(b), context.f64(y)) { Self.pow($0, $1) }
        case (.float64, _):
            layout.apply(context.f64(a), context.i64(b), context.f64(y)) { Self.pow($0, Double($1)) }
        case (_, .float32):
            layout.apply(context.i64(a), context.f32(b), context.i64(y)) {
                Self.saturating(Platform.pow(Double($0), Double($1)))
            }
        case (_, .float64):
            layout.apply(context.i64(a), context.f64(b), context.i64(y)) {
                Self.saturating(Platform.pow(Double($0), $1))
            }
        default:
            layout.apply(context.i64(a), context.i64(b), context.i64(y)) { Self.pow($0, $1) }
        }
    }

    /// `x^e` for float elements (the exponent 2, common in converted models, multiplies).
    @inline(__always)
    private static func pow(_ x: Float, _ e: Float) -> Float {
        e == 2 ? x * x : Float(Platform.pow(Double(x), Double(e)))
    }

    @inline(__always)
    private static func pow(_ x: Double, _ e: Double) -> Double {
        e == 2 ? x * x : Platform.pow(x, e)
    }

    /// `b^e` on integers: exact by squaring (wrapping), a negative exponent truncates toward zero.
    @inline(__always)
    static func pow(_ b: Int64, _ e: Int64) -> Int64 {
        if e < 0 {
            switch b {
            case 1: return 1
            case -1: return e & 1 == 0 ? 1 : -1
            default: return 0  // |1/b^-e| < 1 (1/0 is undefined; onnxruntime gives an arbitrary value)
            }
        }
        var result: Int64 = 1
        var base = b
        var exponent = e
        while exponent > 0 {
            if exponent & 1 == 1 { result = result &* base }
            exponent >>= 1
            if exponent > 0 { base = base &* base }
        }
        return result
    }

    /// A float power truncated to `int64`, saturating at the range; NaN gives 0.
    @inline(__always)
    private static func saturating(_ v: Double) -> Int64 {
        if v.isNaN { return 0 }
        if v >= 0x1p63 { return .max }
        if v <= -0x1p63 { return .min }
        return Int64(v.rounded(.towardZero))
    }

    // MARK: - Predicates

    private func runPredicate(_ f: GraphOp.BinaryFunction, _ context: ExecutionContext) throws {
        let out = context.bool(y)
        switch elementType {
        case .float32: compare(f, context.f32(a), context.f32(b), out)
        case .float64: compare(f, context.f64(a), context.f64(b), out)
        case .int64: compare(f, context.i64(a), context.i64(b), out)
        case .bool:
            let (a, b) = (context.bool(a), context.bool(b))
            switch f {
            case .and: layout.apply(a, b, out) { $0 && $1 }
            case .or: layout.apply(a, b, out) { $0 || $1 }
            case .xor: layout.apply(a, b, out) { $0 != $1 }
            default: layout.apply(a, b, out) { $0 == $1 }
            }
        case .string:
            let (sa, sb) = (context.strings[a], context.strings[b])
            let (ia, ib) = (layout.indices(of: 0), layout.indices(of: 1))
            for i in 0..<layout.count {
                out[i] = ia[i] < sa.count && ib[i] < sb.count && sa[ia[i]] == sb[ib[i]]
            }
        }
    }

    @inline(__always)
    private func compare<T: Comparable>(
        _ f: GraphOp.BinaryFunction, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>,
        _ y: UnsafeMutablePointer<Bool>
    ) {
        switch f {
        case .less: layout.apply(a, b, y) { $0 < $1 }
        case .lessOrEqual: layout.apply(a, b, y) { $0 <= $1 }
        case .greater: layout.apply(a, b, y) { $0 > $1 }
        case .greaterOrEqual: layout.apply(a, b, y) { $0 >= $1 }
        default: layout.apply(a, b, y) { $0 == $1 }
        }
    }
}
