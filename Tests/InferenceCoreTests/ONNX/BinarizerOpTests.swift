import MLOpsCore
import Testing

@testable import InferenceCore

private typealias M = MLOpsTestSupport

/// `ai.onnx.ml` Binarizer and Imputer through the importer, against onnxruntime 1.31.1.
@Suite struct BinarizerOpTests {
    @Test func binarizesAboveTheThreshold() throws {
        let bytes = M.model(op: "Binarizer", outputs: [("Y", 1)]) { $0.attribute("threshold", float: 0.5) }
        let y = try M.run(bytes, try Tensor(shape: [2, 2], float32: [0.5, 0.6, -1, .infinity]))["Y"]
        #expect(y?.float32Values == [0, 1, 0, 1])
        // ONNX's default threshold is 0 (onnxruntime applies the schema default).
        let byDefault = M.model(op: "Binarizer", outputs: [("Y", 1)]) { _ in }
        #expect(try M.run(byDefault, try Tensor(shape: [1, 2], float32: [1, 0]))["Y"]?.float32Values == [1, 0])
        let doubles = M.model(op: "Binarizer", inputType: 11, outputs: [("Y", 11)]) {
            $0.attribute("threshold", float: 1)
        }
        #expect(try M.run(doubles, try Tensor(shape: [1, 2], float64: [1, 1.01]))["Y"]?.float64Values == [0, 1])
    }

    @Test func aNaNInputThrows() throws {
        let bytes = M.model(op: "Binarizer", outputs: [("Y", 1)]) { $0.attribute("threshold", float: 0.5) }
        #expect(throws: MLOpsError.self) { try M.run(bytes, try Tensor(shape: [1, 2], float32: [0.5, .nan])) }
    }

    @Test func binarizerRoundTrip() throws {
        let graph = GraphTestsSupport.single(
            .binarizer(threshold: -0.25), inputs: [GraphTestsSupport.f32("X", [.batch, .fixed(2)])],
            outputs: [GraphTestsSupport.f32("Y", [.batch, .fixed(2)])])
        let loaded = try Model(bytes: try Model(graph: graph).package.encoded())
        guard case .binarizer(let t)? = loaded.graph.nodes.first?.op else {
            Issue.record("the binarizer did not survive the round trip")
            return
        }
        #expect(t == -0.25)
    }

    @Test func imputerReplacesTheReplacedValue() throws {
        // replaced_value_float defaults to 0 (the schema default onnxruntime applies).
        let zero = M.model(op: "Imputer", outputs: [("Y", 1)]) { $0.attribute("imputed_value_floats", floats: [9, 8]) }
        let y = try M.run(zero, try Tensor(shape: [2, 2], float32: [.nan, 0, 1, 2]))["Y"]?.float32Values ?? []
        #expect(y[0].isNaN && Array(y[1...]) == [8, 1, 2])
        let two = M.model(op: "Imputer", outputs: [("Y", 1)]) { n in
            n.attribute("imputed_value_floats", floats: [9, 8])
            n.attribute("replaced_value_float", float: 2)
        }
        let z = try M.run(two, try Tensor(shape: [2, 2], float32: [.nan, 0, 1, 2]))["Y"]?.float32Values ?? []
        #expect(z[0].isNaN && Array(z[1...]) == [0, 1, 8])
        let nan = M.model(op: "Imputer", outputs: [("Y", 1)]) { n in
            n.attribute("imputed_value_floats", floats: [7])
            n.attribute("replaced_value_float", float: .nan)
        }
        #expect(try M.run(nan, try Tensor(shape: [1, 2], float32: [.nan, 0]))["Y"]?.float32Values == [7, 0])
        let ints = M.model(op: "Imputer", inputType: 7, outputs: [("Y", 7)]) { n in
            n.attribute("imputed_value_int64s", ints: [9, 8])
            n.attribute("replaced_value_int64", int: -1)
        }
        let w = try M.run(ints, try Tensor(shape: [2, 2], int64: [-1, 0, 1, -1]))["Y"]
        #expect(w?.int64Values == [9, 0, 1, 8])
    }

    @Test func imputerAttributesAreChecked() throws {
        let none = M.importError(M.model(op: "Imputer", outputs: [("Y", 1)]) { _ in })
        #expect(none?.value == "imputed_value_floats")
        let both = M.importError(
            M.model(op: "Imputer", outputs: [("Y", 1)]) { n in
                n.attribute("imputed_value_floats", floats: [1])
                n.attribute("imputed_value_int64s", ints: [1])
            })
        #expect(both?.value == "imputed_value_floats")
        // Float replacements for an int64 input, or a count that is neither 1 nor the width.
        let wrongType = M.importError(
            M.model(op: "Imputer", inputType: 7, outputs: [("Y", 7)]) {
                $0.attribute("imputed_value_floats", floats: [1])
            })
        #expect(wrongType?.message.contains("int64Values has 0 entries") == true)
        let wrongCount = M.importError(
            M.model(op: "Imputer", outputs: [("Y", 1)]) { $0.attribute("imputed_value_floats", floats: [1, 2, 3]) })
        #expect(wrongCount != nil)
    }

    @Test func imputerRoundTripKeepsTheReplacedValues() throws {
        let graph = GraphTestsSupport.single(
            .imputer(GraphOp.Imputer(values: [], replacedValue: 3, int64Values: [5, 6], replacedInt64: -2)),
            inputs: [ValueInfo(name: "X", elementType: .int64, shape: [.batch, .fixed(2)])],
            outputs: [ValueInfo(name: "Y", elementType: .int64, shape: [.batch, .fixed(2)])])
        let loaded = try Model(bytes: try Model(graph: graph).package.encoded())
        guard case .imputer(let m)? = loaded.graph.nodes.first?.op else {
            Issue.record("the imputer did not survive the round trip")
            return
        }
        #expect(m.replacedValue == 3 && m.int64Values == [5, 6] && m.replacedInt64 == -2)
        let y = try loaded.graph.compile().predict(["X": try Tensor(shape: [1, 2], int64: [-2, 4])])["Y"]
        #expect(y?.int64Values == [5, 4])
    }
}
