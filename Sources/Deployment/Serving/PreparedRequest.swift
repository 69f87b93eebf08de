import InferenceCore

/// A request checked against a version's signature: its inputs in signature order, its row count,
/// and the rows that failed per-row validation (to be blanked before the model runs and reported).
struct PreparedRequest: Sendable {
    /// The rows (the first dimension of every input).
    var rowCount: Int
    /// The inputs, in the order of the model's signature.
    var inputs: [Tensor]
    /// The rows that failed validation, ascending, without repeats.
    var badRows: [Int]
    /// Why those rows failed, one error per bad row.
    var rowErrors: [RowError]
}
