import MLOpsCore

extension DriftDetector {
    /// Tests every selected column of the `reference` profile against the same column of the `current`
    /// profile: drift from the sketches alone, without the raw data (milliseconds for any row count).
    ///
    /// The column selection, method choice (Evidently's default rule unless ``options`` say otherwise),
    /// thresholds, decisions and errors are those of ``detect(reference:current:)-(Table,Table)``. What
    /// differs is where the numbers come from; each result's ``ColumnDriftResult/statisticErrorBound``
    /// states how far its statistic can be from the one the raw columns would give. "Exact" below means
    /// both sketches still hold every value (a ``KLLSketch`` up to ``KLLSketch/levelZeroCapacity`` values,
    /// a ``FrequentItems`` that never overflowed): then every statistic, p-value and decision equals the
    /// raw-column one (to floating-point rounding) and the bound is 0. The ε below are the sketches' own
    /// bounds, which hold with 99 % confidence (``KLLSketch/normalizedRankError`` for one rank,
    /// ``KLLSketch/pmfNormalizedRankError`` for one bin).
    ///
    /// Numerical columns (both profiles must hold quantile sketches):
    /// - ``DriftMethod/ks``: D is the largest distance between the two sketches' step CDFs, evaluated at
    ///   every retained value of either; bound ε_ref + ε_cur (rank errors). The p-value follows the raw
    ///   rule from the sketch counts, but only SciPy's asymptotic distribution unless both sketches are
    ///   exact: the exact small-sample distribution needs the raw data.
    /// - ``DriftMethod/wasserstein``: ∫|F_ref − F_cur| over the two step CDFs, divided by
    ///   max(population standard deviation of the reference from its `RunningStatistics`, 0.001); bound
    ///   (ε_ref + ε_cur) · (largest − smallest value of both) / that divisor.
    /// - ``DriftMethod/psi`` and ``DriftMethod/jensenShannon``: the raw path's bins — Sturges bins over
    ///   the union's exact minimum, maximum and count when the reference has more than 20 distinct values
    ///   (counted exactly on an exact sketch, else by the reference's HyperLogLog), else one bin per
    ///   distinct retained value — with per-bin counts from the sketches' weights. Jensen–Shannon on Sturges
    ///   bins is bounded by √(ln 2 · t_ref) + √(ln 2 · t_cur) with t = min(1, B · ε / 2) for B bins and ε the
    ///   bin error (the distance is a metric, JS divergence ≤ ln 2 · total variation, and each bin's share
    ///   is off by at most ε). PSI, and Jensen–Shannon on one-bin-per-value bins, have no bound unless exact
    ///   (`nil`): PSI's logarithm is unbounded near empty bins, and a value the sketch dropped is a missing
    ///   bin.
    /// - ``DriftMethod/chiSquare`` and ``DriftMethod/zTest`` (the default rule's choice for few distinct
    ///   values): one category per distinct retained value, weights as counts; no bound unless exact.
    ///
    /// Categorical columns (both profiles must hold frequent items; a numerical column treated as
    /// categorical needs a profile that tracked them, e.g. an `int` column or a ``ProfileConfiguration``
    /// kind override): ``DriftMethod/chiSquare``, ``DriftMethod/zTest``, ``DriftMethod/jensenShannon`` and
    /// ``DriftMethod/psi`` on the per-category counts. Exact when neither summary overflowed its capacity.
    /// Otherwise each category's count is its counter (a lower bound of the true count, at most
    /// ``FrequentItems/maximumError`` below it) and the rest of the total forms one more category; the
    /// statistic then has no stated bound (`nil`). Categories are ordered as the raw path orders them
    /// (numerically for numbers, by UTF-8 bytes for text), which matters to the Z-test's "smallest category".
    ///
    /// The default rule's n_unique (distinct values of reference ∪ current) is counted exactly on exact
    /// sketches, else estimated from the union of the two HyperLogLog sketches (rounded); only whether it
    /// exceeds 2 and 5 matters. Counts are the sketches' counts (finite numbers, or present categorical
    /// values).
    ///
    /// - Parameters:
    ///   - reference: The reference profile (defines the columns tested when ``DriftOptions/columns`` is
    ///     `nil`).
    ///   - current: The profile to compare; it may have extra columns.
    /// - Returns: One result per column, in order, each with its ``ColumnDriftResult/statisticErrorBound``,
    ///   and the dataset-level decision.
    /// - Throws: `MLOpsError` naming the columns: `.invalidArgument` for a column missing from either
    ///   profile, of different kinds in the two, with no usable value in either, a string column forced to
    ///   numerical, or a method the kind does not allow (as the raw path); `.unsupported` when a profile
    ///   lacks the sketch the column's treatment needs (quantiles for numerical, frequent items for
    ///   categorical).
    public func detect(reference: DatasetProfile, current: DatasetProfile) throws -> DatasetDriftResult {
        let names = options.columns ?? reference.columnNames
        guard !names.isEmpty else {
            throw MLOpsError(.invalidArgument, "no columns to test for drift; give at least one column")
        }
        try Self.requireColumns(
            missingInReference: names.filter { reference[$0] == nil },
            missingInCurrent: names.filter { current[$0] == nil }, side: "profile", both: "profiles")
        var pairs: [(ColumnProfile, ColumnProfile)] = []
        var mismatched: [String] = []
        for name in names {
            guard let left = reference[name], let right = current[name] else { continue }
            let leftType = left.typeCounts.inferredType
            let rightType = right.typeCounts.inferredType
            if let leftType, let rightType, Self.inferredKind(leftType) != Self.inferredKind(rightType) {
                mismatched.append("\(name) (reference \(leftType), current \(rightType))")
                continue
            }
            pairs.append((left, right))
        }
        if !mismatched.isEmpty {
            throw MLOpsError(
                .invalidArgument,
                "drift needs each column to have the same kind in both profiles; numerical vs categorical: "
                    + mismatched.joined(separator: ", "),
                value: mismatched.joined(separator: ","))
        }
        var results: [ColumnDriftResult] = []
        results.reserveCapacity(pairs.count)
        for (left, right) in pairs { results.append(try detect(left, right)) }
        return DatasetDriftResult(columns: results, shareThreshold: options.driftShare)
    }

    static func inferredKind(_ type: ColumnType) -> ColumnKind {
        switch type {
        case .double, .float, .int: .numerical
        case .string, .bool: .categorical
        }
    }

    /// One column from its two profiles.
    func detect(_ reference: ColumnProfile, _ current: ColumnProfile) throws -> ColumnDriftResult {
        let name = reference.name
        let overrides = options.perColumn[name] ?? ColumnDriftOptions()
        let type = reference.typeCounts.inferredType ?? current.typeCounts.inferredType
        let holdsStrings = reference.typeCounts.string > 0 || current.typeCounts.string > 0
        let kind = overrides.kind ?? type.map(Self.inferredKind) ?? .numerical
        if kind == .numerical && holdsStrings {
            throw MLOpsError(
                .invalidArgument, "column '\(name)' holds strings and cannot be treated as numerical", value: name)
        }
        let explicit =
            overrides.method
            ?? (kind == .numerical ? options.numericalMethod : options.categoricalMethod) ?? options.method
        if kind == .categorical, let explicit, !explicit.supportsCategorical {
            throw MLOpsError(
                .invalidArgument,
                "column '\(name)' is categorical; \(explicit.rawValue) needs numerical values "
                    + "(use psi, jensenshannon, chisquare or z)",
                value: name)
        }
        let sample: ProfileDriftSample
        if kind == .numerical {
            guard let left = reference.quantiles, let right = current.quantiles else {
                try Self.requireUsable(reference, current, name: name)
                throw MLOpsError(
                    .unsupported,
                    "column '\(name)' has no quantile sketch in a profile; it cannot be tested as numerical",
                    value: name)
            }
            guard let u = SketchDistribution(left), let v = SketchDistribution(right) else {
                let side = left.count == 0 ? "reference" : "current"
                throw Self.emptyColumn(name, side: side)
            }
            sample = ProfileDriftSample(
                reference: reference, current: current, numbers: (u, v), categories: nil)
        } else {
            guard let left = reference.frequentItems, let right = current.frequentItems else {
                try Self.requireUsable(reference, current, name: name)
                throw MLOpsError(
                    .unsupported,
                    "column '\(name)' has no frequent items in a profile; profile it with kind categorical "
                        + "to test it as categorical",
                    value: name)
            }
            if left.totalWeight == 0 || right.totalWeight == 0 {
                throw Self.emptyColumn(name, side: left.totalWeight == 0 ? "reference" : "current")
            }
            let numericText = type.map { Self.inferredKind($0) == .numerical || $0 == .bool } ?? false
            sample = ProfileDriftSample(
                reference: reference, current: current, numbers: nil,
                categories: ProfileCategoryCounts(left, right, numericOrder: numericText))
        }
        let method =
            explicit
            ?? Self.defaultMethod(
                kind: kind, referenceCount: sample.referenceCount, uniqueCount: sample.unionDistinct(limit: 5))
        if kind == .categorical && !method.supportsCategorical {
            throw MLOpsError(
                .invalidArgument,
                "column '\(name)' is categorical; \(method.rawValue) needs numerical values "
                    + "(use psi, jensenshannon, chisquare or z)",
                value: name)
        }
        let threshold = overrides.threshold ?? options.threshold ?? method.defaultThreshold
        let outcome = try sample.compute(method, name: name)
        let score = outcome.pValue ?? outcome.statistic
        return ColumnDriftResult(
            column: name, method: method, statistic: outcome.statistic, pValue: outcome.pValue,
            threshold: threshold, isDrifted: method.isDrift(score: score, threshold: threshold), kind: kind,
            referenceCount: outcome.referenceCount, currentCount: outcome.currentCount,
            statisticErrorBound: outcome.bound)
    }

    static func emptyColumn(_ name: String, side: String) -> MLOpsError {
        MLOpsError(
            .invalidArgument,
            "column '\(name)' has no usable value in the \(side) profile (all missing, NaN or infinite); "
                + "drift cannot be computed for an empty column",
            value: name)
    }

    /// Throws the empty-column error when either profile saw no usable value.
    static func requireUsable(_ reference: ColumnProfile, _ current: ColumnProfile, name: String) throws {
        for (profile, side) in [(reference, "reference"), (current, "current")]
        where profile.count - profile.missingCount == 0 || profile.typeCounts.inferredType == nil {
            throw emptyColumn(name, side: side)
        }
    }
}
