import Dispatch
public import MLOpsCore

/// Detects data drift between a reference table and a current table, column by column, with Evidently's
/// default tests and thresholds (`DataDriftPreset`), every choice overridable through ``DriftOptions``.
///
/// Each column's values are taken without missing entries (the column's `MissingMask`), NaN and ±∞, as
/// Evidently drops them. Numerical columns are radix-sorted once; KS and Wasserstein are merge walks over
/// the two sorted samples; columns are processed in parallel on all cores. Statistics and p-values equal
/// SciPy's (`ks_2samp`, `wasserstein_distance`, `chisquare`, `jensenshannon`) and Evidently's (PSI, JS,
/// Z-test, binning) within 1e-9 relative, the tolerance of the recorded-vector tests.
///
/// Errors (`MLOpsError`, `.invalidArgument`) name the columns: a tested column missing from either table,
/// a column that is numerical in one table and categorical in the other, a string column forced to
/// ``ColumnKind/numerical``, ``DriftMethod/ks`` or ``DriftMethod/wasserstein`` on a categorical
/// column, a column with no usable value in either table (as Evidently, which raises for an empty
/// column), or no column to test. Constant columns are defined: Wasserstein divides by
/// max(std, 0.001), KS and the binned tests need no division by the spread.
///
/// Text columns (Evidently's domain-classifier text drift) are out of scope.
public struct DriftDetector: Sendable {
    /// The options every call uses, on tables (``detect(reference:current:)-(Table,Table)``) and on
    /// profiles (``detect(reference:current:)-(DatasetProfile,DatasetProfile)``).
    public var options: DriftOptions

    /// Creates a detector; the default options reproduce Evidently's `DataDriftPreset()`.
    public init(options: DriftOptions = DriftOptions()) {
        self.options = options
    }

    /// Throws when a tested column is missing from either side, naming every such column.
    ///
    /// - Parameters:
    ///   - missingInReference: Tested columns the reference lacks.
    ///   - missingInCurrent: Tested columns the current side lacks.
    ///   - side: What each side is, for the message (`data`, `profile`).
    ///   - both: What the two sides are (`tables`, `profiles`).
    static func requireColumns(
        missingInReference: [String], missingInCurrent: [String], side: String, both: String
    ) throws {
        guard !missingInReference.isEmpty || !missingInCurrent.isEmpty else { return }
        var parts: [String] = []
        if !missingInReference.isEmpty {
            parts.append("missing in the reference \(side): \(missingInReference.joined(separator: ", "))")
        }
        if !missingInCurrent.isEmpty {
            parts.append("missing in the current \(side): \(missingInCurrent.joined(separator: ", "))")
        }
        throw MLOpsError(
            .invalidArgument, "drift needs the same columns in both \(both); \(parts.joined(separator: "; "))",
            value: (missingInReference + missingInCurrent).joined(separator: ","))
    }

    /// Tests every selected column of `reference` against the same column of `current`.
    ///
    /// - Parameters:
    ///   - reference: The reference data (defines the columns tested when ``DriftOptions/columns`` is
    ///     `nil`).
    ///   - current: The data to compare; it may have extra columns.
    /// - Returns: One result per column, in order, and the dataset-level decision.
    /// - Throws: `MLOpsError` (`.invalidArgument`) naming the offending columns, see the type's overview.
    public func detect(reference: Table, current: Table) throws -> DatasetDriftResult {
        let names = options.columns ?? reference.columnNames
        guard !names.isEmpty else {
            throw MLOpsError(.invalidArgument, "no columns to test for drift; give at least one column")
        }
        try Self.requireColumns(
            missingInReference: names.filter { reference.column(named: $0) == nil },
            missingInCurrent: names.filter { current.column(named: $0) == nil }, side: "data", both: "tables")
        var plans: [ColumnPlan] = []
        var mismatched: [String] = []
        for name in names {
            guard let left = reference.column(named: name), let right = current.column(named: name) else { continue }
            let leftKind = Self.inferredKind(left.storage)
            let rightKind = Self.inferredKind(right.storage)
            if leftKind != rightKind {
                mismatched.append("\(name) (reference \(left.storage.type), current \(right.storage.type))")
                continue
            }
            plans.append(ColumnPlan(name: name, reference: left, current: right, inferredKind: leftKind))
        }
        if !mismatched.isEmpty {
            throw MLOpsError(
                .invalidArgument,
                "drift needs each column to have the same kind in both tables; numerical vs categorical: "
                    + mismatched.joined(separator: ", "),
                value: mismatched.joined(separator: ","))
        }
        let tasks = plans
        let outcomes = Self.runParallel(tasks.count) { index in
            Result { try self.detect(tasks[index]) }
        }
        var results: [ColumnDriftResult] = []
        results.reserveCapacity(outcomes.count)
        for outcome in outcomes { results.append(try outcome.get()) }
        return DatasetDriftResult(columns: results, shareThreshold: options.driftShare)
    }

    // MARK: - One column

    struct ColumnPlan: Sendable {
        var name: String
        var reference: Column
        var current: Column
        var inferredKind: ColumnKind
    }

    static func inferredKind(_ storage: ColumnData) -> ColumnKind {
        switch storage {
        case .double, .float, .int: .numerical
        case .string, .bool: .categorical
        }
    }

    func detect(_ plan: ColumnPlan) throws -> ColumnDriftResult {
        let name = plan.name
        let overrides = options.perColumn[name] ?? ColumnDriftOptions()
        let kind = overrides.kind ?? plan.inferredKind
        if kind == .numerical, case .string = plan.reference.storage {
            throw MLOpsError(
                .invalidArgument, "column '\(name)' holds strings and cannot be treated as numerical", value: name)
        }
        let isStringData: Bool
        if case .string = plan.reference.storage { isStringData = true } else { isStringData = false }

        var sample = DriftSample()
        if isStringData {
            let counts = Self.stringCounts(plan.reference, plan.current)
            sample.categories = counts
            sample.referenceCount = counts.reference.reduce(0, +)
            sample.currentCount = counts.current.reduce(0, +)
        } else {
            sample.reference = Self.finiteSortedValues(plan.reference)
            sample.current = Self.finiteSortedValues(plan.current)
            sample.referenceCount = sample.reference.count - 1
            sample.currentCount = sample.current.count - 1
            sample.integerValues =
                Self.isIntegerWithoutMissing(plan.reference) && Self.isIntegerWithoutMissing(plan.current)
        }
        if sample.referenceCount == 0 || sample.currentCount == 0 {
            let side = sample.referenceCount == 0 ? "reference" : "current"
            throw MLOpsError(
                .invalidArgument,
                "column '\(name)' has no usable value in the \(side) data (all missing, NaN or infinite); "
                    + "drift cannot be computed for an empty column",
                value: name)
        }
        let method: DriftMethod
        if let chosen = overrides.method
            ?? (kind == .numerical ? options.numericalMethod : options.categoricalMethod) ?? options.method
        {
            method = chosen
        } else {
            method = Self.defaultMethod(
                kind: kind, referenceCount: sample.referenceCount, uniqueCount: sample.unionDistinct(limit: 5))
        }
        if kind == .categorical && !method.supportsCategorical {
            throw MLOpsError(
                .invalidArgument,
                "column '\(name)' is categorical; \(method.rawValue) needs numerical values "
                    + "(use psi, jensenshannon, chisquare or z)",
                value: name)
        }
        let threshold = overrides.threshold ?? options.threshold ?? method.defaultThreshold
        let (statistic, pValue) = sample.compute(method, kind: kind)
        let score = pValue ?? statistic
        return ColumnDriftResult(
            column: name, method: method, statistic: statistic, pValue: pValue, threshold: threshold,
            isDrifted: method.isDrift(score: score, threshold: threshold), kind: kind,
            referenceCount: sample.referenceCount, currentCount: sample.currentCount)
    }

    /// Evidently's `_get_default_stattest` for a non-text column.
    static func defaultMethod(kind: ColumnKind, referenceCount: Int, uniqueCount: Int) -> DriftMethod {
        if referenceCount <= 1000 {
            if kind == .numerical && uniqueCount > 5 { return .ks }
            return uniqueCount > 2 ? .chiSquare : .zTest
        }
        if kind == .numerical && uniqueCount > 5 { return .wasserstein }
        return .jensenShannon
    }

    // MARK: - Preparation

    static func isIntegerWithoutMissing(_ column: Column) -> Bool {
        if case .int = column.storage { return !column.missing.hasMissing }
        return false
    }

    /// The column's non-missing finite values as doubles, sorted (bools as 0 and 1), followed by one
    /// +∞ sentinel that the merge walks read (``DriftSample`` hides it).
    static func finiteSortedValues(_ column: Column) -> [Double] {
        let mask = column.missing
        let checkMask = mask.hasMissing
        var values: [Double]
        switch column.storage {
        case .double(let source):
            values = source.withUnsafeBufferPointer { buffer in
                collect(count: buffer.count) { index in
                    let value = buffer[index]
                    return value.isFinite && !(checkMask && mask[index]) ? value : nil
                }
            }
        case .float(let source):
            values = source.withUnsafeBufferPointer { buffer in
                collect(count: buffer.count) { index in
                    let value = buffer[index]
                    return value.isFinite && !(checkMask && mask[index]) ? Double(value) : nil
                }
            }
        case .int(let source):
            values = source.withUnsafeBufferPointer { buffer in
                collect(count: buffer.count) { index in
                    checkMask && mask[index] ? nil : Double(buffer[index])
                }
            }
        case .bool(let source):
            values = collect(count: source.count) { index in
                checkMask && mask[index] ? nil : (source[index] ? 1 : 0)
            }
        case .string:
            values = [.infinity]
        }
        let count = values.count - 1
        var scratch = [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        values.withUnsafeMutableBufferPointer { buffer in
            scratch.withUnsafeMutableBufferPointer { spare in
                RadixSort.sort(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]), scratch: spare)
            }
        }
        return values
    }

    /// The values `value` gives for `0..<count` (skipping `nil`), then a +∞ sentinel.
    @inline(__always)
    static func collect(count: Int, _ value: (Int) -> Double?) -> [Double] {
        [Double](unsafeUninitializedCapacity: count + 1) { buffer, initialized in
            var written = 0
            for index in 0..<count {
                if let element = value(index) {
                    buffer[written] = element
                    written += 1
                }
            }
            buffer[written] = .infinity
            initialized = written + 1
        }
    }

    /// Category counts of two string columns over the union of their non-missing values, categories in
    /// ascending UTF-8 (= Unicode code point) order, as Python sorts strings.
    static func stringCounts(_ reference: Column, _ current: Column) -> CategoryCounts {
        var index: [String: Int] = [:]
        var keys: [String] = []
        var referenceCounts: [Int] = []
        var currentCounts: [Int] = []
        for (column, isReference) in [(reference, true), (current, false)] {
            guard case .string(let values) = column.storage else { continue }
            let mask = column.missing
            for (row, value) in values.enumerated() where !(mask.hasMissing && mask[row]) {
                let slot: Int
                if let existing = index[value] {
                    slot = existing
                } else {
                    slot = keys.count
                    index[value] = slot
                    keys.append(value)
                    referenceCounts.append(0)
                    currentCounts.append(0)
                }
                if isReference { referenceCounts[slot] += 1 } else { currentCounts[slot] += 1 }
            }
        }
        let order = keys.indices.sorted { keys[$0].utf8.lexicographicallyPrecedes(keys[$1].utf8) }
        return CategoryCounts(reference: order.map { referenceCounts[$0] }, current: order.map { currentCounts[$0] })
    }

    // MARK: - Parallelism

    final class Slots<Element>: @unchecked Sendable {
        var values: [Element?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
    }

    /// Runs `body` for `0..<count` on all cores (each index writes only its own slot).
    static func runParallel<Element>(_ count: Int, _ body: @Sendable (Int) -> Element) -> [Element] {
        let slots = Slots<Element>(count: count)
        slots.values.withUnsafeMutableBufferPointer { buffer in
            let base = UncheckedPointer(buffer.baseAddress)
            if count <= 1 {
                for index in 0..<count { base.pointer?[index] = body(index) }
            } else {
                DispatchQueue.concurrentPerform(iterations: count) { index in
                    base.pointer?[index] = body(index)
                }
            }
        }
        return slots.values.compactMap { $0 }
    }

    struct UncheckedPointer<Element>: @unchecked Sendable {
        var pointer: UnsafeMutablePointer<Element?>?
        init(_ pointer: UnsafeMutablePointer<Element?>?) { self.pointer = pointer }
    }
}

/// One column's prepared values: sorted finite numbers, or category counts for string data.
struct DriftSample {
    var reference: [Double] = []
    var current: [Double] = []
    var categories: CategoryCounts?
    var referenceCount = 0
    var currentCount = 0
    var integerValues = false

    init() {}

    /// Calls `body` with the sorted reference and current values, without their +∞ sentinels.
    func withSamples<Result>(
        _ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) -> Result
    ) -> Result {
        reference.withUnsafeBufferPointer { u in
            current.withUnsafeBufferPointer { v in
                body(
                    UnsafeBufferPointer(rebasing: u[0..<max(u.count - 1, 0)]),
                    UnsafeBufferPointer(rebasing: v[0..<max(v.count - 1, 0)]))
            }
        }
    }

    /// Distinct values over both samples, counted up to `limit + 1`.
    func unionDistinct(limit: Int) -> Int {
        if let categories { return categories.reference.count }
        return withSamples { u, v in DriftKernels.unionDistinctCount(u, v, limit: limit) }
    }

    /// Category counts: the string counts, or one category per distinct number.
    func categoryCounts() -> CategoryCounts {
        if let categories { return categories }
        return withSamples { u, v in DriftKernels.valueCounts(u, v) }
    }

    /// Evidently's `get_binned_data` bins: Sturges bins for numerical columns with more than 20 distinct
    /// reference values, one bin per value otherwise.
    func bins(kind: ColumnKind) -> CategoryCounts {
        if categories == nil && kind == .numerical {
            let distinct = withSamples { u, _ in DriftKernels.distinctCount(u, limit: 20) }
            if distinct > 20 {
                return withSamples { u, v in DriftKernels.sturgesCounts(u, v, integerValues: integerValues) }
            }
        }
        return categoryCounts()
    }

    func compute(_ method: DriftMethod, kind: ColumnKind) -> (statistic: Double, pValue: Double?) {
        switch method {
        case .ks:
            return withSamples { u, v in
                let (numerator, statistic) = DriftKernels.ksStatistic(u, v)
                let p = KolmogorovSmirnovDistribution.pValue(
                    n1: u.count, n2: v.count, differenceNumerator: numerator, statistic: statistic)
                return (statistic, p)
            }
        case .wasserstein:
            return withSamples { u, v in
                let norm = max(DriftKernels.populationStandardDeviation(u), 0.001)
                return (DriftKernels.wasserstein(u, v) / norm, nil)
            }
        case .psi:
            return (DriftKernels.psi(bins(kind: kind), referenceTotal: referenceCount, currentTotal: currentCount), nil)
        case .jensenShannon:
            let counts = bins(kind: kind)
            return (DriftKernels.jensenShannon(counts, referenceTotal: referenceCount, currentTotal: currentCount), nil)
        case .chiSquare:
            let result = DriftKernels.chiSquare(
                categoryCounts(), referenceTotal: referenceCount, currentTotal: currentCount)
            return (result.statistic, result.pValue)
        case .zTest:
            let result = DriftKernels.zTest(
                categoryCounts(), referenceTotal: referenceCount, currentTotal: currentCount)
            return (result.statistic, result.pValue)
        }
    }
}
