/// Per-column choices for drift detection; every field left `nil` falls back to ``DriftOptions`` and
/// then to Evidently's default rule.
public struct ColumnDriftOptions: Sendable, Hashable, Codable {
    /// The column's kind; `nil` infers it from the storage type (numbers numerical, strings and bools
    /// categorical).
    public var kind: ColumnKind?
    /// The method; `nil` uses the dataset-wide choice or Evidently's default rule.
    public var method: DriftMethod?
    /// The threshold; `nil` uses the dataset-wide threshold or the method's
    /// ``DriftMethod/defaultThreshold``.
    public var threshold: Double?

    /// Creates per-column options; every argument defaults to "not overridden".
    ///
    /// - Parameters:
    ///   - kind: The column's kind, or `nil` to infer it.
    ///   - method: The method, or `nil` for the dataset-wide choice or the default rule.
    ///   - threshold: The threshold, or `nil` for the dataset-wide one or the method's default.
    public init(kind: ColumnKind? = nil, method: DriftMethod? = nil, threshold: Double? = nil) {
        self.kind = kind
        self.method = method
        self.threshold = threshold
    }
}
