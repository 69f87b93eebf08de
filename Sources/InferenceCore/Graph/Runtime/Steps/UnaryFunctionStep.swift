import MLOpsCore

/// Elementwise ``GraphOp/UnaryFunction`` (exp, log, sqrt, neg, abs, reciprocal, sign, floor,
/// ceil, erf, not) on `float32`/`float64`, `int64` (neg, abs, sign) or `bool` (not).
struct UnaryFunctionStep: ExecutionStep {
    let function: GraphOp.UnaryFunction
    let elementType: ElementType
    let x: Int
    let y: Int
    let count: Int

    func run(_ context: ExecutionContext) throws {
        switch elementType {
        case .float32:
            let (x, y) = (context.f32(x), context.f32(y))
            switch function {
            case .exp: map(x, y) { Platform.exp($0) }
            case .log: map(x, y) { Platform.log($0) }
            case .erf: map(x, y) { Float(Platform.erf(Double($0))) }
            default: floating(x, y)
            }
        case .float64:
            let (x, y) = (context.f64(x), context.f64(y))
            switch function {
            case .exp: map(x, y) { Platform.exp($0) }
            case .log: map(x, y) { Platform.log($0) }
            case .erf: map(x, y) { Platform.erf($0) }
            default: floating(x, y)
            }
        case .int64:
            let (x, y) = (context.i64(x), context.i64(y))
            switch function {
            case .neg: map(x, y) { 0 &- $0 }
            case .abs: map(x, y) { $0 < 0 ? 0 &- $0 : $0 }
            default: map(x, y) { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }
            }
        default:
            map(context.bool(x), context.bool(y)) { !$0 }
        }
    }

    /// The functions whose float form needs no library call.
    @inline(__always)
    private func floating<T: BinaryFloatingPoint>(_ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>) {
        switch function {
        case .sqrt: map(x, y) { $0.squareRoot() }
        case .neg: map(x, y) { -$0 }
        case .abs: map(x, y) { Swift.abs($0) }
        case .reciprocal: map(x, y) { 1 / $0 }
        case .sign: map(x, y) { $0 > 0 ? 1 : $0 < 0 ? -1 : $0.isNaN ? $0 : 0 }
        case .floor: map(x, y) { $0.rounded(.down) }
        case .ceil: map(x, y) { $0.rounded(.up) }
        default: break
        }
    }

    @inline(__always)
    private func map<T>(_ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ f: (T) -> T) {
        for i in 0..<count { y[i] = f(x[i]) }
    }
}
