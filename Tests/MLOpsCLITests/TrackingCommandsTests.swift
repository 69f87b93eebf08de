import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

@Suite struct TrackingCommandsTests {
    /// A workspace with two experiments and three runs; returns its path and the run IDs.
    func populated() async throws -> (path: String, ids: [String]) {
        let (path, tracker) = try trackedWorkspace("tracking")
        var ids: [String] = []
        for (index, (optimizer, accuracy)) in [("adam", 0.91), ("sgd", 0.84), ("adam", 0.95)].enumerated() {
            let id = try await tracker.withRun(experiment: index == 1 ? "other" : "cli", name: "run-\(index)") { run in
                try await run.log(params: ["optimizer": optimizer, "lr": "0.0\(index + 1)"])
                try await run.log(metrics: ["acc": accuracy, "loss": 1 - accuracy], step: 1)
                try await run.logArtifact(path: "notes.txt", data: Array("run \(index)".utf8))
                return run.runID
            }
            ids.append(id)
        }
        return (path, ids)
    }

    func run(_ arguments: [String]) async -> CLIResult { await runCLI(arguments) }

    @Test func experimentsListAsTableAndJSON() async throws {
        let (path, _) = try await populated()
        let table = await run(["experiments", "list", "--workspace", path])
        #expect(table.status == 0, "\(table.err)")
        #expect(table.out.first?.hasPrefix("ID  NAME") == true)
        #expect(table.out.count == 4)
        #expect(table.out.contains { $0.contains("cli") && $0.contains("active") })
        let json = await run(["experiments", "list", "--workspace", path, "--json"])
        let decoded = try JSONDecoder().decode([Experiment].self, from: Data(json.out.joined().utf8))
        #expect(decoded.map(\.name) == ["cli", "other"])
    }

    @Test func runsListShowSearchCompare() async throws {
        let (path, ids) = try await populated()
        let list = await run(["runs", "list", "--workspace", path])
        #expect(list.status == 0, "\(list.err)")
        #expect(list.out.first?.hasPrefix("RUN ID") == true)
        #expect(list.out.last == "3 runs")
        // Newest first.
        #expect(list.out[2].hasPrefix(ids[2]))
        let filtered = await run(["runs", "list", "--workspace", path, "--experiment", "cli", "--json"])
        let runs = try JSONDecoder().decode([Run].self, from: Data(filtered.out.joined().utf8))
        #expect(runs.map(\.id) == [ids[2], ids[0]])

        let search = await run([
            "runs", "search", "metrics.acc > 0.85 AND params.optimizer = 'adam'", "--workspace", path,
            "--order-by", "metrics.acc ASC",
        ])
        #expect(search.status == 0, "\(search.err)")
        #expect(search.out[0].contains("acc"))
        #expect(search.out[2].hasPrefix(ids[0]))
        #expect(search.out[3].hasPrefix(ids[2]))
        #expect(search.out[2].contains("0.91"))
        let searchJSON = await run(["runs", "search", "", "--workspace", path, "--max-results", "2", "--json"])
        let page = try JSONDecoder().decode(RunPage.self, from: Data(searchJSON.out.joined().utf8))
        #expect(page.runs.count == 2)
        #expect(page.nextPageToken != nil)

        let show = await run(["runs", "show", ids[1], "--workspace", path])
        #expect(show.status == 0, "\(show.err)")
        #expect(show.out.contains { $0.hasPrefix("run_name") && $0.hasSuffix("run-1") })
        #expect(show.out.contains { $0.hasPrefix("optimizer") && $0.hasSuffix("sgd") })
        #expect(show.out.contains { $0.hasPrefix("acc") && $0.contains("0.84") })
        #expect(show.out.contains { $0.hasPrefix("notes.txt") && $0.hasSuffix("5") })
        let showJSON = await run(["runs", "show", ids[1], "--workspace", path, "--json"])
        #expect(showJSON.out.joined().contains("\"runName\":\"run-1\""))

        let compare = await run(["runs", "compare", ids[0], ids[1], "--workspace", path])
        #expect(compare.status == 0, "\(compare.err)")
        #expect(
            compare.out.contains { $0.hasPrefix("params.optimizer *") && $0.contains("adam") && $0.contains("sgd") })
        #expect(compare.out.contains { $0.hasPrefix("metrics.acc") })
        let compareJSON = await run(["runs", "compare", "\(ids[0]),\(ids[1]),\(ids[2])", "--workspace", path, "--json"])
        let comparison = try JSONDecoder().decode(RunComparison.self, from: Data(compareJSON.out.joined().utf8))
        #expect(comparison.runs.map(\.id) == ids)
    }

    @Test func badInputGivesErrorsNotCrashes() async throws {
        let (path, ids) = try await populated()
        let parse = await run(["runs", "search", "metrics.acc >", "--workspace", path])
        #expect(parse.status == 1)
        #expect(parse.err.first?.contains("column 14") == true)
        let unknown = await run(["runs", "show", "01NOTARUN", "--workspace", path])
        #expect(unknown.status == 1)
        #expect(unknown.err.first?.contains("no run has this ID") == true)
        let experiment = await run(["runs", "list", "--experiment", "nope", "--workspace", path])
        #expect(experiment.status == 1)
        let size = await run(["runs", "search", "", "--max-results", "many", "--workspace", path])
        #expect(size.status == 1)
        let order = await run(["runs", "search", "", "--order-by", "metrics.acc SIDEWAYS", "--workspace", path])
        #expect(order.status == 1)
        let missingID = await run(["runs", "compare", ids[0], "--workspace", path])
        #expect(missingID.status == 2)
        #expect(missingID.err.first == "error: missing argument RUN_ID: needs at least 2 values, got 1")
        #expect(missingID.err.last == "usage: mlops runs compare [--workspace DIR] [--json] RUN_ID...")
        let help = await run(["runs", "compare", "--help"])
        #expect(help.status == 0)
        #expect(help.out.joined(separator: "\n").contains("RUN_ID...             the runs' IDs"))
    }

    @Test func theDemoTrainsTracksAndNamesTheBestRuns() async throws {
        let path = "/tmp/mlops-cli-demo-tracking-\(SortableID())"
        let demo = await run(["demo", "--workspace", path, "--seed", "7"])
        #expect(demo.status == 0, "\(demo.err)")
        let text = demo.out.joined(separator: "\n")
        func runs(_ experiment: String) async throws -> [Run] {
            let listing = await run(["runs", "list", "--workspace", path, "--experiment", experiment, "--json"])
            return try JSONDecoder().decode([Run].self, from: Data(listing.out.joined().utf8))
        }
        let regression = try await runs("demo-regression")
        let classification = try await runs("demo-classification")
        #expect(Set(regression.map(\.info.runName)) == ["baseline-mean", "linear"])
        #expect(Set(classification.map(\.info.runName)) == ["gbdt", "logistic"])
        let all = regression + classification
        #expect(all.allSatisfy { $0.info.status == .finished && $0.inputs.first?.context == "training" })

        // Every run's input is the second data commit on the workspace's `demo` branch.
        let repository = try await Workspace.open(at: path, mode: .readOnly).data
        let second = try await repository.resolve("demo")
        let first = try await repository.resolve("demo~1")
        #expect(
            all.allSatisfy { run in
                run.inputs == [
                    DatasetInput(
                        name: "synthetic.csv", digest: String(second.hex.prefix(36)), context: "training",
                        source: second.description, sourceType: "data-version", dataVersionID: second.description)
                ]
            })
        #expect(text.contains("data version 1   demo-data/synthetic.csv committed to data branch 'demo': \(first)"))

        // The committed files are the generated table and its relabelled copy, and what the demo
        // says it stored is what the packs hold: a new workspace has only these two versions' packs,
        // and the second version stores only its chunks the first does not have.
        let generated = try DemoCommand.syntheticTable(rows: 2_000, seed: 7)
        let (table, changedRows) = try DemoCommand.relabelled(generated, seed: 7)
        #expect(changedRows.count == 100 && changedRows == Array(changedRows[0]..<changedRows[0] + 100))
        #expect(
            text.contains(
                "data version 2   y moved by N(0, 1) on rows \(changedRows[0])–\(changedRows[99]) (100 of 2000, "
                    + "where they start picked by the seed): \(second)"))
        let firstCSV = try CSVWriter.encode(generated)
        let secondCSV = try CSVWriter.encode(table)
        #expect(try await repository.readFile("synthetic.csv", at: "demo~1") == firstCSV)
        #expect(try await repository.readFile("synthetic.csv", at: "demo") == secondCSV)
        #expect(
            try String(contentsOfFile: path + "/demo-data/synthetic.csv", encoding: .utf8).utf8.elementsEqual(secondCSV)
        )
        func chunks(_ bytes: [UInt8]) -> [[UInt8]] {
            var start = 0
            return bytes.withUnsafeBytes { FastCDC().chunkLengths(of: $0) }.map { length in
                defer { start += length }
                return Array(bytes[start..<start + length])
            }
        }
        let firstChunks = Set(chunks(firstCSV))
        let secondChunks = chunks(secondCSV)
        let newChunks = secondChunks.filter { !firstChunks.contains($0) }
        let newBytes = newChunks.reduce(0) { $0 + $1.count }
        #expect(secondChunks.count > 1 && newBytes < secondCSV.count)
        let objects = try Workspace.open(at: path, mode: .readOnly).objects
        var packBytes = 0
        for key in try await objects.list(prefix: "data/packs/") where key.rawValue.hasSuffix(".pack") {
            packBytes += try await objects.get(key).count
        }
        #expect(packBytes == firstCSV.count + newBytes)
        #expect(text.contains("(\(firstCSV.count) bytes; \(firstCSV.count) bytes newly stored in chunk packs)"))
        #expect(
            text.contains("data diff        modified synthetic.csv, \(firstCSV.count) bytes → \(secondCSV.count) bytes")
        )
        #expect(
            text.contains(
                "version 2 added \(newBytes) bytes to the chunk packs; \(newChunks.count) of its \(secondChunks.count) "
                    + "chunk"))

        // The logged metrics are what the relabelled data and the split really give.
        let split = try TrainTestSplit(rowCount: table.rowCount, testFraction: 0.2, seed: 7)
        let y = try table.doubles(column: "y")
        let mean = split.train.map { y[$0] }.reduce(0, +) / Double(split.train.count)
        let expected = try RegressionMetrics(
            predictions: Array(repeating: mean, count: split.test.count), targets: split.test.map { y[$0] })
        let baseline = try #require(regression.first { $0.info.runName == "baseline-mean" })
        #expect(baseline.metrics["validation_rmse"]?.value == expected.rootMeanSquaredError)
        let linear = try #require(regression.first { $0.info.runName == "linear" })
        #expect(try #require(linear.metrics["validation_rmse"]?.value) < expected.rootMeanSquaredError / 2)
        #expect(text.contains("best validation_rmse of every run in 'demo-regression': linear"))

        // The trained models are the runs' artifacts; scored again on the held-out rows they give the
        // logged metrics, and the demo names the run with the higher ROC AUC.
        let workspace = try Workspace.open(at: path, mode: .readOnly)
        let tracker = ExperimentTracker(
            metadata: workspace.metadata, artifacts: workspace.objects, options: .init(captureEnvironment: false))
        let labelled = try table.select(columns: ["x0", "x1", "x2", "label"])
        let labels = try labelled.doubles(column: "label").map { Int($0) }
        let stratified = try TrainTestSplit(rowCount: labelled.rowCount, testFraction: 0.2, seed: 7, stratifyBy: labels)
        let heldOut = try labelled.rows(stratified.test)
        var aucs: [String: Double] = [:]
        for run in classification {
            let bytes = try await tracker.readArtifact(runID: run.info.runID, path: "model/model.mlpkg")
            let model = try Model(bytes: bytes)
            let evaluation = try EvaluateCommand.evaluate(model, heldOut, target: "label")
            #expect(evaluation.metrics["roc_auc"] == run.metrics["validation_roc_auc"]?.value)
            #expect(try #require(evaluation.metrics["roc_auc"]) > 0.75)
            #expect(try await tracker.metricHistory(runID: run.info.runID, key: "train_loss").count > 1)
            aucs[run.info.runName] = evaluation.metrics["roc_auc"]
        }
        let better = try #require(aucs.max { $0.value < $1.value }?.key)
        #expect(text.contains("best validation_roc_auc of every run in 'demo-classification': \(better)"))
    }
}
