import MLOpsCore
import Testing

@testable import InferenceCore

private typealias M = MLOpsTestSupport

/// `ai.onnx.ml` LabelEncoder against onnxruntime 1.31.1: opset 1 (`classes_strings` both ways),
/// opsets 2–3 (lists; the first of repeated keys wins, NaN keys never match) and 4 (tensors, NaN
/// keys match), defaults, malformed attributes, and the package round trip.
@Suite struct LabelEncoderOpTests {
    static func strings(_ values: [String]) throws -> Tensor { try Tensor(shape: [1, values.count], strings: values) }

    @Test func opset1MapsStringsToIndicesAndBack() throws {
        let toIndex = M.model(op: "LabelEncoder", inputType: 8, width: 4, outputs: [("Y", 7)]) { n in
            n.attribute("classes_strings", strings: ["a", "b", "a", "c"])
        }
        // A repeated class keeps its last index, as onnxruntime's table does.
        #expect(try M.run(toIndex, try Self.strings(["a", "b", "c", "z"]))["Y"]?.int64Values == [2, 1, 3, -1])
        let toString = M.model(op: "LabelEncoder", inputType: 7, width: 5, outputs: [("Y", 8)]) { n in
            n.attribute("classes_strings", strings: ["a", "b", "a", "c"])
            n.attribute("default_string", string: "?")
        }
        let y = try M.run(toString, try Tensor(shape: [1, 5], int64: [0, 2, 3, 9, -1]))["Y"]
        #expect(y?.stringValues == ["a", "a", "c", "?", "?"])
    }

    @Test func opset2ListsFirstKeyWinsAndNaNNeverMatches() throws {
        let strings = M.model(op: "LabelEncoder", opset: 2, inputType: 8, width: 3, outputs: [("Y", 7)]) { n in
            n.attribute("keys_strings", strings: ["x", "y", "x"])
            n.attribute("values_int64s", ints: [1, 2, 3])
        }
        #expect(try M.run(strings, try Self.strings(["x", "y", "q"]))["Y"]?.int64Values == [1, 2, -1])
        let floats = M.model(op: "LabelEncoder", opset: 2, width: 4, outputs: [("Y", 1)]) { n in
            n.attribute("keys_floats", floats: [0, 1.5, .nan])
            n.attribute("values_floats", floats: [10, 20, 30])
        }
        let y = try M.run(floats, try Tensor(shape: [1, 4], float32: [-0.0, 1.5, .nan, 7]))["Y"]?.float32Values ?? []
        #expect(y.map(\.bitPattern) == [Float(10), 20, -0.0, -0.0].map(\.bitPattern))
        let withDefault = M.model(op: "LabelEncoder", opset: 3, width: 1, outputs: [("Y", 1)]) { n in
            n.attribute("keys_floats", floats: [0])
            n.attribute("values_floats", floats: [10])
            n.attribute("default_float", float: 5.5)
        }
        #expect(try M.run(withDefault, try Tensor(shape: [1, 1], float32: [3]))["Y"]?.float32Values == [5.5])
    }

    @Test func opset4TensorsAndNaNKeys() throws {
        let floats = M.model(op: "LabelEncoder", opset: 4, width: 4, outputs: [("Y", 1)]) { n in
            n.attribute("keys_floats", floats: [0, 1.5, .nan])
            n.attribute("values_floats", floats: [10, 20, 30])
        }
        let y = try M.run(floats, try Tensor(shape: [1, 4], float32: [-0.0, 1.5, .nan, 7]))["Y"]?.float32Values ?? []
        #expect(y.map(\.bitPattern) == [Float(10), 20, 30, -0.0].map(\.bitPattern))
        let tensors = M.model(op: "LabelEncoder", opset: 4, inputType: 11, width: 3, outputs: [("Y", 8)]) { n in
            n.attribute("keys_tensor") { M.tensor(&$0, name: "keys_tensor", doubles: [1.25, 2.5, -3]) }
            n.attribute("values_tensor") { M.tensor(&$0, name: "values_tensor", strings: ["p", "q", "r"]) }
            n.attribute("default_tensor") { M.tensor(&$0, name: "default_tensor", strings: ["none"]) }
        }
        let z = try M.run(tensors, try Tensor(shape: [1, 3], float64: [2.5, -3, 0]))["Y"]
        #expect(z?.stringValues == ["q", "r", "none"])
        let int64s = M.model(op: "LabelEncoder", opset: 4, inputType: 8, width: 3, outputs: [("Y", 7)]) { n in
            n.attribute("keys_strings", strings: ["x", "y", "x"])
            n.attribute("values_int64s", ints: [1, 2, 3])
            n.attribute("default_int64", int: -7)
        }
        #expect(try M.run(int64s, try Self.strings(["x", "y", "q"]))["Y"]?.int64Values == [1, 2, -7])
    }

    @Test func malformedAttributesNameTheAttribute() throws {
        let noValues = M.importError(
            M.model(op: "LabelEncoder", opset: 2, inputType: 8, outputs: [("Y", 7)]) { n in
                n.attribute("keys_strings", strings: ["x"])
            })
        #expect(noValues?.value == "values_strings")
        let twoKeys = M.importError(
            M.model(op: "LabelEncoder", opset: 2, inputType: 8, outputs: [("Y", 7)]) { n in
                n.attribute("keys_strings", strings: ["x"])
                n.attribute("keys_int64s", ints: [1])
                n.attribute("values_int64s", ints: [1])
            })
        #expect(twoKeys?.value == "keys_strings")
        let lengths = M.importError(
            M.model(op: "LabelEncoder", opset: 2, inputType: 8, outputs: [("Y", 7)]) { n in
                n.attribute("keys_strings", strings: ["x", "y"])
                n.attribute("values_int64s", ints: [1])
            })
        #expect(lengths?.code == .parseError)
        let tensorBeforeOpset4 = M.importError(
            M.model(op: "LabelEncoder", opset: 3, inputType: 8, outputs: [("Y", 7)]) { n in
                n.attribute("keys_tensor") { M.tensor(&$0, name: "keys_tensor", strings: ["x"]) }
                n.attribute("values_int64s", ints: [1])
            })
        #expect(tensorBeforeOpset4?.value == "keys_tensor")
        let wrongInput = M.importError(
            M.model(op: "LabelEncoder", opset: 2, inputType: 1, outputs: [("Y", 7)]) { n in
                n.attribute("keys_strings", strings: ["x"])
                n.attribute("values_int64s", ints: [1])
            })
        #expect(wrongInput?.message.contains("keys are string") == true)
        let badDefault = M.importError(
            M.model(op: "LabelEncoder", opset: 4, inputType: 8, outputs: [("Y", 7)]) { n in
                n.attribute("keys_strings", strings: ["x"])
                n.attribute("values_int64s", ints: [1])
                n.attribute("default_tensor") { M.tensor(&$0, name: "default_tensor", strings: ["a", "b"]) }
            })
        #expect(badDefault?.value == "default_tensor")
    }

    @Test func packageRoundTrip() throws {
        let graph = GraphTestsSupport.single(
            .labelEncoder(
                GraphOp.LabelEncoder(
                    keys: .float64([1, .nan]), values: .string(["one", "nan"]), defaultValue: .string(["?"]))),
            inputs: [ValueInfo(name: "X", elementType: .float64, shape: [.batch, .fixed(3)])],
            outputs: [ValueInfo(name: "Y", elementType: .string, shape: [.batch, .fixed(3)])])
        let loaded = try Model(bytes: try Model(graph: graph).package.encoded())
        let y = try loaded.graph.compile().predict(["X": try Tensor(shape: [1, 3], float64: [.nan, 1, 2])])["Y"]
        #expect(y?.stringValues == ["nan", "one", "?"])
    }
}
