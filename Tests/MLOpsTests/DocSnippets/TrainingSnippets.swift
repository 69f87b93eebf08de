import InferenceCore
import MLOps
import MLOpsCore
import Testing
import Training

// The Swift blocks of the Training module's doc comments, verbatim (indentation aside), each in a
// function with its context declared before it. Those that read files at the paths they name are
// compiled, not run; the others run in `TrainingSnippetTests`.

enum TrainingSnippets {
    // FeatureMatrix
    static func featureMatrix(_ table: Table) throws -> Double {
        let features = try FeatureMatrix(table, columns: ["age", "income"])
        let income = features[row: 3, column: 1]
        return income
    }

    // TrainingData (reads train.csv: compiled, not run)
    static func trainingData() throws -> FittedLogisticRegression {
        var context = TrainingContext(seed: 1)
        let table = try Table.readCSV(path: "train.csv")
        let data = try TrainingData(table, target: "label")  // every other column is a feature
        let model = try LogisticRegression().fit(data, context: &context)
        return model
    }

    // TrainingTarget
    static func trainingTarget(_ table: Table) throws -> TrainingTarget {
        let target = try TrainingTarget(table.column(named: "species")!)  // text → multiclass
        print(target.task, target.classLabels)  // multiclass ["setosa", …]
        return target
    }

    // Estimator
    static func estimator(_ data: TrainingData, _ testFeatures: FeatureMatrix) throws -> Predictions {
        var context = TrainingContext(seed: 42)
        let fitted = try Ridge(alpha: 1).fit(data, context: &context)
        let predictions = try fitted.predict(testFeatures)
        return predictions
    }

    // GraphBuilder
    static func graphBuilder(_ fitted: FittedRidge, mean: [Float], inverseStd: [Float]) throws -> ModelGraph {
        var builder = GraphBuilder()
        let input = builder.input(name: "features", elementType: .float32, width: 4)
        let scaled = builder.add(
            .scaler(.init(offset: mean, scale: inverseStd)), inputs: [input.name],
            output: (.float32, 4), hint: "scaled")
        let outputs = try fitted.export(into: &builder, input: scaled)
        let graph = try builder.finish(name: "model", input: input, outputs: outputs, task: fitted.task)
        return graph
    }

    // EarlyStopping, TrainingContext
    static func trainingContext(_ data: TrainingData) throws -> [String: Double] {
        var context = TrainingContext(seed: 42, threads: 2)
        context.callbacks.append(EarlyStopping(metric: "validation_loss", patience: 10))
        let model = try MLP().fit(data, context: &context)
        print(context.reports.last?.metrics ?? [:])
        _ = model
        return context.reports.last?.metrics ?? [:]
    }

    // Trainer
    static func trainer(_ workspace: Workspace, _ data: TrainingData) async throws -> TrainingOutcome<
        FittedGradientBoosting
    > {
        let tracker = try await workspace.tracking
        let trainer = Trainer(tracker: tracker, experiment: "churn", checkpoints: workspace.objects, seed: 7)
        let outcome = try await trainer.train(GradientBoosting(), on: data)
        print(outcome.runID ?? "", outcome.metrics)
        return outcome
    }
}

/// The Training snippets that need no files, run on small data.
@Suite struct TrainingSnippetTests {
    static func table() throws -> Table {
        var random = SeededRandom(seed: 5)
        var age: [Double] = []
        var income: [Double] = []
        var label: [Int64] = []
        var species: [String] = []
        for index in 0..<120 {
            let a = random.uniform(in: 20..<70)
            let i = random.normal(mean: 50, standardDeviation: 10)
            age.append(a)
            income.append(i)
            label.append(a + i / 2 > 70 ? 1 : 0)
            species.append(["setosa", "versicolor", "virginica"][index % 3])
        }
        return try Table(columns: [
            .double("age", age), .double("income", income), .int("label", label), .string("species", species),
        ])
    }

    @Test func theTrainingSnippetsRun() async throws {
        let table = try Self.table()
        #expect(try TrainingSnippets.featureMatrix(table) == table.doubles(column: "income")[3])
        #expect(try TrainingSnippets.trainingTarget(table).task == .multiclass)
        let data = try TrainingData(table.select(columns: ["age", "income", "label"]), target: "label")
        let regression = try TrainingData(table.select(columns: ["age", "income", "label"]), target: "income")
        let predictions = try TrainingSnippets.estimator(regression, regression.features)
        #expect(predictions.rowCount == 120)
        // Four features for the GraphBuilder snippet's width-4 scaler.
        var context = TrainingContext(seed: 1)
        let four = try TrainingData(
            table.adding(.double("y", try table.doubles(column: "age").map { $0 * 2 + 1 }))
                .adding(.double("ones", [Double](repeating: 1, count: 120))),
            target: "y", features: ["age", "income", "label", "ones"], task: .regression)
        let ridge = try Ridge().fit(four, context: &context)
        let graph = try TrainingSnippets.graphBuilder(ridge, mean: [0, 0, 0, 0], inverseStd: [1, 1, 1, 1])
        let model = try Model(graph: graph, featureNames: four.features.featureNames)
        let out = try model.predict(
            try table.select(columns: ["age", "income", "label"]).adding(
                .double("ones", [Double](repeating: 1, count: 120))))
        #expect(abs(try out.doubles(column: "prediction")[0] - (try table.doubles(column: "age")[0] * 2 + 1)) < 1e-2)
        let workspace = Workspace.inMemory()
        let outcome = try await TrainingSnippets.trainer(workspace, data)
        #expect(try #require(outcome.metrics["train_accuracy"]) > 0.9)
        #expect(outcome.runID != nil)
    }
}
