public import MLOpsCore

/// A preprocessing step with its settings: fitting it to a `Table` learns what it needs (means,
/// categories, …) and gives a ``FittedTransformer``.
///
/// A transformer names the columns it applies to (a default set when it does not, such as every
/// numeric column) and passes every other column through unchanged. Fitting does not change the
/// transformer; the fitted step is a separate value.
public protocol Transformer: Sendable {
    /// The step fitting produces.
    associatedtype Fitted: FittedTransformer

    /// Learns the step's parameters from the rows of `table`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the problem: a table without rows, a column
    ///   the step cannot take (naming it), an invalid setting (naming it and its value);
    ///   `notFound` naming a column the table does not have.
    func fit(_ table: Table) throws -> Fitted
}

/// A fitted preprocessing step: a value (it can be compared and stored) that transforms tables in
/// double precision and exports the same transform to an InferenceCore graph.
///
/// ``transform(_:)`` replaces each of ``inputColumns`` in place by its output columns and passes the
/// table's other columns through; ``export(into:columns:)`` appends the nodes computing the same
/// columns, so ``FeaturePipeline`` can ship the transform inside the model.
public protocol FittedTransformer: Sendable, Hashable, Codable {
    /// The columns the step reads, in order.
    var inputColumns: [String] { get }
    /// The columns the step writes, in order (for most steps the same names as ``inputColumns``).
    var outputColumns: [String] { get }

    /// Applies the step to `table`.
    ///
    /// - Throws: `MLOpsError` `notFound` naming a column of ``inputColumns`` that `table` lacks;
    ///   `invalidArgument` naming the column and value the step cannot take (e.g. an unknown
    ///   category when unknown categories are errors).
    func transform(_ table: Table) throws -> Table

    /// Appends the nodes computing the step to `builder`, reading and updating `columns`, which
    /// tracks where each table column lives in the graph.
    ///
    /// - Throws: `MLOpsError` `unsupported` when the step cannot be expressed as a graph (naming
    ///   the column), `notFound` for a column `columns` does not have.
    func export(into builder: inout GraphBuilder, columns: inout GraphColumns) throws
}
