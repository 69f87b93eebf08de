import Foundation
import MLOps
import Testing

@Suite struct WorkspaceTests {
    @Test func opensCreatesAndReopens() async throws {
        let directory = "/tmp/mlops-ws-\(SortableID())/nested"
        do {
            let workspace = try Workspace.open(at: directory)
            try await workspace.metadata.put(Array("k".utf8), Array("v".utf8))
            try await workspace.objects.put("a/b", data: [1, 2, 3])
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/metadata.sqlite"))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/objects")
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let reopened = try Workspace.open(at: directory)
        #expect(try await reopened.metadata.get(Array("k".utf8))?.value == Array("v".utf8))
        #expect(try await reopened.objects.get("a/b") == [1, 2, 3])
        let report = try await reopened.check()
        #expect(report.isHealthy)
        #expect(report.metadataKeys == 1)
        #expect(report.objects == 1)
    }

    @Test func refusesAFileThatIsNotAStore() throws {
        let directory = "/tmp/mlops-ws-\(SortableID())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(repeating: 0x42, count: 4_096).write(to: URL(fileURLWithPath: directory + "/metadata.sqlite"))
        #expect(throws: MLOpsError.self) { try Workspace.open(at: directory) }
    }

    @Test func inMemoryWorkspaceWorks() async throws {
        let workspace = Workspace.inMemory()
        #expect(workspace.location == nil)
        try await workspace.objects.put("x", data: [9])
        #expect(try await workspace.check().objects == 1)
    }
}
