import InferenceCore
import MLOpsCore
import Testing
import Training

/// The exported graph predicts what the fitted network predicts (to float32 rounding), and the
/// model written as a package and read back predicts bit-identically.
@Suite struct MLPExportTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let dataset: String
        let estimator: MLP
        let input: ElementType
        var testDescription: String { "\(dataset) \(estimator.activation) \(input)" }
    }

    static let cases = [
        Case(dataset: "digits", estimator: MLP(maxIter: 30), input: .float32),
        Case(
            dataset: "digits", estimator: MLP(hiddenLayerSizes: [32, 16], activation: .tanh, maxIter: 30),
            input: .float64),
        Case(dataset: "breast_cancer", estimator: MLP(maxIter: 60), input: .float64),
        Case(dataset: "breast_cancer", estimator: MLP(activation: .logistic, maxIter: 60), input: .float32),
        Case(
            dataset: "diabetes", estimator: MLP(activation: .identity, learningRateInit: 0.05, maxIter: 60),
            input: .float64),
    ]

    @Test(arguments: cases)
    func theExportedModelPredictsAsTheFittedOne(_ item: Case) throws {
        let (train, test, _) = try MLPTestSupport.standardised(item.dataset)
        var context = TrainingContext(seed: 2)
        let fitted = try item.estimator.fit(train, context: &context)
        let predictions = try fitted.predict(test.features)
        let graph = try MLPTestSupport.graph(fitted, elementType: item.input)
        #expect(graph.nodes.contains { if case .gemm = $0.op { true } else { false } })
        let model = try Model(graph: graph, featureNames: fitted.featureNames)
        let exported = try MLPTestSupport.run(model, test.features)

        let expected: [Double] =
            switch fitted.task {
            case .multiclass: predictions.probabilities
            case .binary: predictions.positiveProbabilities
            case .regression: predictions.values
            }
        #expect(exported.count == expected.count)
        let scale = fitted.task == .regression ? max(1, expected.map(abs).max() ?? 1) : 1
        let worst = zip(exported, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst <= 2e-5 * scale, "largest difference \(worst)")

        // Package round trip: bit-identical predictions.
        let bytes = try model.package.encoded()
        let reloaded = try Model(package: try ModelPackage(bytes: bytes))
        #expect(reloaded.signature.featureNames == fitted.featureNames)
        let again = try MLPTestSupport.run(reloaded, test.features)
        #expect(again.map(\.bitPattern) == exported.map(\.bitPattern))
    }

    @Test func exportChecksTheInputWidth() throws {
        let (train, _, _) = try MLPTestSupport.standardised("breast_cancer")
        var context = TrainingContext(seed: 0)
        let fitted = try MLP(maxIter: 2).fit(train, context: &context)
        var builder = GraphBuilder()
        let input = builder.input(elementType: .float32, width: 3)
        #expect(throws: MLOpsError.invalidArgument) { _ = try fitted.export(into: &builder, input: input) }
    }
}

/// The MLP inside a `FeaturePipeline` (standard scaler + MLP, the `mlops train` recipe): one model
/// whose probabilities match the in-process pipeline's.
@Suite struct MLPPipelineTests {
    @Test func aScalerAndAnMLPExportAsOneModel() throws {
        let dataset = try ReferenceDataset.load("digits")
        var context = TrainingContext(seed: 4)
        let fitted = try FeaturePipeline(steps: [StandardScaler()], estimator: MLP(maxIter: 40))
            .fit(try dataset.train, target: "target", context: &context)
        #expect(fitted.model.metadata["mlops.estimator"] == "mlp")
        let test = try dataset.test
        let expected = try fitted.predictions(test)
        let table = try fitted.predict(test)
        var worst = 0.0
        for k in 0..<expected.classCount {
            let column = try #require(table.column(named: "probability_\(k)"))
            for (row, value) in try column.doubles().enumerated() {
                worst = max(worst, abs(value - expected.probabilities[row * expected.classCount + k]))
            }
        }
        #expect(worst <= 2e-5, "largest difference \(worst)")
        let target = try dataset.testData().target
        #expect(MLPTestSupport.accuracy(expected, target) > 0.94)
    }
}
