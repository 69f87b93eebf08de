import Foundation
import InferenceCore
import MLOpsCore
import Testing
import Training

@Suite struct FeaturePipelineTests {
    static func scratch() -> String { "/tmp/mlops-pipeline-test-\(SortableID()).mlpkg" }

    /// 24 rows: numeric `age` (with missing values), `income`, text `city` (with a missing value),
    /// integer `visits`, and a text target `segment` with three classes.
    static func mixedTable() throws -> Table {
        let n = 24
        let cities = ["paris", "lyon", "nice", "lyon"]
        let segments = ["gold", "silver", "bronze"]
        let age: [Double?] = (0..<n).map { i -> Double? in
            let years: Int = 20 + (i * 7) % 45
            return i % 7 == 3 ? nil : Double(years)
        }
        let income: [Double] = (0..<n).map { i -> Double in
            let step: Int = (i * 37) % 100
            return 1_000 + Double(step) * 13.5
        }
        let city: [String?] = (0..<n).map { i -> String? in i == 5 ? nil : cities[i % 4] }
        let visits: [Int64] = (0..<n).map { i -> Int64 in Int64(i % 3) }
        let segment: [String] = (0..<n).map { i -> String in segments[(i / 2) % 3] }
        return try Table(columns: [
            .double("age", age), .double("income", income), .string("city", city), .int("visits", visits),
            .string("segment", segment),
        ])
    }

    static var mixedPipeline: FeaturePipeline {
        FeaturePipeline(
            steps: [
                SimpleImputer(strategy: .mean), OrdinalEncoder(columns: ["visits"]),
                StandardScaler(columns: ["age", "income"]), OneHotEncoder(handleUnknown: .ignore),
            ],
            estimator: ExportingCentroid())
    }

    @Test func exportedModelPredictsLikeThePipelineEndToEnd() throws {
        let table = try Self.mixedTable()
        var context = TrainingContext(seed: 1, threads: 1)
        let fitted = try Self.mixedPipeline.fit(table, target: "segment", context: &context)
        #expect(fitted.task == .multiclass)
        #expect(fitted.classLabels == ["bronze", "gold", "silver"])
        #expect(fitted.inputColumns == ["age", "income", "city", "visits"])
        #expect(fitted.featureNames == ["age", "income", "city_lyon", "city_nice", "city_paris", "visits"])
        #expect(fitted.model.metadata["mlops.class_labels"] == #"["bronze","gold","silver"]"#)
        #expect(fitted.model.metadata["mlops.task"] == "multiclass")
        #expect(fitted.model.metadata["mlops.target"] == "segment")
        #expect(fitted.model.metadata["mlops.estimator"] == "nearest_centroid")

        let inProcess = try fitted.predict(table)
        #expect(inProcess.columnNames == ["probability_0", "probability_1", "probability_2", "label"])
        let path = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fitted.model.write(to: path)
        let loaded = try Model(contentsOf: path)
        #expect(loaded.metadata == fitted.model.metadata)
        let reloaded = try loaded.predict(table.removing(columns: ["segment"]))
        #expect(reloaded == inProcess)  // bit for bit (Column compares floats by bit pattern)

        let double = try fitted.predictions(table)
        for k in 0..<3 {
            let exported = try inProcess.doubles(column: "probability_\(k)")
            for row in 0..<table.rowCount {
                #expect(abs(exported[row] - double.probabilities[row * 3 + k]) < 1e-4)
            }
        }
        #expect(try inProcess.doubles(column: "label").map { Int($0) } == double.labels)
    }

    @Test func unknownCategoryInTheExportedModelFollowsTheEncoder() throws {
        var context = TrainingContext(seed: 1, threads: 1)
        let fitted = try Self.mixedPipeline.fit(try Self.mixedTable(), target: "segment", context: &context)
        let fresh = try Table(columns: [
            .double("age", [30]), .double("income", [1_200]), .string("city", ["oslo"]), .int("visits", [1]),
        ])
        let predicted = try fitted.predict(fresh)
        let double = try fitted.predictions(fresh)
        #expect(abs(try predicted.doubles(column: "probability_1")[0] - double.probabilities[1]) < 1e-4)

        var strict = Self.mixedPipeline
        strict.steps[3] = OneHotEncoder(handleUnknown: .error)
        let strictFit = try strict.fit(
            try Self.mixedTable().rows(Array(0..<5) + Array(6..<24)), target: "segment", context: &context)
        #expect(throws: MLOpsError.self) { try strictFit.predict(fresh) }
        let error = #expect(throws: MLOpsError.self) { try strictFit.predictions(fresh) }
        #expect(error?.value == "oslo")
    }

    @Test func numericRegressionHasOneNamedInput() throws {
        let n = 30
        let x1 = (0..<n).map { Double($0) }
        let x2 = (0..<n).map { Double(($0 * 17) % 11) }
        let y = zip(x1, x2).map { 3 * $0 - 2 * $1 + 5 }
        var withMissing = x2.map(Optional.some)
        withMissing[4] = nil
        let table = try Table(columns: [
            .double("y", y), .double("x1", x1), .double("x2", withMissing), .string("unused", (0..<n).map { "u\($0)" }),
        ])
        let pipeline = FeaturePipeline(
            steps: [
                ColumnSelector(columns: ["x1", "x2"]), SimpleImputer(strategy: .median),
                MinMaxScaler(featureRange: (-1, 1)),
            ],
            estimator: LeastSquares())
        var context = TrainingContext(seed: 3, threads: 1)
        let fitted = try pipeline.fit(table, target: "y", context: &context)
        #expect(fitted.task == .regression)
        #expect(fitted.inputColumns == ["x1", "x2"])
        #expect(fitted.model.graph.inputs.count == 1)
        #expect(fitted.model.signature.featureNames == ["x1", "x2"])
        #expect(fitted.model.metadata["mlops.param.ridge"] == "1e-9")
        let predicted = try fitted.predict(table)
        let path = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fitted.model.write(to: path)
        #expect(try Model(contentsOf: path).predict(table.select(columns: ["x1", "x2"])) == predicted)
        let exported = try predicted.doubles(column: "prediction")
        let double = try fitted.predictions(table).values
        for row in 0..<n { #expect(abs(exported[row] - double[row]) < 1e-3 * max(1, abs(double[row]))) }
    }

    @Test func singleTextColumnBinaryClassifier() throws {
        let table = try Table(columns: [
            .string("kind", ["a", "b", "a", "b", "a", "c"]), .bool("ok", [true, false, true, false, true, false]),
        ])
        var context = TrainingContext(seed: 0, threads: 1)
        let fitted = try FeaturePipeline(steps: [OneHotEncoder()], estimator: ExportingCentroid())
            .fit(table, target: "ok", context: &context)
        #expect(fitted.task == .binary)
        #expect(fitted.model.signature.featureNames == ["kind"])
        let predicted = try fitted.predict(table)
        #expect(predicted.columnNames == ["probability", "label"])
        let path = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fitted.model.write(to: path)
        #expect(try Model(contentsOf: path).predict(table.select(columns: ["kind"])) == predicted)
        let positive = try fitted.predictions(table).positiveProbabilities
        let exported = try predicted.doubles(column: "probability")
        for row in 0..<table.rowCount { #expect(abs(exported[row] - positive[row]) < 1e-5) }
    }

    @Test func missingValueNotImputedNamesTheColumn() throws {
        let table = try Self.mixedTable()
        var context = TrainingContext(seed: 1, threads: 1)
        let pipeline = FeaturePipeline(steps: [OneHotEncoder(handleUnknown: .ignore)], estimator: ExportingCentroid())
        let error = #expect(throws: MLOpsError.self) { try pipeline.fit(table, target: "segment", context: &context) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.value == "age")
        #expect(error?.message.contains("age") == true)
    }

    @Test func textLeftAfterTheStepsAndEmptyTablesAreErrors() throws {
        var context = TrainingContext(seed: 1, threads: 1)
        let pipeline = FeaturePipeline(steps: [SimpleImputer()], estimator: ExportingCentroid())
        let text = #expect(throws: MLOpsError.self) {
            try pipeline.fit(try Self.mixedTable(), target: "segment", context: &context)
        }
        #expect(text?.value == "city")
        let empty = try Table(columns: [.double("x", [Double]()), .string("y", [String]())])
        let error = #expect(throws: MLOpsError.self) { try pipeline.fit(empty, target: "y", context: &context) }
        #expect(error?.code == .invalidArgument)
        let missingTarget = #expect(throws: MLOpsError.self) {
            try pipeline.fit(try Self.mixedTable(), target: "nope", context: &context)
        }
        #expect(missingTarget?.code == .notFound)
    }
}
