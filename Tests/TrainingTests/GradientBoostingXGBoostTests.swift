import Foundation
import InferenceCore
import MLOpsCore
import Testing
import Training

/// The XGBoost JSON export: InferenceCore's own XGBoost importer reads it and predicts what the
/// model does; with `MLOPS_XGBOOST_EXPORT_DIR` set, the models, rows and expected predictions are
/// written there for Tests/Interop/check_xgboost_export.py to score with xgboost itself.
@Suite struct GradientBoostingXGBoostTests {
    /// A fitted model per task, and the rows to compare on: the training rows (XGBoost compares in
    /// float32, which routes a training value like the model does; a value within float32
    /// rounding of a threshold, as a new row may have, can go the other way).
    static func cases() throws -> [(name: String, model: FittedGradientBoosting, rows: FeatureMatrix)] {
        var cases: [(String, FittedGradientBoosting, FeatureMatrix)] = []
        for name in ReferenceDataset.names {
            var data = try ReferenceDataset.load(name).trainData()
            if name == "breast_cancer" {
                // Missing values, so that both default directions are exported.
                var values = data.features.values
                for index in values.indices where index % 13 == 5 { values[index] = .nan }
                let features = try FeatureMatrix(
                    rowCount: data.rowCount, values: values, featureNames: data.features.featureNames)
                data = try TrainingData(features: features, target: data.target)
            }
            var context = TrainingContext(seed: 0, threads: 2)
            let model = try GradientBoosting(nEstimators: 30).fit(data, context: &context)
            cases.append((name, model, data.features))
        }
        return cases
    }

    /// XGBoost's output for the model: probabilities of class 1 (binary), of every class
    /// (multiclass, row-major), or the predictions.
    static func expected(_ model: FittedGradientBoosting, _ rows: FeatureMatrix) throws -> [Double] {
        let predictions = try model.predict(rows)
        return model.task == .binary ? predictions.positiveProbabilities : predictions.values
    }

    @Test func inferenceCoreReadsTheExportAndPredictsTheSame() throws {
        for (name, model, rows) in try Self.cases() {
            let ensemble = try XGBoostImporter.ensemble(json: try model.xgboostJSON())
            #expect(ensemble.featureNames == model.featureNames)
            #expect(ensemble.treeCount == model.treeCount)
            let floats = rows.values.map { Float($0) }
            var out = [Float](repeating: 0, count: rows.rowCount * ensemble.outputCount)
            try floats.withUnsafeBufferPointer { input in
                try out.withUnsafeMutableBufferPointer { output in
                    try ensemble.predict(input, rowCount: rows.rowCount, transformed: output)
                }
            }
            let expected = try Self.expected(model, rows)
            let got = out.map(Double.init)
            #expect(got.count == expected.count)
            let worst = zip(got, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst <= 1e-5, "\(name): largest difference \(worst)")
            // And through Model, which detects the format from the bytes.
            let loaded = try Model(bytes: try model.xgboostJSON())
            #expect(loaded.format == .xgboost)
        }
    }

    @Test func theExportIsJSONWithXGBoostsLayout() throws {
        let (_, model, _) = try #require(try Self.cases().first { $0.name == "digits" })
        let object = try JSONSerialization.jsonObject(with: Data(try model.xgboostJSON())) as? [String: Any]
        let learner = try #require(object?["learner"] as? [String: Any])
        let parameters = try #require(learner["learner_model_param"] as? [String: Any])
        #expect(parameters["num_class"] as? String == "10")
        let booster = try #require(learner["gradient_booster"] as? [String: Any])
        let trees = try #require((booster["model"] as? [String: Any])?["trees"] as? [[String: Any]])
        #expect(trees.count == 300)
        let first = trees[0]
        let left = try #require(first["left_children"] as? [Int])
        let parents = try #require(first["parents"] as? [Int])
        #expect(parents[0] == 2_147_483_647)
        for (node, child) in left.enumerated() where child != -1 { #expect(parents[child] == node) }
    }

    /// Writes `<name>.json`, `<name>_features.csv` and `<name>_expected.csv` for each task when
    /// `MLOPS_XGBOOST_EXPORT_DIR` names a directory (CI then runs check_xgboost_export.py).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MLOPS_XGBOOST_EXPORT_DIR"] != nil))
    func writeTheInteropFiles() throws {
        let directory = try #require(ProcessInfo.processInfo.environment["MLOPS_XGBOOST_EXPORT_DIR"])
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, model, rows) in try Self.cases() {
            let base = directory + "/gbdt_" + name
            try Data(try model.xgboostJSON()).write(to: URL(fileURLWithPath: base + ".json"))
            var features = model.featureNames.joined(separator: ",") + "\n"
            for row in 0..<rows.rowCount {
                features +=
                    (0..<rows.columnCount).map { column in
                        let value = rows[row: row, column: column]
                        return value.isNaN ? "" : "\(value)"
                    }.joined(separator: ",") + "\n"
            }
            try Data(features.utf8).write(to: URL(fileURLWithPath: base + "_features.csv"))
            let expected = try Self.expected(model, rows)
            let width = expected.count / rows.rowCount
            var text = ""
            for row in 0..<rows.rowCount {
                text += (0..<width).map { "\(expected[row * width + $0])" }.joined(separator: ",") + "\n"
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: base + "_expected.csv"))
        }
    }
}
