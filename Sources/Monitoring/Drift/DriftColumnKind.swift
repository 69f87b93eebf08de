/// How the drift detector treats a column: as numbers or as categories.
///
/// By default `double`, `float` and `int` columns are ``numerical`` and `string` and `bool` columns
/// ``categorical``; ``ColumnDriftOptions/kind`` overrides it per column (numbers may be treated as
/// categories; strings can never be numerical). Text columns (Evidently's domain-classifier tests) are
/// out of scope.
public enum DriftColumnKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ordered numbers: every method applies.
    case numerical
    /// Unordered categories: ``DriftMethod/psi``, ``DriftMethod/jensenShannon``,
    /// ``DriftMethod/chiSquare`` and ``DriftMethod/zTest`` apply.
    case categorical
}
