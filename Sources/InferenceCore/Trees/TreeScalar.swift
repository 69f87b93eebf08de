import MLOpsCore

/// The two floating-point types the tree runtime reads, compares, accumulates and writes.
///
/// Every generic tree kernel is written over this protocol and specialised for `Float` and
/// `Double` inside the module; conversions go through concrete requirements so that a
/// specialised kernel compiles to one `cvtss2sd`/`cvtsd2ss` (or nothing), never to the generic
/// `BinaryFloatingPoint` conversion machinery.
///
/// The traversal step is also a requirement, because the fastest exact form differs:
/// - `Float`: rows are expanded to order-preserving `Int32` keys and thresholds to `Int64`
///   keys; the row goes left iff the wrapping 64-bit difference `key(x) - key(t)` is negative.
/// - `Double`: rows stay `Double`; the row goes left iff `x - t` is negative.
/// Both are plain arithmetic (no compare), so the optimiser cannot turn them into
/// data-dependent branches, and both equal `x < t` for non-NaN `x` (with `-0` written as `+0`)
/// and finite `t`.
protocol TreeScalar: BinaryFloatingPoint, Sendable {
    /// One slot of an expanded row.
    associatedtype Expanded: Sendable

    /// Converts from `Float` (exact for both types).
    init(treeFloat value: Float)
    /// Converts from `Double`, rounding to nearest when `Self` is `Float`.
    init(treeDouble value: Double)
    /// Converts `self` to another tree scalar type.
    func treeConverted<T: TreeScalar>() -> T
    /// `e` raised to `x`, from the C library.
    static func treeExp(_ x: Self) -> Self
    /// The expanded form of a value that is not NaN.
    static func expanded(_ value: Self) -> Expanded
    /// The node encoding of a threshold that is not NaN.
    static func thresholdBits(_ threshold: Self) -> Int64
    /// 1 when the expanded value is below the encoded threshold (go left), else 0.
    static func stepBit(_ value: Expanded, _ threshold: Int64) -> Int
}

extension Float: TreeScalar {
    typealias Expanded = Int32

    @inline(__always)
    init(treeFloat value: Float) { self = value }

    @inline(__always)
    init(treeDouble value: Double) { self = Float(value) }

    @inline(__always)
    func treeConverted<T: TreeScalar>() -> T { T(treeFloat: self) }

    @inline(__always)
    static func treeExp(_ x: Float) -> Float { Platform.exp(x) }

    /// The order-preserving key: the bit pattern as a signed integer, with the magnitude bits
    /// of negative values flipped; `-0` is first turned into `+0`.
    @inline(__always)
    static func expanded(_ value: Float) -> Int32 {
        let bits = Int32(bitPattern: (value + 0).bitPattern)
        return bits ^ ((bits >> 31) & 0x7FFF_FFFF)
    }

    @inline(__always)
    static func thresholdBits(_ threshold: Float) -> Int64 { Int64(expanded(threshold)) }

    @inline(__always)
    static func stepBit(_ value: Int32, _ threshold: Int64) -> Int {
        // Keys are 32-bit, so the 64-bit difference never overflows; `&-` keeps the optimiser
        // from rewriting the shift into a comparison.
        Int(truncatingIfNeeded: UInt64(bitPattern: Int64(value) &- threshold) &>> 63)
    }
}

extension Double: TreeScalar {
    typealias Expanded = Double

    @inline(__always)
    init(treeFloat value: Float) { self = Double(value) }

    @inline(__always)
    init(treeDouble value: Double) { self = value }

    @inline(__always)
    func treeConverted<T: TreeScalar>() -> T { T(treeDouble: self) }

    @inline(__always)
    static func treeExp(_ x: Double) -> Double { Platform.exp(x) }

    @inline(__always)
    static func expanded(_ value: Double) -> Double { value + 0 }

    @inline(__always)
    static func thresholdBits(_ threshold: Double) -> Int64 { Int64(bitPattern: (threshold + 0).bitPattern) }

    @inline(__always)
    static func stepBit(_ value: Double, _ threshold: Int64) -> Int {
        let difference = value - Double(bitPattern: UInt64(bitPattern: threshold))
        return Int(truncatingIfNeeded: difference.bitPattern &>> 63)
    }
}
