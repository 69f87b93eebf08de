import MLOpsCore

// Thin wrappers over the C library's math functions (through `Platform`), so code inside types with members named `exp`/`tanh` can call them.

/// `e^x` in double precision.
@inline(__always) func mathExp(_ x: Double) -> Double { Platform.exp(x) }
/// Natural logarithm in double precision.
@inline(__always) func mathLog(_ x: Double) -> Double { Platform.log(x) }
/// Hyperbolic tangent in double precision.
@inline(__always) func mathTanh(_ x: Double) -> Double { Platform.tanh(x) }
/// Square root in double precision.
@inline(__always) func mathSqrt(_ x: Double) -> Double { x.squareRoot() }
