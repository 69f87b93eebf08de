import MLOpsCore
import Monitoring
import Testing

@Suite struct DriftDetectorTests {
    static func table(_ columns: Column...) throws -> Table { try Table(columns: columns) }

    static func normal(_ count: Int, mean: Double, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in random.normal(mean: mean, standardDeviation: 1) }
    }

    @Test func columnMissingInCurrentIsNamed() throws {
        let reference = try Self.table(.double("a", [1, 2, 3]), .double("b", [1, 2, 3]))
        let current = try Self.table(.double("a", [1, 2, 3]))
        let error = #expect(throws: MLOpsError.self) {
            try DriftDetector().detect(reference: reference, current: current)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("missing in the current data: b") == true)
    }

    @Test func selectedColumnMissingInReferenceIsNamed() throws {
        let reference = try Self.table(.double("a", [1, 2, 3]))
        let current = try Self.table(.double("a", [1, 2, 3]), .double("z", [1, 2, 3]))
        let detector = DriftDetector(options: DriftOptions(columns: ["a", "z"]))
        let error = #expect(throws: MLOpsError.self) { try detector.detect(reference: reference, current: current) }
        #expect(error?.message.contains("missing in the reference data: z") == true)
    }

    @Test func differentKindsAreNamed() throws {
        let reference = try Self.table(.double("a", [1, 2, 3]), .string("s", ["x", "y", "z"]))
        let current = try Self.table(.string("a", ["1", "2"]), .string("s", ["x", "y"]))
        let error = #expect(throws: MLOpsError.self) {
            try DriftDetector().detect(reference: reference, current: current)
        }
        #expect(error?.message.contains("a (reference double, current string)") == true)
    }

    @Test func allMissingColumnIsATypedError() throws {
        let reference = try Self.table(.double("a", [nil, nil, .nan, .infinity] as [Double?]))
        let current = try Self.table(.double("a", [1.0, 2.0]))
        let error = #expect(throws: MLOpsError.self) {
            try DriftDetector().detect(reference: reference, current: current)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("column 'a' has no usable value in the reference data") == true)
        let empty = try Self.table(.double("a", [] as [Double]))
        #expect(throws: MLOpsError.self) { try DriftDetector().detect(reference: current, current: empty) }
    }

    @Test func noColumnsIsATypedError() throws {
        #expect(throws: MLOpsError.self) { try DriftDetector().detect(reference: Table(), current: Table()) }
    }

    @Test func stringsCannotBeNumerical() throws {
        let reference = try Self.table(.string("s", ["1", "2"]))
        let detector = DriftDetector(
            options: DriftOptions(perColumn: ["s": ColumnDriftOptions(kind: .numerical)]))
        #expect(throws: MLOpsError.self) { try detector.detect(reference: reference, current: reference) }
    }

    @Test func orderedMethodsRejectCategoricalColumns() throws {
        let reference = try Self.table(.string("s", ["a", "b", "c"]))
        for method in [DriftMethod.ks, .wasserstein] {
            let detector = DriftDetector(options: DriftOptions(method: method))
            let error = #expect(throws: MLOpsError.self) {
                try detector.detect(reference: reference, current: reference)
            }
            #expect(error?.message.contains("column 's' is categorical") == true)
        }
    }

    @Test func constantColumnsHaveFiniteStatistics() throws {
        let reference = try Self.table(.double("c", Array(repeating: 2.0, count: 2000)))
        let current = try Self.table(.double("c", Array(repeating: 2.0005, count: 1500)))
        for method in DriftMethod.allCases {
            let detector = DriftDetector(options: DriftOptions(method: method))
            let result = try #require(try detector.detect(reference: reference, current: current).columns.first)
            if method == .chiSquare {
                // A value the reference never had: SciPy's statistic is +inf and the p-value 0.
                #expect(result.statistic == .infinity && result.pValue == 0)
            } else {
                #expect(result.statistic.isFinite, "\(method)")
            }
            #expect(result.pValue.map { $0.isFinite && $0 >= 0 && $0 <= 1 } ?? true, "\(method)")
        }
        // Wasserstein divides by max(std, 0.001): 0.0005 / 0.001.
        let wasserstein = try DriftDetector(options: DriftOptions(method: .wasserstein))
            .detect(reference: reference, current: current).columns[0]
        #expect(abs(wasserstein.statistic - 0.5) < 1e-9)
        #expect(wasserstein.isDrifted)
    }

    @Test func missingValuesAreExcluded() throws {
        let values = Self.normal(500, mean: 0, seed: 1)
        let withHoles = values.map { Optional($0) } + [nil, nil, .nan, .infinity, -.infinity]
        let clean = try DriftDetector(options: DriftOptions(method: .ks))
            .detect(reference: Self.table(.double("x", values)), current: Self.table(.double("x", values)))
        let holes = try DriftDetector(options: DriftOptions(method: .ks))
            .detect(reference: Self.table(.double("x", withHoles)), current: Self.table(.double("x", values)))
        #expect(holes.columns[0].referenceCount == 500)
        #expect(holes.columns[0].statistic == clean.columns[0].statistic)
        #expect(holes.columns[0].pValue == clean.columns[0].pValue)
    }

    @Test func floatIntAndDoubleColumnsAgree() throws {
        let reference: [Int64] = (0..<300).map { Int64($0 % 17) }
        let current: [Int64] = (0..<250).map { Int64(($0 * 7) % 19) }
        let asInt = try DriftDetector(options: DriftOptions(method: .ks))
            .detect(reference: Self.table(.int("x", reference)), current: Self.table(.int("x", current)))
        let asFloat = try DriftDetector(options: DriftOptions(method: .ks))
            .detect(
                reference: Self.table(.float("x", reference.map { Float($0) })),
                current: Self.table(.double("x", current.map { Double($0) })))
        #expect(asInt.columns[0].statistic == asFloat.columns[0].statistic)
        #expect(asInt.columns[0].pValue == asFloat.columns[0].pValue)
    }

    @Test func datasetDriftIsTheShareOfDriftedColumns() throws {
        var referenceColumns: [Column] = []
        var currentColumns: [Column] = []
        for index in 0..<4 {
            referenceColumns.append(.double("x\(index)", Self.normal(3000, mean: 0, seed: UInt64(index))))
            let shift = index < 2 ? 1.0 : 0.0
            currentColumns.append(.double("x\(index)", Self.normal(3000, mean: shift, seed: UInt64(100 + index))))
        }
        let reference = try Table(columns: referenceColumns)
        let current = try Table(columns: currentColumns)
        let result = try DriftDetector().detect(reference: reference, current: current)
        #expect(result.columns.map(\.column) == ["x0", "x1", "x2", "x3"])
        #expect(result.columns.allSatisfy { $0.method == .wasserstein })
        #expect(result.driftedCount == 2)
        #expect(result.share == 0.5)
        #expect(result.isDrifted)
        #expect(result[column: "x0"]?.isDrifted == true)
        #expect(result[column: "x3"]?.isDrifted == false)
        let stricter = try DriftDetector(options: DriftOptions(driftShare: 0.75)).detect(
            reference: reference, current: current)
        #expect(!stricter.isDrifted)
    }

    @Test func overridesFollowPrecedence() throws {
        let reference = try Self.table(
            .double("a", Self.normal(200, mean: 0, seed: 5)), .string("s", (0..<200).map { "c\($0 % 4)" }))
        let current = try Self.table(
            .double("a", Self.normal(150, mean: 0.1, seed: 6)), .string("s", (0..<150).map { "c\($0 % 5)" }))
        let options = DriftOptions(
            method: .psi, numericalMethod: .wasserstein, threshold: 0.3,
            perColumn: ["s": ColumnDriftOptions(method: .jensenShannon, threshold: 0.01)])
        let result = try DriftDetector(options: options).detect(reference: reference, current: current)
        #expect(result[column: "a"]?.method == .wasserstein)
        #expect(result[column: "a"]?.threshold == 0.3)
        #expect(result[column: "s"]?.method == .jensenShannon)
        #expect(result[column: "s"]?.threshold == 0.01)
        let fallback = try DriftDetector(options: DriftOptions(method: .psi)).detect(
            reference: reference, current: current)
        #expect(fallback.columns.allSatisfy { $0.method == .psi && $0.threshold == 0.1 && $0.pValue == nil })
    }

    @Test func decisionRulesMatchEvidently() {
        #expect(DriftMethod.ks.isDrift(score: 0.05, threshold: 0.05))
        #expect(!DriftMethod.chiSquare.isDrift(score: 0.05, threshold: 0.05))
        #expect(!DriftMethod.zTest.isDrift(score: 0.05, threshold: 0.05))
        #expect(DriftMethod.psi.isDrift(score: 0.1, threshold: 0.1))
        #expect(!DriftMethod.wasserstein.isDrift(score: .nan, threshold: 0.1))
    }

    @Test func resultsRoundTripThroughCodable() throws {
        let reference = try Self.table(.double("a", Self.normal(100, mean: 0, seed: 9)))
        let result = try DriftDetector().detect(reference: reference, current: reference)
        let encoded = try JSONEncoderForTests.encode(result)
        #expect(try JSONEncoderForTests.decode(DatasetDriftResult.self, encoded) == result)
    }
}
