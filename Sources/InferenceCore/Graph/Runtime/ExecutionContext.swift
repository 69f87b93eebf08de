/// The per-call scratch state of a compiled model: tensor pointers, the arena and string slots.
///
/// A context is used by one call at a time (the model keeps a pool); after it has run once
/// at a batch size, running again at that size allocates nothing.
final class ExecutionContext: @unchecked Sendable {
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

    init(program: ExecutionProgram) {
        valueCount = program.valueCount
        dummy = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
        dummy.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        arenaBase = dummy
        ptrs = .allocate(capacity: max(1, valueCount))
        home = .allocate(capacity: max(1, valueCount))
        ptrs.initialize(repeating: dummy, count: max(1, valueCount))
        home.initialize(repeating: dummy, count: max(1, valueCount))
        strings = [[String]](repeating: [], count: valueCount)
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
            let capacity = max(plan.arenaBytes, arenaCapacity * 2)
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
    }

    /// Runs the bound plan's steps in order.
    @inline(__always)
    func runSteps() throws {
        guard let steps else { return }
        for i in 0..<stepCount { try steps[i]._withUnsafeGuaranteedRef { try $0.run(self) } }
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
