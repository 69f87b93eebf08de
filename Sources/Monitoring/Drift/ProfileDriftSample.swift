import MLOpsCore

/// One column's two profiles prepared for a drift method: the two quantile sketches as step
/// distributions (numerical) or the two frequent-items summaries as category counts (categorical).
struct ProfileDriftSample {
    /// A statistic from the sketches, with the bound on its distance from the raw-column statistic.
    struct Outcome {
        var statistic: Double
        var pValue: Double?
        var bound: Double?
        var referenceCount: Int
        var currentCount: Int
    }

    var reference: ColumnProfile
    var current: ColumnProfile
    var numbers: (reference: SketchDistribution, current: SketchDistribution)?
    var categories: ProfileCategoryCounts?

    /// The reference's count of usable values (finite numbers or present categorical values).
    var referenceCount: Int {
        numbers?.reference.count ?? categories?.referenceTotal ?? 0
    }

    /// Distinct values of reference ∪ current, counted up to `limit + 1`: exactly from exact sketches,
    /// else the rounded estimate of the union of the two HyperLogLog sketches.
    func unionDistinct(limit: Int) -> Int {
        if let numbers, numbers.reference.isExact, numbers.current.isExact {
            return numbers.reference.unionDistinct(with: numbers.current, limit: limit)
        }
        if let categories, categories.isExact { return categories.distinct }
        var union = reference.cardinality
        let estimate: Double
        if (try? union.merge(current.cardinality)) != nil {
            estimate = union.estimate
        } else {
            estimate = max(reference.cardinality.estimate, current.cardinality.estimate)
        }
        return estimate.isFinite ? Int(min(estimate.rounded(), Double(limit + 1))) : limit + 1
    }

    func compute(_ method: DriftMethod, name: String) throws -> Outcome {
        if let (u, v) = numbers {
            return numerical(method, u, v)
        }
        guard let categories else {
            throw MLOpsError(.invalidArgument, "column '\(name)' has no usable sketch", value: name)
        }
        let counts = categories.counts
        let n1 = categories.referenceTotal
        let n2 = categories.currentTotal
        let bound: Double? = categories.isExact ? 0 : nil
        let statistic: Double
        var pValue: Double?
        switch method {
        case .psi:
            statistic = DriftKernels.psi(counts, referenceTotal: n1, currentTotal: n2)
        case .jensenShannon:
            statistic = DriftKernels.jensenShannon(counts, referenceTotal: n1, currentTotal: n2)
        case .chiSquare:
            (statistic, pValue) = DriftKernels.chiSquare(counts, referenceTotal: n1, currentTotal: n2)
        case .zTest:
            (statistic, pValue) = DriftKernels.zTest(counts, referenceTotal: n1, currentTotal: n2)
        case .ks, .wasserstein:
            throw MLOpsError(
                .invalidArgument, "column '\(name)' is categorical; \(method.rawValue) needs numerical values",
                value: name)
        }
        return Outcome(statistic: statistic, pValue: pValue, bound: bound, referenceCount: n1, currentCount: n2)
    }

    func numerical(_ method: DriftMethod, _ u: SketchDistribution, _ v: SketchDistribution) -> Outcome {
        let exact = u.isExact && v.isExact
        let n1 = u.count
        let n2 = v.count
        var outcome = Outcome(statistic: 0, pValue: nil, bound: nil, referenceCount: n1, currentCount: n2)
        switch method {
        case .ks:
            let (statistic, numerator) = u.ksStatistic(against: v)
            outcome.statistic = statistic
            if exact, let numerator {
                outcome.pValue = KolmogorovSmirnovDistribution.pValue(
                    n1: n1, n2: n2, differenceNumerator: numerator, statistic: statistic)
            } else {
                outcome.pValue = KolmogorovSmirnovDistribution.asymptoticPValue(n1: n1, n2: n2, statistic: statistic)
            }
            outcome.bound = exact ? 0 : u.rankError + v.rankError
        case .wasserstein:
            let statistics = reference.statistics
            let deviation =
                statistics.count > 0 ? (max(statistics.m2, 0) / Double(statistics.count)).squareRoot() : 0
            let norm = max(deviation, 0.001)
            outcome.statistic = u.wasserstein(against: v) / norm
            let range = max(u.maximum, v.maximum) - min(u.minimum, v.minimum)
            outcome.bound = exact ? 0 : (u.rankError + v.rankError) * range / norm
        case .psi, .jensenShannon:
            let (counts, sturgesBins) = bins(u, v)
            if method == .psi {
                outcome.statistic = DriftKernels.psi(counts, referenceTotal: n1, currentTotal: n2)
                outcome.bound = exact ? 0 : nil
            } else {
                outcome.statistic = DriftKernels.jensenShannon(counts, referenceTotal: n1, currentTotal: n2)
                if exact {
                    outcome.bound = 0
                } else if let sturgesBins {
                    // JS distance is a metric and JS divergence ≤ ln 2 · total variation; each bin's share
                    // is off by at most the sketch's bin error.
                    let b = Double(sturgesBins)
                    let left = min(1, b * u.binError / 2)
                    let right = min(1, b * v.binError / 2)
                    outcome.bound = (0.6931471805599453 * left).squareRoot() + (0.6931471805599453 * right).squareRoot()
                }
            }
        case .chiSquare, .zTest:
            let counts = u.valueCounts(with: v)
            let result =
                method == .chiSquare
                ? DriftKernels.chiSquare(counts, referenceTotal: n1, currentTotal: n2)
                : DriftKernels.zTest(counts, referenceTotal: n1, currentTotal: n2)
            outcome.statistic = result.statistic
            outcome.pValue = result.pValue
            outcome.bound = exact ? 0 : nil
        }
        return outcome
    }

    /// The raw path's bins from the sketches: Sturges bins when the reference has more than 20 distinct
    /// values (with the number of bins), one bin per distinct retained value otherwise (`nil` bins).
    func bins(_ u: SketchDistribution, _ v: SketchDistribution) -> (CategoryCounts, Int?) {
        let manyValues = u.isExact ? u.values.count > 20 : reference.cardinality.estimate > 20
        guard manyValues else { return (u.valueCounts(with: v), nil) }
        let integerValues =
            reference.typeCounts.integral == reference.count && current.typeCounts.integral == current.count
        let edges = DriftKernels.sturgesEdges(
            low: min(u.minimum, v.minimum), high: max(u.maximum, v.maximum), total: u.count + v.count,
            integerValues: integerValues)
        return (
            CategoryCounts(reference: u.histogram(edges: edges), current: v.histogram(edges: edges)), edges.count - 1
        )
    }
}
