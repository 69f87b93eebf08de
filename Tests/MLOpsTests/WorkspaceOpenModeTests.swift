import Foundation
import MLOps
import Testing

/// `Workspace.open(at:mode:)`: only ``Workspace/OpenMode/createIfMissing`` creates anything.
@Suite struct WorkspaceOpenModeTests {
    @Test(arguments: [Workspace.OpenMode.existing, .readOnly])
    func aMissingWorkspaceIsNotFoundAndNothingIsCreated(_ mode: Workspace.OpenMode) throws {
        let parent = "/tmp/mlops-ws-mode-\(SortableID())"
        let directory = parent + "/typo"
        do {
            _ = try Workspace.open(at: directory, mode: mode)
            Issue.record("opened a missing workspace")
        } catch let error as MLOpsError {
            #expect(error.code == .notFound)
            #expect(error.message.hasPrefix("no workspace at \(directory)"))
            #expect(error.value == directory)
        }
        #expect(!FileManager.default.fileExists(atPath: parent))

        // An existing directory that is not a workspace stays as it was.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(throws: MLOpsError.notFound) { try Workspace.open(at: directory, mode: mode) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func readOnlyReadsAndRefusesWrites() async throws {
        let directory = "/tmp/mlops-ws-mode-\(SortableID())"
        do {
            let workspace = try Workspace.open(at: directory)
            try await workspace.metadata.put(Array("k".utf8), Array("v".utf8))
            try await workspace.objects.put("a/b", data: [1, 2, 3])
        }
        let readOnly = try Workspace.open(at: directory, mode: .readOnly)
        #expect(try await readOnly.metadata.get(Array("k".utf8))?.value == Array("v".utf8))
        #expect(try await readOnly.objects.get("a/b") == [1, 2, 3])
        let refused = await #expect(throws: MLOpsError.self) {
            try await readOnly.metadata.put(Array("k".utf8), Array("w".utf8))
        }
        #expect(refused?.code == .invalidState)
        let existing = try Workspace.open(at: directory, mode: .existing)
        try await existing.metadata.put(Array("k".utf8), Array("w".utf8))
        #expect(try await readOnly.metadata.get(Array("k".utf8))?.value == Array("w".utf8))
    }
}
