import MLOpsCore
import Testing
import Training

/// Same seed and data → byte-identical weights, on 1 or 2 threads, run after run; a run resumed
/// from a checkpoint ends with the weights of an uninterrupted one.
@Suite struct MLPDeterminismTests {
    /// Wide layers so that the products are large enough to be split over the pool's threads.
    static let estimators = [
        MLP(hiddenLayerSizes: [256, 128], maxIter: 3),
        MLP(hiddenLayerSizes: [256], activation: .tanh, solver: .sgd, maxIter: 3, earlyStopping: true),
    ]

    @Test(arguments: estimators)
    func sameSeedGivesTheSameWeightsOnOneAndTwoThreads(_ estimator: MLP) throws {
        let (train, _, _) = try MLPTestSupport.standardised("digits")
        var models: [FittedMLP] = []
        for threads in [1, 2, 2, 1] {
            var context = TrainingContext(seed: 11, threads: threads)
            models.append(try estimator.fit(train, context: &context))
        }
        let reference = MLPTestSupport.bits(models[0])
        for model in models.dropFirst() {
            #expect(MLPTestSupport.bits(model) == reference)
            #expect(model.lossCurve.map(\.bitPattern) == models[0].lossCurve.map(\.bitPattern))
        }
        var other = TrainingContext(seed: 12, threads: 1)
        #expect(MLPTestSupport.bits(try estimator.fit(train, context: &other)) != reference)
    }

    static let resumable = [
        MLP(maxIter: 9),
        MLP(activation: .logistic, solver: .sgd, learningRate: .invscaling, learningRateInit: 0.05, maxIter: 9),
        MLP(maxIter: 9, earlyStopping: true),
    ]

    @Test(arguments: resumable)
    func aResumedFitEndsWithTheSameModel(_ estimator: MLP) throws {
        let (train, _, _) = try MLPTestSupport.standardised("breast_cancer")
        let saved = CheckpointBox()
        var first = TrainingContext(seed: 5, threads: 2)
        first.job = "mlp-test"
        first.checkpointInterval = 4
        first.checkpointSink = { saved.append($0) }
        let uninterrupted = try estimator.fit(train, context: &first)
        #expect(saved.items.map(\.iteration) == [4, 8])

        for checkpoint in saved.items {
            // Through the encoded form, as a checkpoint store would keep it.
            let restored = try TrainingCheckpoint(bytes: try checkpoint.encoded())
            var resumed = TrainingContext(seed: 5, threads: 1)
            resumed.job = "mlp-test"
            resumed.resumeFrom = restored
            let model = try estimator.fit(train, context: &resumed)
            #expect(MLPTestSupport.bits(model) == MLPTestSupport.bits(uninterrupted))
            #expect(model.lossCurve == uninterrupted.lossCurve)
            #expect(model.validationScores == uninterrupted.validationScores)
            #expect(model.iterationCount == uninterrupted.iterationCount)
            #expect(resumed.reports.first?.iteration == checkpoint.iteration + 1)
        }

        // A checkpoint of another job is ignored; one whose state is damaged is refused.
        let checkpoint = try #require(saved.items.first)
        var otherJob = TrainingContext(seed: 5)
        otherJob.job = "another"
        otherJob.resumeFrom = checkpoint
        #expect(MLPTestSupport.bits(try estimator.fit(train, context: &otherJob)) == MLPTestSupport.bits(uninterrupted))
        for damaged in [
            Array(checkpoint.state.dropLast(3)), Array(checkpoint.state.prefix(40)), checkpoint.state + [0],
        ] {
            var context = TrainingContext(seed: 5)
            context.job = "mlp-test"
            context.resumeFrom = TrainingCheckpoint(
                job: checkpoint.job, iteration: checkpoint.iteration, random: checkpoint.random, state: damaged)
            #expect(throws: MLOpsError.corruptData) { _ = try estimator.fit(train, context: &context) }
        }
        var wider = estimator
        wider.hiddenLayerSizes = [65]
        var context = TrainingContext(seed: 5)
        context.job = "mlp-test"
        context.resumeFrom = checkpoint
        #expect(throws: MLOpsError.corruptData) { _ = try wider.fit(train, context: &context) }
    }
}

/// Collects checkpoints; the sink runs synchronously on the training thread.
private final class CheckpointBox: @unchecked Sendable {
    private(set) var items: [TrainingCheckpoint] = []
    func append(_ checkpoint: TrainingCheckpoint) { items.append(checkpoint) }
}
