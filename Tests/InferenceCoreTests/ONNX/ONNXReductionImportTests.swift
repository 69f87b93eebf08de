import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// Importing ONNX reductions, ArgMin, TopK, Gather, GatherElements and CumSum: the opset
/// differences (attribute vs constant input), and every refusal naming the attribute or input.
struct ONNXReductionImportTests {
    private typealias M = ONNXTestModels

    /// Input X [N, 3] float, `outputs` (name, ONNX element type), opset `opset`, and `body`.
    private func model(
        opset: Int64, outputs: [(String, Int64)] = [("Y", 1)], extraInputs: [(String, Int64)] = [],
        body: (inout TestProtobufWriter) -> Void
    ) -> [UInt8] {
        M.model(opsets: [("", opset)]) { g in
            body(&g)
            M.valueInfo(&g, field: 11, name: "X", dims: [nil, 3])
            for (name, type) in extraInputs { M.valueInfo(&g, field: 11, name: name, elemType: type, dims: [1]) }
            for (name, type) in outputs { M.valueInfo(&g, field: 12, name: name, elemType: type, dims: nil) }
        }
    }

    private func run(_ bytes: [UInt8]) throws -> [String: Tensor] {
        let graph = try ONNXImporter.importGraph(serializedBytes: bytes)
        return try graph.compile().predict(["X": try Tensor(shape: [2, 3], float32: [1, -2, 3, 4, 5, -6])])
    }

    private func importError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> MLOpsError? {
        do {
            _ = try ONNXImporter.importGraph(serializedBytes: bytes)
            Issue.record("the model was accepted", sourceLocation: sourceLocation)
            return nil
        } catch let error as MLOpsError {
            return error
        } catch {
            Issue.record("not an MLOpsError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    private static func int64s(_ g: inout TestProtobufWriter, _ name: String, _ dims: [Int64], _ values: [Int64]) {
        g.message(5) { t in M.int64Tensor(&t, name: name, dims: dims, values: values) }
    }

    private static func int32s(_ g: inout TestProtobufWriter, _ name: String, _ dims: [Int64], _ values: [Int64]) {
        g.message(5) { t in
            for d in dims { t.int(1, d) }
            t.int(2, 6)
            t.packedInts(5, values)
            t.string(8, name)
        }
    }

    @Test func reduceAxesFollowTheOpset() throws {
        // ReduceSum: attribute before 13, input from 13; the others: attribute before 18.
        let sum11 = model(opset: 11) { g in
            M.node(&g, op: "ReduceSum", inputs: ["X"], outputs: ["Y"]) { n in
                n.attribute("axes", ints: [1])
                n.attribute("keepdims", int: 0)
            }
        }
        #expect(try run(sum11)["Y"]?.float32Values == [2, 3])
        let sum13 = model(opset: 13) { g in
            M.node(&g, op: "ReduceSum", inputs: ["X", "A"], outputs: ["Y"]) { n in n.attribute("keepdims", int: 0) }
            Self.int64s(&g, "A", [1], [-1])
        }
        #expect(try run(sum13)["Y"]?.float32Values == [2, 3])
        let mean17 = model(opset: 17) { g in
            M.node(&g, op: "ReduceMean", inputs: ["X"], outputs: ["Y"]) { n in n.attribute("axes", ints: [0]) }
        }
        let mean = try run(mean17)["Y"]
        #expect(mean?.shape == [1, 3])
        #expect(mean?.float32Values == [2.5, 1.5, -1.5])
        let max18 = model(opset: 18) { g in
            M.node(&g, op: "ReduceMax", inputs: ["X", "A"], outputs: ["Y"])
            Self.int32s(&g, "A", [1], [1])
        }
        #expect(try run(max18)["Y"]?.float32Values == [3, 5])
        // No axes: everything, or nothing with noop_with_empty_axes (then the elementwise part).
        let all = model(opset: 18) { g in M.node(&g, op: "ReduceL1", inputs: ["X"], outputs: ["Y"]) }
        #expect(try run(all)["Y"]?.float32Values == [21])
        let noop = model(opset: 18) { g in
            M.node(&g, op: "ReduceSumSquare", inputs: ["X", "A"], outputs: ["Y"]) { n in
                n.attribute("noop_with_empty_axes", int: 1)
            }
            Self.int64s(&g, "A", [0], [])
        }
        #expect(try run(noop)["Y"]?.float32Values == [1, 4, 9, 16, 25, 36])
        let lse = model(opset: 13) { g in
            M.node(&g, op: "ReduceLogSumExp", inputs: ["X"], outputs: ["Y"]) { n in
                n.attribute("axes", ints: [1, 1])
                n.attribute("keepdims", int: 0)
            }
        }
        let values = try #require(try run(lse)["Y"]?.float32Values)
        #expect(abs(values[0] - 3.132845163345337) < 1e-5 && abs(values[1] - 5.313273906707764) < 1e-5)
    }

    @Test func malformedReductionsNameTheirAttributeOrInput() throws {
        func reduce(
            _ op: String, opset: Int64, inputs: [String] = ["X"], extraInputs: [(String, Int64)] = [],
            attributes: @escaping (inout TestProtobufWriter) -> Void = { _ in },
            initializers: (inout TestProtobufWriter) -> Void = { _ in }
        ) -> [UInt8] {
            model(opset: opset, extraInputs: extraInputs) { g in
                M.node(&g, op: op, name: "r", inputs: inputs, outputs: ["Y"], attributes: attributes)
                initializers(&g)
            }
        }
        let cases: [(String, [UInt8], MLOpsError.Code, String)] = [
            (
                "runtime axes", reduce("ReduceMax", opset: 18, inputs: ["X", "A"], extraInputs: [("A", 7)]),
                .unsupported, "A"
            ),
            (
                "axes attribute at opset 18", reduce("ReduceMean", opset: 18) { $0.attribute("axes", ints: [1]) },
                .unsupported, "axes"
            ),
            (
                "noop before opset 13",
                reduce("ReduceSum", opset: 11) { $0.attribute("noop_with_empty_axes", int: 1) },
                .unsupported, "noop_with_empty_axes"
            ),
            (
                "keepdims 2", reduce("ReduceSum", opset: 11) { $0.attribute("keepdims", int: 2) }, .parseError,
                "keepdims"
            ),
            (
                "keepdims float", reduce("ReduceProd", opset: 11) { $0.attribute("keepdims", float: 1) },
                .parseError, "keepdims"
            ),
            (
                "huge axis", reduce("ReduceMin", opset: 11) { $0.attribute("axes", ints: [Int64.max]) },
                .parseError, "axes"
            ),
            (
                "axes of floats",
                reduce("ReduceL2", opset: 18, inputs: ["X", "A"]) {
                    _ in
                } initializers: { g in
                    g.message(5) { t in M.floatTensor(&t, name: "A", dims: [1], values: [1], raw: false) }
                },
                .parseError, "A"
            ),
            (
                "axes of rank 2",
                reduce("ReduceLogSum", opset: 18, inputs: ["X", "A"]) { _ in
                } initializers: { g in
                    Self.int64s(&g, "A", [1, 1], [1])
                },
                .parseError, "A"
            ),
            ("three inputs", reduce("ReduceSum", opset: 13, inputs: ["X", "A", "B"]), .parseError, "X,A,B"),
            // Out of range for the input's rank: caught when the imported graph is validated.
            (
                "axis out of range", reduce("ReduceSum", opset: 11) { $0.attribute("axes", ints: [2]) },
                .invalidArgument, "X"
            ),
        ]
        for (what, bytes, code, value) in cases {
            let error = importError(bytes)
            #expect(error?.code == code, "\(what): \(String(describing: error))")
            #expect(error?.value == value, "\(what): \(String(describing: error))")
        }
    }

    @Test func argMinTopKGatherAndCumSumImport() throws {
        let bytes = model(
            opset: 13,
            outputs: [("amin", 7), ("top", 1), ("topIdx", 7), ("g", 1), ("ge", 1), ("cs", 1)]
        ) { g in
            M.node(&g, op: "ArgMin", inputs: ["X"], outputs: ["amin"]) { n in
                n.attribute("axis", int: 1)
                n.attribute("keepdims", int: 1)
            }
            M.node(&g, op: "TopK", inputs: ["X", "k"], outputs: ["top", "topIdx"]) { n in
                n.attribute("largest", int: 0)
            }
            M.node(&g, op: "Gather", inputs: ["X", "cols"], outputs: ["g"]) { n in n.attribute("axis", int: 1) }
            M.node(&g, op: "GatherElements", inputs: ["X", "amin"], outputs: ["ge"]) { n in n.attribute("axis", int: 1)
            }
            M.node(&g, op: "CumSum", inputs: ["X", "ax"], outputs: ["cs"]) { n in n.attribute("reverse", int: 1) }
            Self.int64s(&g, "k", [1], [2])
            Self.int32s(&g, "cols", [2], [-1, 0])
            Self.int32s(&g, "ax", [], [1])
        }
        let out = try run(bytes)
        #expect(out["amin"]?.int64Values == [1, 2])
        #expect(out["top"]?.float32Values == [-2, 1, -6, 4])
        #expect(out["topIdx"]?.int64Values == [1, 0, 2, 0])
        #expect(out["g"]?.float32Values == [3, 1, -6, 4])
        #expect(out["ge"]?.float32Values == [-2, -6])
        #expect(out["cs"]?.float32Values == [2, 1, 3, 3, -1, -6])
        // TopK before opset 10 takes k as an attribute.
        let legacy = model(opset: 9, outputs: [("v", 1), ("i", 7)]) { g in
            M.node(&g, op: "TopK", inputs: ["X"], outputs: ["v", "i"]) { n in n.attribute("k", int: 1) }
        }
        #expect(try run(legacy)["v"]?.float32Values == [3, 5])
    }

    @Test func malformedTopKGatherAndCumSumNameTheirAttributeOrInput() throws {
        func topK(
            opset: Int64 = 11, inputs: [String] = ["X", "k"], k: [Int64]?, extraInputs: [(String, Int64)] = [],
            attributes: @escaping (inout TestProtobufWriter) -> Void = { _ in }
        ) -> [UInt8] {
            model(opset: opset, outputs: [("v", 1), ("i", 7)], extraInputs: extraInputs) { g in
                M.node(&g, op: "TopK", name: "t", inputs: inputs, outputs: ["v", "i"], attributes: attributes)
                if let k { Self.int64s(&g, "k", [Int64(k.count)], k) }
            }
        }
        func cumSum(axis: [Int64]?, dims: [Int64] = [], extraInputs: [(String, Int64)] = []) -> [UInt8] {
            model(opset: 14, extraInputs: extraInputs) { g in
                M.node(&g, op: "CumSum", name: "c", inputs: ["X", "ax"], outputs: ["Y"])
                if let axis { Self.int64s(&g, "ax", dims, axis) }
            }
        }
        let cases: [(String, [UInt8], MLOpsError.Code, String)] = [
            ("runtime k", topK(k: nil, extraInputs: [("k", 7)]), .unsupported, "k"),
            ("negative k", topK(k: [-1]), .parseError, "k"),
            ("huge k", topK(k: [Int64.max]), .parseError, "k"),
            ("two ks", topK(k: [1, 2]), .parseError, "k"),
            ("k over the axis", topK(k: [4]), .invalidArgument, "X"),
            (
                "largest at opset 10", topK(opset: 10, k: [1]) { $0.attribute("largest", int: 0) }, .unsupported,
                "largest"
            ),
            ("sorted 3", topK(k: [1]) { $0.attribute("sorted", int: 3) }, .parseError, "sorted"),
            ("legacy k missing", topK(opset: 9, inputs: ["X"], k: nil), .parseError, "k"),
            ("axis out of range", topK(k: [1]) { $0.attribute("axis", int: 5) }, .invalidArgument, "X"),
            ("runtime cumsum axis", cumSum(axis: nil, extraInputs: [("ax", 7)]), .unsupported, "ax"),
            ("two cumsum axes", cumSum(axis: [0, 1], dims: [2]), .parseError, "ax"),
            ("huge cumsum axis", cumSum(axis: [Int64.min]), .parseError, "ax"),
            ("cumsum axis out of range", cumSum(axis: [2]), .invalidArgument, "X"),
        ]
        for (what, bytes, code, value) in cases {
            let error = importError(bytes)
            #expect(error?.code == code, "\(what): \(String(describing: error))")
            #expect(error?.value == value, "\(what): \(String(describing: error))")
        }
        let gather = model(opset: 13) { g in
            M.node(&g, op: "Gather", name: "g", inputs: ["X", "I"], outputs: ["Y"]) { n in n.attribute("axis", int: 1) }
            Self.int64s(&g, "I", [1], [3])
        }
        // An index out of range is caught when the step runs, naming the index.
        let graph = try ONNXImporter.importGraph(serializedBytes: gather)
        #expect(throws: MLOpsError.self) {
            _ = try graph.compile().predict(["X": try Tensor(shape: [1, 3], float32: [1, 2, 3])])
        }
        let badAxis = model(opset: 13) { g in
            M.node(&g, op: "GatherElements", name: "g", inputs: ["X", "I"], outputs: ["Y"]) { n in
                n.attribute("axis", int: 100_000)
            }
            Self.int64s(&g, "I", [1, 1], [0])
        }
        #expect(importError(badAxis)?.value == "axis")
    }

    @Test func unsupportedOpsListIncludesTheNewOps() throws {
        let bytes = model(opset: 13) { g in M.node(&g, op: "Unique", inputs: ["X"], outputs: ["Y"]) }
        let message = importError(bytes)?.message ?? ""
        for op in ["ReduceLogSumExp", "ArgMin", "TopK", "GatherElements", "CumSum"] {
            #expect(message.contains(op))
        }
    }
}
