import MLOpsCore
import Testing

@testable import InferenceCore

/// Importing the elementwise ONNX operators, `Shape` and `ConstantOfShape`: a graph using them
/// all, opset differences and malformed nodes.
struct ONNXElementwiseImportTests {
    private func importError(_ bytes: [UInt8]) -> MLOpsError? { ONNXTestModels.importError(bytes) }

    /// One node over `X` [N, 3] float (and the given extra graph body), output `Y` of `type`.
    private func single(
        _ op: String, inputs: [String] = ["X"], opset: Int64 = 17, outputType: Int64 = 1,
        attributes: @escaping (inout TestProtobufWriter) -> Void = { _ in },
        body: @escaping (inout TestProtobufWriter) -> Void = { _ in }
    ) -> [UInt8] {
        ONNXTestModels.simple(opsets: [("", opset)], width: 3, outputs: [("Y", outputType, nil)]) { g in
            ONNXTestModels.node(&g, op: op, name: "node", inputs: inputs, outputs: ["Y"], attributes: attributes)
            body(&g)
        }
    }

    @Test func aGraphOfEveryOpComputesLikeOnnxruntime() throws {
        let bytes = ONNXTestModels.simple(
            opsets: [("", 15)], width: 3,
            outputs: [
                ("fill", 1, [nil, 3]), ("w", 1, [nil, 3]), ("p", 1, [nil, 3]), ("m", 1, [nil, 3]), ("b", 1, [nil, 3]),
            ]
        ) { g in
            ONNXTestModels.node(&g, op: "Shape", inputs: ["X"], outputs: ["s"])
            ONNXTestModels.node(&g, op: "Shape", inputs: ["X"], outputs: ["n"]) { n in
                n.attribute("start", int: 0)
                n.attribute("end", int: -1)
            }
            ONNXTestModels.node(&g, op: "ConstantOfShape", inputs: ["s"], outputs: ["fill"]) { n in
                n.attribute("value") { t in
                    ONNXTestModels.floatTensor(&t, name: "v", dims: [1], values: [1.5], raw: false)
                }
            }
            ONNXTestModels.node(&g, op: "Less", inputs: ["X", "zero"], outputs: ["neg"])
            ONNXTestModels.node(&g, op: "Neg", inputs: ["X"], outputs: ["minus"])
            ONNXTestModels.node(&g, op: "Where", inputs: ["neg", "minus", "X"], outputs: ["w"])
            ONNXTestModels.node(&g, op: "Pow", inputs: ["X", "two"], outputs: ["p"])
            ONNXTestModels.node(&g, op: "Mean", inputs: ["X", "p", "zero"], outputs: ["m"])
            ONNXTestModels.node(&g, op: "Cast", inputs: ["X"], outputs: ["xb"]) { n in n.attribute("to", int: 9) }
            ONNXTestModels.node(&g, op: "Not", inputs: ["xb"], outputs: ["nb"])
            ONNXTestModels.node(&g, op: "Cast", inputs: ["nb"], outputs: ["b"]) { n in n.attribute("to", int: 1) }
            g.message(5) { t in ONNXTestModels.floatTensor(&t, name: "zero", dims: [1], values: [0], raw: false) }
            g.message(5) { t in ONNXTestModels.int64Tensor(&t, name: "two", dims: [], values: [2]) }
        }
        let graph = try ONNXImporter.importGraph(serializedBytes: bytes)
        let x = try Tensor(shape: [2, 3], float32: [-1, 0, 2, 0.5, -3, .nan])
        let out = try graph.compile().predict(["X": x])
        #expect(out["fill"]?.shape == [2, 3])
        #expect(out["fill"]?.float32Values == [Float](repeating: 1.5, count: 6))
        #expect(out["w"]?.float32Values?.prefix(5) == [1, 0, 2, 0.5, 3])
        #expect(out["w"]?.float32Values?.last?.isNaN == true)
        #expect(out["p"]?.float32Values?.prefix(5) == [1, 0, 4, 0.25, 9])
        // Mean of x, x² and 0: (x + x²) × (1/3) in float32.
        let third = Float(1) / 3
        #expect(out["m"]?.float32Values?.prefix(5) == [0 * third, 0, 6 * third, 0.75 * third, 6 * third])
        // Cast(NaN → bool) is true, as onnxruntime.
        #expect(out["b"]?.float32Values == [0, 1, 0, 0, 0, 0])
    }

    @Test func shapeAttributesNeedOpset15AndIntegers() {
        let early = importError(single("Shape", opset: 14, outputType: 7) { n in n.attribute("start", int: 1) })
        #expect(early?.code == .unsupported)
        #expect(early?.value == "start")
        let floatStart = importError(single("Shape", opset: 15, outputType: 7) { n in n.attribute("start", float: 1) })
        #expect(floatStart?.code == .parseError)
        #expect(floatStart?.value == "start")
        // Hostile but well-typed values clamp like any out-of-range start.
        #expect(importError(single("Shape", opset: 15, outputType: 7) { n in n.attribute("start", int: .min) }) == nil)
        #expect(importError(single("Shape", opset: 15, outputType: 7) { n in n.attribute("end", int: .max) }) == nil)
    }

    @Test func constantOfShapeChecksItsValueAndItsShapeInput() {
        func model(_ shape: [Int64], value: ((inout TestProtobufWriter) -> Void)?, opset: Int64 = 17) -> [UInt8] {
            let attributes: (inout TestProtobufWriter) -> Void = { n in
                if let value { n.attribute("value", tensor: value) }
            }
            let body: (inout TestProtobufWriter) -> Void = { g in
                g.message(5) { t in
                    ONNXTestModels.int64Tensor(&t, name: "s", dims: [Int64(shape.count)], values: shape)
                }
            }
            return single("ConstantOfShape", inputs: ["s"], opset: opset, attributes: attributes, body: body)
        }
        #expect(importError(model([2, 3], value: nil)) == nil)
        let two = importError(
            model(
                [2], value: { t in ONNXTestModels.floatTensor(&t, name: "v", dims: [2], values: [1, 2], raw: false) }))
        #expect(two?.code == .parseError)
        #expect(two?.value == "value")
        let strings = importError(
            model(
                [2],
                value: { t in
                    t.int(1, 1)
                    t.int(2, 8)
                    t.string(6, "a")
                }))
        #expect(strings?.code == .unsupported)
        #expect(strings?.value == "value")
        #expect(importError(model([2], value: nil, opset: 8))?.code == .unsupported)
        let negative = importError(model([2, -3], value: nil))
        #expect(negative?.code == .invalidArgument)
        #expect(negative?.value == "s")
        // The shape of a runtime tensor is refused with the tensor's name.
        let runtime = importError(
            ONNXTestModels.simple(width: 3, outputs: [("Y", 1, nil)]) { g in
                ONNXTestModels.node(&g, op: "Cast", inputs: ["X"], outputs: ["c"]) { n in n.attribute("to", int: 7) }
                ONNXTestModels.node(&g, op: "Flatten", inputs: ["c"], outputs: ["f"]) { n in n.attribute("axis", int: 0)
                }
                ONNXTestModels.node(&g, op: "Reshape", inputs: ["f", "flat"], outputs: ["t"])
                ONNXTestModels.node(&g, op: "ConstantOfShape", inputs: ["t"], outputs: ["Y"])
                g.message(5) { t in ONNXTestModels.int64Tensor(&t, name: "flat", dims: [1], values: [-1]) }
            })
        #expect(runtime?.code == .unsupported)
        #expect(runtime?.value == "t")
        #expect(runtime?.message.contains("not known when the plan is resolved") == true)
    }

    @Test func reshapeTakesAShapeComputedFromShape() throws {
        // Y = Reshape(X, Concat(Shape(X)[:1], [3, 1]) * [1, 1, 1]) → [N, 3, 1].
        let bytes = ONNXTestModels.simple(opsets: [("", 15)], width: 3, outputs: [("Y", 1, [nil, 3, 1])]) { g in
            ONNXTestModels.node(&g, op: "Shape", inputs: ["X"], outputs: ["n"]) { n in n.attribute("end", int: 1) }
            ONNXTestModels.node(&g, op: "Concat", inputs: ["n", "tail"], outputs: ["c"]) { n in
                n.attribute("axis", int: 0)
            }
            ONNXTestModels.node(&g, op: "Mul", inputs: ["c", "ones"], outputs: ["t"])
            ONNXTestModels.node(&g, op: "Reshape", inputs: ["X", "t"], outputs: ["Y"])
            g.message(5) { t in ONNXTestModels.int64Tensor(&t, name: "tail", dims: [2], values: [3, 1]) }
            g.message(5) { t in ONNXTestModels.int64Tensor(&t, name: "ones", dims: [3], values: [1, 1, 1]) }
        }
        let model = try ONNXImporter.importGraph(serializedBytes: bytes).compile()
        for batch in [1, 5] {
            let values = (0..<(batch * 3)).map { Float($0) }
            let y = try model.predict(["X": try Tensor(shape: [batch, 3], float32: values)])["Y"]
            #expect(y?.shape == [batch, 3, 1])
            #expect(y?.float32Values == values)
        }
        let allowZero = importError(
            ONNXTestModels.simple(width: 3, outputs: [("Y", 1, nil)]) { g in
                ONNXTestModels.node(&g, op: "Shape", inputs: ["X"], outputs: ["s"])
                ONNXTestModels.node(&g, op: "Reshape", inputs: ["X", "s"], outputs: ["Y"]) { n in
                    n.attribute("allowzero", int: 1)
                }
            })
        #expect(allowZero?.code == .unsupported)
        #expect(allowZero?.value == "allowzero")
    }

    @Test func malformedElementwiseNodesAreNamed() {
        let legacy = importError(single("Pow", inputs: ["X", "X"]) { n in n.attribute("broadcast", int: 1) })
        #expect(legacy?.code == .unsupported)
        #expect(legacy?.value == "broadcast")
        #expect(importError(single("Less", inputs: ["X", "X", "X"], outputType: 9))?.code == .parseError)
        #expect(importError(single("Exp", inputs: []))?.code == .parseError)
        #expect(importError(single("Max", inputs: ["X", ""]))?.code == .parseError)
        #expect(importError(single("Where", inputs: ["X", "X", "X"], opset: 8))?.code == .unsupported)
        let badType = importError(single("Where", inputs: ["X", "X", "X"]))
        #expect(badType?.code == .invalidArgument)
        #expect(badType?.value == "X")
        let unknown = importError(single("Cos"))
        #expect(unknown?.message.contains("ConstantOfShape") == true)
        #expect(importError(single("Sum", inputs: ["X", "X", "X"])) == nil)
        #expect(importError(single("Equal", inputs: ["X", "X"], outputType: 9)) == nil)
    }
}
