/// Whether, and in how many rows at a time, a program can run on row chunks of a batch.
///
/// A program qualifies when every step is row-independent: each row of every output depends
/// only on the same row of the inputs. Then a large batch runs as chunks of ``rows`` rows,
/// each through a small plan whose intermediates stay in cache, writing straight into the
/// caller's buffers at the chunk's offset; with a multi-threaded pool the chunks are spread
/// over the threads instead of splitting every product.
///
/// Results are bit-identical to the unchunked plan: chunks start at multiples of the GEMM
/// kernels' register-tile height, so every row meets the same kernel, tile and K blocking as
/// in the full batch, and a last chunk short enough to take the GEMM's few-row path is merged
/// into the chunk before it.
struct RowChunking: Sendable {
    /// Rows per chunk (a multiple of the kernels' tile height).
    let rows: Int
    /// Floating-point operations per row in the program's matrix products (a cost estimate).
    let rowFlops: Int

    /// The chunk size aimed for: the largest per-row tensor times the rows stays within this.
    static let targetBytes = 256 * 1024
    /// The most rows a chunk gets when tensors are narrow.
    static let maxRows = 256

    /// Analyses `program`; `nil` if some step mixes rows (or the program has string tensors,
    /// or tensors whose shape does not lead with the batch). `requestedRows` is
    /// ``CompileOptions/rowChunkSize``: `nil` chooses, 0 disables, others are rounded up to a
    /// multiple of the tile height.
    init?(program: ExecutionProgram, requestedRows: Int?) {
        if let requestedRows, requestedRows <= 0 { return nil }
        let structure = program.structure
        guard let one = try? structure.specs(batch: 1), let two = try? structure.specs(batch: 2) else { return nil }
        let count = one.count
        var isConstant = [Bool](repeating: false, count: count)
        var rowBytes = 1
        for v in 0..<count {
            guard one[v].elementType != .string else { return nil }
            if case .initializer = structure.producers[v] {
                isConstant[v] = true
                continue
            }
            let a = one[v].shape
            let b = two[v].shape
            guard a.count >= 1, a.count == b.count, a[0] == 1, b[0] == 2, a.dropFirst() == b.dropFirst() else {
                return nil
            }
            rowBytes = max(rowBytes, one[v].count * one[v].elementType.byteCount)
        }
        // Every output must be a distinct node output (so it is written in place, chunk by chunk).
        var seen = Set<Int>()
        for v in structure.outputs {
            guard case .node = structure.producers[v], seen.insert(v).inserted else { return nil }
        }
        var flops = 0
        for n in structure.order {
            let node = program.graph.nodes[n]
            if let packed = program.packedGemms[n] {
                flops = flops.addingReportingOverflow(2 &* packed.k &* packed.n).partialValue
            }
            let inputs = structure.nodeInputs[n]
            let outputs = structure.nodeOutputs[n]
            guard
                Self.isRowIndependent(
                    node: node, nodeIndex: n, inputs: inputs, outputs: outputs, specs: one,
                    isConstant: isConstant, program: program)
            else { return nil }
        }
        rowFlops = max(0, flops)
        let tile = KernelConfig.current.mr
        // A requested size is capped (2^24 rows) so rounding it up cannot overflow.
        let wanted = min(requestedRows ?? max(1, min(Self.maxRows, Self.targetBytes / rowBytes)), 1 << 24)
        rows = max(tile, (wanted + tile - 1) / tile * tile)
    }

    /// Whether `node`'s step computes each output row from the same input row only.
    private static func isRowIndependent(
        node: GraphNode, nodeIndex: Int, inputs: [Int?], outputs: [Int], specs: [TensorSpec], isConstant: [Bool],
        program: ExecutionProgram
    ) -> Bool {
        func rank(_ v: Int?) -> Int { v.map { specs[$0].shape.count } ?? 0 }
        func constant(_ i: Int) -> Bool { i < inputs.count && inputs[i].map { isConstant[$0] } ?? true }
        func axisIsNotBatch(_ axis: Int, rank: Int) -> Bool {
            (TensorSpec.normalizedAxis(axis, rank: rank) ?? 0) != 0
        }
        let x = inputs.first ?? nil
        // Every variable input must be a batch-leading tensor (checked by the caller) of the
        // output's rank, unless the op says otherwise below.
        switch node.op {
        case .gemm(let g):
            // Pre-packed constant weights, A not transposed, C absent or folded into the bias.
            guard let packed = program.packedGemms[nodeIndex], !g.transA, constant(1) else { return false }
            return inputs.count < 3 || inputs[2] == nil || packed.hasRowBias
        case .matMul:
            return rank(x) == 2 && constant(1)
        case .add, .sub, .mul, .div, .binary, .variadic, .where:
            let out = rank(outputs.first)
            for v in inputs {
                guard let v else { return false }
                if isConstant[v] {
                    // A constant broadcast along the batch axis: lower rank, or a leading 1.
                    if specs[v].shape.count == out && specs[v].shape.first != 1 { return false }
                } else if specs[v].shape.count != out {
                    return false
                }
            }
            return true
        case .relu, .sigmoid, .tanh, .identity, .cast, .scaler, .imputer, .oneHotEncoder, .unary,
            .binarizer, .labelEncoder:
            return !constant(0)
        case .reshape, .flatten:
            // Both sides lead with the batch (checked by the caller): rows are copied in place.
            return !constant(0)
        case .softmax(let axis), .logSoftmax(let axis):
            return !constant(0) && axisIsNotBatch(axis, rank: rank(x))
        case .argMax(let a), .argMin(let a):
            return !constant(0) && axisIsNotBatch(a.axis, rank: rank(x))
        case .reduce(let r):
            guard let mask = r.reducedMask(rank: rank(x)), let first = mask.first else { return false }
            return !constant(0) && !first
        case .topK(let t):
            return !constant(0) && axisIsNotBatch(t.axis, rank: rank(x))
        case .cumSum(let c):
            return !constant(0) && axisIsNotBatch(c.axis, rank: rank(x))
        case .gather(let g):
            let alongBatch = !axisIsNotBatch(g.axis, rank: rank(x))
            switch g.mode {
            case .slices:
                // Rows of the data pick the same constant slices, or rows of indices pick from constant data.
                return alongBatch ? constant(0) && !constant(1) : !constant(0) && constant(1)
            case .elements:
                return !alongBatch && !constant(0) && !constant(1)
            }
        case .concat(let axis):
            return inputs.allSatisfy { $0.map { !isConstant[$0] } ?? false }
                && axisIsNotBatch(axis, rank: rank(outputs.first))
        case .transpose(let perm):
            return !constant(0) && perm.first == 0
        case .oneHot(let o):
            return !constant(0) && axisIsNotBatch(o.axis, rank: rank(x) + 1)
        case .normalizer, .linearClassifier, .linearRegressor, .treeEnsemble, .svmClassifier, .svmRegressor:
            return !constant(0) && rank(x) == 2
        case .arrayFeatureExtractor:
            return !constant(0) && rank(x) >= 2 && constant(1)
        case .shape, .constantOfShape:
            // Their values depend on the whole batch's shape.
            return false
        case .scan:
            // A scan's states and stacked outputs mix rows across iterations.
            return false
        }
    }

    /// How `batch` rows split on `threads` threads: `count` chunks, all of `rows` rows but the
    /// last, which has `lastRows` (between 1 and `rows` + the few-row GEMM limit); `nil` to run
    /// the batch whole.
    ///
    /// Batches of two chunks or more use ``rows``. A smaller batch is split into one chunk per
    /// thread when each thread's share of the products is worth a parallel job (the threshold
    /// the GEMM uses to go parallel), else it runs whole.
    func schedule(batch: Int, threads: Int) -> (rows: Int, count: Int, lastRows: Int)? {
        let tile = KernelConfig.current.mr
        var rows = rows
        if batch < 2 * rows {
            guard threads > 1 else { return nil }
            let share = (batch + threads - 1) / threads
            guard share.multipliedReportingOverflow(by: rowFlops).partialValue >= KernelConfig.parallelFlopThreshold,
                share >= tile
            else { return nil }
            rows = (share + tile - 1) / tile * tile
        }
        let full = batch / rows
        let rest = batch - full * rows
        var split = (rows: rows, count: full + 1, lastRows: rest)
        if rest == 0 {
            split = (rows, full, rows)
        } else if rest <= KernelConfig.current.smallM {
            // A few-row tail would run the GEMM's one-row kernel (other rounding): merge it.
            split = (rows, full, rows + rest)
        }
        guard full >= 1, split.count >= 2 else { return nil }
        return split
    }
}
