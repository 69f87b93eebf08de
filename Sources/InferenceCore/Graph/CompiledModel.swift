import MLOpsCore
import Synchronization

/// A ``ModelGraph`` compiled into an execution plan: ops sorted and fused, weights
/// pre-packed, buffers planned per batch size and reused.
///
/// `predict` is safe to call from many tasks at once: each call borrows a scratch context
/// from a pool (and returns it), so concurrent calls never share buffers. After a context
/// has run once at a batch size, the buffer-pointer entry points
/// (``predict(batchSize:inputs:outputs:)`` and ``predict(_:batchSize:into:)``) allocate
/// nothing; ``predict(_:)`` allocates only its result tensors and dictionary.
///
/// ```swift
/// let model = try graph.compile()
/// let out = try model.predict(["X": try Tensor(shape: [1, 4], float32: [1, 2, 3, 4])])
/// ```
public final class CompiledModel: Sendable {
    /// The inputs a caller supplies, in the order the buffer entry points take them.
    public let inputs: [ValueInfo]
    /// The outputs produced, in the order the buffer entry points fill them.
    public let outputs: [ValueInfo]
    /// The options the model was compiled with.
    public let options: CompileOptions

    let program: ExecutionProgram
    private let plans: Mutex<[ResolvedPlan]>
    private let pool: Mutex<[ExecutionContext]>
    private let counters: Counters
    /// One idle context kept outside the pool, taken and returned with a single atomic exchange
    /// (an `Unmanaged` reference's bits, or 0).
    private let fastSlot = Atomic<UInt>(0)
    /// Value indices of the only input and output when both are `float32` (the single-tensor path).
    private let singleFloat: (input: Int, output: Int)?
    /// The row-chunk size, when every step of the program is row-independent.
    private let chunking: RowChunking?

    /// Event counts a caller can use to check that the hot path did no planning or allocation.
    public struct Statistics: Sendable, Hashable {
        /// Per-batch-size plans resolved so far.
        public var plansResolved: Int
        /// Scratch contexts created so far (one per concurrently running call, at most).
        public var contextsCreated: Int
        /// Times a context's arena was allocated or grown.
        public var arenaAllocations: Int
    }

    private final class Counters: Sendable {
        let plans = Atomic<Int>(0)
        let contexts = Atomic<Int>(0)
        let arenas = Atomic<Int>(0)
    }

    /// Compiles `graph`; see ``ModelGraph/compile(options:)``.
    ///
    /// - Throws: `MLOpsError`: `invalidArgument` for an invalid graph; `limitExceeded` if a
    ///   tensor's size overflows or exceeds ``CompileOptions/maxElementsPerRow``, or a plan for one
    ///   of ``CompileOptions/prepareBatchSizes`` exceeds ``CompileOptions/maxArenaBytes``.
    public init(graph: ModelGraph, options: CompileOptions = CompileOptions()) throws {
        try graph.validate()
        var optimized = graph
        if options.fuse {
            var optimizer = try GraphOptimizer(graph)
            optimized = optimizer.run()
        }
        program = try ExecutionProgram(graph: optimized, pool: options.pool, fuse: options.fuse)
        // The per-row bound, before any plan or buffer exists (plans check it per batch size).
        _ = try program.structure.specs(batch: 1, maxElementsPerRow: options.maxElementsPerRow)
        inputs = graph.inputs
        outputs = graph.outputs
        self.options = options
        chunking = RowChunking(program: program, requestedRows: options.rowChunkSize)
        if graph.inputs.count == 1, graph.outputs.count == 1, graph.inputs[0].elementType == .float32,
            graph.outputs[0].elementType == .float32, let v = program.inputValues.first,
            let w = program.outputValues.first
        {
            singleFloat = (v, w)
        } else {
            singleFloat = nil
        }
        plans = Mutex([])
        pool = Mutex([])
        counters = Counters()
        for batch in options.prepareBatchSizes where batch > 0 {
            let context = try checkOut(batch: batch)
            checkIn(context)
        }
    }

    /// Usage counters (plans resolved, contexts created, arena allocations).
    public var statistics: Statistics {
        Statistics(
            plansResolved: counters.plans.load(ordering: .relaxed),
            contextsCreated: counters.contexts.load(ordering: .relaxed),
            arenaAllocations: counters.arenas.load(ordering: .relaxed))
    }

    /// The shapes of the outputs for `batchSize` rows, so callers can size their buffers.
    ///
    /// - Throws: `MLOpsError`: `invalidArgument` for a batch size below 1; `limitExceeded` if
    ///   `batchSize` rows overflow a size or exceed the options' limits.
    public func outputShapes(batchSize: Int) throws -> [[Int]] {
        try plan(batch: batchSize).outputShapes
    }

    /// The shapes of the outputs at `batchSize` rows, found by shape inference alone (no plan is
    /// resolved and nothing is allocated), each tensor bounded by
    /// ``CompileOptions/maxElementsPerRow``.
    func inferredOutputShapes(batchSize: Int) throws -> [[Int]] {
        let specs = try program.structure.specs(batch: batchSize, maxElementsPerRow: options.maxElementsPerRow)
        return program.outputValues.map { specs[$0].shape }
    }

    /// Rows per chunk when a large batch runs as row chunks (see ``CompileOptions/rowChunkSize``),
    /// or `nil` when this model always runs whole batches (some op mixes rows, or chunking is off).
    ///
    /// Batches of at least twice this many rows are chunked; with a multi-threaded pool, smaller
    /// batches whose matrix products are large enough run as one chunk per thread.
    public var rowChunkRows: Int? { chunking?.rows }

    /// Resolves the plan for `batchSize` and warms one scratch context for it.
    public func prepare(batchSize: Int) throws {
        let context = try checkOut(batch: batchSize)
        checkIn(context)
    }

    // MARK: - Entry points

    /// Runs the model on named input tensors and returns every output by name.
    ///
    /// Every graph input must be present with its declared element type; its shape must match
    /// the declared shape, with all ``Dimension/batch`` dimensions equal.
    /// - Throws: `MLOpsError` (`invalidArgument`) naming the missing, unknown or mismatched input;
    ///   (`limitExceeded`) if the batch size would exceed ``CompileOptions/maxArenaBytes`` (checked
    ///   before allocating).
    public func predict(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
        // Every declared input is looked up below, so a name that is not an input can only be
        // there when the counts differ; then one set answers it (linear in the inputs).
        if inputs.count != self.inputs.count {
            let declared = Set(self.inputs.map(\.name))
            for name in inputs.keys where !declared.contains(name) {
                let names = self.inputs.prefix(20).map(\.name).joined(separator: ", ")
                throw MLOpsError(
                    .invalidArgument,
                    "'\(name)' is not an input of this model; inputs are \(names)"
                        + (self.inputs.count > 20 ? ", … (\(self.inputs.count) in all)." : "."), value: name)
            }
        }
        var ordered: [Tensor] = []
        ordered.reserveCapacity(self.inputs.count)
        var batch: Int?
        for info in self.inputs {
            guard let tensor = inputs[info.name] else {
                throw MLOpsError(.invalidArgument, "Input '\(info.name)' is missing.", value: info.name)
            }
            guard tensor.elementType == info.elementType else {
                throw MLOpsError(
                    .invalidArgument, "Input '\(info.name)' must be \(info.elementType), got \(tensor.elementType).",
                    value: info.name)
            }
            let declared = info.shape ?? []
            guard declared.count == tensor.shape.count else {
                throw MLOpsError(
                    .invalidArgument, "Input '\(info.name)' must have shape \(info), got \(tensor.shape).",
                    value: info.name)
            }
            for (d, size) in zip(declared, tensor.shape) {
                switch d {
                case .batch:
                    if let b = batch, b != size {
                        throw MLOpsError(
                            .invalidArgument,
                            "Input '\(info.name)' has batch size \(size) but another input has \(b).",
                            value: info.name)
                    }
                    batch = size
                case .fixed(let n) where n != size:
                    throw MLOpsError(
                        .invalidArgument, "Input '\(info.name)' must have shape \(info), got \(tensor.shape).",
                        value: info.name)
                default: break
                }
            }
            ordered.append(tensor)
        }
        let context = try checkOut(batch: batch ?? 1)
        defer { checkIn(context) }
        guard let plan = context.plan else { return [:] }
        try bindTensors(ordered, index: 0, context: context) {
            for (j, v) in program.outputValues.enumerated() where plan.directOutputs[j] {
                context.ptrs[v] = context.home[v]
            }
            try run(plan, context)
        }
        var result = [String: Tensor](minimumCapacity: outputs.count)
        for (j, v) in program.outputValues.enumerated() {
            let spec = plan.specs[v]
            result[outputs[j].name] = readTensor(context, v, spec)
        }
        return result
    }

    /// Runs the model on caller-owned buffers: the allocation-free path.
    ///
    /// `inputs[i]` holds graph input `i` (in ``inputs`` order) for `batchSize` rows, exactly
    /// its byte size; `outputs[j]` receives output `j` and must be at least its byte size
    /// (see ``outputShapes(batchSize:)``). Elements are native-endian `Float`, `Double`,
    /// `Int64` or `Bool`; models with string inputs or outputs need ``predict(_:)``.
    /// Output buffers must not overlap inputs.
    ///
    /// - Throws: `MLOpsError` (`invalidArgument`) for wrong buffer counts or sizes;
    ///   (`limitExceeded`) if `batchSize` rows overflow a size or exceed the options' limits.
    public func predict(
        batchSize: Int, inputs: [UnsafeRawBufferPointer], outputs: [UnsafeMutableRawBufferPointer]
    ) throws {
        try predict(batchSize: batchSize, inputBuffers: inputs, outputs: outputs)
    }

    /// ``predict(batchSize:inputs:outputs:)`` for any collection of input buffers (e.g.
    /// `CollectionOfOne`, which needs no array).
    func predict<Inputs: Collection<UnsafeRawBufferPointer>>(
        batchSize: Int, inputBuffers inputs: Inputs, outputs: [UnsafeMutableRawBufferPointer]
    ) throws {
        guard inputs.count == self.inputs.count, outputs.count == self.outputs.count else {
            throw MLOpsError(
                .invalidArgument,
                "Expected \(self.inputs.count) input and \(self.outputs.count) output buffers, got "
                    + "\(inputs.count) and \(outputs.count).")
        }
        let context = try checkOut(batch: batchSize)
        defer { checkIn(context) }
        guard let plan = context.plan else { return }
        for (i, buffer) in inputs.enumerated() {
            let v = program.inputValues[i]
            guard plan.specs[v].elementType != .string else { throw stringBufferError(self.inputs[i].name) }
            guard buffer.count == plan.inputByteCounts[i] else {
                throw MLOpsError(
                    .invalidArgument,
                    "Input '\(self.inputs[i].name)' needs \(plan.inputByteCounts[i]) bytes for batch size "
                        + "\(batchSize), got \(buffer.count).", value: self.inputs[i].name)
            }
            if let base = buffer.baseAddress { context.ptrs[v] = UnsafeMutableRawPointer(mutating: base) }
        }
        for (j, buffer) in outputs.enumerated() {
            let v = program.outputValues[j]
            guard plan.specs[v].elementType != .string else { throw stringBufferError(self.outputs[j].name) }
            guard buffer.count >= plan.outputByteCounts[j] else {
                throw MLOpsError(
                    .invalidArgument,
                    "Output '\(self.outputs[j].name)' needs \(plan.outputByteCounts[j]) bytes for batch size "
                        + "\(batchSize), got \(buffer.count).", value: self.outputs[j].name)
            }
            if plan.directOutputs[j], let base = buffer.baseAddress {
                context.ptrs[v] = base
            } else if plan.offsets[v] >= 0 {
                context.ptrs[v] = context.home[v]
            }
        }
        try run(plan, context)
        for (j, buffer) in outputs.enumerated() where !plan.directOutputs[j] || buffer.baseAddress == nil {
            let v = program.outputValues[j]
            if let base = buffer.baseAddress, plan.outputByteCounts[j] > 0 {
                base.copyMemory(from: context.ptrs[v], byteCount: plan.outputByteCounts[j])
            }
        }
    }

    /// Runs a model with one `float32` input and one `float32` output on caller buffers.
    ///
    /// `input` holds `batchSize` rows; `output` must hold at least the output's element count.
    public func predict(
        _ input: UnsafeBufferPointer<Float>, batchSize: Int, into output: UnsafeMutableBufferPointer<Float>
    ) throws {
        guard let (v, w) = singleFloat else {
            throw MLOpsError(
                .invalidArgument, "This entry point needs exactly one float32 input and one float32 output.")
        }
        let context = try checkOut(batch: batchSize)
        defer { checkIn(context) }
        guard input.count &* 4 == context.firstInputBytes, output.count &* 4 >= context.firstOutputBytes,
            let inBase = input.baseAddress, let outBase = output.baseAddress
        else {
            throw MLOpsError(
                .invalidArgument,
                "Batch size \(batchSize) needs \(context.firstInputBytes / 4) input and "
                    + "\(context.firstOutputBytes / 4) output floats, got \(input.count) and \(output.count).")
        }
        context.ptrs[v] = UnsafeMutableRawPointer(mutating: inBase)
        if context.firstOutputDirect {
            context.ptrs[w] = UnsafeMutableRawPointer(outBase)
            try context.runSteps()
        } else {
            if context.firstOutputInArena { context.ptrs[w] = context.home[w] }
            try context.runSteps()
            UnsafeMutableRawPointer(outBase).copyMemory(from: context.ptrs[w], byteCount: context.firstOutputBytes)
        }
    }

    // MARK: - Internals

    @inline(__always)
    private func run(_ plan: ResolvedPlan, _ context: ExecutionContext) throws {
        try context.runSteps()
    }

    private func stringBufferError(_ name: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        MLOpsError(
            .invalidArgument, "Tensor '\(name)' holds strings; use predict(_ inputs: [String: Tensor]).", value: name,
            fileID: fileID, line: line)
    }

    /// The most inputs ``bindTensors(_:index:context:_:)`` binds in place, one nested closure
    /// each; a graph with more inputs has them copied into one buffer instead, so the stack
    /// depth never grows with the number of inputs.
    static let maxInPlaceInputs = 16

    /// Binds tensor storage pointers for inputs `index...` and then runs `body`.
    ///
    /// Up to ``maxInPlaceInputs`` inputs are bound where they are (one level of closures per
    /// input); more are copied into one scratch buffer (no recursion).
    private func bindTensors(
        _ tensors: [Tensor], index: Int, context: ExecutionContext, _ body: () throws -> Void
    ) throws {
        if tensors.count > Self.maxInPlaceInputs { return try bindCopies(tensors, context: context, body) }
        guard index < tensors.count else { return try body() }
        let v = program.inputValues[index]
        func bind(_ raw: UnsafeRawBufferPointer) throws {
            if let base = raw.baseAddress { context.ptrs[v] = UnsafeMutableRawPointer(mutating: base) }
            try bindTensors(tensors, index: index + 1, context: context, body)
        }
        switch tensors[index].storage {
        case .float32(let a): try a.withUnsafeBytes { try bind($0) }
        case .float64(let a): try a.withUnsafeBytes { try bind($0) }
        case .int64(let a): try a.withUnsafeBytes { try bind($0) }
        case .bool(let a): try a.withUnsafeBytes { try bind($0) }
        case .string(let a):
            context.strings[v] = a
            try bindTensors(tensors, index: index + 1, context: context, body)
        }
    }

    /// Copies the inputs into one scratch buffer, binds them there and runs `body`.
    private func bindCopies(_ tensors: [Tensor], context: ExecutionContext, _ body: () throws -> Void) throws {
        func byteCount(_ tensor: Tensor) -> Int {
            switch tensor.storage {
            case .float32(let a): a.count * MemoryLayout<Float>.stride
            case .float64(let a): a.count * MemoryLayout<Double>.stride
            case .int64(let a): a.count * MemoryLayout<Int64>.stride
            case .bool(let a): a.count * MemoryLayout<Bool>.stride
            case .string: 0
            }
        }
        var offsets: [Int] = []
        offsets.reserveCapacity(tensors.count)
        var total = 0
        for tensor in tensors {
            offsets.append(total)
            // Each input starts on a 64-byte boundary, as arena buffers do.
            total += (byteCount(tensor) + 63) & ~63
        }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 64), alignment: 64)
        defer { scratch.deallocate() }
        for (index, tensor) in tensors.enumerated() {
            let v = program.inputValues[index]
            let target = scratch.baseAddress.unsafelyUnwrapped + offsets[index]
            func copy(_ raw: UnsafeRawBufferPointer) {
                if let base = raw.baseAddress { target.copyMemory(from: base, byteCount: raw.count) }
                context.ptrs[v] = target
            }
            switch tensor.storage {
            case .float32(let a): a.withUnsafeBytes { copy($0) }
            case .float64(let a): a.withUnsafeBytes { copy($0) }
            case .int64(let a): a.withUnsafeBytes { copy($0) }
            case .bool(let a): a.withUnsafeBytes { copy($0) }
            case .string(let a): context.strings[v] = a
            }
        }
        try body()
    }

    private func readTensor(_ context: ExecutionContext, _ v: Int, _ spec: TensorSpec) -> Tensor {
        let count = spec.count
        let raw = context.ptrs[v]
        let storage: Tensor.Storage
        switch spec.elementType {
        case .float32:
            storage = .float32(Array(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: Float.self), count: count)))
        case .float64:
            storage = .float64(
                Array(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: Double.self), count: count)))
        case .int64:
            storage = .int64(Array(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: Int64.self), count: count)))
        case .bool:
            storage = .bool(Array(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: Bool.self), count: count)))
        case .string:
            var s = context.strings[v]
            if s.count != count { s = Array(s.prefix(count)) + Array(repeating: "", count: max(0, count - s.count)) }
            storage = .string(s)
        }
        return Tensor(unchecked: spec.shape, storage: storage)
    }

    /// The resolved plan for `batch`, from the cache or newly built.
    private func plan(batch: Int) throws -> ResolvedPlan {
        guard batch >= 1 else {
            throw MLOpsError(.invalidArgument, "The batch size must be at least 1.", value: String(batch))
        }
        if let cached = plans.withLock({ $0.first { $0.batch == batch } }) { return cached }
        var chunks: ChunkSchedule?
        if let chunking,
            let (rows, count, lastRows) = chunking.schedule(batch: batch, threads: program.pool?.threadCount ?? 1)
        {
            let chunkPlan = try ResolvedPlan(
                program: program, batch: rows, maxElementsPerRow: options.maxElementsPerRow,
                maxArenaBytes: options.maxArenaBytes)
            let lastPlan =
                lastRows == rows
                ? chunkPlan
                : try ResolvedPlan(
                    program: program, batch: lastRows, maxElementsPerRow: options.maxElementsPerRow,
                    maxArenaBytes: options.maxArenaBytes)
            chunks = ChunkSchedule(count: count, rows: rows, chunkPlan: chunkPlan, lastPlan: lastPlan)
        }
        let plan = try ResolvedPlan(
            program: program, batch: batch, maxElementsPerRow: options.maxElementsPerRow,
            maxArenaBytes: options.maxArenaBytes, chunks: chunks)
        counters.plans.add(1, ordering: .relaxed)
        return plans.withLock { cache in
            if let existing = cache.first(where: { $0.batch == batch }) { return existing }
            if cache.count >= options.maxCachedPlans { cache.removeFirst() }
            cache.append(plan)
            return plan
        }
    }

    /// Takes a context (the fast slot's, the pool's, or a new one) bound to the plan for `batch`.
    @inline(__always)
    private func checkOut(batch: Int) throws -> ExecutionContext {
        let bits = fastSlot.exchange(0, ordering: .acquiring)
        if bits != 0, let raw = UnsafeRawPointer(bitPattern: bits) {
            let context = Unmanaged<ExecutionContext>.fromOpaque(raw).takeRetainedValue()
            if context.batch == batch { return context }
            return try rebind(context, batch: batch)
        }
        return try checkOutSlow(batch: batch)
    }

    private func checkOutSlow(batch: Int) throws -> ExecutionContext {
        let context =
            pool.withLock { $0.popLast() }
            ?? {
                counters.contexts.add(1, ordering: .relaxed)
                return ExecutionContext(program: program)
            }()
        if context.batch == batch { return context }
        return try rebind(context, batch: batch)
    }

    private func rebind(_ context: ExecutionContext, batch: Int) throws -> ExecutionContext {
        let plan: ResolvedPlan
        do {
            plan = try self.plan(batch: batch)
        } catch {
            checkIn(context)
            throw error
        }
        let before = context.arenaAllocations
        context.bind(plan)
        if context.arenaAllocations != before { counters.arenas.add(1, ordering: .relaxed) }
        return context
    }

    /// Returns a context: into the fast slot if it is empty, else into the pool.
    @inline(__always)
    private func checkIn(_ context: ExecutionContext) {
        let bits = UInt(bitPattern: Unmanaged.passRetained(context).toOpaque())
        if fastSlot.compareExchange(expected: 0, desired: bits, ordering: .releasing).exchanged { return }
        Unmanaged.passUnretained(context).release()
        pool.withLock { contexts in
            if contexts.count < 64 {
                if contexts.capacity == 0 { contexts.reserveCapacity(64) }
                contexts.append(context)
            }
        }
    }

    deinit {
        let bits = fastSlot.exchange(0, ordering: .acquiring)
        if bits != 0, let raw = UnsafeRawPointer(bitPattern: bits) {
            Unmanaged<ExecutionContext>.fromOpaque(raw).release()
        }
    }
}

extension ModelGraph {
    /// Validates and compiles the graph into a ``CompiledModel``.
    ///
    /// - Throws: `MLOpsError`: `invalidArgument` for an invalid graph (see ``validate()``);
    ///   `limitExceeded` for a graph over the size limits in `options` (see ``CompileOptions``).
    public func compile(options: CompileOptions = CompileOptions()) throws -> CompiledModel {
        try CompiledModel(graph: self, options: options)
    }
}
