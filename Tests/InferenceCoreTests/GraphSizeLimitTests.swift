import Foundation
@testable import InferenceCore
import MLOpsCore
import Testing

private typealias S = GraphTestsSupport

/// Hostile shapes and sizes: every one gets a typed `limitExceeded` error (never an overflow
/// trap), and the options' bounds on planned buffers are enforced before allocating.
struct GraphSizeLimitTests {
    static let limit = MLOpsError(.limitExceeded, "")

    /// Expects `body` to throw `limitExceeded` whose value names `tensor` (when given).
    static func expectLimit(
        _ tensor: String? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("no error was thrown", sourceLocation: sourceLocation)
        } catch let error as MLOpsError {
            #expect(error.code == .limitExceeded, "\(error)", sourceLocation: sourceLocation)
            if let tensor { #expect(error.value == tensor, "\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    /// X (declared `shape`) → relu → Y.
    static func relu(_ shape: [InferenceCore.Dimension]) -> ModelGraph {
        ModelGraph(
            inputs: [S.f32("X", shape)], outputs: [S.f32("Y", nil)],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
    }

    /// Int64 indices [N] → oneHot(depth) → Y.
    static func oneHot(depth: Int) -> ModelGraph {
        ModelGraph(
            inputs: [ValueInfo(name: "I", elementType: .int64, shape: [.batch])], outputs: [S.f32("Y", nil)],
            nodes: [GraphNode(name: "oh", op: .oneHot(GraphOp.OneHot(depth: depth)), inputs: ["I"], outputs: ["Y"])])
    }

    @Test func hugeInputDimensionsAreRejectedNotTrapped() {
        let big = InferenceCore.Dimension.fixed(2_147_483_647)
        let graph = Self.relu([.batch, big, big, big])
        Self.expectLimit("X") { try graph.validate() }
        Self.expectLimit("X") { _ = try graph.compile() }
        Self.expectLimit("X") { _ = try CompiledModel(graph: graph, options: CompileOptions(prepareBatchSizes: [])) }
    }

    @Test func productOverflowAcrossDimensionsIsRejected() {
        // Each dimension is small enough; their product is not.
        Self.expectLimit("X") { try Self.relu([.batch, .fixed(1 << 31), .fixed(1 << 31)]).validate() }
        Self.expectLimit("X") { try Self.relu([.fixed(1 << 40), .fixed(1 << 40)]).validate() }
        // No elements at all, but the sub-products the steps compute would overflow.
        Self.expectLimit("X") { try Self.relu([.batch, .fixed(0), .fixed(1 << 40), .fixed(1 << 40)]).validate() }
    }

    @Test func hugeOneHotDepthIsRejected() throws {
        // Representable, so the graph validates; over the per-row bound, so it does not compile.
        let large = Self.oneHot(depth: 1 << 40)
        try large.validate()
        Self.expectLimit("Y") { _ = try large.compile() }
        Self.expectLimit("Y") { _ = try large.compile(options: CompileOptions(prepareBatchSizes: [])) }
        // Not even representable.
        Self.expectLimit("Y") { try Self.oneHot(depth: Int.max).validate() }
        Self.expectLimit("Y") { _ = try Self.oneHot(depth: Int.max).compile() }
        // An honest depth still works.
        let model = try Self.oneHot(depth: 3).compile()
        let out = try model.predict(["I": try Tensor(shape: [2], int64: [2, 0])])
        #expect(out["Y"]?.float32Values == [0, 0, 1, 1, 0, 0])
    }

    @Test func hugeReshapeTargetIsRejected() {
        func reshape(_ input: [InferenceCore.Dimension], _ target: [Int]) -> ModelGraph {
            ModelGraph(
                inputs: [S.f32("X", input)], outputs: [S.f32("Y", nil)],
                nodes: [GraphNode(name: "rs", op: .reshape(shape: target), inputs: ["X"], outputs: ["Y"])])
        }
        // The target's product overflows.
        Self.expectLimit("X") { try reshape([.batch, .fixed(4)], [1 << 40, 1 << 40, -1]).validate() }
        Self.expectLimit("X") { try reshape([.batch, .fixed(4)], [0, 1 << 40, 1 << 40]).validate() }
        // Zero elements in and out, but a target whose dimensions overflow.
        Self.expectLimit("Y") { try reshape([.batch, .fixed(0)], [0, 0, 1 << 40, 1 << 40]).validate() }
    }

    @Test func concatSummingToOverflowIsRejected() {
        // Two inputs that are each representable; their concatenation is not.
        let two = ModelGraph(
            inputs: [S.f32("A", [.batch, .fixed(1 << 57)]), S.f32("B", [.batch, .fixed(1 << 57)])],
            outputs: [S.f32("Y", nil)],
            nodes: [GraphNode(name: "c", op: .concat(axis: 1), inputs: ["A", "B"], outputs: ["Y"])])
        Self.expectLimit("Y") { try two.validate() }
        // Forty inputs of 2^58: the running sum overflows Int itself.
        let names = (0..<40).map { "X\($0)" }
        let many = ModelGraph(
            inputs: names.map { S.f32($0, [.fixed(1 << 58)]) }, outputs: [S.f32("Y", nil)],
            nodes: [GraphNode(name: "c", op: .concat(axis: 0), inputs: names, outputs: ["Y"])])
        Self.expectLimit { try many.validate() }
        Self.expectLimit { _ = try many.compile() }
    }

    @Test func batchSizeThatOverflowsAtPredictTimeIsRejected() throws {
        let model = try Self.relu([.batch, .fixed(1 << 20)]).compile()
        for batch in [Int.max, 1 << 40, 1 << 60] {
            Self.expectLimit("X") { _ = try model.outputShapes(batchSize: batch) }
            Self.expectLimit("X") { try model.prepare(batchSize: batch) }
            Self.expectLimit("X") {
                try model.predict(
                    batchSize: batch, inputs: [UnsafeRawBufferPointer(start: nil, count: 0)],
                    outputs: [UnsafeMutableRawBufferPointer(start: nil, count: 0)])
            }
        }
        // The model is still usable.
        #expect(try model.outputShapes(batchSize: 2) == [[2, 1 << 20]])
    }

    @Test func arenaBoundIsCheckedBeforeAllocating() throws {
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(4)])], outputs: [S.f32("Y", [.batch, .fixed(4)])],
            nodes: [
                GraphNode(name: "r1", op: .relu, inputs: ["X"], outputs: ["h"]),
                GraphNode(name: "r2", op: .sigmoid, inputs: ["h"], outputs: ["Y"]),
            ])
        let options = CompileOptions(prepareBatchSizes: [1], maxArenaBytes: 1 << 16)
        let model = try graph.compile(options: options)
        let before = model.statistics
        // 10,000 rows × 4 floats = 160,000 bytes per tensor: over 64 KiB.
        let rows = 10_000
        let x = try Tensor(shape: [rows, 4], float32: [Float](repeating: 1, count: rows * 4))
        Self.expectLimit { _ = try model.predict(["X": x]) }
        #expect(model.statistics.arenaAllocations == before.arenaAllocations)
        // Within the bound it runs; the default bound allows the large batch.
        let small = try Tensor(shape: [2, 4], float32: [-1, 0, 1, 2, 3, 4, 5, 6])
        #expect(try model.predict(["X": small])["Y"]?.count == 8)
        #expect(try graph.compile().predict(["X": x])["Y"]?.count == rows * 4)
        // A prepared batch size over the bound fails at compile time.
        Self.expectLimit {
            _ = try graph.compile(options: CompileOptions(prepareBatchSizes: [rows], maxArenaBytes: 1 << 16))
        }
    }

    @Test func perRowBoundIsCheckedAtCompileTime() throws {
        let graph = Self.relu([.batch, .fixed(16)])
        Self.expectLimit("X") { _ = try graph.compile(options: CompileOptions(maxElementsPerRow: 8)) }
        Self.expectLimit("X") {
            _ = try graph.compile(options: CompileOptions(prepareBatchSizes: [], maxElementsPerRow: 15))
        }
        _ = try graph.compile(options: CompileOptions(maxElementsPerRow: 16))
        #expect(CompileOptions().maxElementsPerRow == CompileOptions.defaultMaxElementsPerRow)
        #expect(CompileOptions().maxArenaBytes == CompileOptions.defaultMaxArenaBytes)
    }

    @Test func treeEnsembleWithHugeBatchIsRejected() throws {
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])],
            outputs: [ValueInfo(name: "L", elementType: .int64, shape: [.batch])],
            nodes: [
                GraphNode(
                    name: "t",
                    op: .treeEnsemble(
                        GraphOp.TreeEnsembleNode(
                            ensemble: try ModelPackageTests.ensemble(), outputs: [.label], labels: .int64([0, 1]))),
                    inputs: ["X"], outputs: ["L"])
            ])
        let model = try graph.compile()
        for batch in [1 << 40, 1 << 62, Int.max] {
            Self.expectLimit { try model.prepare(batchSize: batch) }
        }
        let out = try model.predict(["X": try S.tensor([1, 3], [0, 1, 2])])
        #expect(out["L"]?.count == 1)
    }

    @Test func hostilePackagesGetLimitExceeded() throws {
        let package = ModelPackage(graph: Self.oneHot(depth: 4))
        let graphJSON = String(decoding: try ModelPackageTests.parts(of: package)[0].1, as: UTF8.self)
        #expect(graphJSON.contains("\"depth\":4"))
        let hostile = graphJSON.replacingOccurrences(of: "\"depth\":4", with: "\"depth\":9223372036854775807")
        let bytes = try ModelPackage.assemble(parts: try ModelPackageTests.parts(of: package, graph: hostile))
        Self.expectLimit("Y") { _ = try ModelPackage(bytes: bytes) }
        // A depth that is representable loads, but does not compile under the default bound.
        let large = graphJSON.replacingOccurrences(of: "\"depth\":4", with: "\"depth\":1099511627776")
        let loaded = try ModelPackage(
            bytes: try ModelPackage.assemble(parts: try ModelPackageTests.parts(of: package, graph: large)))
        Self.expectLimit("Y") { _ = try loaded.compile() }
    }

    @Test func treeNodeCountsAcrossEnsemblesCannotOverflow() throws {
        let node = GraphOp.TreeEnsembleNode(ensemble: try ModelPackageTests.ensemble(), outputs: [.scores])
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])],
            outputs: [S.f32("P", [.batch, .fixed(1)]), S.f32("Q", [.batch, .fixed(1)])],
            nodes: [
                GraphNode(name: "t1", op: .treeEnsemble(node), inputs: ["X"], outputs: ["P"]),
                GraphNode(name: "t2", op: .treeEnsemble(node), inputs: ["X"], outputs: ["Q"]),
            ])
        let package = ModelPackage(graph: graph)
        let graphJSON = String(decoding: try ModelPackageTests.parts(of: package)[0].1, as: UTF8.self)
        // Give the second ensemble a node count that would overflow the running total.
        let marker = "\"nodeCount\":8"
        let last = try #require(graphJSON.range(of: marker, options: .backwards))
        #expect(graphJSON.range(of: marker)?.lowerBound != last.lowerBound)
        let hostile = graphJSON.replacingCharacters(in: last, with: "\"nodeCount\":9223372036854775807")
        let bytes = try ModelPackage.assemble(parts: try ModelPackageTests.parts(of: package, graph: hostile))
        Self.expectLimit { _ = try ModelPackage(bytes: bytes, limits: ModelPackage.Limits(maxTreeNodes: Int.max)) }
        Self.expectLimit { _ = try ModelPackage(bytes: bytes) }
    }
}
