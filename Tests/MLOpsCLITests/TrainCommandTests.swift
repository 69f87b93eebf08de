import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// `mlops train` and `mlops evaluate`: the recipes train, log a run, write a package that
/// `predict` and `evaluate` read, and bad input gets errors naming the problem.
@Suite struct TrainCommandTests {
    /// A binary table with a text column and missing numbers: label from a noisy linear rule.
    static func binaryCSV(rows: Int, seed: UInt64) -> String {
        var random = SeededRandom(seed: seed)
        var text = "a,b,colour,label\n"
        for _ in 0..<rows {
            let a = random.normal()
            let b = random.uniform(in: -1..<1)
            let colour = ["red", "green", "blue"][random.int(in: 0..<3)]
            let z = 1.5 * a - 2 * b + (colour == "red" ? 1 : 0) + random.normal(mean: 0, standardDeviation: 0.5)
            let missing = random.nextDouble() < 0.05
            text += "\(missing ? "" : String(a)),\(b),\(colour),\(z > 0 ? 1 : 0)\n"
        }
        return text
    }

    static func regressionCSV(rows: Int, seed: UInt64) -> String {
        var random = SeededRandom(seed: seed)
        var text = "x,z,y\n"
        for _ in 0..<rows {
            let x = random.normal()
            let z = random.normal()
            text += "\(x),\(z),\(3 * x - z + 1 + random.normal(mean: 0, standardDeviation: 0.1))\n"
        }
        return text
    }

    static func directory() throws -> String {
        let path = "/tmp/mlops-cli-train-\(SortableID())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func object(_ lines: [String]) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(lines.joined().utf8)) as? [String: Any])
    }

    @Test func logisticTrainsLogsARunAndEvaluatesTheWrittenPackage() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(Self.binaryCSV(rows: 400, seed: 1), dir + "/train.csv")
        try Self.write(Self.binaryCSV(rows: 200, seed: 2), dir + "/test.csv")
        let train = await runCLI([
            "train", "--data", dir + "/train.csv", "--target", "label", "--model", "logistic", "--seed", "3",
            "--out", dir + "/model.mlpkg", "--workspace", dir + "/ws", "--json", "--experiment", "cli-tests",
        ])
        #expect(train.status == 0, "\(train.err)")
        let summary = try Self.object(train.out)
        #expect(summary["task"] as? String == "binary")
        #expect(summary["classes"] as? [String] == ["0", "1"])
        let trainMetrics = try #require(summary["metrics"] as? [String: Double])
        #expect(try #require(trainMetrics["accuracy"]) > 0.8)

        // Evaluated on its own training rows, the package gives the metrics train printed.
        let again = await runCLI([
            "evaluate", "--model", dir + "/model.mlpkg", "--data", dir + "/train.csv", "--target", "label", "--json",
        ])
        #expect(again.status == 0, "\(again.err)")
        let reread = try Self.object(again.out)
        #expect(Set(reread.keys) == ["accuracy", "f1_macro", "roc_auc", "log_loss"])
        for key in reread.keys { #expect(reread[key] as? Double == trainMetrics[key], "\(key)") }

        let held = await runCLI([
            "evaluate", "--model", dir + "/model.mlpkg", "--data", dir + "/test.csv", "--target", "label",
        ])
        #expect(held.status == 0, "\(held.err)")
        #expect(held.out.contains { $0.hasPrefix("roc_auc") })

        // The run: the recipe's params, the dataset, final metrics and the package as its artifact.
        let workspace = try Workspace.open(at: dir + "/ws", mode: .readOnly)
        let tracker = ExperimentTracker(
            metadata: workspace.metadata, artifacts: workspace.objects, options: .init(captureEnvironment: false))
        let runID = try #require(summary["run_id"] as? String)
        let run = try await tracker.run(id: runID)
        #expect(run.params["C"] == "1.0")
        #expect(run.params["tol"] == "1e-10")
        #expect(run.params["seed"] == "3")
        #expect(run.inputs.first?.name == "train.csv")
        #expect(run.inputs.first?.sourceType == "local")
        #expect(run.metrics["train_accuracy"]?.value == trainMetrics["accuracy"])
        let artifact = try await tracker.readArtifact(runID: runID, path: "model/model.mlpkg")
        #expect(artifact == Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/model.mlpkg"))))
        #expect(try await tracker.metricHistory(runID: runID, key: "train_loss").count > 1)
    }

    @Test func gbdtTakesMissingValuesAndTextAndIsTheSameOnOneAndTwoThreads() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(Self.binaryCSV(rows: 300, seed: 4), dir + "/train.csv")
        var packages: [[UInt8]] = []
        for threads in ["1", "2"] {
            let result = await runCLI([
                "train", "--data", dir + "/train.csv", "--target", "label", "--model", "gbdt", "--param",
                "n_estimators=20", "--param", "num_leaves=7", "--threads", threads, "--out",
                dir + "/gbdt\(threads).mlpkg",
                "--workspace", dir + "/ws",
            ])
            #expect(result.status == 0, "\(result.err)")
            #expect(result.out.first?.hasPrefix("trained gbdt (binary, classes 0 1) on 300 rows × 3 features") == true)
            packages.append(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/gbdt\(threads).mlpkg"))))
        }
        #expect(packages[0] == packages[1])
        try Self.write(
            "a,b,colour\n0.5,0.2,red\n,0.9,purple\n", dir + "/new.csv")
        let predicted = await runCLI([
            "predict", "--model", dir + "/gbdt1.mlpkg", "--input", dir + "/new.csv", "--output", "-",
        ])
        #expect(predicted.status == 0, "\(predicted.err)")
        let lines = predicted.out.joined(separator: "\n").split(separator: "\n")
        #expect(lines.first == "probability,label")
        #expect(lines.count == 3)
    }

    @Test func linearRegressionEvaluatesWithRegressionMetrics() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(Self.regressionCSV(rows: 200, seed: 5), dir + "/train.csv")
        try Self.write(Self.regressionCSV(rows: 100, seed: 6), dir + "/test.csv")
        let train = await runCLI([
            "train", "--data", dir + "/train.csv", "--target", "y", "--model", "linear", "--param", "alpha=0",
            "--out", dir + "/m.mlpkg", "--workspace", dir + "/ws",
        ])
        #expect(train.status == 0, "\(train.err)")
        let evaluated = await runCLI([
            "evaluate", "--model", dir + "/m.mlpkg", "--data", dir + "/test.csv", "--target", "y", "--json",
        ])
        #expect(evaluated.status == 0, "\(evaluated.err)")
        let metrics = try Self.object(evaluated.out)
        #expect(Set(metrics.keys) == ["rmse", "mae", "r2"])
        #expect(try #require(metrics["r2"] as? Double) > 0.99)
        #expect(try #require(metrics["rmse"] as? Double) < 0.2)
    }

    @Test func badInputIsAnErrorNamingTheProblem() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(Self.binaryCSV(rows: 50, seed: 7), dir + "/train.csv")
        try Self.write("a,b,label\n1,2,0\n3,4\n5,6,1\n", dir + "/ragged.csv")
        try Self.write("a,label\n1,x\n2,y\n", dir + "/text-target.csv")
        try Self.write("a,label\n1,1\n2,1\n", dir + "/one-class.csv")
        try Self.write("a,label\n", dir + "/empty.csv")
        func failure(_ arguments: [String]) async -> String {
            let result = await runCLI(arguments + ["--workspace", dir + "/ws"])
            #expect(result.status != 0, "\(arguments) succeeded")
            return result.err.joined(separator: "\n")
        }
        let base = ["train", "--target", "label", "--data"]
        let unknown = await failure(base + [dir + "/train.csv", "--model", "mlp", "--param", "layers=3"])
        #expect(unknown.contains("unknown hyperparameter layers for --model mlp; valid: activation, alpha"))
        let malformed = await failure(base + [dir + "/train.csv", "--model", "mlp", "--param", "alpha"])
        #expect(malformed.contains("--param takes NAME=VALUE"))
        let badValue = await failure(base + [dir + "/train.csv", "--model", "gbdt", "--param", "num_leaves=many"])
        #expect(badValue.contains("num_leaves"))
        let model = await failure(base + [dir + "/train.csv", "--model", "svm"])
        #expect(model.contains("unknown model svm; use linear, logistic, mlp, gbdt"))
        let ragged = await failure(base + [dir + "/ragged.csv", "--model", "logistic"])
        #expect(ragged.contains("line 3"))
        let text = await failure(base + [dir + "/text-target.csv", "--model", "linear"])
        #expect(text.contains("the target column label holds text"))
        let single = await failure(base + [dir + "/one-class.csv", "--model", "logistic"])
        #expect(single.contains("single class"))
        let empty = await failure(base + [dir + "/empty.csv", "--model", "gbdt"])
        #expect(empty.contains("no rows"))
        let missingTarget = await failure([
            "train", "--data", dir + "/train.csv", "--target", "nope", "--model", "gbdt",
        ])
        #expect(missingTarget.contains("no target column named nope"))
    }

    @Test func aCommittedDatasetIsReadFromItsCommitAndRecordedAsTheRunsDataVersion() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let workspace = dir + "/ws"
        try Self.write(Self.regressionCSV(rows: 120, seed: 8), dir + "/train.csv")
        #expect(await runCLI(["data", "add", "train.csv", "--workspace", workspace], in: dir).status == 0)
        #expect(await runCLI(["data", "commit", "-m", "v1", "--workspace", workspace], in: dir).status == 0)
        // The working copy changes after the commit: training reads the committed bytes.
        try Self.write("x,z,y\nnot,a,number\n", dir + "/train.csv")
        let result = await runCLI(
            [
                "train", "--data", "train.csv", "--data-version", "HEAD", "--target", "y", "--model", "linear",
                "--workspace", workspace, "--json",
            ], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let summary = try Self.object(result.out)
        #expect(summary["rows"] as? Int == 120)
        let opened = try Workspace.open(at: workspace, mode: .readOnly)
        let commit = try await opened.data.resolve("HEAD")
        let tracker = ExperimentTracker(
            metadata: opened.metadata, artifacts: opened.objects, options: .init(captureEnvironment: false))
        let run = try await tracker.run(id: try #require(summary["run_id"] as? String))
        #expect(run.inputs.first?.dataVersionID == commit.description)
        #expect(run.inputs.first?.sourceType == "data-version")
    }
}
