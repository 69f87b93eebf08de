import InferenceCore

/// What a served model answered to one ``InferenceRequest``.
///
/// Rows that failed validation (a NaN the model forbids, a value of the wrong kind) do not fail
/// the others: they are listed in ``rowErrors`` and their output elements are NaN for
/// floating-point outputs, zero for integer outputs and empty for strings.
public struct InferenceResponse: Sendable, Equatable {
    /// The model's name.
    public var model: String
    /// The version that computed the outputs.
    public var version: Int
    /// The request's id, if it had one.
    public var id: String?
    /// The output tensors, in the model's output order (or the order the request asked for).
    public var outputs: [NamedTensor]
    /// The rows that could not be predicted, with why; empty when every row succeeded.
    public var rowErrors: [RowError]

    /// Creates a response.
    public init(model: String, version: Int, id: String? = nil, outputs: [NamedTensor], rowErrors: [RowError] = []) {
        self.model = model
        self.version = version
        self.id = id
        self.outputs = outputs
        self.rowErrors = rowErrors
    }
}

/// Why one row of a request was not predicted.
public struct RowError: Sendable, Hashable, CustomStringConvertible {
    /// The row's index within its request.
    public var row: Int
    /// The input (and, where it applies, the feature) that was wrong, e.g. `x[3]` or `age`.
    public var field: String
    /// What was wrong.
    public var message: String

    /// Creates a row error.
    public init(row: Int, field: String, message: String) {
        self.row = row
        self.field = field
        self.message = message
    }

    /// `row N, FIELD: MESSAGE`.
    public var description: String { "row \(row), \(field): \(message)" }
}
