public import InferenceCore
public import MLOpsCore

/// What an estimator trains with besides its data and hyperparameters: the one seeded generator,
/// the threads, the callbacks, and checkpointing.
///
/// ```swift
/// var context = TrainingContext(seed: 42, threads: 2)
/// context.callbacks.append(EarlyStopping(metric: "validation_loss", patience: 10))
/// let model = try MLP().fit(data, context: &context)
/// print(context.reports.last?.metrics ?? [:])
/// ```
///
/// **Determinism.** Every random draw — splits, initialisation, shuffling, subsampling — comes
/// from ``random``, in an order that does not depend on the number of threads: the same seed, data
/// and build give a byte-identical model on 1 or many threads.
///
/// **Iterations.** An iterative estimator calls ``report(_:)`` after each iteration, which keeps the
/// report in ``reports`` and runs the callbacks, and ``checkpointIfDue(iteration:force:state:)``, which
/// hands a ``TrainingCheckpoint`` to ``checkpointSink`` every ``checkpointInterval`` iterations. On
/// start it asks ``resumeCheckpoint()`` for a checkpoint to continue from.
public struct TrainingContext: Sendable {
    /// The seed ``random`` started from.
    public let seed: UInt64
    /// The generator every random draw of training comes from.
    public var random: SeededRandom
    /// The threads parallel parts of training run on (the caller included).
    public var pool: WorkerPool
    /// Run after every iteration, in order; any of them can stop training.
    public var callbacks: [any TrainingCallback] = []
    /// Every report so far, in order.
    public private(set) var reports: [IterationReport] = []
    /// Whether a callback stopped training before the estimator's last iteration.
    public private(set) var stoppedByCallback = false

    /// Identifies the job for checkpoints (see ``TrainingCheckpoint/job``); empty disables them.
    public var job: String = ""
    /// Save a checkpoint every this many iterations (0: never).
    public var checkpointInterval: Int = 0
    /// Receives each checkpoint; it must return quickly (hand the bytes off to a writer).
    public var checkpointSink: (@Sendable (TrainingCheckpoint) -> Void)?
    /// A checkpoint to resume from (ignored unless its ``TrainingCheckpoint/job`` equals ``job``).
    public var resumeFrom: TrainingCheckpoint?

    /// A context whose generator starts from `seed`, on `threads` threads (all online CPUs when
    /// `nil`).
    public init(seed: UInt64 = 0, threads: Int? = nil) {
        self.seed = seed
        self.random = SeededRandom(seed: seed)
        self.pool = threads.map { WorkerPool(threadCount: $0) } ?? WorkerPool.shared
    }

    /// The number of threads training runs on.
    public var threadCount: Int { pool.threadCount }

    /// Records `report` and runs the callbacks; returns ``TrainingDecision/stop`` when any of
    /// them asks to stop (all of them still see the report).
    public mutating func report(_ report: IterationReport) -> TrainingDecision {
        reports.append(report)
        var decision = TrainingDecision.proceed
        for index in callbacks.indices where callbacks[index].iterationEnded(report) == .stop {
            decision = .stop
        }
        if decision == .stop, report.iteration != report.totalIterations { stoppedByCallback = true }
        return decision
    }

    /// Tells the callbacks training has ended. Estimators call it once, also when they stop early.
    public mutating func finish() {
        for index in callbacks.indices { callbacks[index].trainingEnded(reports.last) }
    }

    /// The checkpoint to resume from, if one was given for this ``job``; restores ``random`` to its
    /// state at the checkpoint.
    public mutating func resumeCheckpoint() -> TrainingCheckpoint? {
        guard let checkpoint = resumeFrom, !job.isEmpty, checkpoint.job == job else { return nil }
        random = checkpoint.random
        return checkpoint
    }

    /// Hands a checkpoint of `state()` to ``checkpointSink`` when iteration `iteration` is a
    /// multiple of ``checkpointInterval`` (or `force` is set); otherwise does not call `state`.
    public func checkpointIfDue(iteration: Int, force: Bool = false, state: () throws -> [UInt8]) rethrows {
        guard let sink = checkpointSink, !job.isEmpty, checkpointInterval > 0 else { return }
        guard force || iteration % checkpointInterval == 0 else { return }
        sink(TrainingCheckpoint(job: job, iteration: iteration, random: random, state: try state()))
    }
}
