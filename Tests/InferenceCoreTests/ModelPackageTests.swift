#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
@testable import InferenceCore
import MLOpsCore
import Testing

private typealias S = GraphTestsSupport

/// Model packages: round trips, corruption at every byte, truncation, hostile but correctly
/// sealed files, limits and versions.
struct ModelPackageTests {
    /// A small tree ensemble: two depth-2 trees on 3 features with a logistic link.
    static func ensemble() throws -> TreeEnsemble {
        let tree1 = TreeEnsemble.Tree(nodes: [
            .branch(
                feature: 0, threshold: 0.5, comparison: .lessThan, trueChild: 1, falseChild: 2,
                missing: .nanTakesTrueBranch),
            .leaf(-0.4),
            .branch(
                feature: 2, threshold: -1, comparison: .lessOrEqual, trueChild: 3, falseChild: 4,
                missing: .nanTakesFalseBranch),
            .leaf(0.25), .leaf(0.75),
        ])
        let tree2 = TreeEnsemble.Tree(nodes: [
            .branch(
                feature: 1, threshold: 0, comparison: .greaterThan, trueChild: 1, falseChild: 2, missing: .nanAsZero),
            .leaf(0.1), .leaf(-0.3),
        ])
        return try TreeEnsemble(
            trees: [tree1, tree2], featureCount: 3, outputCount: 1, precision: .float32, baseScores: [0.2],
            postTransform: .logistic, task: .binaryClassification, featureNames: ["a", "b", "c"],
            objective: "binary:logistic")
    }

    /// A graph using many ops: scaler → MLP → softmax/argmax label, a linear classifier with
    /// string labels, and a tree ensemble with labels.
    static func richGraph() throws -> ModelGraph {
        var rng = GraphTestRNG(seed: 42)
        let w1 = rng.floats(3 * 5)
        let w2 = rng.floats(5 * 2)
        return ModelGraph(
            name: "rich",
            inputs: [S.f32("X", [.batch, .fixed(3)])],
            outputs: [
                S.f32("P", [.batch, .fixed(2)]), ValueInfo(name: "label", elementType: .int64, shape: [.batch]),
                ValueInfo(name: "species", elementType: .string, shape: [.batch]),
                S.f32("scores", [.batch, .fixed(3)]),
                ValueInfo(name: "tree_label", elementType: .int64, shape: [.batch]),
                S.f32("tree_p", [.batch, .fixed(2)]),
            ],
            initializers: [
                "W1": try S.tensor([3, 5], w1), "B1": try S.tensor([5], rng.floats(5)), "W2": try S.tensor([5, 2], w2),
                "classes": try Tensor(shape: [2], int64: [7, 9]),
                "mask": try Tensor(shape: [2], bool: [true, false]),
                "names": try Tensor(shape: [2], strings: ["x", "y"]),
                "d": try Tensor(shape: [1], float64: [.pi]),
            ],
            nodes: [
                GraphNode(
                    name: "scale", op: .scaler(GraphOp.Scaler(offset: [0.1, 0.2, 0.3], scale: [2, 0.5, 1])),
                    inputs: ["X"], outputs: ["xs"]),
                GraphNode(name: "l1", op: .matMul, inputs: ["xs", "W1"], outputs: ["h0"]),
                GraphNode(name: "b1", op: .add, inputs: ["h0", "B1"], outputs: ["h1"]),
                GraphNode(name: "a1", op: .tanh, inputs: ["h1"], outputs: ["h2"]),
                GraphNode(name: "l2", op: .gemm(GraphOp.Gemm(alpha: 0.5)), inputs: ["h2", "W2"], outputs: ["z"]),
                GraphNode(name: "sm", op: .softmax(axis: 1), inputs: ["z"], outputs: ["P"]),
                GraphNode(
                    name: "am", op: .argMax(GraphOp.ArgMax(axis: 1, keepDims: false)), inputs: ["P"], outputs: ["idx"]),
                GraphNode(name: "pick", op: .arrayFeatureExtractor, inputs: ["classes", "idx"], outputs: ["picked"]),
                GraphNode(name: "flat", op: .reshape(shape: [-1]), inputs: ["picked"], outputs: ["label"]),
                GraphNode(
                    name: "lc",
                    op: .linearClassifier(
                        GraphOp.LinearClassifier(
                            coefficients: rng.floats(9), intercepts: [0, 0.1, -0.1],
                            labels: .string(["setosa", "versicolor", "virginica"]),
                            postTransform: .softmax, multiClass: 1)), inputs: ["X"], outputs: ["species", "scores"]),
                GraphNode(
                    name: "trees",
                    op: .treeEnsemble(
                        GraphOp.TreeEnsembleNode(
                            ensemble: try ensemble(), outputs: [.label, .scores], labels: .int64([0, 1]))),
                    inputs: ["X"], outputs: ["tree_label", "tree_p"]),
            ])
    }

    static func sample() throws -> ModelPackage {
        ModelPackage(
            graph: try richGraph(), featureNames: ["f0", "f1", "f2"], metadata: ["owner": "team", "ünïcode": "✓"],
            lineage: ModelLineage(runId: "run-1", dataVersion: "v3", createdAt: "2024-06-11T00:00:00Z", source: "test"))
    }

    /// A tiny package (one relu) for the exhaustive corruption tests.
    static func tiny() throws -> [UInt8] {
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(2)])], outputs: [S.f32("Y", [.batch, .fixed(2)])],
            initializers: ["B": try S.tensor([2], [1, -1])],
            nodes: [
                GraphNode(name: "add", op: .add, inputs: ["X", "B"], outputs: ["h"]),
                GraphNode(name: "r", op: .relu, inputs: ["h"], outputs: ["Y"]),
            ])
        return try ModelPackage(graph: graph).encoded()
    }

    @Test func roundTripGivesIdenticalPredictions() throws {
        let package = try Self.sample()
        let bytes = try package.encoded()
        let loaded = try ModelPackage(bytes: bytes)
        #expect(loaded.signature == package.signature)
        #expect(loaded.metadata == package.metadata)
        #expect(loaded.lineage == package.lineage)
        #expect(loaded.digest == SHA256.hash(Array(bytes.dropLast(32))))
        #expect(try loaded.encoded() == bytes)

        var rng = GraphTestRNG(seed: 5)
        var x = rng.floats(7 * 3, scale: 2)
        x[4] = .nan
        let input = ["X": try S.tensor([7, 3], x)]
        let before = try package.compile().predict(input)
        let after = try loaded.compile().predict(input)
        #expect(before.keys.sorted() == after.keys.sorted())
        for (name, tensor) in before {
            let other = try #require(after[name])
            #expect(other.shape == tensor.shape)
            #expect(other.doubleValues.map(\.bitPattern) == tensor.doubleValues.map(\.bitPattern), "output \(name)")
            #expect(other.stringValues == tensor.stringValues)
        }
        #expect(
            after["species"]?.stringValues?.allSatisfy { ["setosa", "versicolor", "virginica"].contains($0) } == true)
        // The tree output equals the ensemble's own prediction.
        let p = try #require(after["tree_p"]?.float32Values)
        for r in 0..<7 {
            let own = try Self.ensemble().predict(row: Array(x[(r * 3)..<(r * 3 + 3)]).map { Double($0) })[0]
            #expect(abs(Double(p[2 * r + 1]) - own) < 1e-6)
            #expect(abs(p[2 * r] + p[2 * r + 1] - 1) < 1e-6)
        }
    }

    @Test func writeAndReadFile() throws {
        let path = "/tmp/h6-package-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).mlpkg"
        defer { unlink(path) }
        let package = try Self.sample()
        try package.write(to: path)
        let loaded = try ModelPackage(contentsOf: path)
        #expect(try loaded.encoded() == package.encoded())
        #expect(throws: MLOpsError(.notFound, "")) { _ = try ModelPackage(contentsOf: path + ".missing") }
        #expect(throws: MLOpsError(.limitExceeded, "")) {
            _ = try ModelPackage(contentsOf: path, limits: ModelPackage.Limits(maxFileBytes: 100))
        }
    }

    @Test func everyFlippedByteIsRejected() throws {
        let bytes = try Self.tiny()
        #expect(bytes.count < 2048, "the tiny package is \(bytes.count) bytes")
        // One mask per offset by default (rotating); all three with MLOPS_LONG_TESTS=1.
        let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"
        let masks: [UInt8] = [0x01, 0x80, 0xFF]
        for offset in bytes.indices {
            for mask in long ? masks : [masks[offset % 3]] {
                var damaged = bytes
                damaged[offset] ^= mask
                do {
                    _ = try ModelPackage(bytes: damaged)
                    Issue.record("flipping byte \(offset) with \(mask) was not detected")
                } catch let error as MLOpsError {
                    // A flipped magic byte makes the file "not a model package" (parseError).
                    let expected: [MLOpsError.Code] =
                        offset < 8 ? [.parseError] : [.corruptData, .unsupported, .limitExceeded]
                    #expect(expected.contains(error.code), "byte \(offset): \(error)")
                }
            }
        }
    }

    @Test func everyTruncationIsRejected() throws {
        let bytes = try Self.tiny()
        for length in 0..<bytes.count {
            #expect(throws: MLOpsError.self) { _ = try ModelPackage(bytes: Array(bytes[0..<length])) }
        }
        #expect(throws: MLOpsError(.corruptData, "")) { _ = try ModelPackage(bytes: bytes + [0]) }
    }

    @Test func otherVersionsAreUnsupported() throws {
        let package = try ModelPackage(bytes: try Self.tiny())
        let v2 = try ModelPackage.assemble(parts: try Self.parts(of: package), version: 2)
        #expect(throws: MLOpsError(.unsupported, "")) { _ = try ModelPackage(bytes: v2) }
    }

    /// The parts of a package as `encoded()` writes them.
    static func parts(
        of package: ModelPackage, graph: String? = nil, weights: [UInt8]? = nil,
        signature: String? = nil, metadata: String? = nil
    ) throws -> [(String, [UInt8])] {
        let bytes = try package.encoded()
        let manifestLength = Int(bytes[16]) | Int(bytes[17]) << 8 | Int(bytes[18]) << 16
        let payloadStart = 32 + manifestLength
        let manifest = try JSONDecoder().decode(PackageManifest.self, from: Data(bytes[32..<payloadStart]))
        let parts = manifest.parts.map { part in
            (part.name, Array(bytes[(payloadStart + part.offset)..<(payloadStart + part.offset + part.length)]))
        }
        let replacements: [String: [UInt8]?] = [
            "graph": graph.map { Array($0.utf8) }, "weights": weights, "signature": signature.map { Array($0.utf8) },
            "metadata": metadata.map { Array($0.utf8) },
        ]
        return parts.map { name, bytes in (name, (replacements[name] ?? nil) ?? bytes) }
    }

    @Test func hostileButSealedPartsAreRejected() throws {
        let package = try ModelPackage(bytes: try Self.tiny())
        let original = try Self.parts(of: package)
        let graphJSON = String(decoding: original[0].1, as: UTF8.self)
        // Each edit keeps the JSON well-formed; the file is correctly re-sealed.
        let edits: [(String, String)] = [
            ("\"offset\":0", "\"offset\":999999"),  // weights reference out of bounds
            ("\"count\":2", "\"count\":9223372036854775807"),  // overflowing size
            ("\"op\":\"relu\"", "\"op\":\"launchMissiles\""),  // unknown op
            ("\"shape\":[2]", "\"shape\":[3]"),  // count does not match shape
            ("\"shape\":[2]", "\"shape\":[-2]"),  // negative dimension
            ("\"inputs\":[\"h\"]", "\"inputs\":[\"nowhere\"]"),  // dangling reference
            ("\"outputs\":[\"h\"]", "\"outputs\":[\"Y\"]"),  // duplicate producer
            ("\"type\":\"float32\"", "\"type\":\"float128\""),  // unknown enum
            ("\"name\":\"B\"", "\"name\":\"X\""),  // initialiser shadows input
        ]
        for (from, to) in edits {
            #expect(graphJSON.contains(from), "fixture lacks \(from)")
            let bytes = try ModelPackage.assemble(
                parts: try Self.parts(of: package, graph: graphJSON.replacingOccurrences(of: from, with: to)))
            do {
                _ = try ModelPackage(bytes: bytes)
                Issue.record("edit \(from) → \(to) was accepted")
            } catch let error as MLOpsError {
                #expect([.corruptData, .limitExceeded].contains(error.code), "\(error)")
            }
        }
        let badSignature = try ModelPackage.assemble(
            parts: try Self.parts(of: package, signature: "{\"inputs\":[],\"outputs\":[],\"featureNames\":[]}"))
        #expect(throws: MLOpsError(.corruptData, "")) { _ = try ModelPackage(bytes: badSignature) }
        let notJSON = try ModelPackage.assemble(parts: try Self.parts(of: package, metadata: "{\"metadata\":"))
        #expect(throws: MLOpsError(.corruptData, "")) { _ = try ModelPackage(bytes: notJSON) }
        let truncatedWeights = try ModelPackage.assemble(parts: try Self.parts(of: package, weights: [0, 0, 0]))
        #expect(throws: MLOpsError(.corruptData, "")) { _ = try ModelPackage(bytes: truncatedWeights) }
        let missingPart = try ModelPackage.assemble(parts: Array(original.dropLast()))
        #expect(throws: MLOpsError(.corruptData, "")) { _ = try ModelPackage(bytes: missingPart) }
        let repeatedPart = try ModelPackage.assemble(parts: original + [original[0]])
        #expect(throws: MLOpsError(.corruptData, "")) { _ = try ModelPackage(bytes: repeatedPart) }
    }

    @Test func hostileTreeTablesAreRejected() throws {
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])], outputs: [S.f32("P", [.batch, .fixed(1)])],
            nodes: [
                GraphNode(
                    name: "t",
                    op: .treeEnsemble(GraphOp.TreeEnsembleNode(ensemble: try Self.ensemble(), outputs: [.scores])),
                    inputs: ["X"], outputs: ["P"])
            ])
        let package = ModelPackage(graph: graph)
        let original = try Self.parts(of: package)
        let weights = original[1].1
        // Flip every byte of the tree tables and re-seal: each result is accepted (a different but
        // valid ensemble) or rejected with a typed error — never a crash.
        var rejected = 0
        for offset in weights.indices {
            var damaged = weights
            damaged[offset] ^= 0xA5
            do {
                let loaded = try ModelPackage(
                    bytes: try ModelPackage.assemble(parts: try Self.parts(of: package, weights: damaged)))
                _ = try loaded.compile().predict(["X": try S.tensor([2, 3], [0, 1, 2, .nan, -1, 3])])
            } catch is MLOpsError {
                rejected += 1
            }
        }
        #expect(rejected > 0)
        let graphJSON = String(decoding: original[0].1, as: UTF8.self)
        for (from, to) in [
            ("\"nodeCount\":8", "\"nodeCount\":7"), ("\"treeCount\":2", "\"treeCount\":268435456"),
            ("\"precision\":\"float32\"", "\"precision\":\"float16\""), ("\"nodeCount\":8", "\"nodeCount\":-1"),
        ] {
            #expect(graphJSON.contains(from), "fixture lacks \(from)")
            let bytes = try ModelPackage.assemble(
                parts: try Self.parts(of: package, graph: graphJSON.replacingOccurrences(of: from, with: to)))
            #expect(throws: MLOpsError.self) { _ = try ModelPackage(bytes: bytes) }
        }
    }

    @Test func limitsAreEnforced() throws {
        let bytes = try Self.sample().encoded()
        let tight: [ModelPackage.Limits] = [
            ModelPackage.Limits(maxFileBytes: 1000), ModelPackage.Limits(maxJSONBytes: 100),
            ModelPackage.Limits(maxNodes: 3),
            ModelPackage.Limits(maxTensors: 5), ModelPackage.Limits(maxRank: 1), ModelPackage.Limits(maxElements: 4),
            ModelPackage.Limits(maxStringBytes: 3), ModelPackage.Limits(maxMetadataEntries: 1),
            ModelPackage.Limits(maxTreeNodes: 4),
        ]
        for limits in tight {
            #expect(throws: MLOpsError(.limitExceeded, "")) { _ = try ModelPackage(bytes: bytes, limits: limits) }
        }
        _ = try ModelPackage(bytes: bytes, limits: .default)
    }

    @Test func encodingRejectsInvalidGraphsAndSignatures() throws {
        var package = try Self.sample()
        package.signature.outputs.removeLast()
        #expect(throws: S.invalid) { _ = try package.encoded() }
        let broken = ModelGraph(inputs: [], outputs: [S.f32("Y", nil)], nodes: [])
        #expect(throws: S.invalid) { _ = try ModelPackage(graph: broken).encoded() }
    }
}
