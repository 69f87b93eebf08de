@testable import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// CSV and JSON tables of runs and metric histories.
@Suite struct ExportTableTests {
    static func populated() async throws -> (TrackerFixture, RunHandle, RunHandle) {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let a = try await tracker.startRun(experiment: "tables", name: "a, \"quoted\"")
        try await a.log(params: ["lr": "0.1", "note": "line1\nline2"])
        try await a.log(metric: "loss", value: 0.5, step: 0, timestamp: 1_700_000_000_000)
        try await a.log(metric: "loss", value: .nan, step: 1, timestamp: 1_700_000_000_001)
        try await a.log(metric: "acc", value: 0.25, step: 3, timestamp: 1_700_000_000_002)
        try await a.logInput(DatasetInput(name: "train.csv", digest: "abc", context: "training", dataVersionID: "V1"))
        try await a.logArtifact(path: "out/model.bin", data: [1])
        try await a.finish()
        let b = try await tracker.startRun(experiment: "tables", name: "b")
        try await b.log(params: ["depth": "4"])
        try await b.log(metric: "loss", value: -.infinity, step: 2, timestamp: 1_700_000_000_010)
        try await b.setTag("kind", " padded ")
        try await b.finish(status: .failed)
        return (fixture, a, b)
    }

    @Test func runsCSVHasOneRowPerRunAndUnionColumns() async throws {
        let (fixture, a, b) = try await Self.populated()
        let csv = try await RunTableExporter(tracker: fixture.tracker).runsTable(format: .csv)
        let rows = try Self.parseCSV(csv)
        let header = try #require(rows.first)
        #expect(
            Array(header.prefix(11)) == [
                "run_id", "experiment_id", "experiment_name", "run_name", "status", "lifecycle_stage", "start_time",
                "end_time", "user_id", "parent_run_id", "artifact_uri",
            ])
        #expect(header.contains("metrics.acc") && header.contains("metrics.loss"))
        #expect(header.contains("params.depth") && header.contains("params.lr") && header.contains("tags.kind"))
        #expect(rows.count == 3)
        func value(_ row: [String], _ column: String) -> String? { header.firstIndex(of: column).map { row[$0] } }
        let rowA = try #require(rows.first { $0.first == a.runID })
        let rowB = try #require(rows.first { $0.first == b.runID })
        #expect(value(rowA, "run_name") == "a, \"quoted\"")
        #expect(value(rowA, "params.note") == "line1\nline2")
        #expect(value(rowA, "metrics.loss") == "nan")  // the latest: step 1
        #expect(value(rowA, "metrics.acc") == "0.25")
        #expect(value(rowA, "params.depth") == "")
        #expect(value(rowB, "metrics.loss") == "-inf")
        #expect(value(rowB, "status") == "FAILED")
        #expect(value(rowB, "tags.kind") == " padded ")
        #expect(value(rowB, "experiment_name") == "tables")
        #expect(csv.contains("\"a, \"\"quoted\"\"\""))
    }

    @Test func metricsCSVHasEveryPoint() async throws {
        let (fixture, a, b) = try await Self.populated()
        let csv = try await RunTableExporter(tracker: fixture.tracker).metricsTable(format: .csv)
        #expect(
            csv == """
                run_id,key,step,timestamp,value
                \(a.runID),acc,3,1700000000002,0.25
                \(a.runID),loss,0,1700000000000,0.5
                \(a.runID),loss,1,1700000000001,nan
                \(b.runID),loss,2,1700000000010,-inf

                """)
    }

    @Test func jsonTablesParseAndCarryEverything() async throws {
        let (fixture, a, b) = try await Self.populated()
        let exporter = RunTableExporter(tracker: fixture.tracker)
        let runs = try #require(
            try JSONSerialization.jsonObject(with: Data(try await exporter.runsTable(format: .json).utf8))
                as? [[String: Any]])
        #expect(runs.count == 2)
        let first = try #require(runs.first { $0["run_id"] as? String == a.runID })
        #expect(first["run_name"] as? String == "a, \"quoted\"")
        #expect(first["end_time"] is NSNumber)
        #expect(first["parent_run_id"] is NSNull)
        #expect((first["params"] as? [String: String])?["note"] == "line1\nline2")
        let loss = try #require((first["metrics"] as? [String: Any])?["loss"] as? [String: Any])
        #expect(loss["value"] as? String == "NaN")
        #expect(loss["step"] as? Int == 1)
        let inputs = try #require(first["inputs"] as? [[String: Any]])
        #expect(inputs.first?["data_version_id"] as? String == "V1")
        #expect(first["artifacts"] as? [String] == ["out/model.bin"])
        #expect(first["environment"] is NSNull)
        let second = try #require(runs.first { $0["run_id"] as? String == b.runID })
        #expect((second["tags"] as? [String: String])?["kind"] == " padded ")

        let metrics = try #require(
            try JSONSerialization.jsonObject(with: Data(try await exporter.metricsTable(format: .json).utf8))
                as? [[String: Any]])
        #expect(metrics.count == 4)
        #expect(metrics.compactMap { $0["value"] as? String } == ["NaN", "-Infinity"])
        #expect(metrics.first?["value"] as? Double == 0.25)
        #expect(metrics.first?["timestamp"] as? Int == 1_700_000_000_002)
    }

    @Test func experimentsTablesListExperimentsWithTags() async throws {
        let (fixture, _, _) = try await Self.populated()
        let tracker = fixture.tracker
        let experiment = try #require(try await tracker.experiment(named: "tables"))
        try await tracker.setExperimentTag(id: experiment.id, key: "owner", value: "me, myself")
        let exporter = RunTableExporter(tracker: tracker)
        let rows = try Self.parseCSV(try await exporter.experimentsTable(format: .csv))
        #expect(
            rows == [
                [
                    "experiment_id", "name", "lifecycle_stage", "creation_time", "last_update_time",
                    "artifact_location",
                    "tags.owner",
                ],
                [
                    experiment.id, "tables", "active", String(experiment.creationTime),
                    String(try await tracker.experiment(id: experiment.id).lastUpdateTime), experiment.artifactLocation,
                    "me, myself",
                ],
            ])
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(try await exporter.experimentsTable(format: .json).utf8))
                as? [[String: Any]])
        #expect(json.count == 1)
        #expect(json.first?["experiment_id"] as? String == experiment.id)
        #expect((json.first?["tags"] as? [String: String]) == ["owner": "me, myself"])
        #expect(json.first?["creation_time"] as? Int == Int(experiment.creationTime))
    }

    @Test func emptyTablesAreValid() async throws {
        let fixture = try TrackerFixture.make()
        let exporter = RunTableExporter(tracker: fixture.tracker)
        #expect(try await exporter.runsTable(format: .json) == "[]\n")
        #expect(try await exporter.metricsTable(format: .json) == "[]\n")
        #expect(try await exporter.metricsTable(format: .csv) == "run_id,key,step,timestamp,value\n")
    }

    @Test func exportWritesBothFilesInTheDirectory() async throws {
        let (fixture, _, _) = try await Self.populated()
        let directory = try #require(fixture.scratch).path + "/tables/nested"
        let exporter = RunTableExporter(tracker: fixture.tracker)
        let summary = try await exporter.export(format: .csv, to: directory)
        #expect(summary.runs == 2 && summary.metricPoints == 4 && summary.files == 3)
        let written = try String(contentsOfFile: directory + "/metrics.csv", encoding: .utf8)
        #expect(written == (try await exporter.metricsTable(format: .csv)))
        try await exporter.export(format: .json, to: directory)
        #expect(FileManager.default.fileExists(atPath: directory + "/runs.json"))
    }

    @Test func csvFieldsAndJSONStringsAreEscaped() {
        #expect(RunTableExporter.csvField("plain") == "plain")
        #expect(RunTableExporter.csvField("a,b") == "\"a,b\"")
        #expect(RunTableExporter.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(RunTableExporter.csvField("cr\r") == "\"cr\r\"")
        #expect(RunTableExporter.jsonString("a\"b\\c\n\u{1}\u{2028}") == "\"a\\\"b\\\\c\\n\\u0001\\u2028\"")
        #expect(RunTableExporter.jsonNumber(1e-05) == "1e-05")
        #expect(RunTableExporter.jsonNumber(.infinity) == "\"Infinity\"")
    }

    @Test func formulaCellsGetALeadingQuoteAndNumbersDoNot() {
        for (text, expected) in [
            ("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
            ("\r=1", "'\r=1"), ("-0.5", "-0.5"), ("+3", "+3"), ("-1e-3", "-1e-3"), ("-inf", "'-inf"),
            ("-", "'-"), ("plain", "plain"), ("", ""), (" =1", " =1"), ("a=b", "a=b"), ("'=x", "'=x"),
        ] {
            #expect(RunTableExporter.neutralizingFormula(text) == expected, "\(text.debugDescription)")
        }
    }

    /// Random text cells: the escaped cell never starts with a formula character unless it is a
    /// number, and dropping the added quote gives the text back. `MLOPS_LONG_TESTS=1`: 200,000 cells.
    @Test func escapingIsAlwaysSafeAndReversible() {
        let cases = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" ? 200_000 : 20_000
        let seed: UInt64 = 0xC5F0_0009
        var random = SeededRandom(seed: seed)
        let alphabet = Array("=+-@\t\r0123456789.eE ,\"'a\n")
        for index in 0..<cases {
            let length = Int(random.next() % 6)
            let text = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            let escaped = RunTableExporter.neutralizingFormula(text)
            let dangerous = escaped.utf8.first.map { "=+-@\t\r".utf8.contains($0) } ?? false
            #expect(
                !dangerous || TensorBoardExporter.isDecimalNumber(escaped),
                "seed \(seed) case \(index): \(text.debugDescription)")
            #expect(
                escaped == text || escaped == "'" + text, "seed \(seed) case \(index): \(text.debugDescription)")
        }
    }

    @Test func formulaEscapingCoversEveryTextColumnAndCanBeTurnedOff() async throws {
        let fixture = try TrackerFixture.make()
        let run = try await fixture.tracker.startRun(experiment: "=cmd", name: "@run")
        try await run.log(params: ["p": "=HYPERLINK(\"x\")", "n": "-0.5"])
        try await run.setTag("t", "+1+1")
        try await run.log(metric: "-loss", value: -.infinity, step: 0)
        try await run.finish()
        let escaping = RunTableExporter(tracker: fixture.tracker)
        let rows = try Self.parseCSV(try await escaping.runsTable(format: .csv))
        func value(_ column: String) -> String? { rows[0].firstIndex(of: column).map { rows[1][$0] } }
        #expect(value("experiment_name") == "'=cmd")
        #expect(value("run_name") == "'@run")
        #expect(value("params.p") == "'=HYPERLINK(\"x\")")
        #expect(value("params.n") == "-0.5")
        #expect(value("tags.t") == "'+1+1")
        #expect(value("metrics.-loss") == "-inf")
        let metrics = try Self.parseCSV(try await escaping.metricsTable(format: .csv))
        #expect(metrics[1][1] == "'-loss" && metrics[1][4] == "-inf")
        #expect(try Self.parseCSV(try await escaping.experimentsTable(format: .csv)).contains { $0.contains("'=cmd") })
        // JSON and the unescaped CSV keep the stored text.
        #expect(try await escaping.runsTable(format: .json).contains("\"=HYPERLINK(\\\"x\\\")\""))
        let plain = RunTableExporter(tracker: fixture.tracker, options: .init(escapesFormulas: false))
        let raw = try Self.parseCSV(try await plain.runsTable(format: .csv))
        #expect(raw[1].contains("=cmd") && raw[1].contains("@run") && raw[1].contains("+1+1"))
        #expect(!raw[1].contains { $0.hasPrefix("'") })
    }

    /// A small RFC 4180 reader for the checks above.
    static func parseCSV(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
        }
        #expect(row.isEmpty && field.isEmpty && !quoted, "the CSV must end with a line break")
        return rows
    }
}
