import InferenceCore
import MLOpsCore
import Testing
import Training

/// The `mlops train` recipes: byte-identical packages for one seed on one or two threads, and the
/// reference datasets' quality through the whole pipeline (preprocessing fitted on the train rows,
/// scored by the exported model on the test rows).
@Suite struct TrainingRecipeTests {
    static func fit(
        _ recipe: TrainingRecipe, _ table: Table, parameters: [String: String], seed: UInt64, threads: Int
    ) throws -> FittedPipeline {
        var context = TrainingContext(seed: seed, threads: threads)
        return try recipe.pipeline(for: table, target: "target", parameters: parameters)
            .fit(table, target: "target", context: &context)
    }

    @Test(arguments: [
        (TrainingRecipe.linear, ["alpha": "0.5"]), (.logistic, [:]), (.mlp, ["max_iter": "15"]),
        (.gbdt, ["n_estimators": "15"]),
    ])
    func oneSeedGivesTheSameModelBytesOnOneAndTwoThreads(_ recipe: TrainingRecipe, _ parameters: [String: String])
        throws
    {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let table = try dataset.train
        let one = try Self.fit(recipe, table, parameters: parameters, seed: 4, threads: 1)
        let two = try Self.fit(recipe, table, parameters: parameters, seed: 4, threads: 2)
        #expect(try one.model.package.encoded() == two.model.package.encoded())
        if recipe == .mlp {
            // The seed matters where randomness does: the network's initial weights and shuffles.
            let other = try Self.fit(recipe, table, parameters: parameters, seed: 5, threads: 2)
            #expect(try other.model.package.encoded() != one.model.package.encoded())
        }
    }

    @Test func theRecipesReachTheReferenceQualityOnBreastCancer() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let train = try dataset.train
        let test = try dataset.test
        let tolerance = dataset.reference["tolerance"]
        for recipe in [TrainingRecipe.logistic, .gbdt] {
            let fitted = try Self.fit(recipe, train, parameters: [:], seed: 0, threads: 2)
            let evaluation = try fitted.evaluate(test)
            let accuracy = try #require(evaluation.metrics["accuracy"])
            let bound =
                recipe == .logistic
                ? tolerance["logistic_regression"]["accuracy_min"] : tolerance["gbdt"]["accuracy_min_strict"]
            let minimum = try #require(bound.double)
            #expect(accuracy >= minimum - 1e-12, "\(recipe): \(accuracy) < \(minimum)")
        }
    }
}
