import InferenceCore
import MLOpsCore

/// The dynamic-batching queue of one model version and the thread that drains it.
///
/// Callers suspend on a continuation after appending their request (or are shed at once when the
/// queue is full); the version's own thread — not one of Swift's cooperative threads — forms
/// batches by the ``BatchingPolicy``, runs the model and resumes each caller with its rows.
/// Long model calls therefore never occupy the cooperative pool, and the callers' tasks cost no
/// thread while they wait.
///
/// `@unchecked Sendable`: the queue and flags are only touched holding `lock`; `scratch` only by
/// the batching thread.
final class Batcher: @unchecked Sendable {
    /// A queued request.
    private struct Pending {
        let request: PreparedRequest
        let continuation: UnsafeContinuation<[Tensor], any Error>
        let enqueued: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant?
    }

    let policy: BatchingPolicy
    private let runner: VersionRunner
    private let metrics: MetricsRecorder
    private let lock = Platform.ConditionLock()
    private var queue: [Pending] = []
    private var head = 0
    private var closed = false
    /// Whether the thread sleeps with an empty queue (any arrival must wake it).
    private var threadIdle = false
    /// Whether the thread sleeps until the oldest request's delay is up (only a full or preferred
    /// batch must wake it early).
    private var threadDelaying = false
    /// Rows waiting in the queue.
    private var queuedRows = 0
    private let scratch = BatchScratch()
    private let preferred: Set<Int>
    private let label: String

    /// Creates the queue and starts its thread.
    ///
    /// - Throws: `MLOpsError` `unavailable` if the system refuses a thread.
    init(policy: BatchingPolicy, runner: VersionRunner, metrics: MetricsRecorder, label: String) throws {
        self.policy = policy
        self.runner = runner
        self.metrics = metrics
        self.label = label
        preferred = Set(policy.preferredBatchSizes)
        queue.reserveCapacity(Swift.min(policy.maxQueueSize, 4096))
        let started = Platform.startThread(name: "mlops-batch") { [self] in loop() }
        guard started else {
            throw MLOpsError(.unavailable, "could not start the batching thread of \(label)", value: label)
        }
    }

    /// Warms the batch path at `rows` rows on the calling thread (before any traffic).
    func warmUp(rows: Int) throws {
        try lock.withLock { try runner.warmUp(rows: rows, scratch: scratch) }
    }

    /// Queues `request` and waits for its outputs.
    ///
    /// - Throws: `MLOpsError` `overloaded` at once when ``BatchingPolicy/maxQueueSize`` requests
    ///   are waiting; `deadlineExceeded` when `deadline` passes while it waits; `unavailable` when
    ///   the version has been unloaded; the model's errors.
    func submit(_ request: PreparedRequest, deadline: ContinuousClock.Instant?) async throws -> [Tensor] {
        try await withUnsafeThrowingContinuation { continuation in
            lock.lock()
            if closed {
                lock.unlock()
                continuation.resume(
                    throwing: MLOpsError(.unavailable, "\(label) has been unloaded", value: label))
                return
            }
            let depth = queue.count - head
            if depth >= policy.maxQueueSize {
                lock.unlock()
                continuation.resume(
                    throwing: MLOpsError(
                        .overloaded,
                        "the batching queue of \(label) is full (\(policy.maxQueueSize) requests waiting); retry later",
                        value: label))
                return
            }
            queue.append(
                Pending(request: request, continuation: continuation, enqueued: .now, deadline: deadline))
            queuedRows += request.rowCount
            let wake =
                threadIdle
                || (threadDelaying && (queuedRows >= policy.maxBatchSize || preferred.contains(queuedRows)))
            metrics.setQueueDepth(depth + 1)
            lock.unlock()
            if wake { lock.signal() }
        }
    }

    /// Stops the thread once the queue is empty (the version was unloaded; no new requests come).
    func close() {
        lock.withLock { closed = true }
        lock.signal()
    }

    // MARK: - The batching thread

    private func loop() {
        var batch: [Pending] = []
        var expired: [Pending] = []
        batch.reserveCapacity(policy.maxBatchSize)
        while true {
            lock.lock()
            guard let taken = nextBatchLocked() else {
                lock.unlock()
                return
            }
            let now = ContinuousClock.now
            batch.removeAll(keepingCapacity: true)
            expired.removeAll(keepingCapacity: true)
            for index in head..<(head + taken) {
                let pending = queue[index]
                queuedRows -= pending.request.rowCount
                if let deadline = pending.deadline, deadline <= now {
                    expired.append(pending)
                } else {
                    batch.append(pending)
                }
            }
            head += taken
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            metrics.setQueueDepth(queue.count - head)
            lock.unlock()
            for pending in expired {
                pending.continuation.resume(
                    throwing: MLOpsError(
                        .deadlineExceeded, "the request's deadline passed while it waited in the queue of \(label)",
                        value: label))
            }
            guard !batch.isEmpty else { continue }
            var rows = 0
            for pending in batch { rows += pending.request.rowCount }
            let results = runner.run(batch: batch.map(\.request), scratch: scratch)
            metrics.recordBatch(rows: rows)
            for (pending, result) in zip(batch, results) {
                switch result {
                case .success(let tensors): pending.continuation.resume(returning: tensors)
                case .failure(let error): pending.continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Waits (holding `lock`, which the waits release) until a batch is due and returns how many
    /// requests from `head` it takes; `nil` when the queue is closed and empty.
    private func nextBatchLocked() -> Int? {
        while true {
            let depth = queue.count - head
            if depth == 0 {
                if closed { return nil }
                threadIdle = true
                lock.wait()
                threadIdle = false
                continue
            }
            // The prefix of whole requests that fits in a batch, and the longest prefix whose rows
            // make a preferred size.
            var rows = 0
            var count = 0
            var preferredCount = 0
            var index = head
            while index < queue.count {
                let next = queue[index].request.rowCount
                if count > 0, rows + next > policy.maxBatchSize { break }
                rows += next
                count += 1
                if preferred.contains(rows) { preferredCount = count }
                index += 1
                if rows >= policy.maxBatchSize { break }
            }
            if rows >= policy.maxBatchSize || index < queue.count || closed { return count }
            if preferredCount > 0 { return preferredCount }
            let due = queue[head].enqueued + policy.maxQueueDelay
            let now = ContinuousClock.now
            if now >= due { return count }
            threadDelaying = true
            lock.wait(nanoseconds: (due - now).wholeNanoseconds)
            threadDelaying = false
        }
    }
}
