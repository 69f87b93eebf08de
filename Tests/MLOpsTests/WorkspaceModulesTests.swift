import Foundation
import MLOps
import Testing

@Suite struct WorkspaceModulesTests {
    @Test func trackingIsOpenedOnceAndClaimsItsNamespace() async throws {
        let workspace = Workspace.inMemory()
        let first = try await workspace.tracking
        let copy = workspace
        let second = try await copy.tracking
        #expect(first === second)
        #expect(try await RecordStore.claimedNamespaces(in: workspace.metadata) == ["tracking": "ExperimentTracking"])
        try await first.withRun(experiment: "wired") { run in
            try await run.log(metric: "m", value: 1)
            try await run.logArtifact(path: "a.txt", data: Array("a".utf8))
        }
        try await workspace.close()
        let report = try await workspace.check()
        #expect(report.isHealthy, "\(report.problems)")
        #expect(
            report.components.map(\.component) == [
                "ExperimentTracking", "DataVersioning", "DataRepository", "Deployment registry", "Monitoring records",
                "objects",
            ])
        #expect(report.verifiedObjects == 1)
    }

    @Test func aNamespaceClaimedByAnotherOwnerIsRefused() async throws {
        let workspace = Workspace.inMemory()
        _ = try await RecordStore.open(try RecordNamespace("tracking", owner: "HostApp"), on: workspace.metadata)
        await #expect(throws: MLOpsError.conflict) { _ = try await workspace.tracking }
    }

    @Test func checkFindsADeletedArtifactAndATamperedDataObject() async throws {
        let directory = "/tmp/mlops-wsm-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let workspace = try Workspace.open(at: directory)
        let tracker = try await workspace.tracking
        var runID = ""
        try await tracker.withRun(experiment: "e") { run in
            runID = run.runID
            try await run.logArtifact(path: "model.bin", data: [1, 2, 3])
        }
        let digest = try await workspace.contentObjects.put(Array("dataset".utf8))
        try await workspace.close()
        #expect(try await workspace.check().isHealthy)

        try FileManager.default.removeItem(atPath: "\(directory)/objects/runs/\(runID)/artifacts/model.bin")
        let hex = digest.hexString
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: "\(directory)/objects/sha256/\(hex.prefix(2))/\(hex)"))
        let report = try await Workspace.open(at: directory).check()
        let text = report.problems.joined(separator: "\n")
        #expect(report.problems.count == 2, "\(text)")
        #expect(text.contains("artifact \(runID)/model.bin"), "\(text)")
        #expect(text.contains(hex), "\(text)")
    }

    @Test func checkVerifiesTheDataRepositoryAndFindsAFlippedChunk() async throws {
        let directory = "/tmp/mlops-wsm-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = directory + "-source"
        defer { try? FileManager.default.removeItem(atPath: source) }
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try Data("id,x\n1,2\n".utf8).write(to: URL(fileURLWithPath: source + "/a.csv"))
        let workspace = try Workspace.open(at: directory)
        let data = try await workspace.data
        try await data.add(["a.csv"], relativeTo: source)
        let commit = try #require(try await data.commitStaged(message: "one"))
        let healthy = try await workspace.check()
        #expect(healthy.isHealthy, "\(healthy.problems)")
        #expect(healthy.components.first { $0.component == "DataRepository" }?.objectsVerified == 1)

        let packs = try FileManager.default.contentsOfDirectory(atPath: directory + "/objects/data/packs")
        let pack = try #require(packs.first { $0.hasSuffix(".pack") })
        let url = URL(fileURLWithPath: directory + "/objects/data/packs/" + pack)
        var bytes = try Data(contentsOf: url)
        bytes[0] ^= 0xFF
        try bytes.write(to: url)
        let report = try await Workspace.open(at: directory, mode: .readOnly).check()
        let text = report.problems.joined(separator: "\n")
        #expect(report.problems.count == 1, "\(text)")
        #expect(
            text.contains("DataRepository") && text.contains("a.csv") && text.contains(commit.id.description), "\(text)"
        )
    }
}
