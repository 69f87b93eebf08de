import InferenceCore
import MLOpsCore
import Testing
import Training

/// `GraphBuilder.finish` turns an estimator's exported values into the graph outputs `Model` writes
/// as table columns: `prediction`, `probability` (binary: of class 1) and `label`.
@Suite struct GraphBuilderTests {
    /// A graph computing `softmax(x · W + b)` for two features and `classes` classes.
    static func classifier(classes: Int) throws -> ModelGraph {
        var builder = GraphBuilder()
        let input = builder.input(elementType: .float32, width: 2)
        let weights = (0..<(2 * classes)).map { Float($0 % 3) - 1 }
        let w = builder.constant(try Tensor(shape: [2, classes], float32: weights), hint: "weights")
        let b = builder.constant(
            try Tensor(shape: [classes], float32: [Float](repeating: 0.5, count: classes)), hint: "bias")
        let logits = builder.add(
            .gemm(.init()), inputs: [input.name, w, b], output: (.float32, classes), hint: "logits")
        let probabilities = builder.add(
            .softmax(axis: 1), inputs: [logits.name], output: (.float32, classes), hint: "p")
        return try builder.finish(
            name: "test", input: input, outputs: ExportedOutputs(probabilities: probabilities),
            task: classes == 2 ? .binary : .multiclass)
    }

    @Test func binaryGraphsWriteTheProbabilityOfClassOneAndTheLabel() throws {
        let model = try Model(graph: Self.classifier(classes: 2), featureNames: ["a", "b"])
        let out = try model.predict(Table(columns: [.double("a", [1, -2]), .double("b", [0.5, 3])]))
        #expect(out.columnNames == ["probability", "label"])
        // logits = [a·(-1) + b·1, a·0 + b·(-1)] + 0.5 for weights [[-1, 0], [1, -1]].
        for (row, (a, b)) in [(1.0, 0.5), (-2.0, 3.0)].enumerated() {
            let z0 = -a + b + 0.5
            let z1 = -b + 0.5
            let p1 = 1 / (1 + Platform.exp(z0 - z1))
            #expect(abs(try out.doubles(column: "probability")[row] - p1) < 1e-6)
            #expect(try out.doubles(column: "label")[row] == (p1 > 0.5 ? 1 : 0))
        }
        let predictions = try Predictions(predictionTable: out, task: .binary, classCount: 2)
        #expect(predictions.rowCount == 2)
    }

    @Test func multiclassGraphsWriteEveryProbability() throws {
        let model = try Model(graph: Self.classifier(classes: 3), featureNames: ["a", "b"])
        let out = try model.predict(Table(columns: [.double("a", [1]), .double("b", [2])]))
        #expect(out.columnNames == ["probability_0", "probability_1", "probability_2", "label"])
        let sum = try (0..<3).map { try out.doubles(column: "probability_\($0)")[0] }.reduce(0, +)
        #expect(abs(sum - 1) < 1e-6)
    }

    @Test func regressionGraphsWriteOnePredictionPerRow() throws {
        var builder = GraphBuilder()
        let input = builder.input(elementType: .float32, width: 1)
        let w = builder.constant(try Tensor(shape: [1, 1], float32: [2]), hint: "w")
        let y = builder.add(.gemm(.init()), inputs: [input.name, w], output: (.float32, 1), hint: "y")
        let graph = try builder.finish(
            name: "r", input: input, outputs: ExportedOutputs(prediction: y), task: .regression)
        let model = try Model(graph: graph, featureNames: ["x"])
        let out = try model.predict(Table(columns: [.double("x", [1, 2.5])]))
        #expect(out.columnNames == ["prediction"])
        #expect(try out.doubles(column: "prediction") == [2, 5])
    }

    @Test func aClassifierExportWithoutProbabilitiesIsAnError() throws {
        var builder = GraphBuilder()
        let input = builder.input(elementType: .float32, width: 1)
        #expect(throws: MLOpsError.invalidArgument) {
            _ = try builder.finish(
                name: "bad", input: input, outputs: ExportedOutputs(prediction: input), task: .binary)
        }
    }

    @Test func freshNamesNeverTakeTheOutputNames() {
        var builder = GraphBuilder()
        #expect(builder.freshName("probability") != "probability")
        #expect(builder.freshName("x") == "x")
        #expect(builder.freshName("x") == "x_1")
    }
}
