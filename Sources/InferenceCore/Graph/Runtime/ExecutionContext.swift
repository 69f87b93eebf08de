import Synchronization

/// The per-call scratch state of a compiled model: tensor pointers, the arena and string slots.
///
/// A context is used by one call at a time (the model keeps a pool); after it has run once
/// at a batch size, running again at that size allocates nothing. For a plan that runs as
/// row chunks (``ResolvedPlan/chunks``) the context keeps one worker context per thread the
/// chunks are spread over; each worker runs whole chunks on its own small arena.
final class ExecutionContext: @unchecked Sendable {
    /// The program the context runs (its input and output values, its pool).
    private let program: ExecutionProgram
    /// The bound plan's row-chunk schedule, if it runs as chunks.
    private var chunks: ChunkSchedule?
    /// Contexts that run the chunks, one per thread (empty until a chunked plan is bound).
    private var workers: [ExecutionContext] = []
    /// How many of ``workers`` the bound chunked plan uses.
    private var workerCount = 0
    /// The next chunk to claim while chunks run on several threads.
    private let nextChunk = Atomic<Int>(0)
    /// The first error a chunk threw on a pool thread.
    private let failure = Mutex<(any Error)?>(nil)
    /// The number of tensors in the program.
    let valueCount: Int
    /// Where each tensor's elements are during the current call (inputs and direct outputs
    /// point at caller memory).
    let ptrs: UnsafeMutablePointer<UnsafeMutableRawPointer>
    /// Where each tensor lives when not redirected: arena, constant store or a dummy block.
    let home: UnsafeMutablePointer<UnsafeMutableRawPointer>
    /// Elements of string tensors, by tensor index.
    var strings: [[String]]
    /// The plan the pointers are currently bound to.
    private(set) var plan: ResolvedPlan?
    /// The bound plan's batch size (-1 when unbound), steps and step count, for the hot path.
    private(set) var batch = -1
    private var steps: UnsafeMutablePointer<Unmanaged<StepRunner>>?
    private var stepCount = 0
    /// Byte counts of graph input 0 and output 0 for the bound plan, whether output 0 can be
    /// written straight to the caller, and whether it lives in the arena (single-tensor fast path).
    private(set) var firstInputBytes = 0
    private(set) var firstOutputBytes = 0
    private(set) var firstOutputDirect = false
    private(set) var firstOutputInArena = false
    private var arena: UnsafeMutableRawPointer?
    /// The start of the arena (scratch offsets are relative to it).
    private(set) var arenaBase: UnsafeMutableRawPointer
    private var arenaCapacity = 0
    private let dummy: UnsafeMutableRawPointer
    /// How many times the arena was (re)allocated; tests use it to prove reuse.
    private(set) var arenaAllocations = 0
    /// The contexts that run the program's scan bodies, by scan slot (created on first use).
    private var scanContexts: [ExecutionContext?]

    init(program: ExecutionProgram) {
        self.program = program
        valueCount = program.valueCount
        dummy = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
        dummy.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        arenaBase = dummy
        ptrs = .allocate(capacity: max(1, valueCount))
        home = .allocate(capacity: max(1, valueCount))
        ptrs.initialize(repeating: dummy, count: max(1, valueCount))
        home.initialize(repeating: dummy, count: max(1, valueCount))
        strings = [[String]](repeating: [], count: valueCount)
        scanContexts = [ExecutionContext?](repeating: nil, count: program.scanSlotCount)
        for (v, p) in program.constantPointers {
            home[v] = p.pointer
            ptrs[v] = p.pointer
        }
        for (v, s) in program.constantStrings { strings[v] = s }
    }

    /// Points every arena tensor at its slot for `plan`, growing the arena if needed.
    func bind(_ plan: ResolvedPlan) {
        if plan.arenaBytes > arenaCapacity {
            arena?.deallocate()
            // Grow geometrically, but never past the model's arena limit (both are ≤ 2^58).
            let capacity = max(plan.arenaBytes, min(arenaCapacity * 2, plan.arenaLimit))
            let p = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
            p.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
            arena = p
            arenaCapacity = capacity
            arenaAllocations += 1
        }
        let base = arena ?? dummy
        arenaBase = base
        for (v, offset) in plan.offsets.enumerated() where offset >= 0 {
            home[v] = base + offset
            ptrs[v] = base + offset
        }
        self.plan = plan
        batch = plan.batch
        firstInputBytes = plan.inputByteCounts.first ?? 0
        firstOutputBytes = plan.outputByteCounts.first ?? 0
        firstOutputDirect = plan.directOutputs.first ?? false
        firstOutputInArena = plan.firstOutputInArena
        stepCount = plan.stepStorage.count
        steps = plan.stepStorage.base
        chunks = plan.chunks
        if let schedule = plan.chunks {
            prepareWorkers(schedule)
        }
    }

    /// Creates and sizes the worker contexts for `schedule`, so running it allocates nothing.
    private func prepareWorkers(_ schedule: ChunkSchedule) {
        let threads = max(1, min(program.pool?.threadCount ?? 1, schedule.count))
        while workers.count < threads { workers.append(ExecutionContext(program: program)) }
        workerCount = threads
        for worker in workers.prefix(threads) {
            let before = worker.arenaAllocations
            // The larger of the two plans first, so the arena never has to grow while running.
            if schedule.lastPlan.arenaBytes > schedule.chunkPlan.arenaBytes {
                worker.bind(schedule.lastPlan)
            }
            worker.bind(schedule.chunkPlan)
            arenaAllocations += worker.arenaAllocations - before
        }
    }

    /// Runs the bound plan: its steps in order, or its row chunks.
    @inline(__always)
    func runSteps() throws {
        if let chunks { return try runChunks(chunks) }
        guard let steps else { return }
        for i in 0..<stepCount { try steps[i]._withUnsafeGuaranteedRef { try $0.run(self) } }
    }

    /// Runs every chunk of `schedule`: on one worker in order, or claimed one at a time by
    /// ``workerCount`` workers on the program's pool (a busy pool runs them all on this thread).
    private func runChunks(_ schedule: ChunkSchedule) throws {
        guard workerCount > 1, let pool = program.pool else {
            let worker = workers[0]
            for index in 0..<schedule.count { try runChunk(index, schedule, on: worker) }
            return
        }
        nextChunk.store(0, ordering: .relaxed)
        pool.parallelFor(workerCount, work: ChunkWork(context: self, schedule: schedule))
        if let error = failure.withLock({ slot -> (any Error)? in
            defer { slot = nil }
            return slot
        }) {
            throw error
        }
    }

    /// Worker `thread` of a chunked run: claims chunks until none are left (a value, so sharing it with the
    /// pool allocates nothing).
    ///
    /// @unchecked Sendable: chunks are claimed through an atomic counter, each worker thread uses only its
    /// own `ExecutionContext` (`context.workers[thread]`), and failures go through a mutex.
    private struct ChunkWork: ParallelWork, @unchecked Sendable {
        let context: ExecutionContext
        let schedule: ChunkSchedule

        func run(_ thread: Int) {
            context.claimChunks(schedule, on: context.workers[thread])
        }
    }

    /// Runs chunks of `schedule` on `worker` until none are left or one fails (the first error is kept).
    private func claimChunks(_ schedule: ChunkSchedule, on worker: ExecutionContext) {
        while true {
            let index = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < schedule.count else { return }
            do {
                try runChunk(index, schedule, on: worker)
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
                return
            }
        }
    }

    /// Runs chunk `index` on `worker`, pointing its inputs and outputs at this context's
    /// tensors (caller buffers or the output arena) at the chunk's first row.
    @inline(__always)
    private func runChunk(_ index: Int, _ schedule: ChunkSchedule, on worker: ExecutionContext) throws {
        let (start, plan) = schedule.chunk(index)
        if worker.batch != plan.batch { worker.bind(plan) }
        for (i, v) in program.inputValues.enumerated() {
            worker.ptrs[v] = ptrs[v] + start * schedule.inputRowBytes[i]
        }
        for (j, v) in program.outputValues.enumerated() {
            worker.ptrs[v] = ptrs[v] + start * schedule.outputRowBytes[j]
        }
        try worker.runSteps()
    }

    /// The context that runs the body of scan slot `slot` (see ``ScanProgram``), created on the
    /// first call; it belongs to this context, so it is used by one call at a time too.
    @inline(__always)
    func scanContext(_ slot: Int, _ body: ExecutionProgram) -> ExecutionContext {
        if let context = scanContexts[slot] { return context }
        let context = ExecutionContext(program: body)
        scanContexts[slot] = context
        return context
    }

    /// The bytes of the arena currently held.
    var arenaBytes: Int { arenaCapacity }

    deinit {
        arena?.deallocate()
        dummy.deallocate()
        ptrs.deallocate()
        home.deallocate()
    }

    @inline(__always) func f32(_ v: Int) -> UnsafeMutablePointer<Float> { ptrs[v].assumingMemoryBound(to: Float.self) }
    @inline(__always) func f64(_ v: Int) -> UnsafeMutablePointer<Double> {
        ptrs[v].assumingMemoryBound(to: Double.self)
    }
    @inline(__always) func i64(_ v: Int) -> UnsafeMutablePointer<Int64> { ptrs[v].assumingMemoryBound(to: Int64.self) }
    @inline(__always) func bool(_ v: Int) -> UnsafeMutablePointer<Bool> { ptrs[v].assumingMemoryBound(to: Bool.self) }
}
