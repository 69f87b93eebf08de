public import MLOpsCore

/// The streaming summary of one column: counts, inferred types, moments, quantiles, cardinality and
/// frequent items, in bounded memory whatever the number of rows.
///
/// - ``statistics``: count, mean, variance, minimum, maximum of the numeric values (NaN counts as
///   missing, infinities are counted apart and kept out of the moments and sketches).
/// - ``quantiles``: a ``KLLSketch`` of the finite numeric values (`nil` until the column sees a number).
/// - ``cardinality``: a ``HyperLogLog`` of all present values (numbers by value, text by its bytes).
/// - ``frequentItems``: ``FrequentItems`` of the categorical values (text, booleans, integers; `nil` for
///   numerical columns).
///
/// Profiles of the same column ``merge(_:)``: counts and moments exactly (to floating point), sketches
/// within their bounds.
public struct ColumnProfile: Sendable, Hashable {
    /// How many present values of each type the column has seen.
    public struct TypeCounts: Sendable, Hashable, Codable {
        /// Integers.
        public var integral: Int = 0
        /// Floating point numbers (finite or infinite; NaN counts as missing).
        public var fractional: Int = 0
        /// Booleans.
        public var boolean: Int = 0
        /// Text.
        public var string: Int = 0

        /// No values.
        public init() {}

        /// The most common type, or `nil` when no value was present.
        public var inferredType: ColumnType? {
            let ranked: [(Int, ColumnType)] = [
                (integral, .int), (fractional, .double), (boolean, .bool), (string, .string),
            ]
            guard let best = ranked.max(by: { $0.0 < $1.0 }), best.0 > 0 else { return nil }
            return best.1
        }

        mutating func add(_ other: TypeCounts) {
            integral &+= other.integral
            fractional &+= other.fractional
            boolean &+= other.boolean
            string &+= other.string
        }
    }

    /// The column name.
    public let name: String
    /// Rows seen, present or missing.
    public internal(set) var count: Int = 0
    /// Rows that were missing (or NaN).
    public internal(set) var missingCount: Int = 0
    /// Present values by type.
    public internal(set) var typeCounts = TypeCounts()
    /// Moments, minimum and maximum of the numeric values.
    public internal(set) var statistics = RunningStatistics()
    /// The quantile sketch of the finite numeric values; `nil` until a number is seen.
    public internal(set) var quantiles: KLLSketch?
    /// The distinct-count sketch of all present values.
    public internal(set) var cardinality: HyperLogLog
    /// The frequent values; `nil` for numerical columns.
    public internal(set) var frequentItems: FrequentItems?
    /// The sketch sizes and seed.
    let configuration: ProfileConfiguration
    /// The kind override for this column, if any.
    let kind: ColumnKind?

    /// An empty profile of the column `name`.
    ///
    /// - Parameters:
    ///   - name: The column name.
    ///   - configuration: The sketch sizes, seed and kind overrides.
    public init(name: String, configuration: ProfileConfiguration = .standard) {
        self.name = name
        self.configuration = configuration
        self.kind = configuration.kinds[name]
        self.cardinality = HyperLogLog(precision: configuration.cardinalityPrecision, registers: [])
        self.cardinality.registers = [UInt8](repeating: 0, count: 1 << configuration.cardinalityPrecision)
    }

    /// A profile from validated parts (used by the binary reader).
    init(
        name: String, configuration: ProfileConfiguration, count: Int, missingCount: Int, typeCounts: TypeCounts,
        statistics: RunningStatistics, quantiles: KLLSketch?, cardinality: HyperLogLog,
        frequentItems: FrequentItems?
    ) {
        self.name = name
        self.configuration = configuration
        self.kind = configuration.kinds[name]
        self.count = count
        self.missingCount = missingCount
        self.typeCounts = typeCounts
        self.statistics = statistics
        self.quantiles = quantiles
        self.cardinality = cardinality
        self.frequentItems = frequentItems
    }

    /// The estimated number of distinct present values.
    public var distinctEstimate: Double { cardinality.estimate }

    // MARK: - Sketch creation

    mutating func ensureQuantiles() {
        if quantiles == nil {
            quantiles = KLLSketch(
                k: configuration.quantileK, count: 0, minimum: nil, maximum: nil, levels: [[]],
                randomState: configuration.seed ^ SketchHash.hash(name))
        }
    }

    mutating func ensureFrequentItems() {
        if frequentItems == nil {
            frequentItems = FrequentItems(
                capacity: configuration.frequentItemsCapacity, totalWeight: 0, maximumError: 0, counters: [:])
        }
    }

    /// Whether values of a type track frequent items in this column.
    func tracksFrequentItems(_ type: ColumnType) -> Bool {
        switch kind {
        case .numerical?: false
        case .categorical?: true
        case nil: type != .double && type != .float
        }
    }

    // MARK: - Single values

    /// Adds one value.
    public mutating func update(_ value: TableValue) {
        count += 1
        switch value {
        case .missing:
            missingCount += 1
        case .double(let number):
            if number.isNaN {
                missingCount += 1
                statistics.add(number)
                return
            }
            typeCounts.fractional += 1
            addNumber(number)
            if tracksFrequentItems(.double) {
                ensureFrequentItems()
                frequentItems?.update(CSVWriter.format(number))
            }
        case .int(let number):
            typeCounts.integral += 1
            addNumber(Double(number))
            if tracksFrequentItems(.int) {
                ensureFrequentItems()
                frequentItems?.update(String(number))
            }
        case .string(let text):
            typeCounts.string += 1
            cardinality.update(text)
            if tracksFrequentItems(.string) {
                ensureFrequentItems()
                frequentItems?.update(text)
            }
        case .bool(let flag):
            typeCounts.boolean += 1
            let text = flag ? "true" : "false"
            cardinality.update(text)
            if tracksFrequentItems(.bool) {
                ensureFrequentItems()
                frequentItems?.update(text)
            }
        }
    }

    private mutating func addNumber(_ number: Double) {
        statistics.add(number)
        ensureQuantiles()
        guard number.isFinite else { return }
        quantiles?.update(number)
        cardinality.update(number)
    }

    // MARK: - Merging

    /// Adds the rows summarised by `other`, a profile of the same column.
    ///
    /// - Throws: `MLOpsError.invalidArgument` when the names or sketch sizes differ.
    public mutating func merge(_ other: ColumnProfile) throws {
        guard other.name == name else {
            throw MLOpsError(
                .invalidArgument, "cannot merge the profile of column '\(other.name)' into that of '\(name)'",
                value: other.name)
        }
        try cardinality.merge(other.cardinality)
        if let theirs = other.quantiles {
            if quantiles == nil {
                quantiles = theirs
            } else {
                try quantiles?.merge(theirs)
            }
        }
        if let theirs = other.frequentItems {
            if frequentItems == nil {
                frequentItems = theirs
            } else {
                try frequentItems?.merge(theirs)
            }
        }
        count &+= other.count
        missingCount &+= other.missingCount
        typeCounts.add(other.typeCounts)
        statistics.merge(other.statistics)
    }

    // MARK: - Histogram

    /// An equal-width histogram of the finite numeric values between ``RunningStatistics/minimum`` and
    /// ``RunningStatistics/maximum``, counts derived from the quantile sketch's CDF.
    ///
    /// Each count is within ``KLLSketch/pmfNormalizedRankError`` × the number of finite values of the
    /// true count (99 % confidence; exact while the sketch is exact). A constant column gives one bin.
    /// Returns `nil` when the column has no finite numbers or `bins` < 1.
    public func histogram(bins: Int) -> ColumnHistogram? {
        guard bins >= 1, let sketch = quantiles, sketch.count > 0, let low = sketch.minimum,
            let high = sketch.maximum
        else { return nil }
        let total = Double(sketch.count)
        if low == high || !(high - low).isFinite {
            return ColumnHistogram(edges: [low, high], counts: [total], countError: 0)
        }
        let width = (high - low) / Double(bins)
        var edges = (0...bins).map { low + Double($0) * width }
        edges[bins] = high
        // Bin i holds (edges[i], edges[i+1]]; the first bin also holds the minimum.
        let inner = Array(edges[1..<bins]).filter { $0 > low && $0 < high }
        var splits: [Double] = []
        for edge in inner where splits.last.map({ $0 < edge }) ?? true { splits.append(edge) }
        guard splits.count == bins - 1, let pmf = (try? sketch.pmf(splits)) ?? nil else {
            return ColumnHistogram(edges: [low, high], counts: [total], countError: 0)
        }
        return ColumnHistogram(
            edges: edges, counts: pmf.map { ($0 * total).rounded() },
            countError: (sketch.pmfNormalizedRankError * total).rounded(.up))
    }
}
