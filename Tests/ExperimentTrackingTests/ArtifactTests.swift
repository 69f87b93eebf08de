import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

@Suite struct ArtifactTests {
    @Test func artifactsAreStoredListedAndReadBack() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "artifacts")
        try await run.logArtifact(path: "model/weights.bin", data: [1, 2, 3, 4])
        try await run.logArtifact(path: "model/config.json", data: Array("{}".utf8))
        try await run.logArtifact(path: "README.md", data: Array("# hi".utf8))
        // A local directory tree.
        let local = try #require(fixture.scratch).path + "/upload"
        try FileManager.default.createDirectory(atPath: local + "/plots", withIntermediateDirectories: true)
        try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: local + "/table.csv"))
        try Data([0x89, 0x50]).write(to: URL(fileURLWithPath: local + "/plots/loss.png"))
        let written = try await run.logArtifacts(directory: local, as: "report")
        #expect(written == ["report/plots/loss.png", "report/table.csv"])
        try await run.logArtifact(file: local + "/table.csv")
        try await run.finish()

        let root = try await tracker.listArtifacts(runID: run.runID)
        #expect(root.map(\.path) == ["README.md", "model", "report", "table.csv"])
        #expect(root.first { $0.path == "model" }?.isDirectory == true)
        #expect(root.first { $0.path == "README.md" }?.size == 4)
        let model = try await tracker.listArtifacts(runID: run.runID, path: "model")
        #expect(
            model == [
                ArtifactInfo(path: "model/config.json", isDirectory: false, size: 2),
                ArtifactInfo(path: "model/weights.bin", isDirectory: false, size: 4),
            ])
        #expect(
            try await tracker.listArtifacts(runID: run.runID, path: "report").map(\.path) == [
                "report/plots", "report/table.csv",
            ])
        #expect(try await tracker.allArtifacts(runID: run.runID).count == 6)
        #expect(try await tracker.readArtifact(runID: run.runID, path: "model/weights.bin") == [1, 2, 3, 4])
        #expect(try await tracker.readArtifact(runID: run.runID, path: "report/plots/loss.png") == [0x89, 0x50])
        #expect(
            await mlopsError { _ = try await tracker.readArtifact(runID: run.runID, path: "nope") }?.code == .notFound)
        // Artifacts are immutable: the same bytes again is fine, other bytes conflict.
        try await tracker.logArtifact(runID: run.runID, path: "README.md", data: Array("# hi".utf8))
        #expect(
            await mlopsError {
                try await tracker.logArtifact(runID: run.runID, path: "README.md", data: [0])
            }?.code == .conflict)
    }

    @Test(arguments: [
        "../escape", "model/../../x", "/etc/passwd", "a//b", "./a", "a/.", "..", "a\\..\\b", "%2e%2e/x", "C:/win",
        "trailing/", "", "nul\u{0}byte", "\u{FF0E}\u{FF0E}/x",
    ])
    func traversalAttemptsAreRejected(_ path: String) async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let run = try await tracker.startRun(experiment: "artifacts")
        let error = await mlopsError { try await run.logArtifact(path: path, data: [1]) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.value == path)
        #expect(
            await mlopsError { _ = try await tracker.readArtifact(runID: run.runID, path: path) }?.code
                == .invalidArgument)
        let listed = await mlopsError { _ = try await tracker.listArtifacts(runID: run.runID, path: path) }
        #expect(listed?.code == .invalidArgument)
    }

    @Test func aRunIDThatIsNotAnIDCannotAddressArtifacts() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let error = await mlopsError { try await tracker.logArtifact(runID: "../other", path: "x", data: [1]) }
        #expect(error?.code == .invalidArgument)
    }
}
