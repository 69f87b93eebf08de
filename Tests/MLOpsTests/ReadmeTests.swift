import Foundation
import MLOps
import Testing

// The README's tour, verbatim between the markers, so that it keeps compiling.
// README-TOUR-BEGIN
func tour(in directory: String) async throws {
    let workspace = try Workspace.open(at: directory)

    // Records: ordered keys, atomic multi-key commits, optimistic transactions.
    let key = StorageKey("app", "counter").bytes
    let count = try await workspace.metadata.transaction { tx in
        let current = try await tx.get(key).flatMap { Int(String(decoding: $0.value, as: UTF8.self)) } ?? 0
        tx.put(key, Array(String(current + 1).utf8))
        return current + 1
    }
    print("opened \(count) times")

    // Objects: immutable, content-addressed, verified on every read.
    let digest = try await workspace.contentObjects.put(Array("x,y\n1,2.5\n3,\n".utf8))
    let bytes = try await workspace.contentObjects.get(digest)

    // Tables: typed columns with missing values, from RFC 4180 CSV.
    var reader = try CSVReader(bytes: bytes)
    let table = try reader.readAll()
    let stats = RunningStatistics(try table.doubles(column: "x"))
    print(table.rowCount, stats.mean)

    // Experiment tracking: runs with params and metrics, searched with MLflow's grammar.
    let tracker = try await workspace.tracking
    try await tracker.withRun(experiment: "tour") { run in
        try await run.log(params: ["rows": String(table.rowCount)])
        try await run.log(metric: "mean_x", value: stats.mean)
    }
    let found = try await tracker.searchRuns(filter: "metrics.mean_x > 1")
    print(found.runs.count, "run(s) with mean_x > 1")

    // Deterministic randomness and sortable identifiers.
    var random = SeededRandom(seed: 42)
    let split = try TrainTestSplit(rowCount: 100, testFraction: 0.2, seed: random.next())
    print(split.test.count, SortableID())

    // Store what the modules accepted, then verify every record and object.
    try await workspace.close()
    print(try await workspace.check().isHealthy ? "healthy" : "damaged")
}
// README-TOUR-END

@Suite struct ReadmeTests {
    /// Every line of the README's Swift block must appear, in order, in this file.
    @Test func readmeTourIsTheCompiledCode() throws {
        let testFile = URL(fileURLWithPath: #filePath)
        let root = testFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: testFile, encoding: .utf8)
        guard let start = readme.range(of: "```swift\n"),
            let end = readme.range(of: "```", range: start.upperBound..<readme.endIndex)
        else {
            Issue.record("README.md has no swift block")
            return
        }
        let snippet = readme[start.upperBound..<end.lowerBound].replacingOccurrences(of: "import MLOps\n\n", with: "")
        guard let begin = source.range(of: "// README-TOUR-BEGIN\n"),
            let finish = source.range(of: "// README-TOUR-END")
        else {
            Issue.record("markers missing")
            return
        }
        #expect(String(source[begin.upperBound..<finish.lowerBound]) == snippet)
    }

    /// The tour runs, twice on one workspace (the counter goes on), and leaves it healthy.
    @Test func readmeTourRuns() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/readme-tour-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await tour(in: directory)
        try await tour(in: directory)
        let workspace = try Workspace.open(at: directory, mode: .readOnly)
        let counter = try await workspace.metadata.get(StorageKey("app", "counter").bytes)
        #expect(counter.map { String(decoding: $0.value, as: UTF8.self) } == "2")
        let runs = try await workspace.tracking.searchRuns(filter: "metrics.mean_x > 1").runs
        #expect(runs.count == 2)
        #expect(try await workspace.check().isHealthy)
    }

    @Test func readmeShowsTheTwoCommands() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("swift run mlops demo"))
        #expect(readme.contains("swift test"))
    }
}
