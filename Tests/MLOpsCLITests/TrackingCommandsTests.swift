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

    @Test func theDemoTracksExperimentsAndNamesTheBestRun() async throws {
        let path = "/tmp/mlops-cli-demo-tracking-\(SortableID())"
        let demo = await run(["demo", "--workspace", path])
        #expect(demo.status == 0, "\(demo.err)")
        let line = try #require(demo.out.first { $0.hasPrefix("tracking") })
        #expect(line.contains("best by rmse: lr-0.1"))
        let listing = await run(["runs", "list", "--workspace", path, "--experiment", "demo-regression", "--json"])
        let runs = try JSONDecoder().decode([Run].self, from: Data(listing.out.joined().utf8))
        #expect(runs.count == 3)
        #expect(runs.allSatisfy { $0.info.status == .finished && $0.inputs.first?.context == "training" })
    }
}
