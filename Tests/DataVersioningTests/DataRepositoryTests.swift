import DataVersioning
import Foundation
import MLOpsCore
import Testing

@Suite struct DataRepositoryTests {
    @Test func addCommitLogCheckoutRoundTrip() async throws {
        let fixture = try DataFixture()
        try fixture.write("data/a.csv", "id,x\n1,2\n")
        try fixture.write("data/sub/b.bin", DataFixture.randomBytes(100_000, seed: 1))
        try fixture.write("data/empty.txt", [])
        let repository = try await fixture.repository()
        let added = try await repository.add(["data"], relativeTo: fixture.root)
        #expect(added.files == 3)
        #expect(added.hashedFiles == 3)
        let first = try #require(try await repository.commitStaged(message: "first"))
        #expect(first.commit.fileCount == 3)
        #expect(first.commit.size == 100_000 + 9)
        #expect(try await repository.resolve("HEAD") == first.id)
        #expect(try await repository.resolve("main") == first.id)
        #expect(try await repository.resolve(String(first.id.hex.prefix(8))) == first.id)
        #expect(try await repository.commitStaged(message: "nothing") == nil)

        try fixture.write("data/a.csv", "id,x\n1,3\n")
        let second = try await repository.add(["data"], relativeTo: fixture.root)
        #expect(second.hashedFiles == 1 || second.hashedFiles == 3)  // racy entries may be re-hashed
        let head = try #require(try await repository.commitStaged(message: "second"))
        #expect(head.commit.parents == [first.id])
        #expect(try await repository.resolve("HEAD~1") == first.id)
        #expect(try await repository.log().map(\.id) == [head.id, first.id])

        let diff = try await repository.diff("HEAD~1", "HEAD")
        #expect(diff.changes.map(\.path) == ["data/a.csv"])
        #expect(diff.changes.first?.kind == .modified)

        let out = fixture.path("out")
        let result = try await repository.checkout("HEAD~1", into: out)
        #expect(result.files == 3)
        #expect(try fixture.read("out/data/a.csv") == Array("id,x\n1,2\n".utf8))
        #expect(try fixture.read("out/data/sub/b.bin") == DataFixture.randomBytes(100_000, seed: 1))
        #expect(try fixture.read("out/data/empty.txt").isEmpty)
        #expect(try await repository.readFile("data/a.csv") == Array("id,x\n1,3\n".utf8))
    }

    @Test func identicalFilesAreStoredOnce() async throws {
        let fixture = try DataFixture()
        let bytes = DataFixture.randomBytes(200_000, seed: 7)
        try fixture.write("d/one.bin", bytes)
        try fixture.write("d/two.bin", bytes)
        let repository = try await fixture.repository()
        try await repository.add(["d"], relativeTo: fixture.root)
        let packs = try await fixture.blobs.list(prefix: "data/packs").filter { $0.rawValue.hasSuffix(".pack") }
        var stored = 0
        for key in packs { stored += try await fixture.blobs.get(key).count }
        #expect(stored == bytes.count)
    }

    @Test func renamesAreReportedAsRenames() async throws {
        let fixture = try DataFixture()
        try fixture.write("d/old.txt", "same content")
        let repository = try await fixture.repository()
        try await repository.add(["d"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "one"))
        try FileManager.default.moveItem(atPath: fixture.path("d/old.txt"), toPath: fixture.path("d/new.txt"))
        try await repository.add(["d"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "two"))
        let diff = try await repository.diff("HEAD~", "HEAD")
        #expect(diff.changes.count == 1)
        #expect(diff.changes.first?.kind == .renamed)
        #expect(diff.changes.first?.oldPath == "d/old.txt")
        #expect(diff.changes.first?.path == "d/new.txt")
    }
}
