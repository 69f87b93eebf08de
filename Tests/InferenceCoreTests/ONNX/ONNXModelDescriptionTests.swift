import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// `ONNXImporter.describe`, `supportedOperators` and the declared-versus-computed output shapes.
struct ONNXModelDescriptionTests {
    /// A model of one node `op` (domain `domain`) reading X [N, 4] and writing Y.
    static func oneNodeModel(_ op: String, domain: String = "") -> ONNXModelProto {
        var model = ONNXModelProto()
        model.irVersion = 10
        model.opsetImports = [.init(domain: "", version: 21), .init(domain: "ai.onnx.ml", version: 3)]
        var graph = ONNXGraphProto()
        graph.inputs = [
            ONNXValueInfoProto(name: "X", type: .tensor(elementType: .float, shape: [.param("N"), .value(4)]))
        ]
        graph.outputs = [ONNXValueInfoProto(name: "Y", type: nil)]
        var node = ONNXNodeProto()
        node.opType = op
        node.domain = domain
        node.inputs = ["X"]
        node.outputs = ["Y"]
        graph.nodes = [node]
        model.graph = graph
        return model
    }

    /// Every listed operator reaches its converter (its error, if any, is about the node, not
    /// "not supported"); an unlisted one is refused with the list.
    @Test func supportedOperatorsMatchTheConverters() throws {
        for (domain, ops) in ONNXImporter.supportedOperators {
            #expect(ops == ops.sorted() && !ops.isEmpty)
            for op in ops {
                let model = Self.oneNodeModel(op, domain: domain == "ai.onnx" ? "" : domain)
                do {
                    _ = try ONNXImporter.importGraph(from: model)
                } catch let error as MLOpsError {
                    #expect(!error.message.contains("is not supported. Supported"), "\(domain)::\(op): \(error)")
                }
                #expect(ONNXImporter.supports(op, domain: domain))
            }
        }
        #expect(!ONNXImporter.supports("Einsum", domain: ""))
        #expect(throws: MLOpsError(.unsupported, "any")) {
            try ONNXImporter.importGraph(from: Self.oneNodeModel("Einsum"))
        }
    }

    @Test func describesAModelItCannotRun() throws {
        let bytes = ONNXTestModels.simple(
            opsets: [("", 21), ("ai.onnx.ml", 3)], width: 4, outputs: [("Z", 1, [nil, 4]), ("R", 1, [nil, 4])]
        ) { g in
            ONNXTestModels.node(&g, op: "Einsum", inputs: ["X"], outputs: ["Y"])
            ONNXTestModels.node(&g, op: "DictVectorizer", domain: "ai.onnx.ml", inputs: ["Y"], outputs: ["Z"])
            ONNXTestModels.node(&g, op: "Relu", inputs: ["X"], outputs: ["R"])
        }
        let description = try ONNXImporter.describe(serializedBytes: bytes)
        #expect(!description.isRunnable)
        #expect(description.unsupportedOperators == ["ai.onnx::Einsum", "ai.onnx.ml::DictVectorizer"])
        #expect(description.operators.map(\.opType) == ["Einsum", "Relu", "DictVectorizer"])
        #expect(description.nodeCount == 3)
        #expect(description.producer == "tests")
        #expect(description.opsets == ["ai.onnx v21", "ai.onnx.ml v3"])
        #expect(description.inputs == [.init(name: "X", type: "tensor(FLOAT)[?, 4]")])
        #expect(description.importError?.code == .unsupported)
        #expect(throws: MLOpsError(.parseError, "any")) { try ONNXImporter.describe(serializedBytes: [0xFF, 0x01]) }
    }

    /// An output declared [N, 1] that computes [N, 2] runs with the computed shape and a warning.
    @Test func declaredOutputShapeFollowsTheComputedOne() throws {
        let bytes = ONNXTestModels.simple(width: 4, outputs: [("Y", 1, [nil, 1])]) { g in
            ONNXTestModels.node(&g, op: "Concat", inputs: ["X", "X"], outputs: ["Y"]) { n in
                n.attribute("axis", int: 1)
            }
        }
        let (graph, warnings) = try ONNXImporter.importGraphWithWarnings(serializedBytes: bytes)
        #expect(graph.outputs.first?.shape == [.batch, .fixed(8)])
        #expect(
            warnings == [
                "ONNX graph output 'Y' is declared [N, 1] but the graph computes [N, 8]; the computed shape is used, "
                    + "as onnxruntime does."
            ])
        let model = try Model(bytes: bytes)
        #expect(model.warnings == warnings)
        #expect(try ONNXImporter.describe(serializedBytes: bytes).warnings == warnings)
        // A declared element type that differs is still an error.
        let wrongType = ONNXTestModels.simple(width: 4, outputs: [("Y", 7, [nil, 8])]) { g in
            ONNXTestModels.node(&g, op: "Concat", inputs: ["X", "X"], outputs: ["Y"]) { n in
                n.attribute("axis", int: 1)
            }
        }
        #expect(throws: MLOpsError(.invalidArgument, "any")) {
            try ONNXImporter.importGraph(serializedBytes: wrongType)
        }
    }
}
