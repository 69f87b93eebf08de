public import ExperimentTracking
public import MLOpsCore
import Synchronization

/// Runs a training job the way MLflow's autologging does, with checkpoints: it starts a tracked run,
/// logs the hyperparameters and dataset inputs, streams every iteration's metrics into the run while
/// the model trains, saves checkpoints to a `BlobStore` and resumes from them, then logs the final
/// metrics and the model, and ends the run (as failed, with the error, when training fails).
///
/// ```swift
/// let tracker = try await workspace.tracking
/// let trainer = Trainer(tracker: tracker, experiment: "churn", checkpoints: workspace.objects, seed: 7)
/// let outcome = try await trainer.train(GradientBoosting(), on: data)
/// print(outcome.runID ?? "", outcome.metrics)
/// ```
///
/// **Threads.** Fitting runs on a thread of its own, never on Swift's cooperative pool; the model's
/// parallel parts use ``threads`` threads (all CPUs when `nil`).
///
/// **Checkpoints.** With a store, every ``checkpointInterval`` iterations the newest state is written
/// to `training/checkpoints/<job>/<iteration>.ckpt` (atomically, then older ones are deleted; when
/// training outpaces the store, intermediate ones are skipped). A job with the same identity (``TrainingJob/identity(seed:)``: estimator,
/// hyperparameters, data, seed) resumes from it and ends with the same model as an uninterrupted
/// run. The checkpoint is deleted when the job succeeds.
///
/// **Cancellation.** Cancelling the calling task stops training after the current iteration; the
/// run ends as `killed` and the call throws `CancellationError`.
public struct Trainer: Sendable {
    /// Where runs are logged; `nil` trains without tracking.
    public var tracker: ExperimentTracker?
    /// The experiment runs are logged in.
    public var experiment: String
    /// Where checkpoints are kept; `nil` for none.
    public var checkpoints: (any BlobStore)?
    /// Iterations between two checkpoints.
    public var checkpointInterval: Int
    /// The seed of the job's generator.
    public var seed: UInt64
    /// Threads for the model's parallel parts; all CPUs when `nil`.
    public var threads: Int?
    /// Extra callbacks (progress display, early stopping), run after the trainer's own.
    public var callbacks: [any TrainingCallback]

    /// A trainer.
    public init(
        tracker: ExperimentTracker? = nil, experiment: String = Experiment.defaultName,
        checkpoints: (any BlobStore)? = nil, checkpointInterval: Int = 10, seed: UInt64 = 0, threads: Int? = nil,
        callbacks: [any TrainingCallback] = []
    ) {
        self.tracker = tracker
        self.experiment = experiment
        self.checkpoints = checkpoints
        self.checkpointInterval = max(1, checkpointInterval)
        self.seed = seed
        self.threads = threads
        self.callbacks = callbacks
    }

    /// The executor fits run on: a few threads of their own, so that long fits never hold the
    /// storage threads.
    static let executor = BlockingExecutor(name: "mlops-training", threadCount: 4)

    /// The prefix of the checkpoint keys of job `identity`.
    public static func checkpointPrefix(_ identity: String) -> String { "training/checkpoints/\(identity)/" }

    /// The key of the checkpoint of job `identity` after `iteration` (blobs are immutable: each
    /// checkpoint has its own key, and older ones are deleted once a newer one is stored).
    public static func checkpointKey(_ identity: String, iteration: Int) throws -> BlobKey {
        let digits = String(max(0, iteration))
        return try BlobKey(
            checkpointPrefix(identity) + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".ckpt")
    }

    /// The newest checkpoint of job `identity` in `store`, if any.
    ///
    /// - Throws: `MLOpsError` `corruptData` naming a damaged checkpoint; the store's errors.
    public static func latestCheckpoint(_ identity: String, in store: any BlobStore) async throws -> TrainingCheckpoint?
    {
        guard let key = try await store.list(prefix: checkpointPrefix(identity)).max(by: { $0.rawValue < $1.rawValue })
        else { return nil }
        return try TrainingCheckpoint(bytes: try await store.get(key), source: key.rawValue)
    }

    /// Runs `job`: `fit` trains (on a training thread, with a context prepared as described for
    /// ``Trainer``), `summarize` gives the final metrics and artifacts to log.
    ///
    /// - Throws: What `fit` or `summarize` throw (the run then ends as failed); `MLOpsError`
    ///   `corruptData` naming a damaged checkpoint; the tracker's and store's errors;
    ///   `CancellationError` when the calling task was cancelled.
    public func run<Fitted: Sendable>(
        _ job: TrainingJob,
        fit: @escaping @Sendable (inout TrainingContext) throws -> Fitted,
        summarize: @escaping @Sendable (Fitted) throws -> TrainingSummary
    ) async throws -> TrainingOutcome<Fitted> {
        let identity = job.identity(seed: seed)
        var resume: TrainingCheckpoint?
        if let store = checkpoints { resume = try await Self.latestCheckpoint(identity, in: store) }
        let run = try await startRun(job, identity: identity, resumedAfter: resume?.iteration)
        do {
            let outcome = try await train(
                job, identity: identity, resume: resume, run: run, fit: fit, summarize: summarize)
            try await run?.finish()
            return outcome
        } catch {
            let status: RunStatus = error is CancellationError ? .killed : .failed
            try? await run?.finish(status: status, error: String(describing: error))
            throw error
        }
    }

    private func startRun(_ job: TrainingJob, identity: String, resumedAfter: Int?) async throws -> RunHandle? {
        guard let tracker else { return nil }
        var tags = job.tags
        tags["mlops.training.job"] = identity
        if let resumedAfter { tags["mlops.training.resumed_after_iteration"] = String(resumedAfter) }
        let run = try await tracker.startRun(experiment: experiment, name: job.runName, tags: tags)
        var params = job.parameters
        params["estimator"] = job.estimator
        params["seed"] = String(seed)
        try await run.log(params: params)
        for input in job.inputs { try await run.logInput(input) }
        return run
    }

    private func train<Fitted: Sendable>(
        _ job: TrainingJob, identity: String, resume: TrainingCheckpoint?, run: RunHandle?,
        fit: @escaping @Sendable (inout TrainingContext) throws -> Fitted,
        summarize: @escaping @Sendable (Fitted) throws -> TrainingSummary
    ) async throws -> TrainingOutcome<Fitted> {
        // Metrics go to the run and checkpoints to the store through streams, so the training thread
        // never waits for storage; the newest checkpoint wins when the store is slower.
        let (reports, reportSink) = AsyncStream.makeStream(of: IterationReport.self)
        let (saves, saveSink) = AsyncStream.makeStream(
            of: TrainingCheckpoint.self, bufferingPolicy: .bufferingNewest(1))
        let logger = Task {
            for await report in reports where !report.metrics.isEmpty {
                try await run?.log(metrics: report.metrics, step: Int64(report.iteration))
            }
        }
        let store = checkpoints
        let saver = Task {
            guard let store else { return }
            for await checkpoint in saves {
                let key = try Self.checkpointKey(identity, iteration: checkpoint.iteration)
                try await store.put(key, data: try checkpoint.encoded())
                try await Self.deleteCheckpoints(identity, in: store, except: key)
            }
        }
        let cancelled = CancellationFlag()
        var context = TrainingContext(seed: seed, threads: threads)
        context.callbacks = [Autolog(sink: reportSink, cancelled: cancelled)] + callbacks
        context.job = identity
        context.resumeFrom = resume
        if checkpoints != nil {
            context.checkpointInterval = checkpointInterval
            context.checkpointSink = { saveSink.yield($0) }
        }
        let prepared = context
        let result: Result<(Fitted, [IterationReport], Bool, TrainingSummary), any Error>
        result = await withTaskCancellationHandler {
            await Result {
                try await Self.executor.run {
                    var context = prepared
                    let fitted = try fit(&context)
                    return (fitted, context.reports, context.stoppedByCallback, try summarize(fitted))
                }
            }
        } onCancel: {
            cancelled.set()
        }
        reportSink.finish()
        saveSink.finish()
        let logged = await logger.result
        let saved = await saver.result
        let (fitted, history, stopped, summary) = try result.get()
        try logged.get()
        try saved.get()
        if cancelled.isSet { throw CancellationError() }
        if let run {
            let step = Int64(history.last?.iteration ?? 0)
            if !summary.metrics.isEmpty { try await run.log(metrics: summary.metrics, step: step) }
            for path in summary.artifacts.keys.sorted() {
                try await run.logArtifact(path: path, data: summary.artifacts[path]!)
            }
            if !summary.tags.isEmpty { try await run.setTags(summary.tags) }
        }
        if let store = checkpoints { try await Self.deleteCheckpoints(identity, in: store, except: nil) }
        return TrainingOutcome(
            fitted: fitted, runID: run?.runID, reports: history, resumedAfterIteration: resume?.iteration,
            stoppedEarly: stopped && !cancelled.isSet, metrics: summary.metrics)
    }
}

extension Trainer {
    /// Deletes the checkpoints of job `identity` other than `kept`.
    static func deleteCheckpoints(_ identity: String, in store: any BlobStore, except kept: BlobKey?) async throws {
        for key in try await store.list(prefix: checkpointPrefix(identity)) where key != kept {
            try await store.delete(key)
        }
    }
}

/// The trainer's own callback: hands each report to the run's logger, and stops training once the
/// calling task has been cancelled.
private struct Autolog: TrainingCallback {
    let sink: AsyncStream<IterationReport>.Continuation
    let cancelled: CancellationFlag

    mutating func iterationEnded(_ report: IterationReport) -> TrainingDecision {
        sink.yield(report)
        return cancelled.isSet ? .stop : .proceed
    }
}

/// A flag set once from any thread.
private final class CancellationFlag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

extension Result where Failure == any Error {
    /// The result of an async throwing body.
    fileprivate init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
