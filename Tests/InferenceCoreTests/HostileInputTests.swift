import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// Issue 9: duplicate feature names in every importer, and every recursive parser or walker
/// fed input deep enough to overflow a stack that recursed once per level.
struct HostileInputTests {
    // MARK: - Duplicate feature names

    /// The reproduction (`xgb_duplicate_feature_names`): an XGBoost model naming `f0` eight
    /// times used to load and feed column f0 to all eight features.
    @Test func xgboostDuplicateFeatureNamesAreRefused() throws {
        let text = try TreeFixtures.text("Interop", "xgb_binary.json")
        let names = "\"feature_names\":[\"f0\",\"f1\",\"f2\",\"f3\",\"f4\",\"f5\",\"f6\",\"f7\"]"
        #expect(text.contains(names))
        let duplicated = text.replacingOccurrences(
            of: names, with: "\"feature_names\":[" + Array(repeating: "\"f0\"", count: 8).joined(separator: ",") + "]")
        do {
            _ = try Model(bytes: Array(duplicated.utf8), source: "xgb_duplicate_feature_names.json")
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .parseError)
            #expect(error.value == "f0")
            #expect(error.message.contains("\"f0\" 8 times"), "\(error.message)")
            #expect(error.message.contains("xgb_duplicate_feature_names.json"), "\(error.message)")
        }
    }

    @Test func lightGBMDuplicateFeatureNamesAreRefused() throws {
        let text = try TreeFixtures.text("Interop", "lgb_binary.txt")
        let duplicated = text.replacingOccurrences(
            of: "feature_names=f0 f1 f2 f3 f4 f5 f6 f7", with: "feature_names=f0 f1 f2 f3 f4 f5 f3 f7")
        #expect(duplicated != text)
        do {
            _ = try Model(bytes: Array(duplicated.utf8))
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .parseError)
            #expect(error.value == "f3")
            #expect(error.message.contains("positions 3, 6"), "\(error.message)")
        }
    }

    /// ONNX names features by its graph inputs: a repeated input name is an error naming it.
    @Test func onnxDuplicateInputNamesAreRefused() throws {
        let bytes = ONNXTestModels.model { g in
            ONNXTestModels.node(&g, op: "Add", inputs: ["a", "a"], outputs: ["y"])
            ONNXTestModels.valueInfo(&g, field: 11, name: "a", dims: [nil, 1])
            ONNXTestModels.valueInfo(&g, field: 11, name: "a", dims: [nil, 1])
            ONNXTestModels.valueInfo(&g, field: 12, name: "y", dims: [nil, 1])
        }
        do {
            _ = try Model(bytes: bytes)
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.value == "a", "\(error)")
        }
    }

    /// Ensembles and graph models built in code, and packages (written or read), refuse them too.
    @Test func duplicateFeatureNamesAreRefusedInCodeAndPackages() throws {
        let stump = TreeEnsemble.Tree(nodes: [.leaf(1)])
        #expect(throws: MLOpsError.invalidArgument) {
            _ = try TreeEnsemble(trees: [stump], featureCount: 2, precision: .float64, featureNames: ["a", "a"])
        }
        let graph = ModelGraph(
            inputs: [GraphTestsSupport.f32("X", [.batch, .fixed(2)])],
            outputs: [GraphTestsSupport.f32("Y", [.batch, .fixed(2)])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(throws: MLOpsError.invalidArgument) { _ = try Model(graph: graph, featureNames: ["a", "a"]) }
        let package = ModelPackage(graph: graph, featureNames: ["a", "a"])
        #expect(throws: MLOpsError.invalidArgument) { _ = try package.encoded() }
        // A package whose stored signature repeats a name (written by something else) is corrupt.
        let signature = try JSONEncoder().encode(package.signature)
        let bytes = try Self.packageBytes(ModelPackage(graph: graph), signature: Array(signature))
        do {
            _ = try ModelPackage(bytes: bytes)
            Issue.record("the package loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .corruptData)
            #expect(error.value == "a")
        }
    }

    /// The bytes of `package` with its graph or signature JSON replaced (and every digest right).
    static func packageBytes(
        _ package: ModelPackage, graph: [UInt8]? = nil, signature: [UInt8]? = nil
    ) throws -> [UInt8] {
        var weights = WeightWriter()
        let document = PackageGraphCodec.encode(package.graph, weights: &weights)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = PackageMetadataDocument(metadata: package.metadata, lineage: package.lineage)
        return try ModelPackage.assemble(parts: [
            ("graph", try graph ?? Array(encoder.encode(document))),
            ("weights", weights.bytes),
            ("signature", try signature ?? Array(encoder.encode(package.signature))),
            ("metadata", Array(try encoder.encode(metadata))),
        ])
    }

    // MARK: - Nesting: parsers

    /// XGBoost JSON: 100,000 nested arrays or objects stop at the nesting limit (64).
    @Test func deeplyNestedJSONIsRefused() throws {
        let arrays = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        let objects = Array(String(repeating: "{\"a\":", count: 100_000).utf8)
        for bytes in [[UInt8(ascii: "{"), UInt8(ascii: "\"")] + Array("learner\":".utf8) + arrays, objects] {
            do {
                _ = try XGBoostImporter.ensemble(json: bytes)
                Issue.record("the model loaded")
            } catch let error as MLOpsError {
                #expect(error.code == .parseError)
                #expect(error.message.contains("nest deeper than 64"), "\(error.message)")
            }
        }
    }

    /// A NUL byte where a JSON value should be is shown as `\0`, not as a raw control character.
    @Test func jsonErrorsShowControlBytesEscaped() throws {
        do {
            _ = try XGBoostImporter.ensemble(json: Array("{\"learner\": ".utf8) + [0])
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.message.contains("unexpected character '\\0'"), "\(error.message)")
        }
    }

    /// Protobuf bytes of messages nested `levels` deep along `fields` (repeated in turn), around
    /// `innermost`; built from the inside out without recursion.
    static func nestedMessages(fields: [Int], levels: Int, innermost: [UInt8] = []) -> [UInt8] {
        func varint(_ value: Int) -> [UInt8] {
            var v = UInt64(value)
            var out: [UInt8] = []
            while v >= 0x80 {
                out.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
            return out
        }
        // prefixes[i] is the tag and length of level i; level i's payload is every later prefix
        // and the innermost bytes.
        var prefixes: [[UInt8]] = Array(repeating: [], count: levels)
        var length = innermost.count
        for level in stride(from: levels - 1, through: 0, by: -1) {
            let field = fields[level % fields.count]
            prefixes[level] = varint(field << 3 | 2) + varint(length)
            length += prefixes[level].count
        }
        var out: [UInt8] = []
        out.reserveCapacity(length)
        for prefix in prefixes { out += prefix }
        return out + innermost
    }

    /// ONNX: a graph input whose type nests 100,000 sequence types (ValueInfo → TypeProto →
    /// Sequence → TypeProto …) stops at the protobuf depth limit (64).
    @Test func deeplyNestedProtobufIsRefused() throws {
        let types = Self.nestedMessages(fields: [4, 1], levels: 200_000)
        var valueInfo = TestProtobufWriter()
        valueInfo.string(1, "X")
        valueInfo.bytesField(2, types)
        let bytes = ONNXTestModels.model { g in g.bytesField(11, valueInfo.bytes) }
        do {
            _ = try Model(bytes: bytes)
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("nest deeper than 64"), "\(error.message)")
        }
        // Sub-graphs in attributes (control flow) are skipped unread, however deep they nest.
        let subgraphs = Self.nestedMessages(fields: [7, 1, 5, 6], levels: 100_000)
        let nested = ONNXTestModels.simple(width: 1, outputs: [("Y", 1, [nil, 1])]) { g in
            g.message(1) { n in
                n.string(1, "X")
                n.string(2, "Y")
                n.string(4, "If")
                n.message(5) { a in
                    a.string(1, "then_branch")
                    a.bytesField(6, subgraphs)
                    a.int(20, 5)
                }
            }
        }
        #expect(throws: MLOpsError.unsupported) { _ = try Model(bytes: nested) }
    }

    /// A model package whose graph JSON nests 100,000 arrays is corrupt, not a crash.
    @Test func deeplyNestedPackageJSONIsRefused() throws {
        let graph = ModelGraph(
            inputs: [GraphTestsSupport.f32("X", [.batch, .fixed(2)])],
            outputs: [GraphTestsSupport.f32("Y", [.batch, .fixed(2)])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        let bytes = try Self.packageBytes(ModelPackage(graph: graph), graph: deep)
        #expect(throws: MLOpsError.corruptData) { _ = try ModelPackage(bytes: bytes) }
    }

    // MARK: - Depth: walkers

    /// A chain tree: node i branches to a leaf and to node i + 2, `depth` branches deep.
    static func chainTree(depth: Int) -> TreeEnsemble.Tree {
        var nodes: [TreeEnsemble.Node] = []
        nodes.reserveCapacity(2 * depth + 1)
        for level in 0..<depth {
            let index = 2 * level
            // Go left (to the leaf) when x < level; otherwise continue down the chain.
            nodes.append(
                .branch(
                    feature: 0, threshold: Double(level), comparison: .lessThan, trueChild: index + 1,
                    falseChild: index + 2, missing: .nanTakesTrueBranch))
            nodes.append(.leaf(Double(level)))
        }
        nodes.append(.leaf(Double(depth)))
        return TreeEnsemble.Tree(nodes: nodes)
    }

    /// A degenerate tree 200,000 levels deep: refused by the depth limit (4096) by default; with
    /// the limit raised, compiled and walked to its deepest leaf without recursion.
    @Test func chainTreeOfDepth200000() throws {
        let tree = Self.chainTree(depth: 200_000)
        do {
            _ = try TreeEnsemble(trees: [tree], featureCount: 1, precision: .float64)
            Issue.record("the ensemble was built")
        } catch let error as MLOpsError {
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("maxDepth (4096)"), "\(error.message)")
        }
        var limits = TreeEnsemble.Limits.default
        limits.maxDepth = 1_000_000
        let ensemble = try TreeEnsemble(trees: [tree], featureCount: 1, precision: .float64, limits: limits)
        #expect(ensemble.maxDepth == 200_000)
        #expect(try ensemble.predict(row: [1e9]) == [200_000])
        #expect(try ensemble.predict(row: [150_000.5]) == [150_001])
        let model = try Model(ensemble: ensemble)
        let table = try Table(columns: [.double("x", [1e9, 3.5])])
        #expect(try model.predict(table).doubles(column: "prediction") == [200_000, 4])
        // A package holding it is read back with the default depth limit, and refused.
        let bytes = try model.package.encoded()
        #expect(throws: MLOpsError(.limitExceeded, "")) { _ = try ModelPackage(bytes: bytes) }
    }

    /// A graph of 100,000 chained nodes is sorted, shape-inferred and compiled iteratively.
    @Test func longChainGraphCompiles() throws {
        let count = 100_000
        var nodes: [GraphNode] = []
        nodes.reserveCapacity(count)
        for i in 0..<count {
            let input = i == 0 ? "X" : "t\(i - 1)"
            let output = i == count - 1 ? "Y" : "t\(i)"
            nodes.append(
                GraphNode(name: "n\(i)", op: i % 2 == 0 ? .relu : .identity, inputs: [input], outputs: [output]))
        }
        // Listed in reverse, so the topological sort has to reorder every node.
        let graph = ModelGraph(
            inputs: [GraphTestsSupport.f32("X", [.batch, .fixed(2)])],
            outputs: [GraphTestsSupport.f32("Y", [.batch, .fixed(2)])], nodes: nodes.reversed())
        let model = try Model(graph: graph)
        let out = try model.predict(try Table(columns: [.float("a", [-1, 2]), .float("b", [3, -4])]))
        #expect(try out.doubles(column: "Y_0") == [0, 2])
        #expect(try out.doubles(column: "Y_1") == [3, 0])
    }

    /// A graph with 100,000 inputs binds them without recursing once per input.
    @Test func graphWithManyInputsPredicts() throws {
        let count = 100_000
        let inputs = (0..<count).map { GraphTestsSupport.f32("x\($0)", [.batch, .fixed(1)]) }
        let graph = ModelGraph(
            inputs: inputs, outputs: [GraphTestsSupport.f32("Y", [.batch, .fixed(count)])],
            nodes: [GraphNode(name: "c", op: .concat(axis: 1), inputs: inputs.map(\.name), outputs: ["Y"])])
        let compiled = try graph.compile()
        var feeds: [String: Tensor] = [:]
        for i in 0..<count { feeds["x\(i)"] = try Tensor(shape: [1, 1], float32: [Float(i)]) }
        let result = try #require(try compiled.predict(feeds)["Y"])
        guard case .float32(let values) = result.storage else {
            Issue.record("not float32")
            return
        }
        #expect(values == (0..<count).map(Float.init))
    }
}
