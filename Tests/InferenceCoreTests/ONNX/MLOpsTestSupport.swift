import MLOpsCore
import Testing

@testable import InferenceCore

/// One-node `ai.onnx.ml` models for the SVM, LabelEncoder, Binarizer and Imputer tests.
enum MLOpsTestSupport {
    /// A model with one input `X` (element type `inputType`, [N, width]) feeding one `ai.onnx.ml`
    /// node whose outputs are `outputs` (name, ONNX element type).
    static func model(
        op: String, opset: Int64 = 1, inputType: Int64 = 1, width: Int64 = 2, outputs: [(String, Int64)],
        attributes: (inout TestProtobufWriter) -> Void
    ) -> [UInt8] {
        ONNXTestModels.model(opsets: [("", 17), ("ai.onnx.ml", opset)]) { g in
            ONNXTestModels.node(
                &g, op: op, domain: "ai.onnx.ml", name: "n", inputs: ["X"], outputs: outputs.map(\.0),
                attributes: attributes)
            ONNXTestModels.valueInfo(&g, field: 11, name: "X", elemType: inputType, dims: [nil, width])
            for (name, type) in outputs {
                ONNXTestModels.valueInfo(&g, field: 12, name: name, elemType: type, dims: nil)
            }
        }
    }

    /// Imports, compiles and runs `bytes` on `X`.
    static func run(_ bytes: [UInt8], _ x: Tensor) throws -> [String: Tensor] {
        try ONNXImporter.importGraph(serializedBytes: bytes).compile().predict(["X": x])
    }

    /// The import error of `bytes` (compiling too), or `nil` if it imports and compiles.
    static func importError(_ bytes: [UInt8]) -> MLOpsError? {
        ONNXTestModels.importError(bytes, compile: true)
    }

    /// A tensor attribute body: `values` of ONNX type `type` (1 float, 7 int64, 8 string, 11 double).
    static func tensor(_ t: inout TestProtobufWriter, name: String, strings: [String]) {
        t.int(1, Int64(strings.count))
        t.int(2, 8)
        for s in strings { t.string(6, s) }
        t.string(8, name)
    }

    /// A float64 tensor attribute body (raw data).
    static func tensor(_ t: inout TestProtobufWriter, name: String, doubles: [Double]) {
        t.int(1, Int64(doubles.count))
        t.int(2, 11)
        var payload: [UInt8] = []
        for v in doubles { withUnsafeBytes(of: v.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        t.string(8, name)
        t.bytesField(9, payload)
    }
}
