#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// Thin wrappers over libm, so code inside types with members named `exp`/`tanh` can call them.

/// `e^x` in double precision.
@inline(__always) func mathExp(_ x: Double) -> Double { exp(x) }
/// Natural logarithm in double precision.
@inline(__always) func mathLog(_ x: Double) -> Double { log(x) }
/// Hyperbolic tangent in double precision.
@inline(__always) func mathTanh(_ x: Double) -> Double { tanh(x) }
/// Square root in double precision.
@inline(__always) func mathSqrt(_ x: Double) -> Double { x.squareRoot() }
