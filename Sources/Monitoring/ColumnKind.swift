/// How Monitoring treats a column: as numbers or as categories. Profiles and drift detection share it.
///
/// By default `double`, `float` and `int` columns are ``numerical`` and `string` and `bool` columns
/// ``categorical`` (a profile also tracks frequent items of `int` columns unless told otherwise).
/// ``ProfileConfiguration/kinds`` and ``ColumnDriftOptions/kind`` override it per column; numbers may be
/// treated as categories, strings can never be numerical. Text columns (Evidently's domain-classifier
/// tests) are out of scope.
public enum ColumnKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ordered numbers. A ``ColumnProfile`` keeps moments and a ``KLLSketch`` of them but no frequent
    /// items; drift detection may apply every ``DriftMethod``.
    case numerical
    /// Unordered categories. A ``ColumnProfile`` keeps ``FrequentItems`` (numbers in their text form,
    /// which still get moments and quantiles); drift detection applies ``DriftMethod/psi``,
    /// ``DriftMethod/jensenShannon``, ``DriftMethod/chiSquare`` and ``DriftMethod/zTest`` to per-category
    /// counts.
    case categorical
}
