public import InferenceCore

/// What a served version checks in each row beyond the signature (names, element types and shapes
/// are always checked).
///
/// A row that fails a check becomes a ``RowError`` naming the input and feature; the model still
/// runs on the other rows, and the bad row's outputs are NaN (float), 0 (integers, booleans) or
/// empty (strings).
public struct InputValidation: Sendable, Hashable {
    /// Whether a NaN in a floating-point input is an error. Without it NaN passes through as a
    /// missing value (which tree models route by their `missing` rule).
    public var rejectNaN: Bool

    /// The model metadata key that turns ``rejectNaN`` on for a model deployed without explicit
    /// validation (`"true"`): how a registered package carries the rule to every server.
    public static let rejectNaNMetadataKey = "mlops.serving.reject_nan"

    /// Creates validation options.
    public init(rejectNaN: Bool = false) {
        self.rejectNaN = rejectNaN
    }

    /// The validation a model asks for in its metadata (``rejectNaNMetadataKey``).
    public init(model: Model) {
        self.init(rejectNaN: model.metadata[Self.rejectNaNMetadataKey]?.lowercased() == "true")
    }
}
