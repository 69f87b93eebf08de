/// SIMD building blocks for the element-wise kernels: `exp`, `sigmoid`, `tanh`, ReLU and activation dispatch.
///
/// The code is written for `SIMD16<Float>` (one AVX-512 register, two AVX registers or four SSE
/// registers). It avoids every operation that would become a library call on the x86-64 baseline target
/// (no `rounded()`, no float↔int conversions, no `addingProduct` unless FMA is available), so it stays
/// vectorised in a default build.
enum VectorMath {
    typealias Vector = SIMD16<Float>
    typealias Bits = SIMD16<Int32>

    /// `exp(x)` with a relative error of about 2 ulp over the whole range.
    ///
    /// `x > 88.73` gives `+∞`, `x < -104` gives 0, results below 2⁻¹²⁶ are subnormal, NaN stays NaN.
    /// Cody–Waite range reduction `x = n·ln2 + r`, a degree-6 polynomial for `eʳ` on |r| ≤ ln2/2 (Cephes
    /// `expf`), and `2ⁿ` applied as two exponent-field multiplications so that subnormal results and
    /// `+∞` come out of the arithmetic.
    @inline(__always)
    static func exp(_ input: Vector) -> Vector {
        var x = input.replacing(with: 88.8, where: input .> 88.8)
        x.replace(with: -104, where: x .< -104)
        // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick (no SSE4.1 `roundps` needed);
        // the integer also sits in the low bits of `shifted`.
        let magic = Vector(repeating: 12_582_912)
        let shifted = multiplyAdd(x, Vector(repeating: 1.442_695_04), magic)
        let n = shifted - magic
        var r = multiplyAdd(n, Vector(repeating: -0.693_359_375), x)
        r = multiplyAdd(n, Vector(repeating: 2.121_944_4e-4), r)
        var p = Vector(repeating: 1.987_569_15e-4)
        p = multiplyAdd(p, r, Vector(repeating: 1.398_199_95e-3))
        p = multiplyAdd(p, r, Vector(repeating: 8.333_451_9e-3))
        p = multiplyAdd(p, r, Vector(repeating: 4.166_579_59e-2))
        p = multiplyAdd(p, r, Vector(repeating: 1.666_666_55e-1))
        p = multiplyAdd(p, r, Vector(repeating: 5.000_000_1e-1))
        p = multiplyAdd(p, r * r, r) + 1
        let ni = unsafeBitCast(shifted, to: Bits.self) &- 0x4B40_0000
        let n1 = ni &>> 1
        let n2 = ni &- n1
        let s1 = unsafeBitCast((n1 &+ 127) &<< 23, to: Vector.self)
        let s2 = unsafeBitCast((n2 &+ 127) &<< 23, to: Vector.self)
        return p * s1 * s2
    }

    /// `|x|` by clearing the sign bit (NaN stays NaN).
    @inline(__always)
    static func abs(_ x: Vector) -> Vector {
        unsafeBitCast(unsafeBitCast(x, to: Bits.self) & 0x7FFF_FFFF, to: Vector.self)
    }

    /// `max(x, 0)`; NaN and -0 pass through unchanged.
    @inline(__always)
    static func relu(_ x: Vector) -> Vector {
        x.replacing(with: 0, where: x .< 0)
    }

    /// `1 / (1 + e^-x)` as `1/(1+e)` for `x ≥ 0` and `e/(1+e)` for `x < 0`, with `e = exp(-|x|)`, so
    /// neither branch overflows or cancels.
    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector {
        let e = exp(-abs(x))
        let s = 1 / (1 + e)
        return s.replacing(with: e * s, where: x .< 0)
    }

    /// `tanh(x)`: an odd polynomial for |x| < 0.625 (Cephes `tanhf`), `(1 - e)/(1 + e)` with
    /// `e = exp(-2|x|)` above it, and the sign copied from `x`.
    @inline(__always)
    static func tanh(_ x: Vector) -> Vector {
        let ax = abs(x)
        let z = x * x
        var p = Vector(repeating: -5.704_988_727_45e-3)
        p = multiplyAdd(p, z, Vector(repeating: 2.063_908_879_54e-2))
        p = multiplyAdd(p, z, Vector(repeating: -5.373_971_555_31e-2))
        p = multiplyAdd(p, z, Vector(repeating: 1.333_144_220_36e-1))
        p = multiplyAdd(p, z, Vector(repeating: -3.333_328_194_22e-1))
        let small = multiplyAdd(p * z, x, x)
        let e = exp(-2 * ax)
        let large = (1 - e) / (1 + e)
        let signed = unsafeBitCast(
            unsafeBitCast(large, to: Bits.self) | (unsafeBitCast(x, to: Bits.self) & Bits(repeating: Int32.min)),
            to: Vector.self)
        return signed.replacing(with: small, where: ax .< 0.625)
    }

    /// Applies `activation` to every lane.
    @inline(__always)
    static func activate(_ x: Vector, _ activation: Activation) -> Vector {
        switch activation {
        case .identity: return x
        case .relu: return relu(x)
        case .sigmoid: return sigmoid(x)
        case .tanh: return tanh(x)
        }
    }

    /// Loads `count` (< 16) floats into the low lanes, `fill` in the others.
    ///
    /// Reads exactly `count` floats, in pieces of 8, 4, 2 and 1 through a stack copy (fixed-size moves, no
    /// `memcpy` call and no per-lane inserts).
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, fill: Float) -> Vector {
        var v = Vector(repeating: fill)
        withUnsafeMutableBytes(of: &v) { bytes in
            let source = UnsafeRawPointer(p)
            var offset = 0
            if count & 8 != 0 {
                bytes.storeBytes(of: source.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                offset = 32
            }
            if count & 4 != 0 {
                bytes.storeBytes(
                    of: source.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self), toByteOffset: offset,
                    as: SIMD4<Float>.self)
                offset += 16
            }
            if count & 2 != 0 {
                bytes.storeBytes(
                    of: source.loadUnaligned(fromByteOffset: offset, as: SIMD2<Float>.self), toByteOffset: offset,
                    as: SIMD2<Float>.self)
                offset += 8
            }
            if count & 1 != 0 {
                bytes.storeBytes(
                    of: source.loadUnaligned(fromByteOffset: offset, as: Float.self), toByteOffset: offset,
                    as: Float.self)
            }
        }
        return v
    }

    /// Stores the low `count` (< 16) lanes, writing exactly `count` floats (pieces of 8, 4, 2, 1).
    @inline(__always)
    static func storePartial(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        withUnsafeBytes(of: v) { bytes in
            let destination = UnsafeMutableRawPointer(p)
            var offset = 0
            if count & 8 != 0 {
                destination.storeBytes(of: bytes.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                offset = 32
            }
            if count & 4 != 0 {
                destination.storeBytes(
                    of: bytes.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self), toByteOffset: offset,
                    as: SIMD4<Float>.self)
                offset += 16
            }
            if count & 2 != 0 {
                destination.storeBytes(
                    of: bytes.loadUnaligned(fromByteOffset: offset, as: SIMD2<Float>.self), toByteOffset: offset,
                    as: SIMD2<Float>.self)
                offset += 8
            }
            if count & 1 != 0 {
                destination.storeBytes(
                    of: bytes.loadUnaligned(fromByteOffset: offset, as: Float.self), toByteOffset: offset,
                    as: Float.self)
            }
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }
}
