#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import InferenceCore
import MLOpsCore
import Testing

private typealias S = GraphTestsSupport

/// The compiled runtime: buffer entry points, reuse without allocation, concurrency, input checks.
struct GraphRuntimeTests {
    private func mlp() throws -> ModelGraph {
        try GraphOpsTests.mlp(inputs: 8, hidden: 32, classes: 4, seed: 1).0
    }

    @Test func bufferEntryPointsMatchTensorEntryPoint() throws {
        let model = try mlp().compile()
        var rng = GraphTestRNG(seed: 4)
        for rows in [1, 2, 5] {
            let x = rng.floats(rows * 8)
            let want = try #require(try model.predict(["X": try S.tensor([rows, 8], x)])["P"]?.float32Values)
            #expect(try model.outputShapes(batchSize: rows) == [[rows, 4]])
            var got = [Float](repeating: .nan, count: rows * 4)
            try x.withUnsafeBufferPointer { input in
                try got.withUnsafeMutableBufferPointer { try model.predict(input, batchSize: rows, into: $0) }
            }
            #expect(got == want)
            var raw = [Float](repeating: .nan, count: rows * 4)
            try x.withUnsafeBytes { input in
                try raw.withUnsafeMutableBytes { try model.predict(batchSize: rows, inputs: [input], outputs: [$0]) }
            }
            #expect(raw == want)
        }
    }

    @Test func hotPathReusesPlansAndArenas() throws {
        let model = try mlp().compile(options: CompileOptions(prepareBatchSizes: [1, 64]))
        let warm = model.statistics
        #expect(warm.plansResolved == 2)
        #expect(warm.contextsCreated == 1)
        let x = [Float](repeating: 0.5, count: 64 * 8)
        var out = [Float](repeating: 0, count: 64 * 4)
        for _ in 0..<200 {
            try x.withUnsafeBufferPointer { input in
                try out.withUnsafeMutableBufferPointer { o in
                    try model.predict(
                        UnsafeBufferPointer(rebasing: input[0..<8]), batchSize: 1,
                        into: UnsafeMutableBufferPointer(rebasing: o[0..<4]))
                    try model.predict(input, batchSize: 64, into: o)
                }
            }
        }
        #expect(model.statistics == warm)
    }

    @Test func concurrentPredictEqualsSerial() async throws {
        let model = try mlp().compile()
        var rng = GraphTestRNG(seed: 17)
        let inputs = (0..<64).map { i in rng.floats((i % 7 + 1) * 8) }
        let serial = try inputs.map { x in
            try #require(try model.predict(["X": try S.tensor([x.count / 8, 8], x)])["P"]?.float32Values)
        }
        let parallel = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for round in 0..<4 {
                for (i, x) in inputs.enumerated() {
                    group.addTask {
                        if (i + round) % 2 == 0 {
                            return (
                                i,
                                try model.predict(["X": try Tensor(shape: [x.count / 8, 8], float32: x)])["P"]?
                                    .float32Values ?? []
                            )
                        }
                        var out = [Float](repeating: 0, count: x.count / 2)
                        try x.withUnsafeBufferPointer { input in
                            try out.withUnsafeMutableBufferPointer {
                                try model.predict(input, batchSize: x.count / 8, into: $0)
                            }
                        }
                        return (i, out)
                    }
                }
            }
            var results: [(Int, [Float])] = []
            for try await r in group { results.append(r) }
            return results
        }
        #expect(parallel.count == 256)
        for (i, got) in parallel { #expect(got == serial[i]) }
        #expect(model.statistics.contextsCreated <= 64)
    }

    @Test func inputMismatchesAreTypedErrors() throws {
        let model = try mlp().compile()
        let ok = try S.tensor([2, 8], Array(repeating: 0, count: 16))
        #expect(throws: S.invalid) { _ = try model.predict([:]) }
        #expect(throws: S.invalid) { _ = try model.predict(["X": ok, "extra": ok]) }
        #expect(throws: S.invalid) {
            _ = try model.predict(["X": try S.tensor([2, 7], Array(repeating: 0, count: 14))])
        }
        #expect(throws: S.invalid) { _ = try model.predict(["X": try S.tensor([16], Array(repeating: 0, count: 16))]) }
        #expect(throws: S.invalid) {
            _ = try model.predict(["X": try Tensor(shape: [2, 8], float64: Array(repeating: 0, count: 16))])
        }
        let x = [Float](repeating: 0, count: 16)
        var out = [Float](repeating: 0, count: 3)
        #expect(throws: S.invalid) {
            try x.withUnsafeBufferPointer { i in
                try out.withUnsafeMutableBufferPointer { try model.predict(i, batchSize: 2, into: $0) }
            }
        }
        #expect(throws: S.invalid) {
            try x.withUnsafeBufferPointer { i in
                try out.withUnsafeMutableBufferPointer { try model.predict(i, batchSize: 0, into: $0) }
            }
        }
        #expect(throws: S.invalid) {
            try x.withUnsafeBytes { i in try model.predict(batchSize: 2, inputs: [i, i], outputs: []) }
        }
    }

    @Test func batchDimensionsMustAgree() throws {
        let graph = ModelGraph(
            inputs: [S.f32("A", [.batch, .fixed(2)]), S.f32("B", [.batch, .fixed(2)])],
            outputs: [S.f32("Y", [.batch, .fixed(2)])],
            nodes: [GraphNode(name: "add", op: .add, inputs: ["A", "B"], outputs: ["Y"])])
        let model = try graph.compile()
        #expect(throws: S.invalid) {
            _ = try model.predict(["A": try S.tensor([1, 2], [1, 2]), "B": try S.tensor([2, 2], [1, 2, 3, 4])])
        }
        #expect(
            try model.predict(["A": try S.tensor([2, 2], [1, 2, 3, 4]), "B": try S.tensor([2, 2], [1, 1, 1, 1])])["Y"]?
                .float32Values == [2, 3, 4, 5])
    }

    @Test func fusionIsEquivalentAndArenaIsShared() throws {
        // A long chain: liveness lets the arena hold far fewer than all intermediates.
        var nodes: [GraphNode] = []
        var previous = "X"
        for i in 0..<20 {
            nodes.append(
                GraphNode(name: "n\(i)", op: i % 2 == 0 ? .relu : .tanh, inputs: [previous], outputs: ["t\(i)"]))
            previous = "t\(i)"
        }
        nodes.append(GraphNode(name: "out", op: .identity, inputs: [previous], outputs: ["Y"]))
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(1024)])], outputs: [S.f32("Y", [.batch, .fixed(1024)])],
            nodes: nodes)
        let model = try graph.compile(options: CompileOptions(prepareBatchSizes: [4]))
        var rng = GraphTestRNG(seed: 2)
        let x = rng.floats(4096)
        let got = try #require(try model.predict(["X": try S.tensor([4, 1024], x)])["Y"]?.float32Values)
        let unfused = try #require(
            try graph.compile(options: CompileOptions(fuse: false)).predict(["X": try S.tensor([4, 1024], x)])["Y"]?
                .float32Values)
        #expect(got == unfused)
        var want = x
        for i in 0..<20 { want = want.map { i % 2 == 0 ? max(0, $0) : tanhf($0) } }
        S.expectClose(got, want, tolerance: 1e-5)
        #expect(model.statistics.arenaAllocations == 1)
    }
}
