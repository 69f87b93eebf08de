import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

private typealias M = ONNXTestModels

/// `Gather` and `GatherElements` in plan-time shape arithmetic (`KnownValues`): `Shape → Gather →
/// Concat → Reshape` chains without `Unsqueeze`. The graph is the one built with `onnx.helper` (opset
/// 17) and run by onnxruntime 1.31.1; the shapes expected are onnxruntime's.
struct KnownValuesGatherTests {
    /// Adds an int64 initialiser.
    static func int64s(_ g: inout TestProtobufWriter, _ name: String, _ dims: [Int64], _ values: [Int64]) {
        g.message(5) { t in M.int64Tensor(&t, name: name, dims: dims, values: values) }
    }

    /// The model: X float [N, 2, 3] reshaped five ways, each target computed from `Shape(X)`.
    /// - Y1: `Concat(Gather(s, [0]), [-1])` = [N, -1] → [N, 6]
    /// - Y2: `Concat(Gather(s, [-1]), [-1])` = [3, -1] → [3, 2N] (negative index)
    /// - Y3: `Concat(GatherElements(s, [2, 0]), Gather(s, [1]))` = [3, N, 2]
    /// - Y4: `s2 = Reshape(Concat(s, s), [2, 3])`; `Gather(Gather(s2, [2, 0], axis 1), [0])`
    ///   flattened, then `Concat(…, [-1])` = [3, N, -1] → [3, N, 2] (gather along axis 1 of 2-D data)
    /// - Y5: `Concat(Gather(s, [0]), Gather(s, 1) * [3])` = [N, 6] (a scalar index)
    static func model() -> [UInt8] {
        M.model { g in
            M.node(&g, op: "Shape", inputs: ["X"], outputs: ["s"])
            M.node(&g, op: "Gather", inputs: ["s", "i0"], outputs: ["n"])
            M.node(&g, op: "Concat", inputs: ["n", "m1"], outputs: ["shape1"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "Reshape", inputs: ["X", "shape1"], outputs: ["Y1"])
            M.node(&g, op: "Gather", inputs: ["s", "im1"], outputs: ["last"])
            M.node(&g, op: "Concat", inputs: ["last", "m1"], outputs: ["shape2"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "Reshape", inputs: ["X", "shape2"], outputs: ["Y2"])
            M.node(&g, op: "GatherElements", inputs: ["s", "i20"], outputs: ["ge"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "Gather", inputs: ["s", "i1"], outputs: ["mid"])
            M.node(&g, op: "Concat", inputs: ["ge", "mid"], outputs: ["shape3"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "Reshape", inputs: ["X", "shape3"], outputs: ["Y3"])
            M.node(&g, op: "Concat", inputs: ["s", "s"], outputs: ["ss"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "Reshape", inputs: ["ss", "two_by_three"], outputs: ["s2"])
            M.node(&g, op: "Gather", inputs: ["s2", "i20"], outputs: ["g3"]) { $0.attribute("axis", int: 1) }
            M.node(&g, op: "Gather", inputs: ["g3", "i0"], outputs: ["g4"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "Reshape", inputs: ["g4", "m1"], outputs: ["g5"])
            M.node(&g, op: "Concat", inputs: ["g5", "m1"], outputs: ["shape4"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "Reshape", inputs: ["X", "shape4"], outputs: ["Y4"])
            M.node(&g, op: "Gather", inputs: ["s", "scalar1"], outputs: ["two"])
            M.node(&g, op: "Mul", inputs: ["two", "three"], outputs: ["six"])
            M.node(&g, op: "Concat", inputs: ["n", "six"], outputs: ["shape5"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "Reshape", inputs: ["X", "shape5"], outputs: ["Y5"])
            int64s(&g, "i0", [1], [0])
            int64s(&g, "m1", [1], [-1])
            int64s(&g, "im1", [1], [-1])
            int64s(&g, "i20", [2], [2, 0])
            int64s(&g, "i1", [1], [1])
            int64s(&g, "two_by_three", [2], [2, 3])
            int64s(&g, "scalar1", [], [1])
            int64s(&g, "three", [1], [3])
            M.valueInfo(&g, field: 11, name: "X", dims: [nil, 2, 3])
            for (name, rank) in [("Y1", 2), ("Y2", 2), ("Y3", 3), ("Y4", 3), ("Y5", 2)] {
                M.valueInfo(&g, field: 12, name: name, dims: [Int64?](repeating: nil, count: rank))
            }
        }
    }

    /// onnxruntime's output shapes at N = 1 and N = 4; every output holds X's elements in order.
    @Test(arguments: [
        (1, [[1, 6], [3, 2], [3, 1, 2], [3, 1, 2], [1, 6]]),
        (4, [[4, 6], [3, 8], [3, 4, 2], [3, 4, 2], [4, 6]]),
    ])
    func shapeGatherConcatReshapeChainsMatchOnnxruntime(_ n: Int, _ shapes: [[Int]]) throws {
        let compiled = try ONNXImporter.importGraph(serializedBytes: Self.model()).compile()
        let values = (0..<(n * 6)).map { Float($0) }
        let out = try compiled.predict(["X": try Tensor(shape: [n, 2, 3], float32: values)])
        for (name, shape) in zip(["Y1", "Y2", "Y3", "Y4", "Y5"], shapes) {
            #expect(out[name]?.shape == shape, "\(name)")
            #expect(out[name]?.float32Values == values, "\(name)")
        }
    }

    /// The values themselves, evaluated at plan time for N = 5 (the gathers run as steps too and
    /// must agree).
    @Test func gatheredShapeValuesAreTheDimensions() throws {
        let bytes = M.model { g in
            M.node(&g, op: "Shape", inputs: ["X"], outputs: ["s"])
            M.node(&g, op: "Gather", inputs: ["s", "i"], outputs: ["G"])
            M.node(&g, op: "GatherElements", inputs: ["s", "i"], outputs: ["E"]) { $0.attribute("axis", int: 0) }
            M.node(&g, op: "ConstantOfShape", inputs: ["G"], outputs: ["Z"])
            Self.int64s(&g, "i", [4], [-1, 0, 1, -3])
            M.valueInfo(&g, field: 11, name: "X", dims: [nil, 2, 3])
            M.valueInfo(&g, field: 12, name: "G", elemType: 7, dims: [4])
            M.valueInfo(&g, field: 12, name: "E", elemType: 7, dims: [4])
            M.valueInfo(&g, field: 12, name: "Z", dims: nil)
        }
        let out = try ONNXImporter.importGraph(serializedBytes: bytes).compile().predict([
            "X": try Tensor(shape: [5, 2, 3], float32: [Float](repeating: 1, count: 30))
        ])
        #expect(out["G"]?.int64Values == [3, 5, 2, 5])
        #expect(out["E"]?.int64Values == [3, 5, 2, 5])
        #expect(out["Z"]?.shape == [3, 5, 2, 5])
        #expect(out["Z"]?.float32Values?.allSatisfy { $0 == 0 } == true)
    }

    /// An index outside the shape (onnxruntime: "indices element out of data bounds, idx=3 must be
    /// within the inclusive range [-3,2]") leaves the target unknown: the graph is refused with an
    /// error naming the tensor, never a crash.
    @Test(arguments: [[Int64(3)], [-4]])
    func outOfRangeIndicesAreRefused(_ index: [Int64]) throws {
        let bytes = M.model { g in
            M.node(&g, op: "Shape", inputs: ["X"], outputs: ["s"])
            M.node(&g, op: "Gather", inputs: ["s", "i"], outputs: ["bad"])
            M.node(&g, op: "Reshape", inputs: ["X", "bad"], outputs: ["Y"])
            Self.int64s(&g, "i", [1], index)
            M.valueInfo(&g, field: 11, name: "X", dims: [nil, 2, 3])
            M.valueInfo(&g, field: 12, name: "Y", dims: [nil])
        }
        let x = try Tensor(shape: [2, 2, 3], float32: [Float](repeating: 1, count: 12))
        #expect {
            _ = try ONNXImporter.importGraph(serializedBytes: bytes).compile().predict(["X": x])
        } throws: { error in
            guard let error = error as? MLOpsError else { return false }
            return error.value == "bad"
        }
    }
}
