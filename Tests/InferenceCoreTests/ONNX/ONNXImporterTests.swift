import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// Hand-built ONNX graphs: every supported op not covered by the fixtures, and every rejection.
struct ONNXImporterTests {
    // MARK: - Helpers

    private func importError(_ bytes: [UInt8]) -> MLOpsError? { ONNXTestModels.importError(bytes) }

    private func run(_ bytes: [UInt8], _ rows: [[Float]]) throws -> [String: Tensor] {
        let graph = try ONNXImporter.importGraph(serializedBytes: bytes)
        let width = rows.first?.count ?? 0
        let x = try Tensor(shape: [rows.count, width], float32: rows.flatMap { $0 })
        return try graph.compile().predict(["X": x])
    }

    private func expectClose(
        _ got: Tensor?, _ expected: [Double], tolerance: Double = 1e-5, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let got else {
            Issue.record("\(what): missing output", sourceLocation: sourceLocation)
            return
        }
        let values = got.doubleValues
        guard values.count == expected.count else {
            Issue.record("\(what): \(values.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
            return
        }
        for (i, (a, b)) in zip(values, expected).enumerated() where abs(a - b) > tolerance * max(1, abs(b)) {
            Issue.record("\(what)[\(i)]: got \(a), expected \(b)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Standard ops

    @Test func standardOpsComputeLikeONNX() throws {
        let w: [Float] = [1, 0, -1, 0.5, 1, 0]  // [2, 3], used with transB = 1
        let b: [Float] = [1, 1]
        let bytes = ONNXTestModels.simple(
            width: 3,
            outputs: [
                ("probs", 1, [nil, 2]), ("ls", 1, [nil, 2]), ("am", 7, [nil]), ("tt", 1, [2, nil]),
                ("flat", 1, [nil, 3]), ("amf", 1, [nil]),
            ]
        ) { g in
            ONNXTestModels.node(&g, op: "Constant", name: "const", inputs: [], outputs: ["c"]) { n in
                n.attribute("value_floats", floats: [1, 2, 4])
            }
            ONNXTestModels.node(&g, op: "Div", inputs: ["X", "c"], outputs: ["d"])
            ONNXTestModels.node(&g, op: "Gemm", name: "dense", inputs: ["d", "W", "B"], outputs: ["g"]) { n in
                n.attribute("alpha", float: 2)
                n.attribute("beta", float: 0.5)
                n.attribute("transB", int: 1)
            }
            ONNXTestModels.node(&g, op: "Tanh", inputs: ["g"], outputs: ["t"])
            ONNXTestModels.node(&g, op: "Softmax", inputs: ["t"], outputs: ["probs"])
            ONNXTestModels.node(&g, op: "LogSoftmax", inputs: ["t"], outputs: ["ls"]) { n in
                n.attribute("axis", int: 1)
            }
            ONNXTestModels.node(&g, op: "ArgMax", inputs: ["probs"], outputs: ["am"]) { n in
                n.attribute("axis", int: 1)
                n.attribute("keepdims", int: 0)
                n.attribute("select_last_index", int: 1)
            }
            ONNXTestModels.node(&g, op: "Transpose", inputs: ["t"], outputs: ["tt"]) { n in
                n.attribute("perm", ints: [1, 0])
            }
            ONNXTestModels.node(&g, op: "Flatten", inputs: ["X"], outputs: ["f"])
            ONNXTestModels.node(&g, op: "Identity", inputs: ["f"], outputs: ["flat"])
            ONNXTestModels.node(&g, op: "Cast", inputs: ["am"], outputs: ["amf"]) { n in n.attribute("to", int: 1) }
            g.message(5) { t in ONNXTestModels.floatTensor(&t, name: "W", dims: [2, 3], values: w, raw: true) }
            g.message(5) { t in ONNXTestModels.floatTensor(&t, name: "B", dims: [2], values: b, raw: false) }
        }
        let rows: [[Float]] = [[0, 0, 0], [1, 2, 3], [-3, 0.5, 2], [2, -1, 0.25]]
        let out = try run(bytes, rows)

        var probs: [Double] = []
        var logProbs: [Double] = []
        var argmax: [Double] = []
        var t: [[Double]] = []
        for row in rows {
            let d = [Double(row[0]) / 1, Double(row[1]) / 2, Double(row[2]) / 4]
            let g = (0..<2).map { j in
                2 * (0..<3).reduce(0.0) { $0 + d[$1] * Double(w[j * 3 + $1]) } + 0.5 * Double(b[j])
            }
            let th = g.map { Foundation.tanh($0) }
            t.append(th)
            let m = th.max() ?? 0
            let e = th.map { Foundation.exp($0 - m) }
            let sum = e.reduce(0, +)
            probs += e.map { $0 / sum }
            logProbs += th.map { $0 - m - Foundation.log(sum) }
            argmax.append(th[1] >= th[0] ? 1 : 0)  // select_last_index: ties pick 1
        }
        #expect(argmax[0] == 1, "row 0 is a tie")
        expectClose(out["probs"], probs, "softmax")
        expectClose(out["ls"], logProbs, "logSoftmax")
        #expect(out["am"]?.int64Values == argmax.map { Int64($0) })
        expectClose(out["amf"], argmax, "cast")
        expectClose(out["tt"], t.map { $0[0] } + t.map { $0[1] }, "transpose")
        expectClose(out["flat"], rows.flatMap { $0.map { Double($0) } }, "flatten/identity")
    }

    @Test func legacySoftmaxOnLastAxisIsAcceptedOtherAxesAreNot() throws {
        func model(_ axis: Int64?, reshape: Bool) -> [UInt8] {
            ONNXTestModels.simple(opsets: [("", 11)], width: 6, outputs: [("Y", 1, reshape ? [nil, 2, 3] : [nil, 6])]) {
                g in
                var input = "X"
                if reshape {
                    ONNXTestModels.node(&g, op: "Reshape", inputs: ["X", "shape"], outputs: ["r"])
                    g.message(5) { t in ONNXTestModels.int64Tensor(&t, name: "shape", dims: [3], values: [0, 2, 3]) }
                    input = "r"
                }
                ONNXTestModels.node(&g, op: "Softmax", name: "sm", inputs: [input], outputs: ["Y"]) { n in
                    if let axis { n.attribute("axis", int: axis) }
                }
            }
        }
        let out = try run(model(nil, reshape: false), [[0, 0, 0, 0, 0, 0]])
        expectClose(out["Y"], [Double](repeating: 1.0 / 6, count: 6), "legacy softmax")
        let error = importError(model(nil, reshape: true))
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("'sm'") == true)
        #expect(error?.value == "axis")
        #expect(importError(model(2, reshape: true)) == nil)
    }

    // MARK: - ai.onnx.ml ops

    @Test func mlOpsComputeLikeONNXRuntime() throws {
        let coefficients: [Float] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        let intercepts: [Float] = [0, 0.5, -0.5]
        let bytes = ONNXTestModels.simple(
            opsets: [("", 17), ("ai.onnx.ml", 3)], width: 3,
            outputs: [
                ("n", 1, [nil, 3]), ("lab", 8, [nil]), ("sc", 1, [nil, 3]), ("oh", 1, [nil, 2]), ("reg", 1, [nil, 2]),
            ]
        ) { g in
            ONNXTestModels.node(&g, op: "Normalizer", domain: "ai.onnx.ml", inputs: ["X"], outputs: ["n"]) { n in
                n.attribute("norm", string: "L2")
            }
            ONNXTestModels.node(
                &g, op: "LinearClassifier", domain: "ai.onnx.ml", inputs: ["n"], outputs: ["lab", "sc"]
            ) { n in
                n.attribute("coefficients", floats: coefficients)
                n.attribute("intercepts", floats: intercepts)
                n.attribute("classlabels_strings", strings: ["a", "b", "c"])
                n.attribute("post_transform", string: "SOFTMAX")
                n.attribute("multi_class", int: 1)
            }
            ONNXTestModels.node(&g, op: "OneHotEncoder", domain: "ai.onnx.ml", inputs: ["lab"], outputs: ["oh"]) { n in
                n.attribute("cats_strings", strings: ["a", "c"])
                n.attribute("zeros", int: 1)
            }
            ONNXTestModels.node(&g, op: "LinearRegressor", domain: "ai.onnx.ml", inputs: ["X"], outputs: ["reg"]) { n in
                n.attribute("coefficients", floats: [1, 2, 3, -1, 0, 1])
                n.attribute("intercepts", floats: [0.5, -0.5])
                n.attribute("targets", int: 2)
            }
        }
        let rows: [[Float]] = [[3, 4, 0], [0, 0, 2], [1, 1, 1]]
        let out = try run(bytes, rows)
        var normalized: [Double] = []
        var scores: [Double] = []
        var labels: [String] = []
        var oneHot: [Double] = []
        var regression: [Double] = []
        for row in rows {
            let x = row.map { Double($0) }
            let norm = Foundation.sqrt(x.reduce(0) { $0 + $1 * $1 })
            let n = x.map { $0 / norm }
            normalized += n
            let s = (0..<3).map { n[$0] + Double(intercepts[$0]) }
            let m = s.max() ?? 0
            let e = s.map { Foundation.exp($0 - m) }
            scores += e.map { $0 / e.reduce(0, +) }
            let label = ["a", "b", "c"][s.firstIndex(of: m) ?? 0]
            labels.append(label)
            oneHot += [label == "a" ? 1 : 0, label == "c" ? 1 : 0]
            regression += [x[0] + 2 * x[1] + 3 * x[2] + 0.5, -x[0] + x[2] - 0.5]
        }
        expectClose(out["n"], normalized, "normalizer")
        expectClose(out["sc"], scores, "linear classifier scores")
        #expect(out["lab"]?.stringValues == labels)
        expectClose(out["oh"], oneHot, "one-hot encoder")
        expectClose(out["reg"], regression, "linear regressor")
    }

    // MARK: - Tree ensembles

    private struct TreeNode {
        var tree: Int64
        var id: Int64
        var mode: String
        var feature: Int64 = 0
        var value: Float = 0
        var trueID: Int64 = 0
        var falseID: Int64 = 0
        var tracksTrue: Int64 = 0
    }

    private func treeAttributes(_ n: inout TestProtobufWriter, _ nodes: [TreeNode], values: Bool = true) {
        n.attribute("nodes_treeids", ints: nodes.map(\.tree))
        n.attribute("nodes_nodeids", ints: nodes.map(\.id))
        n.attribute("nodes_modes", strings: nodes.map(\.mode))
        n.attribute("nodes_featureids", ints: nodes.map(\.feature))
        if values { n.attribute("nodes_values", floats: nodes.map(\.value)) }
        n.attribute("nodes_truenodeids", ints: nodes.map(\.trueID))
        n.attribute("nodes_falsenodeids", ints: nodes.map(\.falseID))
        n.attribute("nodes_missing_value_tracks_true", ints: nodes.map(\.tracksTrue))
        n.attribute("nodes_hitrates", floats: nodes.map { _ in 1 })
    }

    @Test func treeEnsembleRegressorHandlesModesMissingValuesAverageAndTargets() throws {
        let nodes: [TreeNode] = [
            // Tree 1 listed first and out of node-id order: grouping is by id, trees run in id order.
            TreeNode(tree: 1, id: 2, mode: "BRANCH_NEQ", feature: 0, value: 3, trueID: 3, falseID: 4),
            TreeNode(tree: 1, id: 0, mode: "BRANCH_EQ", feature: 2, value: 2, trueID: 1, falseID: 2),
            TreeNode(tree: 1, id: 1, mode: "LEAF"), TreeNode(tree: 1, id: 3, mode: "LEAF"),
            TreeNode(tree: 1, id: 4, mode: "LEAF"),
            TreeNode(tree: 0, id: 0, mode: "BRANCH_LT", feature: 0, value: 0.5, trueID: 1, falseID: 2, tracksTrue: 1),
            TreeNode(tree: 0, id: 1, mode: "LEAF"),
            TreeNode(tree: 0, id: 2, mode: "BRANCH_GTE", feature: 1, value: 1, trueID: 3, falseID: 4),
            TreeNode(tree: 0, id: 3, mode: "LEAF"), TreeNode(tree: 0, id: 4, mode: "LEAF"),
            TreeNode(tree: 2, id: 0, mode: "BRANCH_GT", feature: 1, value: 0, trueID: 1, falseID: 2),
            TreeNode(tree: 2, id: 1, mode: "LEAF"),
            TreeNode(tree: 2, id: 2, mode: "BRANCH_LEQ", feature: 2, value: -1, trueID: 3, falseID: 4),
            TreeNode(tree: 2, id: 3, mode: "LEAF"), TreeNode(tree: 2, id: 4, mode: "LEAF"),
        ]
        // (tree, node, target, weight)
        let leaves: [(Int64, Int64, Int64, Float)] = [
            (0, 1, 0, 1), (0, 3, 0, 2), (0, 3, 1, 10), (0, 4, 1, 3),
            (1, 1, 0, 100), (1, 3, 1, 200), (1, 4, 0, 300),
            (2, 1, 1, 1000), (2, 3, 0, 2000),
        ]
        let bytes = ONNXTestModels.simple(opsets: [("ai.onnx.ml", 1)], width: 3, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(
                &g, op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", name: "trees", inputs: ["X"], outputs: ["Y"]
            ) { n in
                treeAttributes(&n, nodes)
                n.attribute("target_treeids", ints: leaves.map(\.0))
                n.attribute("target_nodeids", ints: leaves.map(\.1))
                n.attribute("target_ids", ints: leaves.map(\.2))
                n.attribute("target_weights", floats: leaves.map(\.3))
                n.attribute("n_targets", int: 2)
                n.attribute("aggregate_function", string: "AVERAGE")
                n.attribute("base_values", floats: [10, 20])
                n.attribute("post_transform", string: "NONE")
            }
        }
        let nan = Float.nan
        let rows: [[Float]] = [[0, 0, 0], [nan, 1, 2], [1, 1, -1], [3, 0.5, -5], [0, nan, nan]]
        let sums: [[Double]] = [[1, 200], [101, 1000], [2, 1210], [300, 1003], [1, 200]]
        let out = try run(bytes, rows)
        expectClose(out["Y"], sums.flatMap { [$0[0] / 3 + 10, $0[1] / 3 + 20] }, "regressor")
    }

    @Test func doubleAttributesSwitchTheEnsembleToDoublePrecision() throws {
        func model(floats: Bool, doubles: Bool) -> [UInt8] {
            let nodes: [TreeNode] = [
                TreeNode(tree: 0, id: 0, mode: "BRANCH_LEQ", feature: 0, value: 0.1, trueID: 1, falseID: 2),
                TreeNode(tree: 0, id: 1, mode: "LEAF"), TreeNode(tree: 0, id: 2, mode: "LEAF"),
            ]
            return ONNXTestModels.simple(opsets: [("ai.onnx.ml", 3)], width: 1, outputs: [("Y", 1, [nil, 1])]) { g in
                ONNXTestModels.node(
                    &g, op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["X"], outputs: ["Y"]
                ) { n in
                    treeAttributes(&n, nodes, values: floats)
                    if doubles {
                        n.attribute("nodes_values_as_tensor") { t in
                            t.int(1, 3)
                            t.int(2, 11)
                            for v: Double in [0.1, 0, 0] {
                                t.tag(10, 1)
                                withUnsafeBytes(of: v.bitPattern.littleEndian) { t.bytes.append(contentsOf: $0) }
                            }
                        }
                    }
                    n.attribute("target_treeids", ints: [0, 0])
                    n.attribute("target_nodeids", ints: [1, 2])
                    n.attribute("target_ids", ints: [0, 0])
                    n.attribute("target_weights", floats: [1, 2])
                    n.attribute("n_targets", int: 1)
                }
            }
        }
        // Float(0.1) <= Float(0.1), but Float(0.1) > 0.1 in Double.
        #expect(try run(model(floats: true, doubles: false), [[0.1]])["Y"]?.float32Values == [1])
        #expect(try run(model(floats: false, doubles: true), [[0.1]])["Y"]?.float32Values == [2])
        #expect(importError(model(floats: true, doubles: true))?.code == .parseError)
    }

    private func binaryClassifier(transform: String, leaves: [Float], base: [Float]) -> [UInt8] {
        let nodes: [TreeNode] = [
            TreeNode(tree: 0, id: 0, mode: "BRANCH_LEQ", feature: 0, value: 0, trueID: 1, falseID: 2),
            TreeNode(tree: 0, id: 1, mode: "LEAF"), TreeNode(tree: 0, id: 2, mode: "LEAF"),
            TreeNode(tree: 1, id: 0, mode: "BRANCH_LEQ", feature: 1, value: 0, trueID: 1, falseID: 2),
            TreeNode(tree: 1, id: 1, mode: "LEAF"), TreeNode(tree: 1, id: 2, mode: "LEAF"),
        ]
        return ONNXTestModels.simple(
            opsets: [("", 17), ("ai.onnx.ml", 1)], width: 2,
            outputs: [("label", 7, [nil]), ("probabilities", 1, [nil, 2])]
        ) { g in
            ONNXTestModels.node(
                &g, op: "TreeEnsembleClassifier", domain: "ai.onnx.ml", name: "forest", inputs: ["X"],
                outputs: ["label", "probabilities"]
            ) { n in
                treeAttributes(&n, nodes)
                n.attribute("class_treeids", ints: [0, 0, 1, 1])
                n.attribute("class_nodeids", ints: [1, 2, 1, 2])
                n.attribute("class_ids", ints: [0, 0, 0, 0])
                n.attribute("class_weights", floats: leaves)
                n.attribute("classlabels_int64s", ints: [7, 9])
                n.attribute("post_transform", string: transform)
                if !base.isEmpty { n.attribute("base_values", floats: base) }
            }
        }
    }

    @Test func binaryTreeClassifiersFollowOnnxruntime() throws {
        let rows: [[Float]] = [[0, 0], [1, 1], [1, 0], [0, 1]]
        // Random-forest layout: NONE, non-negative weights -> [1 - s, s], label 9 iff s > 0.5.
        let forest = try run(binaryClassifier(transform: "NONE", leaves: [0.2, 0.45, 0.1, 0.4], base: []), rows)
        let s: [Double] = [0.3, 0.85, 0.55, 0.6]
        expectClose(forest["probabilities"], s.flatMap { [1 - $0, $0] }, "forest probabilities")
        #expect(forest["label"]?.int64Values == [7, 9, 9, 9])

        // Gradient-boosting layout: LOGISTIC, mixed-sign weights, one base value.
        let boosted = try run(binaryClassifier(transform: "LOGISTIC", leaves: [-1, 1, -0.25, 0.75], base: [0.5]), rows)
        let margins: [Double] = [-0.75, 2.25, 1.25, 0.25]
        let p = margins.map { 1 / (1 + Foundation.exp(-$0)) }
        expectClose(boosted["probabilities"], p.flatMap { [1 - $0, $0] }, "boosted probabilities")
        #expect(boosted["label"]?.int64Values == [7, 9, 9, 9])

        // The two onnxruntime-specific layouts are rejected, not approximated.
        for (transform, leaves) in [("NONE", [-1, 1, -0.25, 0.75] as [Float]), ("LOGISTIC", [0.2, 0.45, 0.1, 0.4])] {
            let error = importError(binaryClassifier(transform: transform, leaves: leaves, base: []))
            #expect(error?.code == .unsupported)
            #expect(error?.message.contains("'forest'") == true)
            #expect(error?.value == "post_transform")
        }
        #expect(
            importError(binaryClassifier(transform: "SOFTMAX", leaves: [0.2, 0.45, 0.1, 0.4], base: []))?.code
                == .unsupported)
    }

    @Test func multiclassTreeClassifier() throws {
        let nodes: [TreeNode] = [
            TreeNode(tree: 0, id: 0, mode: "BRANCH_LEQ", feature: 0, value: 0, trueID: 1, falseID: 2),
            TreeNode(tree: 0, id: 1, mode: "LEAF"), TreeNode(tree: 0, id: 2, mode: "LEAF"),
        ]
        let bytes = ONNXTestModels.simple(
            opsets: [("ai.onnx.ml", 1)], width: 1, outputs: [("label", 8, [nil]), ("probabilities", 1, [nil, 3])]
        ) { g in
            ONNXTestModels.node(
                &g, op: "TreeEnsembleClassifier", domain: "ai.onnx.ml", inputs: ["X"],
                outputs: ["label", "probabilities"]
            ) { n in
                treeAttributes(&n, nodes)
                n.attribute("class_treeids", ints: [0, 0, 0])
                n.attribute("class_nodeids", ints: [1, 1, 2])
                n.attribute("class_ids", ints: [0, 2, 1])
                n.attribute("class_weights", floats: [1, 0.5, 2])
                n.attribute("classlabels_strings", strings: ["x", "y", "z"])
                n.attribute("base_values", floats: [0.1, 0.2, 0.3])
                n.attribute("post_transform", string: "SOFTMAX")
            }
        }
        let out = try run(bytes, [[0], [1]])
        func softmax(_ v: [Double]) -> [Double] {
            let e = v.map { Foundation.exp($0 - (v.max() ?? 0)) }
            return e.map { $0 / e.reduce(0, +) }
        }
        expectClose(out["probabilities"], softmax([1.1, 0.2, 0.8]) + softmax([0.1, 2.2, 0.3]), "multiclass")
        #expect(out["label"]?.stringValues == ["x", "y"])
    }

    // MARK: - Rejections

    @Test func zipMapIsRejectedWithTheConversionHint() {
        let bytes = ONNXTestModels.simple(
            opsets: [("", 17), ("ai.onnx.ml", 1)], width: 2, outputs: [("label", 7, [nil])]
        ) { g in
            ONNXTestModels.node(
                &g, op: "LinearClassifier", domain: "ai.onnx.ml", name: "lc", inputs: ["X"], outputs: ["label", "p"]
            ) { n in
                n.attribute("coefficients", floats: [1, -1, -1, 1])
                n.attribute("classlabels_ints", ints: [0, 1])
            }
            ONNXTestModels.node(
                &g, op: "ZipMap", domain: "ai.onnx.ml", name: "ZipMap", inputs: ["p"], outputs: ["output_probability"]
            ) { n in
                n.attribute("classlabels_int64s", ints: [0, 1])
            }
        }
        let error = importError(bytes)
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("zipmap=False") == true)
        #expect(error?.message.contains("'ZipMap'") == true)
    }

    @Test func sequenceOfMapsOutputIsRejectedWithTheConversionHint() {
        var bytes = ONNXTestModels.model { g in
            ONNXTestModels.node(&g, op: "Identity", inputs: ["X"], outputs: ["Y"])
            ONNXTestModels.valueInfo(&g, field: 11, name: "X", dims: [nil, 2])
            g.message(12) { v in
                v.string(1, "Y")
                v.message(2) { t in
                    t.message(4) { sequence in
                        sequence.message(1) { element in
                            element.message(5) { map in
                                map.int(1, 7)
                                map.message(2) { value in value.message(1) { tensor in tensor.int(1, 1) } }
                            }
                        }
                    }
                }
            }
        }
        let error = importError(bytes)
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("zipmap=False") == true)
        #expect(error?.value == "Y")
        bytes.removeAll()
    }

    @Test func unsupportedOpsAttributesDomainsAndOpsetsAreNamed() {
        let unknownOp = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Cos", name: "cos_1", inputs: ["X"], outputs: ["Y"])
        }
        let opError = importError(unknownOp)
        #expect(opError?.code == .unsupported)
        #expect(opError?.message.contains("'cos_1'") == true)
        #expect(opError?.message.contains("ai.onnx::Cos") == true)
        #expect(opError?.value == "Cos")

        let unknownAttribute = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Gemm", name: "fc", inputs: ["X", "X"], outputs: ["Y"]) { n in
                n.attribute("transB", int: 1)
                n.attribute("fancy", int: 1)
            }
        }
        let attributeError = importError(unknownAttribute)
        #expect(attributeError?.code == .unsupported)
        #expect(attributeError?.value == "fancy")
        #expect(attributeError?.message.contains("'fc'") == true)

        let wrongType = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Gemm", name: "fc", inputs: ["X", "X"], outputs: ["Y"]) { n in
                n.attribute("transB", float: 1)
            }
        }
        #expect(importError(wrongType)?.code == .parseError)

        let domain = ONNXTestModels.simple(
            opsets: [("", 17), ("com.microsoft", 1)], width: 2, outputs: [("Y", 1, [nil, 2])]
        ) { g in
            ONNXTestModels.node(&g, op: "FusedGemm", domain: "com.microsoft", inputs: ["X", "X"], outputs: ["Y"])
        }
        #expect(importError(domain)?.code == .unsupported)

        let newOpset = ONNXTestModels.simple(opsets: [("", 99)], width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Relu", inputs: ["X"], outputs: ["Y"])
        }
        let opsetError = importError(newOpset)
        #expect(opsetError?.code == .unsupported)
        #expect(opsetError?.value == "99")

        let missingImport = ONNXTestModels.simple(opsets: [("", 17)], width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Scaler", domain: "ai.onnx.ml", inputs: ["X"], outputs: ["Y"]) { n in
                n.attribute("offset", floats: [0])
                n.attribute("scale", floats: [1])
            }
        }
        #expect(importError(missingImport)?.code == .parseError)

        let conflicting = ONNXTestModels.simple(
            opsets: [("", 17), ("ai.onnx", 13)], width: 2, outputs: [("Y", 1, [nil, 2])]
        ) { g in
            ONNXTestModels.node(&g, op: "Relu", inputs: ["X"], outputs: ["Y"])
        }
        #expect(importError(conflicting)?.code == .parseError)

        let duplicates = ONNXTestModels.simple(
            opsets: [("", 17), ("ai.onnx", 17), ("", 17)], width: 2, outputs: [("Y", 1, [nil, 2])]
        ) { g in
            ONNXTestModels.node(&g, op: "Relu", inputs: ["X"], outputs: ["Y"])
        }
        #expect(importError(duplicates) == nil)
    }

    @Test func unsupportedTensorsAndShapesAreRejected() {
        let external = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Add", inputs: ["X", "B"], outputs: ["Y"])
            g.message(5) { t in
                t.int(1, 2)
                t.int(2, 1)
                t.string(8, "B")
                t.message(13) { e in
                    e.string(1, "location")
                    e.string(2, "weights.bin")
                }
                t.int(14, 1)
            }
        }
        let externalError = importError(external)
        #expect(externalError?.code == .unsupported)
        #expect(externalError?.value == "B")

        let half = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Add", inputs: ["X", "B"], outputs: ["Y"])
            g.message(5) { t in
                t.int(1, 2)
                t.int(2, 10)
                t.string(8, "B")
                t.bytesField(9, [0, 60, 0, 60])
            }
        }
        #expect(importError(half)?.code == .unsupported)

        let shortData = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Add", inputs: ["X", "B"], outputs: ["Y"])
            g.message(5) { t in ONNXTestModels.floatTensor(&t, name: "B", dims: [3], values: [1, 2], raw: true) }
        }
        #expect(importError(shortData)?.code == .parseError)

        let computedShape = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Cast", inputs: ["X"], outputs: ["s"]) { n in n.attribute("to", int: 7) }
            ONNXTestModels.node(&g, op: "Reshape", name: "rs", inputs: ["X", "s"], outputs: ["Y"])
        }
        let shapeError = importError(computedShape)
        #expect(shapeError?.code == .unsupported)
        #expect(shapeError?.value == "s")

        let symbolicFeature = ONNXTestModels.model { g in
            ONNXTestModels.node(&g, op: "Relu", inputs: ["X"], outputs: ["Y"])
            g.message(11) { v in
                v.string(1, "X")
                v.message(2) { t in
                    t.message(1) { tt in
                        tt.int(1, 1)
                        tt.message(2) { s in
                            s.message(1) { d in d.string(2, "N") }
                            s.message(1) { d in d.string(2, "F") }
                        }
                    }
                }
            }
            ONNXTestModels.valueInfo(&g, field: 12, name: "Y", dims: [nil, nil])
        }
        #expect(importError(symbolicFeature)?.code == .unsupported)
    }

    @Test func hostileSizesAndIdsAreTypedErrors() {
        let big = Int64(Int32.max)
        let hugeInput = ONNXTestModels.model { g in
            ONNXTestModels.node(&g, op: "Relu", inputs: ["X"], outputs: ["Y"])
            ONNXTestModels.valueInfo(&g, field: 11, name: "X", dims: [nil, big, big, big])
            ONNXTestModels.valueInfo(&g, field: 12, name: "Y", dims: [nil, big, big, big])
        }
        #expect(importError(hugeInput)?.code == .limitExceeded)

        let hugeDepth = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, nil)]) { g in
            ONNXTestModels.node(&g, op: "OneHot", inputs: ["X", "d", "v"], outputs: ["Y"])
            g.message(5) { t in ONNXTestModels.int64Tensor(&t, name: "d", dims: [], values: [big]) }
            g.message(5) { t in ONNXTestModels.floatTensor(&t, name: "v", dims: [2], values: [0, 1], raw: false) }
        }
        #expect(importError(hugeDepth)?.code == .limitExceeded)

        let hugeTensor = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, nil)]) { g in
            ONNXTestModels.node(&g, op: "MatMul", inputs: ["X", "W"], outputs: ["Y"])
            g.message(5) { t in ONNXTestModels.floatTensor(&t, name: "W", dims: [big, big], values: [], raw: true) }
        }
        #expect(importError(hugeTensor)?.code == .parseError)

        let hugeTarget = ONNXTestModels.simple(opsets: [("ai.onnx.ml", 1)], width: 2, outputs: [("Y", 1, nil)]) { g in
            ONNXTestModels.node(&g, op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["X"], outputs: ["Y"]) {
                n in
                treeAttributes(&n, [TreeNode(tree: 0, id: 0, mode: "LEAF")])
                n.attribute("target_treeids", ints: [0])
                n.attribute("target_nodeids", ints: [0])
                n.attribute("target_ids", ints: [Int64.max])
                n.attribute("target_weights", floats: [1])
            }
        }
        #expect(importError(hugeTarget)?.code == .parseError)

        let cycle = ONNXTestModels.simple(opsets: [("ai.onnx.ml", 1)], width: 2, outputs: [("Y", 1, nil)]) { g in
            ONNXTestModels.node(&g, op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["X"], outputs: ["Y"]) {
                n in
                treeAttributes(
                    &n,
                    [
                        TreeNode(tree: 0, id: 0, mode: "BRANCH_LEQ", trueID: 1, falseID: 1),
                        TreeNode(tree: 0, id: 1, mode: "BRANCH_LEQ", trueID: 0, falseID: 0),
                    ])
                n.attribute("n_targets", int: 1)
            }
        }
        #expect(importError(cycle) != nil)

        let danglingChild = ONNXTestModels.simple(opsets: [("ai.onnx.ml", 1)], width: 2, outputs: [("Y", 1, nil)]) {
            g in
            ONNXTestModels.node(&g, op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["X"], outputs: ["Y"]) {
                n in
                treeAttributes(&n, [TreeNode(tree: 0, id: 0, mode: "BRANCH_LEQ", trueID: 5, falseID: 6)])
                n.attribute("n_targets", int: 1)
            }
        }
        #expect(importError(danglingChild)?.code == .parseError)
    }

    @Test func initializersListedAsInputsAreConstants() throws {
        let bytes = ONNXTestModels.simple(width: 2, outputs: [("Y", 1, [nil, 2])]) { g in
            ONNXTestModels.node(&g, op: "Add", inputs: ["X", "B"], outputs: ["Y"])
            g.message(5) { t in ONNXTestModels.floatTensor(&t, name: "B", dims: [2], values: [1, 2], raw: false) }
            ONNXTestModels.valueInfo(&g, field: 11, name: "B", dims: [2])
        }
        let graph = try ONNXImporter.importGraph(serializedBytes: bytes)
        #expect(graph.inputs.map(\.name) == ["X"])
        let out = try graph.compile().predict(["X": try Tensor(shape: [1, 2], float32: [10, 20])])
        #expect(out["Y"]?.float32Values == [11, 22])
    }

    // MARK: - Malformed files through the whole importer

    /// Every strict prefix of a fixture throws an MLOpsError, unless it ends on a top-level field
    /// boundary (then it is a smaller but valid model, e.g. with fewer opset entries).
    @Test(arguments: ["onnx_logreg_pipeline.onnx", "onnx_mlp_classifier.onnx"])
    func truncatedFilesFailWithTypedErrors(_ file: String) throws {
        let bytes = try ONNXFixtures.bytes(file)
        var failures = 0
        for length in 0..<bytes.count {
            do {
                _ = try ONNXImporter.importGraph(serializedBytes: Array(bytes[0..<length]))
            } catch is MLOpsError {
                failures += 1
            }
        }
        #expect(failures >= bytes.count - 12, "\(file): only \(failures) of \(bytes.count) prefixes failed")
    }

    /// Random multi-byte corruption (seeded), then — when the import still succeeds — compile and
    /// predict: a model that imports must run or fail with a typed error.
    @Test(arguments: ["onnx_logreg_pipeline.onnx", "onnx_mlp_classifier.onnx", "onnx_rf_tree_ensemble.onnx"])
    func randomlyCorruptedFilesImportAndRunOrFailTyped(_ file: String) throws {
        let bytes = try ONNXFixtures.bytes(file)
        let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"
        let rounds = (long ? 20 : 1) * (file.contains("tree") ? 10 : 150)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let x = try Tensor(shape: [2, 6], float32: [0, 1, -1, 2.5, .nan, 3, 1, 1, 1, 1, 1, 1])
        var ran = 0
        for _ in 0..<rounds {
            var mutated = bytes
            for _ in 0..<(1 + next() % 4) {
                let offset = next() % mutated.count
                switch next() % 3 {
                case 0: mutated[offset] = UInt8(truncatingIfNeeded: next())
                case 1: mutated[offset] = 0xFF
                default: mutated.remove(at: offset)
                }
            }
            do {
                let graph = try ONNXImporter.importGraph(serializedBytes: mutated)
                _ = try graph.compile().predict(["X": x])
                ran += 1
            } catch is MLOpsError {
                continue
            }
        }
        #expect(ran < rounds)
    }

    @Test(arguments: ["onnx_logreg_pipeline.onnx", "onnx_mlp_regression.onnx", "onnx_gbr_tree_ensemble.onnx"])
    func bitFlippedFilesNeverCrash(_ file: String) throws {
        let bytes = try ONNXFixtures.bytes(file)
        let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"
        // Default runs sample offsets (the tree ensemble imports slowly in debug builds);
        // MLOPS_LONG_TESTS=1 flips every bit of every byte of the small models and of 2,000
        // offsets of the tree ensemble.
        let samples = file.contains("tree") ? (long ? 2000 : 8) : (long ? bytes.count : 60)
        let step = max(1, bytes.count / samples)
        var imported = 0
        var failed = 0
        for offset in stride(from: 0, to: bytes.count, by: step) {
            for bit in 0..<8 {
                var mutated = bytes
                mutated[offset] ^= UInt8(1 << bit)
                do {
                    _ = try ONNXImporter.importGraph(serializedBytes: mutated)
                    imported += 1
                } catch is MLOpsError {
                    failed += 1
                }
            }
        }
        #expect(imported > 0)
        #expect(failed > 0)
    }
}
