import MLOpsCore
import Testing

@testable import Monitoring

/// Drift from profiles against drift from the raw columns the profiles summarise.
@Suite struct ProfileDriftTests {
    static func sample(_ kind: String, count: Int, shift: Double, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            switch kind {
            case "normal": random.normal(mean: shift, standardDeviation: 1)
            case "exponential": -Platform.log(1 - random.nextDouble()) * (1 + shift) + shift
            case "uniform": random.uniform(in: shift..<(10 + shift))
            case "integers": Double(random.int(in: 0..<200)) + (shift * 20).rounded()
            default: random.normal(mean: 0, standardDeviation: 1 + shift)
            }
        }
    }

    static func both(_ reference: Table, _ current: Table, options: DriftOptions) throws -> (
        raw: DatasetDriftResult, profiled: DatasetDriftResult
    ) {
        let detector = DriftDetector(options: options)
        let raw = try detector.detect(reference: reference, current: current)
        let profiled = try detector.detect(reference: DatasetProfile(reference), current: DatasetProfile(current))
        return (raw, profiled)
    }

    /// Every column of a sketched pair is within its bound of the raw statistic, and decisions agree
    /// where the raw score is clearly away from the threshold.
    static func expectAgreement(_ raw: DatasetDriftResult, _ profiled: DatasetDriftResult) {
        #expect(raw.columns.count == profiled.columns.count)
        for (exact, sketched) in zip(raw.columns, profiled.columns) {
            #expect(exact.column == sketched.column)
            #expect(exact.method == sketched.method, "\(exact.column)")
            #expect(exact.statisticErrorBound == nil)
            #expect(exact.referenceCount == sketched.referenceCount)
            #expect(exact.currentCount == sketched.currentCount)
            if let bound = sketched.statisticErrorBound {
                #expect(
                    abs(exact.statistic - sketched.statistic) <= bound,
                    "\(exact.column) \(exact.method): raw \(exact.statistic), sketch \(sketched.statistic), bound \(bound)"
                )
            }
            // Away from the threshold, given the sketch's error: distances at least 30 % and the bound
            // off it; p-values below 1e-6 or above 0.5, and for KS still on the same side of the threshold
            // at D ± bound (with many rows a KS p-value turns on a D smaller than the sketches' rank error).
            let bound = sketched.statisticErrorBound ?? 0
            let clear: Bool
            if exact.method == .ks {
                let n1 = exact.referenceCount
                let n2 = exact.currentCount
                let low = KolmogorovSmirnovDistribution.asymptoticPValue(
                    n1: n1, n2: n2, statistic: max(exact.statistic - bound, 0))
                let high = KolmogorovSmirnovDistribution.asymptoticPValue(
                    n1: n1, n2: n2, statistic: exact.statistic + bound)
                let side = exact.isDrifted
                clear =
                    (exact.score < 1e-6 || exact.score > 0.5)
                    && DriftMethod.ks.isDrift(score: low, threshold: exact.threshold) == side
                    && DriftMethod.ks.isDrift(score: high, threshold: exact.threshold) == side
            } else if exact.method.hasPValue {
                clear = exact.score < 1e-6 || exact.score > 0.5
            } else {
                let margin = abs(exact.statistic - exact.threshold)
                clear = margin > 0.3 * exact.threshold && margin > bound
            }
            if clear {
                #expect(
                    exact.isDrifted == sketched.isDrifted,
                    "\(exact.column) \(exact.method): raw \(exact.score), sketch \(sketched.score)")
            }
        }
    }

    @Test(arguments: [10_000, 60_000])
    func numericalStatisticsAreWithinTheirBounds(rows: Int) throws {
        let kinds = ["normal", "exponential", "uniform", "integers", "wide"]
        var referenceColumns: [Column] = []
        var currentColumns: [Column] = []
        for (index, kind) in kinds.enumerated() {
            let seed = UInt64(rows + index * 10)
            referenceColumns.append(.double(kind, Self.sample(kind, count: rows, shift: 0, seed: seed)))
            referenceColumns.append(
                .double(kind + "_shifted", Self.sample(kind, count: rows, shift: 0, seed: seed + 1)))
            currentColumns.append(.double(kind, Self.sample(kind, count: rows, shift: 0, seed: seed + 2)))
            currentColumns.append(
                .double(kind + "_shifted", Self.sample(kind, count: rows, shift: 0.5, seed: seed + 3)))
        }
        let reference = try Table(columns: referenceColumns)
        let current = try Table(columns: currentColumns)
        for method in [DriftMethod.ks, .wasserstein, .psi, .jensenShannon] {
            let (raw, profiled) = try Self.both(reference, current, options: DriftOptions(method: method))
            Self.expectAgreement(raw, profiled)
            for column in profiled.columns {
                #expect(column.statisticErrorBound != nil || method == .psi, "\(column.column) \(method)")
                #expect((column.statisticErrorBound ?? 0) > 0 || method == .psi)
            }
        }
        let (raw, profiled) = try Self.both(reference, current, options: DriftOptions())
        Self.expectAgreement(raw, profiled)
        #expect(profiled.columns.allSatisfy { $0.method == .wasserstein })
        // The shifted columns drift by every measure, the others by none.
        #expect(profiled.columns.map(\.isDrifted) == raw.columns.map(\.isDrifted))
    }

    @Test func twoHundredThousandRows() throws {
        let reference = try Table(columns: [
            .double("a", Self.sample("normal", count: 200_000, shift: 0, seed: 1)),
            .double("b", Self.sample("normal", count: 200_000, shift: 0, seed: 2)),
        ])
        let current = try Table(columns: [
            .double("a", Self.sample("normal", count: 150_000, shift: 0, seed: 3)),
            .double("b", Self.sample("normal", count: 150_000, shift: 0.5, seed: 4)),
        ])
        for method in [DriftMethod.ks, .wasserstein, .jensenShannon, .psi] {
            let (raw, profiled) = try Self.both(reference, current, options: DriftOptions(method: method))
            Self.expectAgreement(raw, profiled)
            #expect(profiled.columns[1].isDrifted, "\(method)")
            // KS from sketches cannot clear column a: at 200,000 rows the critical D (≈ 0.005) is below
            // the sketches' rank error, so its p-value says little; the distances can.
            if method != .ks { #expect(!profiled.columns[0].isDrifted, "\(method)") }
        }
    }

    @Test func exactSketchesGiveTheRawResults() throws {
        // Up to 2,048 values a KLL sketch keeps them all: statistics, p-values (KS's exact small-sample
        // distribution included) and methods equal the raw ones, and the bound is 0.
        let reference = try Table(columns: [
            .double("x", Self.sample("normal", count: 900, shift: 0, seed: 7)),
            .double("few", (0..<900).map { Double($0 % 4) }),
            .int("n", (0..<900).map { Int64($0 % 37) }),
        ])
        let current = try Table(columns: [
            .double("x", Self.sample("normal", count: 700, shift: 0.3, seed: 8)),
            .double("few", (0..<700).map { Double($0 % 3) }),
            .int("n", (0..<700).map { Int64($0 % 41) }),
        ])
        for options in [
            DriftOptions(), DriftOptions(method: .ks), DriftOptions(method: .wasserstein), DriftOptions(method: .psi),
            DriftOptions(method: .jensenShannon), DriftOptions(method: .chiSquare), DriftOptions(method: .zTest),
        ] {
            let (raw, profiled) = try Self.both(reference, current, options: options)
            for (exact, sketched) in zip(raw.columns, profiled.columns) {
                #expect(exact.method == sketched.method)
                #expect(sketched.statisticErrorBound == 0)
                #expect(
                    exact.statistic == sketched.statistic
                        || abs(exact.statistic - sketched.statistic) <= 1e-12 * max(1, abs(exact.statistic)))
                #expect(abs((exact.pValue ?? 0) - (sketched.pValue ?? 0)) <= 1e-12)
                #expect(exact.isDrifted == sketched.isDrifted)
            }
        }
    }

    @Test func categoricalCountsAreExactWithinCapacity() throws {
        var random = SeededRandom(seed: 3)
        let names = (0..<30).map { "c\($0)" }
        let reference = try Table(columns: [
            .string("s", (0..<50_000).map { _ in names[random.int(in: 0..<30)] }),
            .string("t", (0..<50_000).map { _ in names[random.int(in: 0..<30)] }),
            .bool("b", (0..<50_000).map { _ in random.nextDouble() < 0.3 }),
        ])
        let current = try Table(columns: [
            .string("s", (0..<40_000).map { _ in names[random.int(in: 0..<30)] }),
            .string("t", (0..<40_000).map { _ in names[min(random.int(in: 0..<30), random.int(in: 0..<30))] }),
            .bool("b", (0..<40_000).map { _ in random.nextDouble() < 0.6 }),
        ])
        for options in [
            DriftOptions(), DriftOptions(method: .chiSquare), DriftOptions(method: .zTest),
            DriftOptions(method: .psi), DriftOptions(method: .jensenShannon),
        ] {
            let (raw, profiled) = try Self.both(reference, current, options: options)
            for (exact, sketched) in zip(raw.columns, profiled.columns) {
                #expect(exact.method == sketched.method)
                #expect(sketched.statisticErrorBound == 0)
                #expect(abs(exact.statistic - sketched.statistic) <= 1e-9 * max(1, abs(exact.statistic)))
                #expect(abs((exact.pValue ?? 0) - (sketched.pValue ?? 0)) <= 1e-12)
                #expect(exact.isDrifted == sketched.isDrifted)
            }
            #expect(Array(profiled.columns.map(\.isDrifted).dropFirst()) == [true, true])
        }
    }

    @Test func integersAsCategoriesAreOrderedAsNumbers() throws {
        // Text order would make "10" the smallest category; the Z-test needs the numeric one, 2.
        var random = SeededRandom(seed: 9)
        let values: [Int64] = [2, 10, 30]
        let reference = try Table(columns: [.int("n", (0..<5_000).map { _ in values[random.int(in: 0..<3)] })])
        let current = try Table(columns: [
            .int("n", (0..<4_000).map { _ in values[min(random.int(in: 0..<3), random.int(in: 0..<3))] })
        ])
        for method in [DriftMethod.zTest, .chiSquare, .jensenShannon, .psi] {
            let options = DriftOptions(method: method, perColumn: ["n": ColumnDriftOptions(kind: .categorical)])
            let (raw, profiled) = try Self.both(reference, current, options: options)
            #expect(profiled.columns[0].kind == .categorical)
            #expect(profiled.columns[0].statisticErrorBound == 0)
            #expect(abs(raw.columns[0].statistic - profiled.columns[0].statistic) <= 1e-9, "\(method)")
            #expect(abs((raw.columns[0].pValue ?? 0) - (profiled.columns[0].pValue ?? 0)) <= 1e-12, "\(method)")
        }
    }

    @Test func categoricalBeyondCapacityHasNoBoundButAgreesWhenClear() throws {
        var random = SeededRandom(seed: 4)
        let reference = try Table(columns: [
            .string("s", (0..<30_000).map { _ in "k\(random.int(in: 0..<500))" })
        ])
        let current = try Table(columns: [
            .string("s", (0..<30_000).map { _ in "k\(random.int(in: 0..<500) / 4)" })
        ])
        let (raw, profiled) = try Self.both(reference, current, options: DriftOptions())
        #expect(profiled.columns[0].method == .jensenShannon)
        #expect(profiled.columns[0].statisticErrorBound == nil)
        #expect(profiled.columns[0].statistic.isFinite)
        #expect(raw.columns[0].isDrifted && profiled.columns[0].isDrifted)
    }

    @Test func constantColumnsAreDefined() throws {
        let reference = try Table(columns: [.double("c", Array(repeating: 5, count: 5_000))])
        let current = try Table(columns: [.double("c", Array(repeating: 5, count: 4_000))])
        for method in DriftMethod.allCases {
            let (raw, profiled) = try Self.both(reference, current, options: DriftOptions(method: method))
            let result = profiled.columns[0]
            #expect(result.statistic.isFinite || method == .chiSquare, "\(method)")
            #expect(!result.statistic.isNaN)
            #expect(result.pValue.map { !$0.isNaN } ?? true)
            #expect(result.isDrifted == raw.columns[0].isDrifted, "\(method)")
        }
    }

    @Test func emptyAndAllMissingColumnsAreTypedErrors() throws {
        let good = try Table(columns: [.double("a", [1, 2, 3])])
        let missing = try Table(columns: [.double("a", [nil, nil, .nan] as [Double?])])
        let detector = DriftDetector()
        let error = #expect(throws: MLOpsError.self) {
            try detector.detect(reference: DatasetProfile(missing), current: DatasetProfile(good))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("column 'a' has no usable value in the reference profile") == true)
        let empty = try Table(columns: [.double("a", [] as [Double])])
        let second = #expect(throws: MLOpsError.self) {
            try detector.detect(reference: DatasetProfile(good), current: DatasetProfile(empty))
        }
        #expect(second?.message.contains("current profile") == true)
        #expect(throws: MLOpsError.self) {
            try detector.detect(reference: DatasetProfile(), current: DatasetProfile())
        }
    }

    @Test func mismatchedColumnsAndKindsAreNamed() throws {
        let reference = DatasetProfile(try Table(columns: [.double("a", [1, 2]), .double("b", [1, 2])]))
        let current = DatasetProfile(try Table(columns: [.string("a", ["x", "y"])]))
        let missing = #expect(throws: MLOpsError.self) {
            try DriftDetector().detect(reference: reference, current: current)
        }
        #expect(missing?.message.contains("missing in the current profile: b") == true)
        let kinds = #expect(throws: MLOpsError.self) {
            try DriftDetector(options: DriftOptions(columns: ["a"])).detect(reference: reference, current: current)
        }
        #expect(kinds?.message.contains("a (reference double, current string)") == true)
    }

    @Test func aNumericalProfileCannotBeTestedAsCategorical() throws {
        let profile = DatasetProfile(try Table(columns: [.double("a", [1, 2, 3])]))
        let detector = DriftDetector(
            options: DriftOptions(perColumn: ["a": ColumnDriftOptions(kind: .categorical)]))
        let error = #expect(throws: MLOpsError.self) { try detector.detect(reference: profile, current: profile) }
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("'a'") == true)
        let ks = DriftDetector(options: DriftOptions(perColumn: ["s": ColumnDriftOptions(method: .ks)]))
        let strings = DatasetProfile(try Table(columns: [.string("s", ["x", "y"])]))
        #expect(throws: MLOpsError.self) { try ks.detect(reference: strings, current: strings) }
    }
}
