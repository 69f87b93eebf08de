import Foundation
import InferenceCore
import MLOpsCore
import Testing

/// Tests of ``LightGBMImporter`` against the outputs of lightgbm itself.
@Suite("LightGBM importer")
struct LightGBMImporterTests {
    @Test("lgb_binary fixture: every row's probability and raw score")
    func binaryFixture() throws {
        let model = try LightGBMImporter.load(path: try TreeFixtures.path("Interop", "lgb_binary.txt"))
        #expect(model.task == .binaryClassification && model.precision == .float64)
        #expect(model.featureNames == (0..<8).map { "f\($0)" })
        #expect(model.treeCount == 50 && model.objective == "binary sigmoid:1")
        let inputs = try TreeFixtures.csv("Interop", "lgb_binary_inputs.csv")
        let expected = try TreeFixtures.csv("Interop", "lgb_binary_expected.csv")
        let (raw, out) = try model.predictBatch(rows: inputs.flat, rowCount: inputs.rows.count)
        expectClose(out, try expected.column("probability"), atol: 1e-9, rtol: 0, "probability")
        expectClose(raw, try expected.column("raw_score"), atol: 1e-9, rtol: 1e-12, "raw_score")
    }

    @Test("rounding the inputs to float32 would change predictions: the fixture detects it")
    func doubleInputsMatter() throws {
        let model = try LightGBMImporter.load(path: try TreeFixtures.path("Interop", "lgb_binary.txt"))
        let inputs = try TreeFixtures.csv("Interop", "lgb_binary_inputs.csv")
        let expected = try expected(inputs: inputs, model: model)
        let rounded = inputs.flat.map { Double(Float($0)) }
        let (raw, _) = try model.predictBatch(rows: rounded, rowCount: inputs.rows.count)
        let differing = zip(raw, expected).filter { abs($0 - $1) > 1e-9 }.count
        #expect(differing > 0, "rounded inputs should move some rows across a threshold")
    }

    private func expected(inputs: FixtureTable, model: TreeEnsemble) throws -> [Double] {
        try TreeFixtures.csv("Interop", "lgb_binary_expected.csv").column("raw_score")
    }

    @Test(
        "other objectives, zero_as_missing and random forests match lightgbm",
        arguments: ["lgb_regression", "lgb_zero_missing", "lgb_rf", "lgb_poisson"]
    )
    func singleOutput(name: String) throws {
        let model = try LightGBMImporter.load(path: try TreeFixtures.path("Trees", "\(name).txt"))
        let inputs = try TreeFixtures.csv("Trees", "\(name)_inputs.csv")
        let expected = try TreeFixtures.csv("Trees", "\(name)_expected.csv")
        let (raw, out) = try model.predictBatch(rows: inputs.flat, rowCount: inputs.rows.count)
        var expectedRaw = try expected.column("raw_score")
        if case .average(let iterations) = model.aggregation {
            // lightgbm's raw_score output for average_output models is the undivided sum; the
            // margin fed to the link (our raw score) is the average.
            #expect(name == "lgb_rf" && iterations == 12)
            expectedRaw = expectedRaw.map { $0 / Double(iterations) }
        }
        expectClose(raw, expectedRaw, atol: 1e-9, rtol: 1e-12, "\(name) raw")
        expectClose(out, try expected.column("prediction"), atol: 1e-9, rtol: 1e-12, "\(name) prediction")
        if name == "lgb_zero_missing" {
            // Missing type Zero with a threshold inside the zero band needs the general evaluator.
            #expect(model.generalTreeCount > 0)
        }
    }

    @Test("multiclass: one tree per class per iteration, softmax")
    func multiclass() throws {
        let model = try LightGBMImporter.load(path: try TreeFixtures.path("Trees", "lgb_multiclass.txt"))
        #expect(model.outputCount == 3 && model.task == .multiclassClassification)
        let inputs = try TreeFixtures.csv("Trees", "lgb_multiclass_inputs.csv")
        let expected = try TreeFixtures.csv("Trees", "lgb_multiclass_expected.csv")
        let (raw, out) = try model.predictBatch(rows: inputs.flat, rowCount: inputs.rows.count)
        for k in 0..<3 {
            let rawK = stride(from: k, to: raw.count, by: 3).map { raw[$0] }
            let outK = stride(from: k, to: out.count, by: 3).map { out[$0] }
            expectClose(rawK, try expected.column("raw_\(k)"), atol: 1e-9, rtol: 1e-12, "raw_\(k)")
            expectClose(outK, try expected.column("probability_\(k)"), atol: 1e-9, rtol: 0, "probability_\(k)")
        }
    }

    // MARK: - Semantics a wrong implementation gets wrong

    /// A one-split model on feature 0 with `threshold` and `decision_type`; leaves -1 (left) and +1.
    private func stump(
        threshold: String = "0.5",
        decision: String = "10",
        left: String = "-1",
        right: String = "-2",
        leaves: String = "-1 1",
        numLeaves: String = "2",
        objective: String = "regression",
        header: String = "",
        end: Bool = true
    ) -> String {
        """
        tree
        version=v4
        num_class=1
        num_tree_per_iteration=1
        label_index=0
        max_feature_idx=1
        objective=\(objective)
        feature_names=a b
        feature_infos=[-1:1] [-1:1]
        tree_sizes=300
        \(header)
        Tree=0
        num_leaves=\(numLeaves)
        num_cat=0
        split_feature=0
        split_gain=1
        threshold=\(threshold)
        decision_type=\(decision)
        left_child=\(left)
        right_child=\(right)
        leaf_value=\(leaves)
        leaf_weight=1 1
        leaf_count=1 1
        internal_value=0
        internal_weight=0
        internal_count=2
        is_linear=0
        shrinkage=1


        \(end ? "end of trees" : "")

        feature_importances:
        a=1
        """
    }

    @Test("x equal to a threshold goes left (<=); the next double up goes right")
    func equalityGoesLeft() throws {
        let model = try LightGBMImporter.ensemble(text: stump(threshold: "0.10000000000000001"))
        #expect(try model.predictRaw(row: [0.1, 0]) == [-1])
        #expect(try model.predictRaw(row: [(0.1).nextUp, 0]) == [1])
        #expect(try model.predictRaw(row: [(0.1).nextDown, 0]) == [-1])
    }

    @Test("missing type None: NaN is compared as 0.0")
    func missingNone() throws {
        // decision_type 2: None, default left (the default is ignored for NaN).
        let positive = try LightGBMImporter.ensemble(text: stump(threshold: "0.5", decision: "0"))
        let negative = try LightGBMImporter.ensemble(text: stump(threshold: "-0.5", decision: "2"))
        #expect(try positive.predictRaw(row: [.nan, 0]) == [-1])  // 0 <= 0.5: left
        #expect(try negative.predictRaw(row: [.nan, 0]) == [1])  // 0 > -0.5: right, despite default-left
    }

    @Test("missing type NaN: NaN takes the default direction; zero is an ordinary value")
    func missingNaN() throws {
        let defaultLeft = try LightGBMImporter.ensemble(text: stump(threshold: "-0.5", decision: "10"))
        let defaultRight = try LightGBMImporter.ensemble(text: stump(threshold: "0.5", decision: "8"))
        #expect(try defaultLeft.predictRaw(row: [.nan, 0]) == [-1])
        #expect(try defaultRight.predictRaw(row: [.nan, 0]) == [1])
        #expect(try defaultLeft.predictRaw(row: [0, 0]) == [1])
        #expect(try defaultRight.predictRaw(row: [0, 0]) == [-1])
    }

    @Test("missing type Zero: 0, tiny values and NaN take the default direction")
    func missingZero() throws {
        // Threshold 0.5, default right (decision 4): zero-band values go right although <= 0.5.
        let straddle = try LightGBMImporter.ensemble(text: stump(threshold: "0.5", decision: "4"))
        #expect(straddle.generalTreeCount == 1)
        // LightGBM's band is [-k, k] with k = 1e-35f = 1.0000000180025095e-35, both ends included.
        let k = TreeEnsemble.lightGBMZeroThreshold
        #expect(k == 1.0000000180025095e-35)
        for value in [0.0, -0.0, 1e-35, -1e-35, k, -k, .nan] {
            #expect(try straddle.predictRaw(row: [value, 0]) == [1], "value \(value)")
        }
        for value in [k.nextUp, -k.nextUp, 2e-35, 0.25, -3] {
            #expect(try straddle.predictRaw(row: [value, 0]) == [-1], "value \(value)")
        }
        // Default left with the zero band already left of the threshold: the fast path applies.
        let aligned = try LightGBMImporter.ensemble(text: stump(threshold: "0.5", decision: "6"))
        #expect(aligned.generalTreeCount == 0)
        for value in [0.0, 1e-35, .nan, 0.5] {
            #expect(try aligned.predictRaw(row: [value, 0]) == [-1], "value \(value)")
        }
        #expect(try aligned.predictRaw(row: [0.75, 0]) == [1])
    }

    @Test("inputs within LightGBM's zero threshold are read as 0, as lightgbm's readers do")
    func tinyInputsReadAsZero() throws {
        let k = TreeEnsemble.lightGBMZeroThreshold
        // A split at -k (LightGBM writes such thresholds for splits between 0 and negatives).
        let model = try LightGBMImporter.ensemble(text: stump(threshold: "-1.0000000180025095e-35", decision: "8"))
        #expect(model.inputZeroBand == k)
        #expect(try model.predictRaw(row: [-k, 0]) == [1])  // read as 0 > -k: right
        #expect(try model.predictRaw(row: [-k.nextUp, 0]) == [-1])  // a real value below -k: left
        let floatRow: [Float] = [-1e-35, 0]
        var raw: [Double] = [0]
        try floatRow.withUnsafeBufferPointer { x in
            try raw.withUnsafeMutableBufferPointer { r in try model.predict(x, rowCount: 1, raw: r) }
        }
        #expect(raw == [1])
    }

    @Test("the sigmoid parameter scales the logistic link; leaf values are not rescaled by shrinkage")
    func sigmoidAndShrinkage() throws {
        let model = try LightGBMImporter.ensemble(text: stump(objective: "binary sigmoid:2"))
        let p = try model.predict(row: [1, 0])[0]
        #expect(abs(p - 1 / (1 + exp(-2.0))) < 1e-15)
        let shrunk = stump().replacingOccurrences(of: "shrinkage=1", with: "shrinkage=0.1")
        #expect(try LightGBMImporter.ensemble(text: shrunk).predictRaw(row: [1, 0]) == [1])
    }

    @Test("a single-leaf tree is a constant")
    func singleLeaf() throws {
        let text = stump(numLeaves: "1").replacingOccurrences(of: "leaf_value=-1 1", with: "leaf_value=0.25")
            .replacingOccurrences(of: "split_feature=0", with: "split_feature=")
            .replacingOccurrences(of: "threshold=0.5", with: "threshold=")
            .replacingOccurrences(of: "decision_type=10", with: "decision_type=")
            .replacingOccurrences(of: "left_child=-1", with: "left_child=")
            .replacingOccurrences(of: "right_child=-2", with: "right_child=")
        let model = try LightGBMImporter.ensemble(text: text)
        #expect(try model.predictRaw(row: [.nan, 3]) == [0.25])
    }

    @Test("categorical splits and linear trees are reported as unsupported")
    func unsupported() throws {
        expectMLOpsError([.unsupported], "categorical file") {
            try LightGBMImporter.load(path: try TreeFixtures.path("Trees", "lgb_categorical.txt"))
        }
        expectMLOpsError([.unsupported], "linear file") {
            try LightGBMImporter.load(path: try TreeFixtures.path("Trees", "lgb_linear.txt"))
        }
        expectMLOpsError([.unsupported], "categorical bit") {
            try LightGBMImporter.ensemble(text: stump(decision: "1"))
        }
        expectMLOpsError([.unsupported], "objective") {
            try LightGBMImporter.ensemble(text: stump(objective: "cross_entropy_lambda"))
        }
        expectMLOpsError([.unsupported], "version") {
            try LightGBMImporter.ensemble(text: stump().replacingOccurrences(of: "version=v4", with: "version=v9"))
        }
    }

    // MARK: - Malformed input

    @Test("a cut before `end of trees` fails at every offset; after it the model still loads")
    func truncatedEverywhere() throws {
        let text = Array(stump().utf8)
        let endMarker = Array("end of trees".utf8)
        let endOffset = try #require(
            (0...text.count - endMarker.count).first { Array(text[$0..<$0 + endMarker.count]) == endMarker })
        for end in 0..<text.count {
            let prefix = Array(text[..<end])
            if end >= endOffset + endMarker.count {
                #expect(throws: Never.self, "cut at \(end)") { try LightGBMImporter.ensemble(text: prefix) }
            } else {
                expectMLOpsError([.parseError], "cut at \(end)") { try LightGBMImporter.ensemble(text: prefix) }
            }
        }
        let fixture = try TreeFixtures.bytes("Interop", "lgb_binary.txt")
        let marker = Array("end of trees".utf8)
        let limit = try #require(
            (0...fixture.count - marker.count).first { Array(fixture[$0..<$0 + marker.count]) == marker })
        let cuts = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" ? 2000 : 60
        for end in stride(from: 0, to: limit, by: max(1, limit / cuts)) {
            expectMLOpsError([.parseError], "fixture cut at \(end)") {
                try LightGBMImporter.ensemble(text: Array(fixture[..<end]))
            }
        }
    }

    @Test("structural damage gives typed errors, never a crash")
    func structuralDamage() throws {
        let cases: [(String, String, [MLOpsError.Code])] = [
            ("no end marker", stump(end: false), [.parseError]),
            ("left child out of range", stump(left: "3"), [.parseError]),
            ("leaf out of range", stump(right: "-7"), [.parseError]),
            ("cycle to the root", stump(left: "0"), [.invalidArgument]),
            ("same leaf twice", stump(left: "-1", right: "-1"), [.invalidArgument]),
            ("non-numeric threshold", stump(threshold: "abc"), [.parseError]),
            ("too many thresholds", stump(threshold: "0.5 0.7"), [.parseError]),
            ("too few leaves", stump(leaves: "1"), [.parseError]),
            ("num_leaves not a number", stump(numLeaves: "two"), [.parseError]),
            ("num_leaves zero", stump(numLeaves: "0"), [.parseError]),
            ("num_leaves huge", stump(numLeaves: "999999999999"), [.limitExceeded]),
            ("unknown missing type", stump(decision: "12"), [.parseError]),
            ("negative decision type", stump(decision: "-3"), [.parseError]),
            (
                "feature out of range", stump().replacingOccurrences(of: "split_feature=0", with: "split_feature=5"),
                [.invalidArgument]
            ),
            (
                "tree_sizes count", stump().replacingOccurrences(of: "tree_sizes=300", with: "tree_sizes=300 300"),
                [.parseError]
            ),
            ("missing max_feature_idx", stump().replacingOccurrences(of: "max_feature_idx=1", with: ""), [.parseError]),
            ("tree numbering", stump().replacingOccurrences(of: "Tree=0", with: "Tree=3"), [.parseError]),
            ("no header line", String(stump().dropFirst(5)), [.parseError]),
            ("empty", "", [.parseError]),
            ("binary garbage", "\u{0}\u{1}\u{2}", [.parseError]),
            ("bad sigmoid", stump(objective: "binary sigmoid:-1"), [.parseError]),
            (
                "trees not a multiple of classes",
                stump().replacingOccurrences(of: "num_tree_per_iteration=1", with: "num_tree_per_iteration=2")
                    .replacingOccurrences(of: "num_class=1", with: "num_class=2"), [.parseError]
            ),
        ]
        for (what, text, codes) in cases {
            expectMLOpsError(codes, what) { try LightGBMImporter.ensemble(text: text) }
        }
    }

    @Test("random byte corruption never crashes the importer")
    func randomCorruption() throws {
        let original = Array(stump().utf8)
        var random = TreeTestRandom(seed: 11)
        let rounds = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" ? 20000 : 500
        for _ in 0..<rounds {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                let model = try LightGBMImporter.ensemble(text: bytes)
                _ = try model.predictRaw(row: [Double](repeating: 0.5, count: model.featureCount))
            } catch is MLOpsError {
                // Expected for most corruptions.
            }
        }
    }

    @Test("limits bound the file and the trees; a missing file is an I/O error")
    func limitsAndFiles() throws {
        expectMLOpsError([.limitExceeded], "bytes") {
            try LightGBMImporter.ensemble(text: stump(), limits: TreeEnsemble.Limits(maxInputBytes: 100))
        }
        expectMLOpsError([.limitExceeded], "trees") {
            try LightGBMImporter.ensemble(text: stump(), limits: TreeEnsemble.Limits(maxTrees: 0))
        }
        expectMLOpsError([.notFound], "missing file") { try LightGBMImporter.load(path: "/nonexistent/model.txt") }
    }
}
