extension MonitoringReport {
    /// One column's reference and current distributions, as counts over the same bins.
    ///
    /// Numeric: `binEdges` has one more entry than each count array (bin `i` is
    /// `binEdges[i]...binEdges[i+1]`). Categorical: one count per category in each array.
    /// Counts are shown as shares of their own total, so samples of different sizes compare;
    /// non-finite or negative counts count as 0. Arrays of inconsistent lengths are reported on
    /// the page instead of drawn.
    public struct Distribution: Sendable, Hashable, Codable {
        /// How the bins are defined.
        public enum Bins: Sendable, Hashable, Codable {
            /// Numeric bins by their edges (one more edge than bins).
            case numeric(edges: [Double])
            /// Categories by name.
            case categorical(categories: [String])
        }

        /// The column's name.
        public var column: String
        /// The bins.
        public var bins: Bins
        /// The reference data's count per bin.
        public var reference: [Double]
        /// The current data's count per bin.
        public var current: [Double]

        /// A distribution.
        ///
        /// - Parameters:
        ///   - column: The column's name.
        ///   - bins: The bins.
        ///   - reference: The reference data's count per bin.
        ///   - current: The current data's count per bin.
        public init(column: String, bins: Bins, reference: [Double], current: [Double]) {
            self.column = column
            self.bins = bins
            self.reference = reference
            self.current = current
        }

        /// The number of bins `bins` defines.
        public var binCount: Int {
            switch bins {
            case .numeric(let edges): max(0, edges.count - 1)
            case .categorical(let categories): categories.count
            }
        }

        /// Whether both count arrays have one entry per bin.
        public var isConsistent: Bool { reference.count == binCount && current.count == binCount }
    }
}
