import MLOpsCore

/// The element types the reduction, top-k and cumulative-sum steps compute on, with the few
/// operations they need: integer arithmetic wraps (hostile values never trap) and the
/// transcendental parts run in ``Real`` (the type itself for floats, `Double` for `Int64`).
protocol ReduceScalar: Comparable {
    /// The type `exp`, `log` and `sqrt` are computed in.
    associatedtype Real: BinaryFloatingPoint

    /// 0.
    static var zero: Self { get }
    /// 1.
    static var one: Self { get }
    /// −∞, or the smallest value of an integer type.
    static var lowest: Self { get }
    /// +∞, or the largest value of an integer type.
    static var highest: Self { get }
    /// `a + b` (wrapping for integers).
    static func plus(_ a: Self, _ b: Self) -> Self
    /// `a × b` (wrapping for integers).
    static func times(_ a: Self, _ b: Self) -> Self
    /// `sum / count` with `count > 0` (integers truncate toward zero).
    static func mean(_ sum: Self, _ count: Int) -> Self
    /// `|x|` (wrapping for the smallest integer).
    var absolute: Self { get }
    /// Whether the value is NaN (never for integers).
    var isNaNValue: Bool { get }
    /// Whether the value is neither infinite nor NaN (always for integers).
    var isFiniteValue: Bool { get }
    /// The value in ``Real``.
    var real: Real { get }
    /// The value nearest `r` (integers truncate toward zero and saturate; NaN becomes 0).
    init(real r: Real)
    /// `e^r`.
    static func exp(_ r: Real) -> Real
    /// `ln r`.
    static func log(_ r: Real) -> Real
}

extension Float: ReduceScalar {
    static var one: Float { 1 }
    static var lowest: Float { -.infinity }
    static var highest: Float { .infinity }
    @inline(__always) static func plus(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func times(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) static func mean(_ sum: Float, _ count: Int) -> Float { sum / Float(count) }
    @inline(__always) var absolute: Float { magnitude }
    @inline(__always) var isNaNValue: Bool { isNaN }
    @inline(__always) var isFiniteValue: Bool { isFinite }
    @inline(__always) var real: Float { self }
    @inline(__always) init(real r: Float) { self = r }
    @inline(__always) static func exp(_ r: Float) -> Float { Platform.exp(r) }
    @inline(__always) static func log(_ r: Float) -> Float { Platform.log(r) }
}

extension Double: ReduceScalar {
    static var one: Double { 1 }
    static var lowest: Double { -.infinity }
    static var highest: Double { .infinity }
    @inline(__always) static func plus(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func times(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) static func mean(_ sum: Double, _ count: Int) -> Double { sum / Double(count) }
    @inline(__always) var absolute: Double { magnitude }
    @inline(__always) var isNaNValue: Bool { isNaN }
    @inline(__always) var isFiniteValue: Bool { isFinite }
    @inline(__always) var real: Double { self }
    @inline(__always) init(real r: Double) { self = r }
    @inline(__always) static func exp(_ r: Double) -> Double { Platform.exp(r) }
    @inline(__always) static func log(_ r: Double) -> Double { Platform.log(r) }
}

extension Int64: ReduceScalar {
    static var one: Int64 { 1 }
    static var lowest: Int64 { .min }
    static var highest: Int64 { .max }
    @inline(__always) static func plus(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inline(__always) static func times(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
    @inline(__always) static func mean(_ sum: Int64, _ count: Int) -> Int64 { sum / Int64(count) }
    @inline(__always) var absolute: Int64 { self < 0 ? 0 &- self : self }
    @inline(__always) var isNaNValue: Bool { false }
    @inline(__always) var isFiniteValue: Bool { true }
    @inline(__always) var real: Double { Double(self) }
    @inline(__always) init(real r: Double) {
        // 2^63 is exactly representable; everything at or above it saturates.
        if r.isNaN {
            self = 0
        } else if r >= 9_223_372_036_854_775_808.0 {
            self = .max
        } else if r <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int64(r)
        }
    }
    @inline(__always) static func exp(_ r: Double) -> Double { Platform.exp(r) }
    @inline(__always) static func log(_ r: Double) -> Double { Platform.log(r) }
}
