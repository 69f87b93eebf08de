/// An equal-width histogram of a numeric column, derived from its quantile sketch.
public struct ColumnHistogram: Sendable, Hashable, Codable {
    /// Bin edges, ascending: bin `i` covers `(edges[i], edges[i + 1]]`, the first bin also its left edge.
    public var edges: [Double]
    /// The estimated number of values in each bin (one fewer than ``edges``).
    public var counts: [Double]
    /// The bound on each count's error (99 % confidence); 0 when the sketch was exact.
    public var countError: Double

    /// A histogram from its parts.
    ///
    /// - Parameters:
    ///   - edges: The bin edges, ascending.
    ///   - counts: One count per bin.
    ///   - countError: The bound on each count's error.
    public init(edges: [Double], counts: [Double], countError: Double) {
        self.edges = edges
        self.counts = counts
        self.countError = countError
    }
}
