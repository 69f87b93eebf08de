import ExperimentTracking
import MLOpsCore
import MLOpsTestKit
import Testing
import Training

/// `Trainer`: autologging into a run (params, inputs, per-iteration and final metrics, artifacts,
/// status), checkpoints that resume to the same model, failures and cancellation.
@Suite struct TrainerTests {
    static func data() throws -> TrainingData {
        var random = SeededRandom(seed: 3)
        let rows = 64
        var values: [Double] = []
        var targets: [Double] = []
        for _ in 0..<rows {
            let a = random.uniform(in: -1..<1)
            let b = random.uniform(in: -1..<1)
            values += [a, b]
            targets.append(2 * a - b + 0.5)
        }
        return try TrainingData(
            features: FeatureMatrix(rowCount: rows, values: values, featureNames: ["a", "b"]),
            target: TrainingTarget(name: "y", task: .regression, values: targets, classes: [], classLabels: []))
    }

    static func job(_ estimator: StepRegressor, _ data: TrainingData) -> TrainingJob {
        TrainingJob(
            estimator: StepRegressor.name, parameters: estimator.parameters, dataFingerprint: data.fingerprint,
            inputs: [DatasetInput(name: "train.csv", digest: String(data.fingerprint.prefix(12)), context: "training")])
    }

    static func summary(_ fitted: StepRegressor.Fitted) -> TrainingSummary {
        TrainingSummary(metrics: ["bias": fitted.bias], artifacts: ["model/weights.bin": fitted.encoded])
    }

    @Test func aTrackedRunGetsParamsInputsEveryIterationFinalMetricsAndTheModel() async throws {
        let tracker = ExperimentTracker(metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore())
        let data = try Self.data()
        let estimator = StepRegressor()
        let trainer = Trainer(tracker: tracker, experiment: "trainer-tests", seed: 11)
        let outcome = try await trainer.run(
            Self.job(estimator, data), fit: { try estimator.fit(data, context: &$0) }, summarize: Self.summary)
        let runID = try #require(outcome.runID)
        try await tracker.flush()
        let run = try await tracker.run(id: runID)
        #expect(run.info.status == .finished)
        #expect(run.params["estimator"] == "step-regressor")
        #expect(run.params["seed"] == "11")
        #expect(run.params["batch_size"] == "8")
        #expect(run.inputs.map(\.name) == ["train.csv"])
        #expect(run.tags["mlops.training.job"] == Self.job(estimator, data).identity(seed: 11))
        let history = try await tracker.metricHistory(runID: runID, key: "train_loss")
        #expect(history.map(\.step) == (1...40).map(Int64.init))
        #expect(history.map(\.value) == outcome.reports.map { $0.metrics["train_loss"]! })
        #expect(run.latestMetric("bias") == outcome.fitted.bias)
        let weights = try await tracker.readArtifact(runID: runID, path: "model/weights.bin")
        #expect(weights == outcome.fitted.encoded)
        #expect(outcome.resumedAfterIteration == nil)
    }

    @Test func anInterruptedJobResumesFromItsCheckpointAndEndsWithTheSameModel() async throws {
        let data = try Self.data()
        let store = InMemoryBlobStore()
        let uninterrupted = try await Trainer(seed: 5).run(
            Self.job(StepRegressor(), data), fit: { try StepRegressor().fit(data, context: &$0) },
            summarize: Self.summary)

        let tracker = ExperimentTracker(metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore())
        let trainer = Trainer(tracker: tracker, checkpoints: store, checkpointInterval: 10, seed: 5)
        var crashing = StepRegressor()
        crashing.failAfter = 27
        let failing = crashing
        await #expect(throws: StepRegressor.Failure.self) {
            _ = try await trainer.run(
                Self.job(StepRegressor(), data), fit: { try failing.fit(data, context: &$0) },
                summarize: Self.summary)
        }
        let identity = Self.job(StepRegressor(), data).identity(seed: 5)
        let saved = try #require(try await Trainer.latestCheckpoint(identity, in: store))
        #expect(saved.iteration == 20)
        #expect(try await store.list(prefix: Trainer.checkpointPrefix(identity)).count == 1)

        let resumed = try await trainer.run(
            Self.job(StepRegressor(), data), fit: { try StepRegressor().fit(data, context: &$0) },
            summarize: Self.summary)
        #expect(resumed.resumedAfterIteration == 20)
        #expect(resumed.reports.first?.iteration == 21)
        #expect(resumed.fitted.encoded == uninterrupted.fitted.encoded)
        #expect(try await store.list(prefix: Trainer.checkpointPrefix(identity)).isEmpty)
        try await tracker.flush()
        let experiment = try #require(try await tracker.experiment(named: Experiment.defaultName))
        let runs = try await tracker.searchRuns(experimentIDs: [experiment.id]).runs
        #expect(Set(runs.map(\.info.status)) == [.failed, .finished])
        #expect(runs.first { $0.info.status == .failed }?.tags["mlops.error"] != nil)
    }

    @Test func aCheckpointOfAnotherJobIsNotResumed() async throws {
        let data = try Self.data()
        let store = InMemoryBlobStore()
        var crashing = StepRegressor()
        crashing.failAfter = 12
        let failing = crashing
        let trainer = Trainer(checkpoints: store, checkpointInterval: 5, seed: 5)
        _ = try? await trainer.run(
            Self.job(StepRegressor(), data), fit: { try failing.fit(data, context: &$0) }, summarize: Self.summary)
        // Another seed is another job: it starts from scratch.
        var other = trainer
        other.seed = 6
        let outcome = try await other.run(
            Self.job(StepRegressor(), data), fit: { try StepRegressor().fit(data, context: &$0) },
            summarize: Self.summary)
        #expect(outcome.resumedAfterIteration == nil)
        #expect(outcome.reports.first?.iteration == 1)
    }

    @Test func aDamagedCheckpointIsANamedError() async throws {
        let data = try Self.data()
        let store = InMemoryBlobStore()
        let identity = Self.job(StepRegressor(), data).identity(seed: 0)
        try await store.put(Trainer.checkpointKey(identity, iteration: 3), data: Array("not a checkpoint".utf8))
        await #expect(throws: MLOpsError.corruptData) {
            _ = try await Trainer(checkpoints: store).run(
                Self.job(StepRegressor(), data), fit: { try StepRegressor().fit(data, context: &$0) },
                summarize: Self.summary)
        }
    }

    @Test func checkpointBytesRoundTripAndDamageIsDetected() throws {
        var random = SeededRandom(seed: 9)
        _ = random.next()
        let checkpoint = TrainingCheckpoint(job: "job", iteration: 7, random: random, state: [1, 2, 3, 255])
        let bytes = try checkpoint.encoded()
        #expect(try TrainingCheckpoint(bytes: bytes) == checkpoint)
        for index in stride(from: 0, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[index] ^= 0x10
            #expect(throws: MLOpsError.corruptData) { _ = try TrainingCheckpoint(bytes: damaged) }
        }
        #expect(throws: MLOpsError.corruptData) { _ = try TrainingCheckpoint(bytes: Array(bytes.dropLast(5))) }
        #expect(throws: MLOpsError.corruptData) { _ = try TrainingCheckpoint(bytes: []) }
    }

    @Test func earlyStoppingEndsTheRunAndIsReported() async throws {
        let data = try Self.data()
        var estimator = StepRegressor()
        estimator.iterations = 400
        let fixed = estimator
        // train_loss is noisy (mini-batches): with patience 3 it stops well before 400.
        let trainer = Trainer(seed: 1, callbacks: [EarlyStopping(metric: "train_loss", patience: 3)])
        let outcome = try await trainer.run(
            Self.job(fixed, data), fit: { try fixed.fit(data, context: &$0) }, summarize: Self.summary)
        #expect(outcome.stoppedEarly)
        #expect(outcome.reports.count < 400)
    }

    /// Signals once the first iteration has ended.
    struct Started: TrainingCallback {
        let signal: AsyncStream<Void>.Continuation
        mutating func iterationEnded(_ report: IterationReport) -> TrainingDecision {
            signal.yield()
            return .proceed
        }
    }

    @Test func cancellingTheCallerStopsTrainingAndEndsTheRunAsKilled() async throws {
        let tracker = ExperimentTracker(metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore())
        let data = try Self.data()
        var estimator = StepRegressor()
        estimator.iterations = 100_000_000
        let endless = estimator
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let trainer = Trainer(tracker: tracker, callbacks: [Started(signal: signal)])
        let task = Task {
            try await trainer.run(
                Self.job(endless, data), fit: { try endless.fit(data, context: &$0) }, summarize: Self.summary)
        }
        for await _ in started { break }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        try await tracker.flush()
        let experiment = try #require(try await tracker.experiment(named: Experiment.defaultName))
        let runs = try await tracker.searchRuns(experimentIDs: [experiment.id]).runs
        #expect(runs.map(\.info.status) == [.killed])
    }

    @Test func progressTextShowsIterationMetricAndETA() {
        let report = IterationReport(iteration: 25, totalIterations: 100, metrics: ["train_loss": 0.123456])
        let text = TrainingProgress.text("training gbdt", report, elapsedNanoseconds: 2_000_000_000)
        #expect(text == "training gbdt  25/100  train_loss 0.1235  2.0 s  ETA 6.0 s")
    }
}
