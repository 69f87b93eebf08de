import MLOpsCore
import Testing
import Training

/// The foundation's data types: task inference, class order, and the typed errors bad input gets.
@Suite struct TrainingDataTests {
    static func expectInvalid(_ naming: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error; expected one naming \(naming)")
        } catch let error as MLOpsError {
            #expect(error.code == .invalidArgument || error.code == .notFound, "\(error)")
            #expect(error.message.contains(naming), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func tasksAreInferredFromTheTargetColumn() throws {
        #expect(try TrainingTarget(.double("y", [0, 1, 1, 0])).task == .binary)
        #expect(try TrainingTarget(.double("y", [0, 1, 2, 2])).task == .multiclass)
        #expect(try TrainingTarget(.double("y", [0.5, 1, 2, 2])).task == .regression)
        #expect(try TrainingTarget(.string("y", ["cat", "dog", "cat"])).task == .binary)
        #expect(try TrainingTarget(.bool("y", [true, false])).task == .binary)
        // More distinct whole numbers than maxInferredClasses: regression.
        let many = (0...TrainingTarget.maxInferredClasses).map(Double.init)
        #expect(try TrainingTarget(.double("y", many)).task == .regression)
        // Forced.
        #expect(try TrainingTarget(.double("y", [0, 1, 2]), task: .regression).task == .regression)
    }

    @Test func classesAreOrderedNumericallyOrByBytesWhateverTheRowOrder() throws {
        let numeric = try TrainingTarget(.double("y", [10, 2, 10, -1]))
        #expect(numeric.classLabels == ["-1", "2", "10"])
        #expect(numeric.classes == [2, 1, 2, 0])
        let text = try TrainingTarget(.string("y", ["b", "B", "a", "b"]))
        #expect(text.classLabels == ["B", "a", "b"])
        #expect(text.classes == [2, 0, 1, 2])
        // Held-out rows decode against the training labels.
        let held = try TrainingTarget(.double("y", [2, -1]), classLabels: numeric.classLabels)
        #expect(held.classes == [1, 0])
        #expect(held.task == .multiclass)
    }

    @Test func badTargetsAreErrorsNamingTheColumnAndRow() {
        Self.expectInvalid("single class") { _ = try TrainingTarget(.double("label", [1, 1, 1])) }
        Self.expectInvalid("holds text") { _ = try TrainingTarget(.string("price", ["a", "b"]), task: .regression) }
        Self.expectInvalid("row 2") { _ = try TrainingTarget(.double("y", [1, nil, 0])) }
        Self.expectInvalid("no rows") { _ = try TrainingTarget(.double("y", [Double]())) }
        Self.expectInvalid("exactly two") { _ = try TrainingTarget(.double("y", [0, 1, 2]), task: .binary) }
        Self.expectInvalid("not one of the model's classes") {
            _ = try TrainingTarget(.double("y", [0, 3]), classLabels: ["0", "1"])
        }
    }

    @Test func featuresComeFromNumericColumnsAndTextIsAnErrorNamingTheColumn() throws {
        let table = try Table(columns: [
            .double("a", [1, nil, 3]), .bool("b", [true, false, true]), .string("c", ["x", "y", "z"]),
            .double("y", [0, 1, 0]),
        ])
        let data = try TrainingData(table, target: "y", features: ["a", "b"])
        #expect(data.features.values[0...1] == [1, 1])
        #expect(data.features[row: 1, column: 0].isNaN)
        #expect(data.features.firstMissing()! == (1, "a"))
        Self.expectInvalid("the column c holds text") { _ = try TrainingData(table, target: "y") }
        Self.expectInvalid("no target column named z") { _ = try TrainingData(table, target: "z") }
        Self.expectInvalid("also listed as a feature") { _ = try TrainingData(table, target: "y", features: ["y"]) }
        Self.expectInvalid("no rows") {
            _ = try TrainingData(try Table(columns: [.double("a", [Double]()), .double("y", [Double]())]), target: "y")
        }
        Self.expectInvalid("needs 6 values") {
            _ = try FeatureMatrix(rowCount: 3, values: [1, 2], featureNames: ["a", "b"])
        }
        Self.expectInvalid("given twice") {
            _ = try FeatureMatrix(rowCount: 1, values: [1, 2], featureNames: ["a", "a"])
        }
    }

    @Test func fingerprintsChangeWithAnyValueAndNotOtherwise() throws {
        let table = try Table(columns: [.double("a", [1, 2, 3]), .double("y", [0, 1, 0])])
        let same = try TrainingData(table, target: "y").fingerprint
        #expect(try TrainingData(table, target: "y").fingerprint == same)
        let changed = try Table(columns: [.double("a", [1, 2, 3.0000001]), .double("y", [0, 1, 0])])
        #expect(try TrainingData(changed, target: "y").fingerprint != same)
        let relabelled = try Table(columns: [.double("a", [1, 2, 3]), .double("y", [0, 1, 1])])
        #expect(try TrainingData(relabelled, target: "y").fingerprint != same)
    }

    @Test func predictionsAreReadFromAModelsOutputColumns() throws {
        let binary = try Predictions(
            predictionTable: Table(columns: [.double("probability", [0.25, 1]), .int("label", [0, 1])]), task: .binary,
            classCount: 2)
        #expect(binary.probabilities == [0.75, 0.25, 0, 1])
        #expect(binary.labels == [0, 1])
        let multi = try Predictions(
            predictionTable: Table(columns: [
                .double("probability_0", [0.2, 0.5]), .double("probability_1", [0.3, 0.1]),
                .double("probability_2", [0.5, 0.4]),
            ]), task: .multiclass, classCount: 3)
        #expect(multi.labels == [2, 0])
        let regression = try Predictions(
            predictionTable: Table(columns: [.double("prediction", [1.5, -2])]), task: .regression, classCount: 0)
        #expect(regression.values == [1.5, -2])
        Self.expectInvalid("no column prediction") {
            _ = try Predictions(
                predictionTable: Table(columns: [.double("probability", [0.5])]), task: .regression, classCount: 0)
        }
        Self.expectInvalid("at row 2") {
            _ = try Predictions(
                predictionTable: Table(columns: [.double("probability", [0.5, 1.5])]), task: .binary, classCount: 2)
        }
    }
}
