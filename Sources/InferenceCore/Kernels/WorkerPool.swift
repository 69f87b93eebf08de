import MLOpsCore
import Synchronization

/// A persistent set of threads that run the parallel parts of the kernels.
///
/// `DispatchQueue.concurrentPerform` does not speed up work shorter than a millisecond or two on small
/// machines: waking its threads costs more than the work. A `WorkerPool` keeps its threads alive; after a job
/// they spin briefly (``spinMicroseconds``) waiting for the next one, then sleep on a condition variable. The
/// caller always takes part in its own job, so a pool of `threadCount` uses `threadCount - 1` extra threads.
///
/// ```swift
/// let pool = WorkerPool.shared
/// let total = Mutex(0)  // Synchronization's Mutex: the body is `@Sendable`
/// pool.parallelFor(4) { chunk in total.withLock { $0 += chunk } }  // returns when all four chunks are done
/// ```
///
/// A pool runs one job at a time. A call made while the pool is busy — from another task, or from inside a
/// job — runs all of its iterations on the calling thread instead of waiting, so the pool can be shared by
/// any number of concurrent callers and never deadlocks; they are then parallel with each other rather than
/// within each call.
public final class WorkerPool: Sendable {
    /// A pool with one thread per online CPU, created on first use and never shut down.
    public static let shared = WorkerPool()

    /// The number of threads that work on a job, the calling thread included (at least 1).
    public let threadCount: Int

    /// How long an idle worker polls for a new job before it goes to sleep.
    public let spinMicroseconds: Int

    private let core: PoolCore

    /// Creates a pool and starts its threads.
    ///
    /// - Parameters:
    ///   - threadCount: Threads per job including the caller; `nil` means the number of online CPUs.
    ///     Values below 1 are treated as 1 (no extra threads: every job runs on the caller).
    ///   - spinMicroseconds: How long an idle worker keeps polling before it sleeps. Longer spins make
    ///     back-to-back jobs start faster and burn more CPU while idle.
    public init(threadCount: Int? = nil, spinMicroseconds: Int = 200) {
        let count = max(1, min(threadCount ?? WorkerPool.onlineProcessorCount, 256))
        self.threadCount = count
        self.spinMicroseconds = max(0, spinMicroseconds)
        core = PoolCore(workerCount: count - 1, spinNanoseconds: max(0, spinMicroseconds) * 1000)
    }

    deinit {
        core.stop()
    }

    /// Runs `body(i)` for every `i` in `0..<iterations`, spread over the pool's threads and the caller, and
    /// returns when all have finished.
    ///
    /// `body` is called concurrently from several threads, in no particular order, so it must only touch
    /// memory that its own iteration owns (or synchronise). Its effects are visible to the caller when this
    /// method returns. When the pool is busy, or `iterations` is 1, everything runs on the calling thread.
    ///
    /// Handing a closure to other threads costs one small heap allocation per call (Swift must wrap a
    /// non-escaping closure to share it); hot paths that must not allocate use
    /// ``parallelFor(_:work:)`` instead.
    public func parallelFor(_ iterations: Int, _ body: @Sendable (Int) -> Void) {
        guard core.wouldShare(iterations) else {
            for i in 0..<max(0, iterations) { body(i) }
            return
        }
        // The pool returns only once every iteration has finished, so `body` never outlives this call.
        withoutActuallyEscaping(body) { escapable in
            core.run(iterations, ClosureWork(body: escapable))
        }
    }

    /// Runs `work.run(i)` for every `i` in `0..<iterations`, like ``parallelFor(_:_:)``, without
    /// allocating: the workers read `work` in place, on the caller's stack.
    ///
    /// The same rules apply: `run(_:)` is called concurrently, in no particular order, and must only touch
    /// memory its own iteration owns (or synchronise).
    @inlinable
    public func parallelFor<Work: ParallelWork>(_ iterations: Int, work: Work) {
        runShared(iterations, work)
    }

    /// The non-inlinable entry behind ``parallelFor(_:work:)``.
    @usableFromInline
    func runShared<Work: ParallelWork>(_ iterations: Int, _ work: Work) {
        core.run(iterations, work)
    }

    /// The number of CPUs the operating system reports online.
    public static var onlineProcessorCount: Int {
        Platform.processorCount
    }
}

/// The shared state of a ``WorkerPool`` and its threads.
///
/// The job word packs a 16-bit generation, a 24-bit item count and a 24-bit next-item index, so a worker
/// claims an item and checks that it still belongs to the job it saw in a single compare-and-swap; a stale
/// worker can never run an item of a later job. The job's closure is published before the job word and is
/// only read by a thread that has claimed an item of that job, which keeps the caller inside `run` until the
/// item completes.
// @unchecked Sendable: `body` is written only by the thread that holds `busy`, and read only by threads that
// claimed an item of the job it belongs to (ordered by the acquire/release operations on `job`).
private final class PoolCore: @unchecked Sendable {
    static let countMask: UInt64 = (1 << 24) - 1

    let job = Atomic<UInt64>(0)
    let completed = Atomic<Int>(0)
    let busy = Atomic<Bool>(false)
    let sleepers = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let spinNanoseconds: Int
    let workerCount: Int
    /// The running job's work value and its type; valid while a job is claimed.
    var body: UnsafeRawPointer?
    var bodyType: (any ParallelWork.Type)?
    var generation: UInt64 = 0
    /// Guards the sleep of idle workers (see ``sleepers``).
    let sleep = Platform.ConditionLock()
    private let threads = Mutex<[Platform.JoinableThread]>([])

    init(workerCount: Int, spinNanoseconds: Int) {
        self.workerCount = workerCount
        self.spinNanoseconds = spinNanoseconds
        var started: [Platform.JoinableThread] = []
        for _ in 0..<workerCount {
            // Each thread keeps the core alive until its loop ends (after `stop()`).
            if let thread = Platform.JoinableThread.start({ [self] in workerLoop() }) {
                started.append(thread)
            }
        }
        threads.withLock { $0 = started }
    }

    /// Asks the workers to exit and waits for them.
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        sleep.withLock { sleep.broadcast() }
        let toJoin = threads.withLock { threads in
            let all = threads
            threads = []
            return all
        }
        for thread in toJoin {
            thread.join()
        }
    }

    /// Whether a job of `iterations` items could be shared with the workers (ignoring `busy`).
    func wouldShare(_ iterations: Int) -> Bool {
        iterations > 1 && workerCount > 0 && UInt64(iterations) <= Self.countMask
    }

    func run<Work: ParallelWork>(_ iterations: Int, _ task: Work) {
        guard iterations > 0 else { return }
        guard wouldShare(iterations),
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for i in 0..<iterations { task.run(i) }
            return
        }
        withUnsafePointer(to: task) { pointer in
            self.body = UnsafeRawPointer(pointer)
            self.bodyType = Work.self
            completed.store(0, ordering: .relaxed)
            generation = (generation + 1) & 0xFFFF
            let gen = generation
            job.store(gen << 48 | UInt64(iterations) << 24, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                sleep.withLock { sleep.broadcast() }
            }
            work(generation: gen)
            var spins = 0
            while completed.load(ordering: .acquiring) < iterations {
                spins &+= 1
                if spins & 255 == 0 { Platform.yieldThread() }
            }
            self.body = nil
            self.bodyType = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs items of job `generation` until none are left.
    func work(generation gen: UInt64) {
        var word = job.load(ordering: .acquiring)
        while true {
            guard word >> 48 == gen else { return }
            let count = (word >> 24) & Self.countMask
            let next = word & Self.countMask
            guard next < count else { return }
            let (exchanged, original) = job.compareExchange(
                expected: word, desired: word + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                invoke(Int(next))
                completed.add(1, ordering: .releasing)
                word = job.load(ordering: .acquiring)
            } else {
                word = original
            }
        }
    }

    @inline(never)
    func invoke(_ index: Int) {
        // A claimed item keeps the caller in `run`, so `body` points at its live closure.
        invokeWork(bodyType.unsafelyUnwrapped, body.unsafelyUnwrapped, index)
    }

    /// The loop each worker thread runs until ``stop()``.
    func workerLoop() {
        var seen = job.load(ordering: .acquiring) >> 48
        while true {
            var word = job.load(ordering: .acquiring)
            var spins = 0
            var spinStart = 0
            while word >> 48 == seen {
                if stopping.load(ordering: .relaxed) { return }
                spins &+= 1
                if spins & 63 == 0 {
                    let now = Platform.monotonicNanoseconds()
                    if spinStart == 0 {
                        spinStart = now
                    } else if now - spinStart >= spinNanoseconds {
                        sleepUntilNewJob(seen: seen)
                        spinStart = 0
                    } else {
                        Platform.yieldThread()
                    }
                }
                word = job.load(ordering: .acquiring)
            }
            seen = word >> 48
            work(generation: seen)
        }
    }

    private func sleepUntilNewJob(seen: UInt64) {
        sleep.lock()
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while job.load(ordering: .sequentiallyConsistent) >> 48 == seen
            && !stopping.load(ordering: .sequentiallyConsistent)
        {
            sleep.wait()
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        sleep.unlock()
    }
}

/// Calls item `index` of the work value of type `type` at `pointer` (the existential type is opened here).
private func invokeWork<Work: ParallelWork>(_ type: Work.Type, _ pointer: UnsafeRawPointer, _ index: Int) {
    pointer.assumingMemoryBound(to: Work.self).pointee.run(index)
}

/// The closure of one ``WorkerPool/parallelFor(_:_:)`` call, as a work value.
private struct ClosureWork: ParallelWork {
    let body: @Sendable (Int) -> Void

    func run(_ index: Int) { body(index) }
}
