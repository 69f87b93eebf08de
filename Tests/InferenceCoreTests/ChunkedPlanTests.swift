import InferenceCore
import MLOpsCore
import Testing

/// Large batches of row-independent models run as row chunks: bit-identical to the unchunked
/// plan at every batch size around the chunk boundaries, on 1 and 2 threads, without
/// allocating after warm-up; models that mix rows keep the whole-batch plan.
struct ChunkedPlanTests {
    /// 64 → `hidden` (ReLU) → `hidden` (ReLU) → 10 (softmax); the debug build's tests use a
    /// narrow hidden layer to stay fast (the release benchmark uses 256).
    private static func mlp(seed: UInt64, hidden: Int = 40) throws -> ModelGraph {
        var rng = GraphTestRNG(seed: seed)
        func t(_ shape: [Int], scale: Float) throws -> Tensor {
            try Tensor(shape: shape, float32: rng.floats(shape.reduce(1, *), scale: scale))
        }
        return ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .float32, shape: [.batch, .fixed(64)])],
            outputs: [ValueInfo(name: "Y", elementType: .float32, shape: [.batch, .fixed(10)])],
            initializers: [
                "W1": try t([64, hidden], scale: 0.2), "B1": try t([hidden], scale: 0.1),
                "W2": try t([hidden, hidden], scale: 0.2), "B2": try t([hidden], scale: 0.1),
                "W3": try t([hidden, 10], scale: 0.2), "B3": try t([10], scale: 0.1),
            ],
            nodes: [
                GraphNode(name: "g1", op: .gemm(.init()), inputs: ["X", "W1", "B1"], outputs: ["h1"]),
                GraphNode(name: "r1", op: .relu, inputs: ["h1"], outputs: ["a1"]),
                GraphNode(name: "g2", op: .gemm(.init()), inputs: ["a1", "W2", "B2"], outputs: ["h2"]),
                GraphNode(name: "r2", op: .relu, inputs: ["h2"], outputs: ["a2"]),
                GraphNode(name: "g3", op: .gemm(.init()), inputs: ["a2", "W3", "B3"], outputs: ["z"]),
                GraphNode(name: "s", op: .softmax(axis: 1), inputs: ["z"], outputs: ["Y"]),
            ])
    }

    /// A dense layer feeding a tree ensemble with int64 labels and float32 scores.
    private static func forest() throws -> ModelGraph {
        func stump(_ feature: Int, _ threshold: Double, _ low: Double, _ high: Double, output: Int)
            -> TreeEnsemble.Tree
        {
            TreeEnsemble.Tree(
                nodes: [
                    .branch(
                        feature: feature, threshold: threshold, comparison: .lessThan, trueChild: 1, falseChild: 2,
                        missing: .nanTakesTrueBranch),
                    .leaf(low), .leaf(high),
                ], output: output)
        }
        var trees: [TreeEnsemble.Tree] = []
        for i in 0..<12 {
            trees.append(stump(i % 6, Double(i) * 0.05 - 0.3, Double(i) * 0.1, -Double(i) * 0.07, output: i % 3))
        }
        let ensemble = try TreeEnsemble(
            trees: trees, featureCount: 6, outputCount: 3, precision: .float32, postTransform: .softmax)
        let node = GraphOp.TreeEnsembleNode(
            ensemble: ensemble, outputs: [.label, .scores], labels: .int64([7, 8, 9]), scoreType: .float32)
        var rng = GraphTestRNG(seed: 3)
        return ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .float32, shape: [.batch, .fixed(8)])],
            outputs: [
                ValueInfo(name: "L", elementType: .int64, shape: [.batch]),
                ValueInfo(name: "P", elementType: .float32, shape: [.batch, .fixed(3)]),
            ],
            initializers: [
                "W": try Tensor(shape: [8, 6], float32: rng.floats(48)),
                "B": try Tensor(shape: [6], float32: rng.floats(6, scale: 0.1)),
            ],
            nodes: [
                GraphNode(name: "g", op: .gemm(.init()), inputs: ["X", "W", "B"], outputs: ["H"]),
                GraphNode(name: "t", op: .treeEnsemble(node), inputs: ["H"], outputs: ["L", "P"]),
            ])
    }

    /// Runs `model` on the single-tensor buffer entry point.
    private static func run(_ model: CompiledModel, _ x: [Float], rows: Int, width: Int) throws -> [Float] {
        var out = [Float](repeating: .nan, count: rows * width)
        try x.withUnsafeBufferPointer { input in
            try out.withUnsafeMutableBufferPointer {
                try model.predict(UnsafeBufferPointer(rebasing: input[0..<(rows * 64)]), batchSize: rows, into: $0)
            }
        }
        return out
    }

    @Test(arguments: [1, 2])
    func mlpChunkedMatchesUnchunkedBitForBit(threads: Int) throws {
        let graph = try Self.mlp(seed: 11)
        let pool = threads > 1 ? WorkerPool(threadCount: threads) : nil
        let reference = try graph.compile(options: CompileOptions(pool: pool, rowChunkSize: 0))
        #expect(reference.rowChunkRows == nil)
        let automatic = try graph.compile(options: CompileOptions(pool: pool))
        let small = try graph.compile(options: CompileOptions(pool: pool, rowChunkSize: 20))
        let chunk = try #require(automatic.rowChunkRows)
        let smallChunk = try #require(small.rowChunkRows)
        #expect(chunk >= smallChunk && smallChunk >= 20 && chunk <= 512)
        // The full-width layers at one chunked batch.
        let wide = try Self.mlp(seed: 12, hidden: 256)
        let wideReference = try wide.compile(options: CompileOptions(pool: pool, rowChunkSize: 0))
        let wideChunked = try wide.compile(options: CompileOptions(pool: pool, rowChunkSize: 60))
        var rng = GraphTestRNG(seed: 5)
        let x = rng.floats((4096 + 3) * 64)
        var sizes = [1, chunk - 1, chunk, chunk + 1, 2 * chunk, 2 * chunk + 1, 2 * chunk + 7, 3 * chunk - 1, 4096 + 3]
        sizes += [2 * smallChunk + 1, 5 * smallChunk + 2, 7 * smallChunk + 11]
        #expect(
            try Self.run(wideChunked, x, rows: 515, width: 10) == Self.run(wideReference, x, rows: 515, width: 10))
        // Below two chunks, a multi-threaded pool still gets one chunk per thread when the
        // products are large enough (and a few rows stay whole).
        let wideAutomatic = try wide.compile(options: CompileOptions(pool: pool))
        for rows in [7, 100, 256] {
            let want = try Self.run(wideReference, x, rows: rows, width: 10)
            #expect(try Self.run(wideAutomatic, x, rows: rows, width: 10) == want, "rows \(rows), wide")
        }
        for rows in sizes {
            let want = try Self.run(reference, x, rows: rows, width: 10)
            #expect(try Self.run(automatic, x, rows: rows, width: 10) == want, "rows \(rows)")
            #expect(try Self.run(small, x, rows: rows, width: 10) == want, "rows \(rows), small chunks")
            let tensor = try Tensor(shape: [rows, 64], float32: Array(x[0..<(rows * 64)]))
            #expect(try automatic.predict(["X": tensor])["Y"]?.float32Values == want, "rows \(rows), tensors")
        }
    }

    @Test(arguments: [1, 2])
    func treeEnsembleChunkedMatchesUnchunked(threads: Int) throws {
        let graph = try Self.forest()
        let pool = threads > 1 ? WorkerPool(threadCount: threads) : nil
        let reference = try graph.compile(options: CompileOptions(pool: pool, rowChunkSize: 0))
        let chunked = try graph.compile(options: CompileOptions(pool: pool, rowChunkSize: 30))
        let chunk = try #require(chunked.rowChunkRows)
        var rng = GraphTestRNG(seed: 9)
        let x = rng.floats((4096 + 3) * 8)
        for rows in [1, chunk - 1, chunk, chunk + 1, 2 * chunk + 1, 2 * chunk + 5, 9 * chunk - 1, 4096 + 3] {
            let input = ["X": try Tensor(shape: [rows, 8], float32: Array(x[0..<(rows * 8)]))]
            let want = try reference.predict(input)
            let got = try chunked.predict(input)
            #expect(got["L"]?.int64Values == want["L"]?.int64Values, "rows \(rows)")
            #expect(got["P"]?.float32Values == want["P"]?.float32Values, "rows \(rows)")
            #expect(want["L"]?.int64Values?.count == rows)
        }
    }

    @Test func rowMixingModelsKeepTheWholeBatchPlan() throws {
        var rng = GraphTestRNG(seed: 2)
        let graph = ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .float32, shape: [.batch, .fixed(4)])],
            outputs: [ValueInfo(name: "Y", elementType: .float32, shape: [.batch, .fixed(4)])],
            initializers: ["W": try Tensor(shape: [4, 4], float32: rng.floats(16))],
            nodes: [
                GraphNode(name: "m", op: .matMul, inputs: ["X", "W"], outputs: ["H"]),
                GraphNode(name: "s", op: .softmax(axis: 0), inputs: ["H"], outputs: ["Y"]),
            ])
        let model = try graph.compile(options: CompileOptions(pool: nil, rowChunkSize: 12))
        #expect(model.rowChunkRows == nil)
        // A reshape across the batch mixes rows too.
        let flat = ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .float32, shape: [.batch, .fixed(4)])],
            outputs: [ValueInfo(name: "Y", elementType: .float32, shape: nil)],
            nodes: [GraphNode(name: "r", op: .reshape(shape: [-1]), inputs: ["X"], outputs: ["Y"])])
        #expect(try flat.compile(options: CompileOptions(rowChunkSize: 12)).rowChunkRows == nil)
        // Any requested size is accepted (a huge one just never splits a batch).
        let huge = try Self.mlp(seed: 3).compile(options: CompileOptions(pool: nil, rowChunkSize: .max))
        #expect(try #require(huge.rowChunkRows) >= 1 << 24)
        #expect(try Self.run(huge, rng.floats(64 * 5), rows: 5, width: 10).count == 50)
        // Softmax over the batch still matches the reference on a batch many chunks long.
        let x = rng.floats(300 * 4)
        let input = ["X": try Tensor(shape: [300, 4], float32: x)]
        let y = try #require(try model.predict(input)["Y"]?.float32Values)
        for column in 0..<4 {
            let sum = (0..<300).reduce(Float(0)) { $0 + y[$1 * 4 + column] }
            #expect(abs(sum - 1) < 1e-4)
        }
    }

    @Test func chunkedHotPathAllocatesNothingAfterWarmUp() throws {
        let model = try Self.mlp(seed: 1).compile(
            options: CompileOptions(prepareBatchSizes: [1, 4099], pool: WorkerPool(threadCount: 2)))
        #expect(model.rowChunkRows != nil)
        var rng = GraphTestRNG(seed: 8)
        let x = rng.floats(4099 * 64)
        _ = try Self.run(model, x, rows: 4099, width: 10)
        let warm = model.statistics
        for _ in 0..<4 {
            _ = try Self.run(model, x, rows: 4099, width: 10)
            _ = try Self.run(model, x, rows: 1, width: 10)
        }
        #expect(model.statistics == warm)
    }

    @Test func chunkedCallsRunConcurrently() async throws {
        let model = try Self.mlp(seed: 4).compile(options: CompileOptions(rowChunkSize: 24))
        let reference = try Self.mlp(seed: 4).compile(options: CompileOptions(rowChunkSize: 0))
        var rng = GraphTestRNG(seed: 6)
        let x = rng.floats(700 * 64)
        let sizes = [50, 97, 300, 700, 1, 49]
        let want = try sizes.map { try Self.run(reference, x, rows: $0, width: 10) }
        let results = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for _ in 0..<8 {
                for (i, rows) in sizes.enumerated() {
                    group.addTask { (i, try Self.run(model, x, rows: rows, width: 10)) }
                }
            }
            var all: [(Int, [Float])] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 8 * sizes.count)
        for (i, got) in results { #expect(got == want[i]) }
    }
}
