import DataVersioning
import Foundation
import MLOpsCore
import Testing

/// Bad input to `add`: refused with a typed error naming the path, never stored, never written
/// outside a checkout.
@Suite struct DataRepositoryInputTests {
    @Test func pathsOutsideTheBaseAreRefused() async throws {
        let fixture = try DataFixture()
        try fixture.write("inside/a.txt", "a")
        let repository = try await fixture.repository()
        let base = fixture.path("inside")
        for path in ["../x", "/etc/passwd", "a/../../x"] {
            await #expect(throws: MLOpsError.invalidArgument) { try await repository.add([path], relativeTo: base) }
        }
        await #expect(throws: MLOpsError.invalidArgument) {
            try await repository.add(["a.txt"], relativeTo: "relative")
        }
    }

    @Test func symbolicLinksLeavingTheTreeAreRefused() async throws {
        let fixture = try DataFixture()
        try fixture.write("outside.txt", "secret")
        try fixture.write("tree/real.txt", "real")
        try FileManager.default.createSymbolicLink(
            atPath: fixture.path("tree/inside-link"), withDestinationPath: fixture.path("tree/real.txt"))
        let repository = try await fixture.repository()
        // A link to a file inside the tree is stored as that file's content.
        try await repository.add(["tree"], relativeTo: fixture.root)
        let entry = try await repository.entry(at: "tree/inside-link", in: try await repository.status().stagedRoot)
        #expect(entry?.id == ObjectID.of(Array("real".utf8)))

        try FileManager.default.createSymbolicLink(
            atPath: fixture.path("tree/escape"), withDestinationPath: fixture.path("outside.txt"))
        await #expect {
            try await repository.add(["tree"], relativeTo: fixture.root)
        } throws: { error in
            (error as? MLOpsError)?.code == .invalidArgument && "\(error)".contains("outside")
        }
        try FileManager.default.removeItem(atPath: fixture.path("tree/escape"))
        try FileManager.default.createSymbolicLink(
            atPath: fixture.path("tree/dangling"), withDestinationPath: "/nonexistent/x")
        await #expect(throws: MLOpsError.invalidArgument) {
            try await repository.add(["tree"], relativeTo: fixture.root)
        }
    }

    @Test func specialFilesAndUnsafeNamesAreRefused() async throws {
        let fixture = try DataFixture()
        try fixture.write("fifo-tree/ok.txt", "ok")
        #expect(mkfifo(fixture.path("fifo-tree/pipe"), 0o600) == 0)
        let repository = try await fixture.repository()
        await #expect(throws: MLOpsError.invalidArgument) {
            try await repository.add(["fifo-tree"], relativeTo: fixture.root)
        }

        try fixture.write("names/bad\u{1}name.txt", "x")
        await #expect {
            try await repository.add(["names"], relativeTo: fixture.root)
        } throws: { error in
            (error as? MLOpsError)?.code == .invalidArgument && "\(error)".contains("control character")
        }
        // Nothing was staged by the refused adds.
        #expect(try await repository.status().staged.isEmpty)
    }

    @Test func treeNamesAreValidated() {
        for name in ["", ".", "..", "a/b", "a\\b", "nul\u{0}", "tab\t", String(repeating: "x", count: 2_000)] {
            #expect(throws: MLOpsError.invalidArgument) { try Tree.validateName(name) }
        }
        #expect(throws: Never.self) { try Tree.validateName("données ü.csv") }
    }

    @Test func malformedObjectsAreCorruptData() throws {
        let tree = try Tree(entries: [TreeEntry(name: "a", kind: .file, size: 1, id: ObjectID.of([1]))])
        let bytes = tree.encoded
        #expect(try Tree(decoding: bytes) == tree)
        for cut in [0, 5, 12, bytes.count - 1] {
            #expect(throws: MLOpsError.corruptData) { try Tree(decoding: Array(bytes.prefix(cut))) }
        }
        var unsafe = bytes
        unsafe[16] = UInt8(ascii: "/")  // the name byte
        #expect(throws: MLOpsError.corruptData) { try Tree(decoding: unsafe) }
        #expect(throws: MLOpsError.corruptData) { try Tree(decoding: bytes + [0]) }
        let list = ChunkList(chunks: [.init(id: ObjectID.of([1]), length: 1), .init(id: ObjectID.of([2]), length: 1)])
        #expect(try ChunkList(decoding: list.encoded) == list)
        var wrongSize = list.encoded
        wrongSize[8] = 9
        #expect(throws: MLOpsError.corruptData) { try ChunkList(decoding: wrongSize) }
        let commit = DataCommit(
            root: tree.id, parents: [], author: "a", message: "m", timestampMilliseconds: 1, metadata: ["k": "v"],
            size: 1,
            fileCount: 1)
        #expect(try DataCommit(decoding: commit.encoded) == commit)
        #expect(throws: MLOpsError.corruptData) { try DataCommit(decoding: Array(commit.encoded.dropLast())) }
        #expect(throws: MLOpsError.invalidArgument) { try ObjectID(parsing: "md5:abc") }
        #expect(throws: MLOpsError.invalidArgument) { try ObjectID(parsing: "sha256:xyz") }
    }

    @Test func unchangedFilesAreNotReadAgain() async throws {
        let fixture = try DataFixture()
        for index in 0..<20 {
            try fixture.write("d/f\(index).bin", DataFixture.randomBytes(5_000, seed: UInt64(index)))
        }
        // Old modification times, so that no entry is "racy" (written in the cache's own tick).
        let past = Date(timeIntervalSinceNow: -3_600)
        for index in 0..<20 {
            try FileManager.default.setAttributes(
                [.modificationDate: past], ofItemAtPath: fixture.path("d/f\(index).bin"))
        }
        let repository = try await fixture.repository()
        #expect(try await repository.add(["d"], relativeTo: fixture.root).hashedFiles == 20)
        #expect(try await repository.add(["d"], relativeTo: fixture.root).hashedFiles == 0)
        try fixture.write("d/f3.bin", DataFixture.randomBytes(5_000, seed: 99))
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: fixture.path("d/f3.bin"))
        let third = try await repository.add(["d"], relativeTo: fixture.root)
        #expect(third.hashedFiles == 1)
        _ = try await repository.commitStaged(message: "changed")
        #expect(try await repository.readFile("d/f3.bin") == DataFixture.randomBytes(5_000, seed: 99))
        #expect(try await repository.readFile("d/f4.bin") == DataFixture.randomBytes(5_000, seed: 4))
    }

    @Test func removedPathsAreUnstagedAndUnknownPathsRefused() async throws {
        let fixture = try DataFixture()
        try fixture.write("d/a.txt", "a")
        try fixture.write("d/b.txt", "b")
        let repository = try await fixture.repository()
        try await repository.add(["d"], relativeTo: fixture.root)
        _ = try await repository.commitStaged(message: "one")
        try FileManager.default.removeItem(atPath: fixture.path("d/b.txt"))
        try await repository.add(["d/b.txt"], relativeTo: fixture.root)
        let status = try await repository.status()
        #expect(status.staged.changes.map(\.kind) == [.removed])
        await #expect(throws: MLOpsError.notFound) { try await repository.add(["nope"], relativeTo: fixture.root) }
    }

    @Test func checkoutRefusesANonEmptyTargetAndLeavesNothingBehind() async throws {
        let fixture = try DataFixture()
        try fixture.write("d/a.txt", "a")
        let repository = try await fixture.repository()
        try await repository.add(["d"], relativeTo: fixture.root)
        _ = try await repository.commitStaged(message: "one")
        try fixture.write("busy/x", "x")
        await #expect(throws: MLOpsError.invalidArgument) {
            try await repository.checkout("HEAD", into: fixture.path("busy"))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.root).sorted()
        #expect(names == ["busy", "d"])
        await #expect(throws: MLOpsError.notFound) { try await repository.checkout("nope", into: fixture.path("out")) }
    }
}
