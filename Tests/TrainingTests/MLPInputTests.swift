import MLOpsCore
import Testing
import Training

/// Bad hyperparameters and bad data give typed errors that name the problem.
@Suite struct MLPInputTests {
    static func tinyData(_ values: [Double], target: [Double], columns: [String] = ["a", "b"]) throws -> TrainingData {
        let features = try FeatureMatrix(rowCount: target.count, values: values, featureNames: columns)
        let classes = target.map { Int($0) }
        let labels = Set(classes).sorted().map(String.init)
        let task: TrainingTask = labels.count == 2 ? .binary : .multiclass
        return try TrainingData(
            features: features,
            target: try TrainingTarget(name: "y", task: task, values: target, classes: classes, classLabels: labels))
    }

    @Test func aMissingFeatureIsAnErrorNamingColumnAndRow() throws {
        let data = try Self.tinyData([1, 2, 3, .nan, 5, 6, 7, 8], target: [0, 1, 0, 1])
        var context = TrainingContext(seed: 0)
        let error = #expect(throws: MLOpsError.invalidArgument) { _ = try MLP().fit(data, context: &context) }
        #expect(error?.value == "b")
        #expect(error?.message.contains("row 2") == true)
        #expect(error?.message.contains("feature b") == true)

        let clean = try Self.tinyData([1, 2, 3, 4, 5, 6, 7, 8], target: [0, 1, 0, 1])
        let fitted = try MLP(maxIter: 2).fit(clean, context: &context)
        let infinite = try FeatureMatrix(rowCount: 1, values: [.infinity, 1], featureNames: ["a", "b"])
        let predictError = #expect(throws: MLOpsError.invalidArgument) { _ = try fitted.predict(infinite) }
        #expect(predictError?.value == "a")
        #expect(predictError?.message.contains("row 1") == true)
        let narrow = try FeatureMatrix(rowCount: 1, values: [1], featureNames: ["a"])
        #expect(throws: MLOpsError.invalidArgument) { _ = try fitted.predict(narrow) }
    }

    @Test func tooFewRowsForTheValidationSplitIsAnError() throws {
        let data = try Self.tinyData([1, 2, 3, 4, 5, 6, 7, 8], target: [0, 1, 0, 1])
        var context = TrainingContext(seed: 0)
        #expect(throws: MLOpsError.invalidArgument) {
            _ = try MLP(earlyStopping: true, validationFraction: 0.1).fit(data, context: &context)
        }
    }

    static let invalid: [(String, MLP)] = [
        ("hidden_layer_sizes", MLP(hiddenLayerSizes: [64, 0])),
        ("alpha", MLP(alpha: -1)),
        ("alpha", MLP(alpha: .nan)),
        ("batch_size", MLP(batchSize: 0)),
        ("learning_rate_init", MLP(learningRateInit: 0)),
        ("power_t", MLP(powerT: -0.5)),
        ("max_iter", MLP(maxIter: 0)),
        ("tol", MLP(tol: -1)),
        ("momentum", MLP(momentum: 1.5)),
        ("validation_fraction", MLP(validationFraction: 1)),
        ("beta_1", MLP(beta1: 1)),
        ("beta_2", MLP(beta2: -0.1)),
        ("epsilon", MLP(epsilon: 0)),
        ("n_iter_no_change", MLP(nIterNoChange: 0)),
    ]

    @Test(arguments: invalid)
    func anInvalidHyperparameterIsNamed(_ name: String, _ estimator: MLP) throws {
        let data = try Self.tinyData([1, 2, 3, 4, 5, 6, 7, 8], target: [0, 1, 0, 1])
        var context = TrainingContext(seed: 0)
        let error = #expect(throws: MLOpsError.invalidArgument) { _ = try estimator.fit(data, context: &context) }
        #expect(error?.message.contains(name) == true, "\(error?.message ?? "")")
        #expect(context.reports.isEmpty)
    }

    @Test func parametersRoundTripThroughText() throws {
        let estimator = MLP(
            hiddenLayerSizes: [128, 64], activation: .tanh, solver: .sgd, alpha: 0.01, batchSize: 32,
            learningRate: .adaptive, learningRateInit: 0.02, powerT: 0.25, maxIter: 500, shuffle: false, tol: 1e-5,
            momentum: 0.8, nesterovsMomentum: false, earlyStopping: true, validationFraction: 0.2, beta1: 0.8,
            beta2: 0.99, epsilon: 1e-7, nIterNoChange: 5)
        #expect(try MLP(parameters: estimator.parameters) == estimator)
        #expect(try MLP(parameters: MLP().parameters) == MLP())
        #expect(Set(MLP().parameters.keys) == Set(MLP.parameterNames))
        #expect(MLP.name == "mlp")
        #expect(MLP().parameters["hidden_layer_sizes"] == "64")
        #expect(MLP().parameters["batch_size"] == "auto")
        #expect(try MLP(parameters: ["hidden_layer_sizes": " 128, 64 "]).hiddenLayerSizes == [128, 64])
        #expect(try MLP(parameters: ["hidden_layer_sizes": ""]).hiddenLayerSizes == [])
        #expect(try MLP(parameters: ["activation": "sigmoid"]).activation == .logistic)
        #expect(try MLP(parameters: ["batch_size": "auto"]).batchSize == nil)
    }

    static let badText: [[String: String]] = [
        ["hidden_layers": "64"],
        ["hidden_layer_sizes": "64,,32"],
        ["hidden_layer_sizes": "big"],
        ["hidden_layer_sizes": "-3"],
        ["activation": "softplus"],
        ["solver": "lbfgs"],
        ["alpha": "a lot"],
        ["alpha": "inf"],
        ["max_iter": "2.5"],
        ["shuffle": "maybe"],
        ["batch_size": "0"],
        ["learning_rate": "cyclic"],
    ]

    @Test(arguments: badText)
    func badParameterTextIsAnError(_ parameters: [String: String]) throws {
        let error = #expect(throws: MLOpsError.invalidArgument) { _ = try MLP(parameters: parameters) }
        let name = try #require(parameters.keys.first)
        #expect(error?.message.contains(name) == true, "\(error?.message ?? "")")
        if name == "hidden_layers" {
            #expect(error?.message.contains("hidden_layer_sizes, learning_rate") == true)
        }
    }
}
