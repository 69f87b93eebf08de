/// An element-wise function applied to a layer's output, alone or fused into the SGEMM epilogue.
///
/// All activations propagate NaN (a NaN input gives a NaN output) and are exact at ±infinity
/// (`relu(-∞) = 0`, `sigmoid(±∞) = 1/0`, `tanh(±∞) = ±1`).
public enum Activation: String, Sendable, Hashable, CaseIterable {
    /// `x` unchanged.
    case identity
    /// `max(x, 0)`; NaN stays NaN.
    case relu
    /// The logistic function `1 / (1 + e^-x)`, evaluated without overflow for any `x`.
    case sigmoid
    /// The hyperbolic tangent.
    case tanh

    /// Applies the activation to one value (scalar reference path; hot paths use ``Kernels``).
    public func callAsFunction(_ x: Float) -> Float {
        var lanes = SIMD16<Float>(repeating: x)
        lanes = VectorMath.activate(lanes, self)
        return lanes[0]
    }
}
