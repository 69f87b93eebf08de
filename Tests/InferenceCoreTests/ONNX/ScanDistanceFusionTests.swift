import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

private typealias S = GraphTestsSupport

/// The fused squared-distance loop (``ScanDistanceStep``) on skl2onnx's own k-NN body,
/// `Sub` + `ReduceSumSquare` over the feature axis: the real k-NN models take it, and it gives the
/// generic scan's answer (within 1e-6) with exact zeros for a row equal to a training point.
struct ScanDistanceFusionTests {
    /// Whether the plan of `model` at `batch` runs a scan as the fused loop.
    static func usesFusedStep(_ model: CompiledModel, batch: Int) throws -> Bool {
        let plan = try ResolvedPlan(
            program: model.program, batch: batch, maxElementsPerRow: 1 << 20, maxArenaBytes: 1 << 30)
        return plan.steps.contains { $0 is ScanDistanceStep }
    }

    /// Expects `got` within `tolerance` (absolute, relative above 1) of `want`, element for element.
    static func expectClose(_ got: Tensor?, _ want: Tensor?, tolerance: Float, _ what: String) throws {
        let got = try #require(got, "\(what): missing")
        let want = try #require(want, "\(what): missing")
        #expect(got.shape == want.shape, "\(what)")
        if let g = got.float32Values, let w = want.float32Values {
            for (i, (a, b)) in zip(g, w).enumerated() where !(abs(a - b) <= tolerance * max(1, abs(b))) {
                Issue.record("\(what) element \(i): fused \(a), generic \(b)")
                return
            }
        } else {
            #expect(got == want, "\(what)")
        }
    }

    /// The skl2onnx k-NN models (T = 400 training points, 8 features) take the fused loop at
    /// batch 1 and at the case's batch, and their outputs and distances equal the generic scan's.
    @Test(arguments: ["kneighbors_classifier", "kneighbors_classifier_distance", "kneighbors_regressor"])
    func kNeighborsModelsTakeTheFusedLoop(_ name: String) throws {
        let testCase = try SKL2ONNXCaseTests.load(name)
        var graph = try ONNXImporter.importGraph(serializedBytes: testCase.modelBytes)
        // Also expose the distances (the square root after the scan) to compare them directly.
        let sqrt = try #require(graph.nodes.first { if case .unary(.sqrt) = $0.op { true } else { false } })
        graph.outputs.append(S.f32(sqrt.outputs[0], nil))
        let fused = try graph.compile()
        let generic = try graph.compile(options: CompileOptions(fuse: false))
        let x = try #require(testCase.inputs["X"])
        let rows = x.shape[0]
        #expect(try Self.usesFusedStep(fused, batch: 1))
        #expect(try Self.usesFusedStep(fused, batch: rows))
        #expect(try !Self.usesFusedStep(generic, batch: rows))

        let a = try fused.predict(testCase.inputs)
        let b = try generic.predict(testCase.inputs)
        for output in a.keys.sorted() {
            try Self.expectClose(a[output], b[output], tolerance: 1e-6, "\(name) \(output)")
        }
        for (output, want) in testCase.outputs.sorted(by: { $0.key < $1.key }) {
            SKL2ONNXCaseTests.compare(try #require(a[output]), want, "\(name) \(output) fused")
        }

        // A row equal to training point 5 is at distance exactly 0 from it.
        let points = try #require(graph.initializers.values.first { $0.shape == [400, 8] }?.float32Values)
        let row = try Tensor(shape: [1, 8], float32: Array(points[40..<48]))
        let distances = try #require(try fused.predict(["X": row])[sqrt.outputs[0]]?.float32Values)
        #expect(distances.count == 400)
        #expect(distances[5] == 0)
    }

    /// skl2onnx's body built with onnx.helper, its axes an attribute (opset 17, axis −1) or a
    /// constant input (opset 18, axis 1): both fused, equal to the generic scan and onnxruntime,
    /// with the row equal to a point at distance exactly 0.
    @Test(arguments: ["distance_reduce_attribute", "distance_reduce_input"])
    func reduceSumSquareBodiesAreFused(_ name: String) throws {
        let testCase = try ScanTests.load(name)
        let graph = try ONNXImporter.importGraph(serializedBytes: testCase.modelBytes)
        let fused = try graph.compile()
        let generic = try graph.compile(options: CompileOptions(fuse: false))
        #expect(try Self.usesFusedStep(fused, batch: 7))
        #expect(try !Self.usesFusedStep(generic, batch: 7))
        let a = try fused.predict(testCase.inputs)
        let b = try generic.predict(testCase.inputs)
        try Self.expectClose(a["Dt"], b["Dt"], tolerance: 1e-6, name)
        SKL2ONNXCaseTests.compare(try #require(a["Dt"]), try #require(testCase.outputs["Dt"]), name)
        // Row 0 of X is point 3.
        #expect(a["Dt"]?.float32Values?[3] == 0)
        #expect(b["Dt"]?.float32Values?[3] == 0)
    }

    /// A distance scan over X [N, 3] and five points whose body is `reduce(X - p)` (or `p - X`).
    static func reduceGraph(_ reduce: GraphOp.Reduce, swapped: Bool, reversed: Bool = false) throws -> ModelGraph {
        let body = ModelGraph(
            name: "distance", inputs: [S.f32("x", nil), S.f32("p", nil)],
            outputs: [S.f32("x_out", nil), S.f32("out", nil)],
            nodes: [
                GraphNode(name: "keep", op: .identity, inputs: ["x"], outputs: ["x_out"]),
                GraphNode(name: "sub", op: .sub, inputs: swapped ? ["p", "x"] : ["x", "p"], outputs: ["diff"]),
                GraphNode(name: "reduce", op: .reduce(reduce), inputs: ["diff"], outputs: ["d"]),
                GraphNode(name: "wrap", op: .identity, inputs: ["d"], outputs: ["out"]),
            ])
        let scan = GraphOp.Scan(
            body: body, stateCount: 1, scanInputCount: 1, inputReversed: [reversed], outputReversed: [false])
        return ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])], outputs: [S.f32("X2", nil), S.f32("D", nil)],
            initializers: [
                "P": try S.tensor([5, 3], [1000, 2000, -3000, 1, 2, 3, 0, 0, 0, 1e-3, 5, -7, 1000, 2000, -3000.5])
            ],
            nodes: [GraphNode(name: "scan", op: .scan(scan), inputs: ["X", "P"], outputs: ["X2", "D"])])
    }

    /// Axis 1 or −1, with or without `keepdims`, either operand order and direction: fused, the
    /// generic answer, exact zero for the row equal to a point.
    @Test(arguments: [
        (1, false, false, false), (-1, false, true, false), (1, true, false, true), (-1, true, true, true),
    ])
    func reduceSumSquareVariants(_ axis: Int, _ keepDims: Bool, _ swapped: Bool, _ reversed: Bool) throws {
        let graph = try Self.reduceGraph(
            GraphOp.Reduce(kind: .sumSquare, axes: [axis], keepDims: keepDims), swapped: swapped, reversed: reversed)
        let x = try S.tensor([2, 3], [1000, 2000, -3000, 0.5, -1, 2])
        let fused = try graph.compile()
        let generic = try graph.compile(options: CompileOptions(fuse: false))
        #expect(try Self.usesFusedStep(fused, batch: 2))
        let a = try fused.predict(["X": x])
        let b = try generic.predict(["X": x])
        #expect(a["D"]?.shape == (keepDims ? [5, 2, 1] : [5, 2]))
        try Self.expectClose(a["D"], b["D"], tolerance: 1e-6, "axis \(axis)")
        #expect(a["X2"]?.float32Values == x.float32Values)
        let d = try #require(a["D"]?.float32Values)
        let first = reversed ? 4 : 0
        #expect(d[first * 2] == 0)
        #expect(d[(4 - first) * 2] == 0.25)
    }

    /// Bodies that only look alike — another reduction, another axis, several axes — run the
    /// generic scan, and still give the body's answer.
    @Test(arguments: [
        GraphOp.Reduce(kind: .sum, axes: [1], keepDims: false),
        GraphOp.Reduce(kind: .sumSquare, axes: [0], keepDims: false),
        GraphOp.Reduce(kind: .sumSquare, axes: [0, 1], keepDims: false),
        GraphOp.Reduce(kind: .sumSquare, axes: [], keepDims: false),
        GraphOp.Reduce(kind: .l2, axes: [1], keepDims: false),
    ])
    func otherReductionsAreNotFused(_ reduce: GraphOp.Reduce) throws {
        let graph = try Self.reduceGraph(reduce, swapped: false)
        let x = try S.tensor([2, 3], [1, 2, 3, 0.5, -1, 2])
        let fused = try graph.compile()
        #expect(try !Self.usesFusedStep(fused, batch: 2))
        let a = try fused.predict(["X": x])
        let b = try graph.compile(options: CompileOptions(fuse: false)).predict(["X": x])
        #expect(a["D"] == b["D"])
    }
}
