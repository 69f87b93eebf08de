import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

struct ONNXModelProtoTests {
    static let fixtureOps: [String: [String]] = [
        "onnx_logreg_pipeline.onnx": ["ai.onnx.ml::Scaler", "ai.onnx.ml::LinearClassifier"],
        "onnx_linreg.onnx": ["ai.onnx.ml::LinearRegressor"],
        "onnx_gbr_tree_ensemble.onnx": ["ai.onnx.ml::TreeEnsembleRegressor"],
        "onnx_rf_tree_ensemble.onnx": ["ai.onnx.ml::TreeEnsembleRegressor"],
        "onnx_mlp_classifier.onnx": [
            "ai.onnx.ml::Scaler", "ai.onnx::Cast", "ai.onnx::MatMul", "ai.onnx::Add", "ai.onnx::Relu",
            "ai.onnx::MatMul", "ai.onnx::Add", "ai.onnx::Relu", "ai.onnx::MatMul", "ai.onnx::Add",
            "ai.onnx::Sigmoid", "ai.onnx::Sub", "ai.onnx::Concat", "ai.onnx::ArgMax",
            "ai.onnx.ml::ArrayFeatureExtractor", "ai.onnx::Reshape", "ai.onnx::Cast",
        ],
        "onnx_mlp_regression.onnx": [
            "ai.onnx::Sub", "ai.onnx::Mul", "ai.onnx::MatMul", "ai.onnx::Add", "ai.onnx::Relu", "ai.onnx::Gemm",
            "ai.onnx::Sigmoid", "ai.onnx::Gemm",
        ],
    ]

    @Test(arguments: fixtureOps.keys.sorted())
    func decodesFixture(_ file: String) throws {
        let model = try ONNXModelProto(serializedBytes: try ONNXFixtures.bytes(file))
        let graph = try #require(model.graph)
        #expect(graph.nodes.map(\.qualifiedOpType) == Self.fixtureOps[file])
        #expect(graph.runtimeInputs.map(\.name) == ["X"])
        let input = try #require(graph.runtimeInputs.first)
        if file == "onnx_mlp_regression.onnx" {
            #expect(model.irVersion == 8)
            #expect(model.opsetImports == [.init(domain: "", version: 17)])
            #expect(input.type == .tensor(elementType: .float, shape: [.param("N"), .value(6)]))
            #expect(graph.outputs.map(\.name) == ["Y"])
            #expect(graph.outputs.first?.type == .tensor(elementType: .float, shape: [.param("N"), .value(1)]))
            #expect(graph.initializers.count == 8)
        } else {
            #expect(model.irVersion == 10)
            #expect(model.producerName == "skl2onnx")
            #expect(input.type == .tensor(elementType: .float, shape: [.unspecified, .value(6)]))
            #expect(model.opsetVersions(for: "ai.onnx.ml") == [1])
            let defaultVersion: Int64 = file == "onnx_mlp_classifier.onnx" ? 14 : 22
            #expect(model.opsetVersions(for: "") == [defaultVersion])
            #expect(model.opsetVersions(for: "ai.onnx") == [defaultVersion])
        }
        if file.contains("logreg") || file.contains("mlp_classifier") {
            #expect(graph.outputs.map(\.name) == ["label", "probabilities"])
            #expect(graph.outputs[0].type == .tensor(elementType: .int64, shape: [.unspecified]))
            #expect(graph.outputs[1].type == .tensor(elementType: .float, shape: [.unspecified, .value(2)]))
        }
        if file.contains("linreg") || file.contains("tree") {
            #expect(graph.outputs.map(\.name) == ["variable"])
            #expect(graph.outputs.first?.type == .tensor(elementType: .float, shape: [.unspecified, .value(1)]))
        }
    }

    @Test func skl2onnxDuplicateOpsetEntriesAreKept() throws {
        let model = try ONNXModelProto(serializedBytes: try ONNXFixtures.bytes("onnx_linreg.onnx"))
        #expect(model.opsetImports.filter { $0.domain.isEmpty }.count == 2)
    }

    @Test func decodesAttributesAndTensorsOfEveryKind() throws {
        let model = try ONNXModelProto(serializedBytes: try ONNXFixtures.bytes("onnx_gbr_tree_ensemble.onnx"))
        let node = try #require(model.graph?.nodes.first)
        let modes = try #require(node.attribute("nodes_modes"))
        #expect(modes.type == .strings)
        #expect(modes.strings.contains(Array("BRANCH_LEQ".utf8)))
        #expect(modes.strings.contains(Array("LEAF".utf8)))
        let values = try #require(node.attribute("nodes_values"))
        #expect(values.type == .floats)
        #expect(values.floats.count == modes.strings.count)
        let treeIDs = try #require(node.attribute("nodes_treeids"))
        #expect(treeIDs.ints.count == modes.strings.count)
        #expect(node.attribute("n_targets")?.i == 1)
        #expect(node.attribute("post_transform")?.s == Array("NONE".utf8))

        // MLP regression mixes raw_data and typed storage on purpose.
        let mlp = try ONNXModelProto(serializedBytes: try ONNXFixtures.bytes("onnx_mlp_regression.onnx"))
        let initializers = try #require(mlp.graph?.initializers)
        #expect(initializers.contains { $0.rawData != nil })
        #expect(initializers.contains { $0.rawData == nil && !$0.floatData.isEmpty })
        for tensor in initializers {
            #expect(tensor.dataType == .float)
            let count = tensor.dims.reduce(1, *)
            let stored = tensor.rawData.map { $0.count / 4 } ?? tensor.floatData.count
            #expect(Int64(stored) == count, "\(tensor.name)")
        }
    }

    @Test func handBuiltModelRoundTrips() throws {
        let bytes = ONNXTestModels.model(opsets: [("", 13), ("ai.onnx.ml", 3), ("", 13)]) { g in
            ONNXTestModels.node(&g, op: "Gemm", name: "dense", inputs: ["X", "W", ""], outputs: ["Y"]) { n in
                n.message(5) { a in
                    a.string(1, "alpha")
                    a.float(2, 0.5)
                    a.int(20, 1)
                }
                n.message(5) { a in
                    a.string(1, "transB")
                    a.int(3, 1)
                }
            }
            g.message(5) { t in
                ONNXTestModels.floatTensor(&t, name: "W", dims: [2, 3], values: [1, 2, 3, 4, 5, 6], raw: true)
            }
            ONNXTestModels.valueInfo(&g, field: 11, name: "X", dims: [nil, 3])
            ONNXTestModels.valueInfo(&g, field: 12, name: "Y", dims: [nil, 2])
        }
        let model = try ONNXModelProto(serializedBytes: bytes)
        #expect(model.opsetVersions(for: "") == [13])
        #expect(model.opsetVersions(for: "ai.onnx.ml") == [3])
        let graph = try #require(model.graph)
        let node = try #require(graph.nodes.first)
        #expect(node.inputs == ["X", "W", ""])
        #expect(node.name == "dense")
        #expect(node.attribute("alpha")?.f == 0.5)
        #expect(node.attribute("alpha")?.effectiveType == .float)
        #expect(node.attribute("transB")?.effectiveType == .int)
        #expect(graph.initializers.first?.dims == [2, 3])
        #expect(graph.initializers.first?.rawData?.count == 24)
    }

    /// Every strict prefix of a small model either fails with an MLOpsError or ends exactly on a
    /// top-level field boundary (and then decodes to a model with fewer fields).
    @Test(arguments: ["onnx_linreg.onnx", "onnx_logreg_pipeline.onnx", "onnx_mlp_regression.onnx"])
    func truncationAtEveryOffsetIsATypedErrorOrAFieldBoundary(_ file: String) throws {
        let bytes = try ONNXFixtures.bytes(file)
        let boundaries = try Self.topLevelFieldBoundaries(bytes)
        var errors = 0
        for length in 0..<bytes.count {
            do {
                _ = try ONNXModelProto(serializedBytes: Array(bytes[0..<length]))
                #expect(boundaries.contains(length), "prefix \(length) decoded but is not a field boundary")
            } catch let error as MLOpsError {
                #expect(error.code == .parseError, "prefix \(length): \(error)")
                errors += 1
            }
        }
        #expect(errors >= bytes.count - boundaries.count)
    }

    @Test(arguments: ["onnx_linreg.onnx", "onnx_logreg_pipeline.onnx", "onnx_mlp_classifier.onnx"])
    func bitFlipsNeverCrash(_ file: String) throws {
        let bytes = try ONNXFixtures.bytes(file)
        var decoded = 0
        var failed = 0
        let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"
        let stride = long ? 1 : max(1, bytes.count / 150)
        for offset in Swift.stride(from: 0, to: bytes.count, by: stride) {
            for bit in 0..<8 {
                var mutated = bytes
                mutated[offset] ^= UInt8(1 << bit)
                do {
                    _ = try ONNXModelProto(serializedBytes: mutated)
                    decoded += 1
                } catch is MLOpsError {
                    failed += 1
                }
            }
        }
        #expect(decoded > 0)
        #expect(failed > 0)
    }

    @Test func wrongWireTypeForGraphIsAParseError() {
        var w = TestProtobufWriter()
        w.int(7, 1)  // ModelProto.graph as a varint
        #expect(throws: MLOpsError(.parseError, "any")) { try ONNXModelProto(serializedBytes: w.bytes) }
    }

    private static func topLevelFieldBoundaries(_ bytes: [UInt8]) throws -> Set<Int> {
        try bytes.withUnsafeBytes { buffer in
            var reader = try ProtobufReader(buffer)
            var result: Set<Int> = [0]
            while !reader.isAtEnd {
                let tag = try reader.readTag()
                try reader.skip(tag.wireType)
                result.insert(reader.offset)
            }
            return result
        }
    }
}
