/// Threads that run blocking work — file I/O and `fsync`, a C library such as SQLite, waits for a lock held
/// by another process — so that async callers suspend instead of blocking one of Swift's cooperative
/// threads.
///
/// Swift runs every task on a small pool of threads, one per CPU. A task that blocks its thread in a system
/// call takes that thread away from every other task; a few such calls at once stop the whole program. An
/// executor instead runs each job on one of its own threads while the caller is suspended:
///
/// ```swift
/// let executor = BlockingExecutor(name: "blob-io", threadCount: 4)
/// let table = try await executor.run { try Table.readCSV(path: path) }  // the caller's thread is free meanwhile
/// ```
///
/// What a caller must know:
///
/// - **Order and parallelism.** Jobs start in the order they were submitted. Up to `threadCount` run at
///   once; an executor with one thread is a serial queue, which is how `SQLiteStorage` confines each
///   database connection to one thread.
/// - **Threads.** They start lazily, when a job finds no idle thread, and live until ``shutdown(waiting:)``
///   (or until the executor is released, which shuts it down without waiting).
/// - **Cancellation.** A submitted job always runs to its end, and ``run(_:)`` waits for it even when the
///   calling task is cancelled: the job may already have done its work (a commit, a write), and returning
///   early would hide that. Check `Task.isCancelled` before calling if that matters.
/// - **Re-entrancy.** A job that waits synchronously for another job of the same executor can deadlock it
///   when every thread is busy; ``runAndWait(_:)`` called on one of the executor's own threads therefore
///   runs its body inline.
package final class BlockingExecutor: Sendable {
    /// The name given to the executor's threads (at most 15 bytes are kept).
    package let name: String
    /// The most jobs that run at once.
    package let threadCount: Int
    private let core: ExecutorCore

    /// Creates an executor; no thread starts before the first job.
    ///
    /// - Parameters:
    ///   - name: Names the threads, for debuggers and `top -H`.
    ///   - threadCount: The most threads (and jobs at once); at least 1.
    package init(name: String, threadCount: Int) {
        self.name = name
        self.threadCount = Swift.max(1, threadCount)
        core = ExecutorCore(name: name, threadCount: Swift.max(1, threadCount))
    }

    deinit {
        core.shutdown(waiting: false)
    }

    /// A process-wide executor for short blocking calls (file reads, writes, `fsync`), with four threads
    /// or one per CPU, whichever is more, up to 16. Started lazily; never shut down.
    package static let shared = BlockingExecutor(
        name: "mlops-blocking", threadCount: Swift.min(16, Swift.max(4, Platform.processorCount)))

    /// Whether the calling thread is one of this executor's.
    package var isCurrent: Bool { core.isCurrent }

    /// Jobs submitted and not finished yet: those waiting plus those running.
    package var pendingJobCount: Int { core.pendingJobCount }

    /// Threads started and not yet ended.
    package var liveThreadCount: Int { core.liveThreadCount }

    /// Queues `job` to run on one of the executor's threads.
    ///
    /// - Returns: `false` (and `job` never runs) if the executor has been shut down, or no thread could be
    ///   started and none is running.
    @discardableResult
    package func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        core.submit(job)
    }

    /// Runs `body` on one of the executor's threads while the calling task is suspended, and returns its
    /// result or rethrows its error.
    ///
    /// The task's thread is never blocked. See the type's notes on order and cancellation.
    ///
    /// - Throws: What `body` throws; ``MLOpsError/Code/invalidState`` if the executor has been shut down.
    package func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Value, any Error>) in
            let accepted = core.submit {
                continuation.resume(with: Result { try body() })
            }
            if !accepted { continuation.resume(throwing: closedError()) }
        }
    }

    /// Runs a non-escaping, non-`Sendable` `body` on one of the executor's threads while the calling task is
    /// suspended, and returns its result or rethrows its error.
    ///
    /// This lends `body` (and what it captures) to another thread for the duration of the call. That is
    /// safe because the caller cannot run until `body` has returned: the two never touch the captured state
    /// at the same time, and the executor drops its last reference to `body` before resuming the caller.
    /// `body` must not keep references to the things it captures beyond its own return.
    ///
    /// - Throws: What `body` throws; ``MLOpsError/Code/invalidState`` if the executor has been shut down.
    package func run<Value>(lending body: () throws -> Value) async throws -> Value {
        try await withoutActuallyEscaping(body) { escapable in
            let loan = LentJob(escapable)
            let accepted = await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
                let accepted = core.submit {
                    loan.run()  // drops the job's reference to `body` before the caller resumes
                    continuation.resume(returning: true)
                }
                if !accepted { continuation.resume(returning: false) }
            }
            guard accepted else {
                loan.discard()
                throw closedError()
            }
            return try loan.takeResult()
        }
    }

    /// Runs `body` on one of the executor's threads and blocks the calling thread until it has finished —
    /// for synchronous APIs that must keep work on the executor's threads (a connection confined to one).
    ///
    /// Called on one of this executor's own threads, it runs `body` inline instead of queueing it behind
    /// the job that is waiting for it. From async code prefer ``run(_:)``: this blocks the thread.
    ///
    /// - Throws: What `body` throws; ``MLOpsError/Code/invalidState`` if the executor has been shut down.
    package func runAndWait<Value>(_ body: () throws -> Value) throws -> Value {
        if core.isCurrent { return try body() }
        return try withoutActuallyEscaping(body) { escapable in
            let loan = LentJob(escapable)
            let done = Platform.ConditionLock()
            let accepted = core.submit {
                loan.run()
                done.withLock { loan.isFinished = true }
                done.broadcast()
            }
            guard accepted else {
                loan.discard()
                throw closedError()
            }
            done.lock()
            while !loan.isFinished { done.wait() }
            done.unlock()
            return try loan.takeResult()
        }
    }

    /// Stops accepting jobs; the threads finish the jobs already queued and end.
    ///
    /// With `waiting`, returns only once every thread has ended — except when called on one of the
    /// executor's own threads, which cannot wait for itself: then it returns at once and the threads end
    /// after the current job. Calling it again does nothing more.
    package func shutdown(waiting: Bool = true) {
        core.shutdown(waiting: waiting && !core.isCurrent)
    }

    private func closedError() -> MLOpsError {
        MLOpsError(.invalidState, "the executor has been shut down; it runs no more work", value: name)
    }
}

/// A non-escaping closure lent to another thread by `BlockingExecutor.run(lending:)` and
/// `BlockingExecutor.runAndWait(_:)`, with room for its result.
///
/// `@unchecked Sendable`: the lending thread writes `body` before submitting the job and reads `result`
/// only after the job has signalled completion (a continuation resume or a condition variable, both full
/// memory barriers); the executor's thread touches both only in between. Never shared otherwise.
private final class LentJob<Value>: @unchecked Sendable {
    private var body: (() throws -> Value)?
    private var result: Result<Value, any Error>?
    /// Set by `BlockingExecutor.runAndWait(_:)`'s job, under its condition lock, when the job is done.
    var isFinished = false

    init(_ body: @escaping () throws -> Value) { self.body = body }

    /// Runs the body once and releases it, keeping the result. The body's reference ends with this call,
    /// before the lender resumes, as `withoutActuallyEscaping` requires.
    func run() {
        guard let body else { return }
        self.body = nil
        result = Result { try body() }
    }

    /// Releases the body without running it.
    func discard() { body = nil }

    /// The body's result; call it once the job has finished.
    func takeResult() throws -> Value {
        guard let result else { preconditionFailure("LentJob result read before the job ran") }
        self.result = nil
        return try result.get()
    }
}

/// The queue and threads of a `BlockingExecutor`, shared with the threads (which keep it alive until
/// they end, while the executor itself may be released earlier).
///
/// `@unchecked Sendable`: every mutable field is read and written only while holding `lock`.
private final class ExecutorCore: @unchecked Sendable {
    let name: String
    let threadCount: Int
    private let lock = Platform.ConditionLock()
    private var queue: [@Sendable () -> Void] = []
    private var head = 0
    private var idleThreads = 0
    private var startedThreads = 0
    private var liveThreads = 0
    private var runningJobs = 0
    private var isShutDown = false

    init(name: String, threadCount: Int) {
        self.name = name
        self.threadCount = threadCount
    }

    /// The tag a thread of this executor carries in ``Platform/threadTag``.
    private var tag: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    var isCurrent: Bool { Platform.threadTag == tag }

    var pendingJobCount: Int { lock.withLock { queue.count - head + runningJobs } }

    var liveThreadCount: Int { lock.withLock { liveThreads } }

    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        lock.lock()
        guard !isShutDown else {
            lock.unlock()
            return false
        }
        queue.append(job)
        let waiting = queue.count - head
        if waiting > idleThreads && startedThreads < threadCount {
            startedThreads += 1
            liveThreads += 1
            let started = Platform.startThread(name: name) { [self] in workerLoop() }
            if !started {
                startedThreads -= 1
                liveThreads -= 1
                if liveThreads == 0 {
                    // Nothing will ever run the job: take it back.
                    queue.removeLast()
                    lock.unlock()
                    return false
                }
            }
        }
        lock.signal()
        lock.unlock()
        return true
    }

    func shutdown(waiting: Bool) {
        lock.lock()
        isShutDown = true
        lock.broadcast()
        if waiting {
            while liveThreads > 0 { lock.wait() }
        }
        lock.unlock()
    }

    private func workerLoop() {
        Platform.threadTag = tag
        lock.lock()
        while true {
            while head == queue.count && !isShutDown {
                idleThreads += 1
                lock.wait()
                idleThreads -= 1
            }
            if head == queue.count {  // shut down and drained
                liveThreads -= 1
                lock.broadcast()
                lock.unlock()
                Platform.threadTag = nil
                return
            }
            var job: (@Sendable () -> Void)? = queue[head]
            queue[head] = {}
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64 && head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            runningJobs += 1
            lock.unlock()
            job?()
            job = nil
            lock.lock()
            runningJobs -= 1
        }
    }
}
