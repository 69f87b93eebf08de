import Foundation
import InferenceCore
import MLOpsCore
import Testing

/// Tests of ``XGBoostImporter`` against the outputs of xgboost itself.
@Suite("XGBoost importer")
struct XGBoostImporterTests {
    /// Predicts a fixture's inputs (as `Double` rows, rounded to float32 inside like xgboost).
    private func predict(_ model: TreeEnsemble, _ inputs: FixtureTable) throws -> (raw: [Double], transformed: [Double])
    {
        #expect(inputs.header.count == model.featureCount)
        return try model.predictBatch(rows: inputs.flat, rowCount: inputs.rows.count)
    }

    @Test("xgb_binary fixture: every row's probability and margin")
    func binaryFixture() throws {
        let model = try XGBoostImporter.load(path: try TreeFixtures.path("Interop", "xgb_binary.json"))
        #expect(model.task == .binaryClassification)
        #expect(model.objective == "binary:logistic")
        #expect(model.featureNames == (0..<8).map { "f\($0)" })
        #expect(model.treeCount == 50 && model.outputCount == 1 && model.generalTreeCount == 0)
        let inputs = try TreeFixtures.csv("Interop", "xgb_binary_inputs.csv")
        let expected = try TreeFixtures.csv("Interop", "xgb_binary_expected.csv")
        let (raw, out) = try predict(model, inputs)
        expectClose(out, try expected.column("probability"), atol: 1e-6, rtol: 0, "probability")
        expectClose(raw, try expected.column("margin"), atol: 1e-5, rtol: 1e-5, "margin")
    }

    @Test("xgb_binary fixture through the Float API")
    func binaryFixtureFloat() throws {
        let model = try XGBoostImporter.load(path: try TreeFixtures.path("Interop", "xgb_binary.json"))
        let inputs = try TreeFixtures.csv("Interop", "xgb_binary_inputs.csv")
        let expected = try TreeFixtures.csv("Interop", "xgb_binary_expected.csv")
        let rows = inputs.flat.map { Float($0) }
        var raw = [Float](repeating: 0, count: inputs.rows.count)
        var out = [Float](repeating: 0, count: inputs.rows.count)
        try rows.withUnsafeBufferPointer { x in
            try raw.withUnsafeMutableBufferPointer { r in
                try out.withUnsafeMutableBufferPointer { o in
                    try model.predict(x, rowCount: inputs.rows.count, raw: r, transformed: o)
                }
            }
        }
        expectClose(out.map { Double($0) }, try expected.column("probability"), atol: 1e-6, rtol: 0, "probability")
        expectClose(raw.map { Double($0) }, try expected.column("margin"), atol: 1e-5, rtol: 1e-5, "margin")
    }

    @Test("xgb_regression fixture: every row")
    func regressionFixture() throws {
        let model = try XGBoostImporter.load(path: try TreeFixtures.path("Interop", "xgb_regression.json"))
        #expect(model.task == .regression && model.featureNames.isEmpty)
        let inputs = try TreeFixtures.csv("Interop", "xgb_regression_inputs.csv")
        let expected = try TreeFixtures.csv("Interop", "xgb_regression_expected.csv")
        let (raw, out) = try predict(model, inputs)
        expectClose(out, try expected.column("prediction"), atol: 1e-5, rtol: 1e-5, "prediction")
        expectClose(raw, try expected.column("prediction"), atol: 1e-5, rtol: 1e-5, "margin")
    }

    @Test(
        "single-output objectives match xgboost",
        arguments: [
            "xgb_reg_logistic", "xgb_logitraw", "xgb_poisson", "xgb_gamma", "xgb_tweedie", "xgb_absoluteerror",
            "xgb_dart", "xgb2_binary",
        ]
    )
    func singleOutputObjectives(name: String) throws {
        let model = try XGBoostImporter.load(path: try TreeFixtures.path("Trees", "\(name).json"))
        let inputs = try TreeFixtures.csv("Trees", "\(name)_inputs.csv")
        let expected = try TreeFixtures.csv("Trees", "\(name)_expected.csv")
        let (raw, out) = try predict(model, inputs)
        expectClose(raw, try expected.column("margin"), atol: 1e-5, rtol: 1e-5, "\(name) margin")
        expectClose(out, try expected.column("prediction"), atol: 1e-5, rtol: 1e-5, "\(name) prediction")
    }

    @Test(
        "multi:softprob (3.x vector base_score and 2.x scalar) matches xgboost",
        arguments: ["xgb_multiclass_softprob", "xgb2_multiclass"])
    func softprob(name: String) throws {
        let model = try XGBoostImporter.load(path: try TreeFixtures.path("Trees", "\(name).json"))
        #expect(model.outputCount == 3 && model.task == .multiclassClassification)
        let inputs = try TreeFixtures.csv("Trees", "\(name)_inputs.csv")
        let expected = try TreeFixtures.csv("Trees", "\(name)_expected.csv")
        let (raw, out) = try predict(model, inputs)
        for k in 0..<3 {
            let rawK = stride(from: k, to: raw.count, by: 3).map { raw[$0] }
            let outK = stride(from: k, to: out.count, by: 3).map { out[$0] }
            expectClose(rawK, try expected.column("margin_\(k)"), atol: 1e-5, rtol: 1e-5, "margin_\(k)")
            expectClose(outK, try expected.column("probability_\(k)"), atol: 1e-6, rtol: 0, "probability_\(k)")
        }
    }

    @Test("multi:softmax predicts xgboost's class index")
    func softmaxClasses() throws {
        let model = try XGBoostImporter.load(path: try TreeFixtures.path("Trees", "xgb_multiclass_softmax.json"))
        let inputs = try TreeFixtures.csv("Trees", "xgb_multiclass_softmax_inputs.csv")
        let expected = try TreeFixtures.csv("Trees", "xgb_multiclass_softmax_expected.csv")
        let classes = try model.predictClassIndices(rows: inputs.flat, rowCount: inputs.rows.count)
        #expect(classes.map { Double($0) } == (try expected.column("class")))
    }

    // MARK: - Semantics a wrong implementation gets wrong

    /// A one-split model: feature 0 `< threshold` goes left (leaf -1) else right (leaf +1).
    private func stump(
        threshold: String = "5E-1",
        defaultLeft: String = "1,0,0",
        baseScore: String = "[5E-1]",
        objective: String = "reg:squarederror",
        leftChild: Int = 1,
        rightChild: Int = 2,
        numNodes: String = "3",
        extraTreeFields: String = ""
    ) -> String {
        """
        {"learner":{"attributes":{},"feature_names":["a","b"],"feature_types":[],
         "gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"1"},
          "iteration_indptr":[0,1],"tree_info":[0],
          "trees":[{"base_weights":[0,-1,1],"categories":[],"categories_nodes":[],"categories_segments":[],
            "categories_sizes":[],"default_left":[\(defaultLeft)],"id":0,
            "left_children":[\(leftChild),-1,-1],"loss_changes":[1,0,0],"parents":[2147483647,0,0],
            "right_children":[\(rightChild),-1,-1],"split_conditions":[\(threshold),-1E0,1E0],
            "split_indices":[0,0,0],"split_type":[0,0,0],"sum_hessian":[3,1,2]\(extraTreeFields),
            "tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"\(numNodes)","size_leaf_vector":"1"}}]},
          "name":"gbtree"},
         "learner_model_param":{"base_score":"\(baseScore)","boost_from_average":"1","num_class":"0",
          "num_feature":"2","num_target":"1"},
         "objective":{"name":"\(objective)","reg_loss_param":{"scale_pos_weight":"1"}}},
         "version":[3,2,0]}
        """
    }

    @Test("x equal to a split threshold goes right (strict <), below goes left")
    func equalityGoesRight() throws {
        let model = try XGBoostImporter.ensemble(json: stump())
        #expect(try model.predictRaw(row: [0.5, 0]) == [1.5])
        #expect(try model.predictRaw(row: [0.49999997, 0]) == [-0.5])
        #expect(try model.predictRaw(row: [0.50000006, 0]) == [1.5])
    }

    @Test("a double just below a float32 threshold rounds to it and goes right")
    func comparesInFloat32() throws {
        let threshold = Float(0.1)
        let model = try XGBoostImporter.ensemble(json: stump(threshold: "\(threshold)"))
        let justBelow = Double(threshold).nextDown
        #expect(justBelow < Double(threshold) && Float(justBelow) == threshold)
        #expect(try model.predictRaw(row: [justBelow, 0]) == [1.5])
        #expect(try model.predictRaw(row: [Double(threshold.nextDown), 0]) == [-0.5])
    }

    @Test("NaN follows default_left")
    func nanFollowsDefaultLeft() throws {
        let left = try XGBoostImporter.ensemble(json: stump(defaultLeft: "1,0,0"))
        let right = try XGBoostImporter.ensemble(json: stump(defaultLeft: "0,0,0"))
        let boolean = try XGBoostImporter.ensemble(json: stump(defaultLeft: "true,false,false"))
        #expect(try left.predictRaw(row: [.nan, 0]) == [-0.5])
        #expect(try right.predictRaw(row: [.nan, 0]) == [1.5])
        #expect(try boolean.predictRaw(row: [.nan, 0]) == [-0.5])
        // NaN in a feature the tree does not use changes nothing.
        #expect(try right.predictRaw(row: [0.7, .nan]) == [1.5])
    }

    @Test("base_score is mapped through the objective's link, in every string form")
    func baseScoreForms() throws {
        for text in ["[5E-1]", "5E-1", "0.5", " [ 5E-1 ] "] {
            let logistic = try XGBoostImporter.ensemble(json: stump(baseScore: text, objective: "binary:logistic"))
            // logit(0.5) = 0: the margin is the leaf alone.
            #expect(try logistic.predictRaw(row: [0, 0]) == [-1])
            let p = try logistic.predict(row: [0, 0])[0]
            #expect(abs(p - 1 / (1 + exp(1.0))) < 1e-7)
        }
        let skewed = try XGBoostImporter.ensemble(json: stump(baseScore: "[8E-1]", objective: "binary:logistic"))
        let margin = try skewed.predictRaw(row: [0, 0])[0]
        #expect(abs(margin - (log(4.0) - 1)) < 1e-6)
        let poisson = try XGBoostImporter.ensemble(json: stump(baseScore: "[2E0]", objective: "count:poisson"))
        #expect(abs(try poisson.predictRaw(row: [0, 0])[0] - (log(2.0) - 1)) < 1e-6)
        let identity = try XGBoostImporter.ensemble(json: stump(baseScore: "[2E0]"))
        #expect(try identity.predictRaw(row: [0, 0]) == [1])
    }

    @Test("UBJSON, categorical splits, gblinear and unknown objectives are reported as unsupported")
    func unsupportedInputs() throws {
        expectMLOpsError([.unsupported], "UBJSON") {
            try XGBoostImporter.ensemble(json: [UInt8(ascii: "{"), UInt8(ascii: "L"), 0, 0, 0, 0, 0, 0, 0, 7])
        }
        expectMLOpsError([.unsupported], "categorical") {
            try XGBoostImporter.load(path: try TreeFixtures.path("Trees", "xgb_categorical.json"))
        }
        expectMLOpsError([.unsupported], "objective") {
            try XGBoostImporter.ensemble(json: stump(objective: "survival:cox"))
        }
        let linear = stump().replacingOccurrences(of: "\"name\":\"gbtree\"", with: "\"name\":\"gblinear\"")
        expectMLOpsError([.unsupported], "gblinear") { try XGBoostImporter.ensemble(json: linear) }
        let vectorLeaf = stump().replacingOccurrences(
            of: "\"size_leaf_vector\":\"1\"", with: "\"size_leaf_vector\":\"3\"")
        expectMLOpsError([.unsupported], "vector leaves") { try XGBoostImporter.ensemble(json: vectorLeaf) }
    }

    // MARK: - Malformed input

    @Test("a truncated model fails with a parse error at every offset")
    func truncatedEverywhere() throws {
        let small = Array(stump().utf8)
        for end in 0..<small.count - 1 {
            // Trailing whitespace-only cuts are still complete documents.
            if small[end...].allSatisfy({ $0 == 0x20 || $0 == 0x0A }) { continue }
            expectMLOpsError([.parseError], "cut at \(end)") {
                try XGBoostImporter.ensemble(json: Array(small[..<end]))
            }
        }
        let fixture = try TreeFixtures.bytes("Interop", "xgb_binary.json")
        let cuts = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" ? 2000 : 40
        for end in stride(from: 0, to: fixture.count - 1, by: max(1, fixture.count / cuts)) {
            expectMLOpsError([.parseError], "fixture cut at \(end)") {
                try XGBoostImporter.ensemble(json: Array(fixture[..<end]))
            }
        }
    }

    @Test("structural damage gives typed errors, never a crash")
    func structuralDamage() throws {
        let cases: [(String, String, [MLOpsError.Code])] = [
            ("child out of range", stump(leftChild: 7), [.invalidArgument]),
            ("negative child", stump(rightChild: -5), [.invalidArgument]),
            ("cycle to the root", stump(leftChild: 0), [.invalidArgument]),
            ("both children the same", stump(leftChild: 2, rightChild: 2), [.invalidArgument]),
            ("num_nodes disagrees", stump(numNodes: "4"), [.parseError]),
            ("huge num_nodes", stump(numNodes: "99999999999"), [.limitExceeded, .parseError]),
            ("zero num_nodes", stump(numNodes: "0"), [.parseError]),
            ("threshold is a string", stump(threshold: "\"0.5\""), [.parseError]),
            ("threshold is not finite JSON", stump(threshold: "NaN"), [.parseError]),
            ("default_left is 2", stump(defaultLeft: "2,0,0"), [.parseError]),
            ("default_left mixes kinds", stump(defaultLeft: "true,0,0"), [.parseError]),
            ("default_left too short", stump(defaultLeft: "1,0"), [.parseError]),
            ("base_score outside (0,1)", stump(baseScore: "[1.5E0]", objective: "binary:logistic"), [.parseError]),
            ("base_score garbage", stump(baseScore: "[abc]"), [.parseError]),
            ("base_score count", stump(baseScore: "[1,2]"), [.parseError]),
            (
                "feature index too large",
                stump().replacingOccurrences(of: "\"split_indices\":[0,0,0]", with: "\"split_indices\":[9,0,0]"),
                [.invalidArgument]
            ),
            (
                "num_trees disagrees",
                stump().replacingOccurrences(of: "\"num_trees\":\"1\"", with: "\"num_trees\":\"2\""), [.parseError]
            ),
            (
                "tree_info class out of range",
                stump().replacingOccurrences(of: "\"tree_info\":[0]", with: "\"tree_info\":[4]"), [.parseError]
            ),
            (
                "trees is a number", stump().replacingOccurrences(of: "\"trees\":[{", with: "\"trees\":5,\"x\":[{"),
                [.parseError]
            ),
            ("no learner", "{\"version\":[3,2,0]}", [.parseError]),
            ("not JSON", "hello", [.parseError]),
            ("empty", "", [.parseError]),
            ("trailing text", stump() + "x", [.parseError]),
            ("deep nesting", String(repeating: "[", count: 500) + String(repeating: "]", count: 500), [.parseError]),
            ("bad escape", "{\"learner\\q\":1}", [.parseError]),
            ("lone surrogate", "{\"\\ud800\":1}", [.parseError]),
        ]
        for (what, json, codes) in cases {
            expectMLOpsError(codes, what) { try XGBoostImporter.ensemble(json: json) }
        }
        // A cycle deeper in the tree: node 2 points back to node 1.
        let cyclic = stump(numNodes: "3").replacingOccurrences(
            of: "\"left_children\":[1,-1,-1]", with: "\"left_children\":[1,-1,1]"
        )
        .replacingOccurrences(of: "\"right_children\":[2,-1,-1]", with: "\"right_children\":[2,-1,0]")
        expectMLOpsError([.invalidArgument], "inner cycle") { try XGBoostImporter.ensemble(json: cyclic) }
    }

    @Test("random byte corruption never crashes the importer")
    func randomCorruption() throws {
        let original = Array(stump().utf8)
        var random = TreeTestRandom(seed: 7)
        let rounds = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" ? 20000 : 500
        for _ in 0..<rounds {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                let model = try XGBoostImporter.ensemble(json: bytes)
                _ = try model.predictRaw(row: [Double](repeating: 0.5, count: model.featureCount))
            } catch is MLOpsError {
                // Expected for most corruptions.
            }
        }
    }

    @Test("limits bound the file, trees and nodes; a missing file is an I/O error")
    func limitsAndFiles() throws {
        let json = stump()
        expectMLOpsError([.limitExceeded], "bytes") {
            try XGBoostImporter.ensemble(json: json, limits: TreeEnsemble.Limits(maxInputBytes: 100))
        }
        expectMLOpsError([.limitExceeded], "trees") {
            try XGBoostImporter.ensemble(json: json, limits: TreeEnsemble.Limits(maxTrees: 0))
        }
        expectMLOpsError([.limitExceeded], "nodes per tree") {
            try XGBoostImporter.ensemble(json: json, limits: TreeEnsemble.Limits(maxNodesPerTree: 2))
        }
        expectMLOpsError([.notFound], "missing file") { try XGBoostImporter.load(path: "/nonexistent/model.json") }
    }
}
