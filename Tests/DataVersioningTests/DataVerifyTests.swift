@testable import DataVersioning
import Foundation
import MLOpsCore
import Testing

/// A fixture whose blob store is a `FileBlobStore` in its own temporary directory, so tests can
/// damage pack files on disk.
final class FileStoreFixture {
    let storeRoot: String
    let fixture: DataFixture

    init() throws {
        storeRoot = FileManager.default.temporaryDirectory.appendingPathComponent("dv-store-\(UUID().uuidString)").path
        fixture = try DataFixture(blobs: try FileBlobStore(root: storeRoot))
    }

    deinit { try? FileManager.default.removeItem(atPath: storeRoot) }

    /// The pack names on disk (without extension) with a `.pack` file.
    func packNames() throws -> Set<String> {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: storeRoot + "/data/packs")) ?? []
        return Set(files.filter { $0.hasSuffix(".pack") }.map { String($0.dropLast(5)) })
    }

    func packPath(_ name: String) -> String { storeRoot + "/data/packs/" + name + ".pack" }
}

@Suite struct DataVerifyTests {
    @Test func aHealthyRepositoryVerifies() async throws {
        let fixture = try DataFixture()
        let big = DataFixture.randomBytes(120_000, seed: 3)
        try fixture.write("data/big.bin", big)
        try fixture.write("data/sub/a.csv", "id,x\n1,2\n")
        try fixture.write("data/empty.txt", [])
        let repository = try await fixture.repository()
        try await repository.add(["data"], relativeTo: fixture.root)
        let first = try #require(try await repository.commitStaged(message: "one"))
        try fixture.write("data/sub/a.csv", "id,x\n1,3\n")
        try await repository.add(["data"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "two"))
        try await repository.tag("v1", at: first.id.description)
        try fixture.write("data/staged.txt", "staged only")
        try await repository.add(["data/staged.txt"], relativeTo: fixture.root)

        let report = try await repository.verify()
        #expect(report.isHealthy, "\(report.problems)")
        #expect(report.commits == 2)
        #expect(report.files == 5)  // big.bin, two a.csv versions, empty.txt, staged.txt
        #expect(report.chunkLists == 1)
        #expect(report.chunks > 3)
        // Every distinct chunk: the big file, two CSV versions, the empty file, the staged file.
        #expect(report.bytesVerified == UInt64(big.count + 9 + 9 + 0 + 11))
        #expect(report.packsWithoutIndex.isEmpty && report.indexesWithoutPack.isEmpty)

        let check = try await repository.check()
        #expect(check.isHealthy, "\(check.problems)")
        #expect(check.component == DataRepository.checkComponentName)
        #expect(check.objectsVerified == report.chunks)
        #expect(check.recordsChecked >= 2 + report.trees + 1)
    }

    @Test func aFlippedByteInAPackIsReportedWithThePathThatUsesIt() async throws {
        let store = try FileStoreFixture()
        let fixture = store.fixture
        let marker = Array("a file whose bytes are easy to find in the pack".utf8)
        try fixture.write("data/find-me.txt", marker)
        try fixture.write("data/big.bin", DataFixture.randomBytes(60_000, seed: 5))
        let repository = try await fixture.repository()
        try await repository.add(["data"], relativeTo: fixture.root)
        let commit = try #require(try await repository.commitStaged(message: "one"))
        #expect(try await repository.verify().isHealthy)

        let pack = try #require(try store.packNames().first)
        let url = URL(fileURLWithPath: store.packPath(pack))
        var bytes = [UInt8](try Data(contentsOf: url))
        let offset = try #require(
            (0...(bytes.count - marker.count)).first { bytes[$0..<$0 + marker.count].elementsEqual(marker) })
        bytes[offset + 7] ^= 0x20
        try Data(bytes).write(to: url)

        let report = try await repository.verify()
        #expect(report.problems.count == 1, "\(report.problems)")
        let problem = try #require(report.problems.first)
        #expect(problem.kind == .chunk)
        #expect(problem.issue == .corrupt)
        #expect(problem.id == ObjectID.of(marker))
        #expect(problem.pack == pack)
        #expect(problem.path == "data/find-me.txt")
        #expect(problem.commit == commit.id)
        #expect(problem.root == "branch main")
        #expect(report.chunks > 0)  // the big file's chunks still verify
        let check = try await repository.check()
        #expect(check.problems.count == 1)
        #expect(check.problems.first?.description.contains("data/find-me.txt") == true)
    }

    @Test func aMissingPackIsReportedForEveryPathThatNeedsIt() async throws {
        let store = try FileStoreFixture()
        let fixture = store.fixture
        try fixture.write("one/a.txt", "first add")
        let repository = try await fixture.repository()
        try await repository.add(["one"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "one"))
        let before = try store.packNames()
        try fixture.write("two/b.bin", DataFixture.randomBytes(50_000, seed: 9))
        try await repository.add(["two"], relativeTo: fixture.root)
        let second = try #require(try await repository.commitStaged(message: "two"))
        let added = try #require(try store.packNames().subtracting(before).first)

        try FileManager.default.removeItem(atPath: store.packPath(added))
        let report = try await repository.verify()
        #expect(!report.isHealthy)
        #expect(report.indexesWithoutPack == [added])
        #expect(!report.problems.isEmpty)
        for problem in report.problems {
            #expect(problem.kind == .chunk && problem.issue == .missing)
            #expect(problem.pack == added)
            #expect(problem.path == "two/b.bin")
            #expect(problem.commit == second.id)
        }
        // The first commit's file is intact.
        #expect(report.chunks == 1)
    }

    @Test func missingAndDamagedRecordsAreReportedWhereTheyAreUsed() async throws {
        let fixture = try DataFixture()
        try fixture.write("d/sub/deep.txt", "deep")
        try fixture.write("d/chunked.bin", DataFixture.randomBytes(40_000, seed: 11))
        let repository = try await fixture.repository()
        try await repository.add(["d"], relativeTo: fixture.root)
        let commit = try #require(try await repository.commitStaged(message: "one"))
        let sub = try #require(try await repository.entry(at: "d/sub", in: commit.commit.root))
        let chunked = try #require(try await repository.entry(at: "d/chunked.bin", in: commit.commit.root))
        #expect(chunked.kind == .chunkedFile)

        try await repository.records.delete(TreeRecord.self, id: sub.id.hex)
        try await repository.records.save(
            ChunkListRecord(id: chunked.id.hex, bytes: Data("not a chunk list".utf8), createdMilliseconds: nil))
        let report = try await repository.verify()
        #expect(report.problems.count == 2, "\(report.problems)")
        let tree = try #require(report.problems.first { $0.kind == .tree })
        #expect(tree.issue == .missing && tree.id == sub.id && tree.path == "d/sub" && tree.commit == commit.id)
        let list = try #require(report.problems.first { $0.kind == .chunkList })
        #expect(list.issue == .corrupt && list.id == chunked.id && list.path == "d/chunked.bin")
    }

    @Test func aMissingParentCommitIsAProblemButPrunedHistoryIsNot() async throws {
        let fixture = try DataFixture()
        try fixture.write("f.txt", "1")
        let repository = try await fixture.repository()
        try await repository.add(["f.txt"], relativeTo: fixture.root)
        let first = try #require(try await repository.commitStaged(message: "one"))
        try fixture.write("f.txt", "2")
        try await repository.add(["f.txt"], relativeTo: fixture.root)
        let second = try #require(try await repository.commitStaged(message: "two"))

        try await repository.records.delete(CommitRecord.self, id: first.id.hex)
        var report = try await repository.verify()
        let problem = try #require(report.problems.first)
        #expect(report.problems.count == 1)
        #expect(problem.kind == .commit && problem.issue == .missing && problem.id == first.id)
        #expect(problem.commit == second.id && problem.root == "branch main")

        try await repository.records.save(PrunedCommitRecord(id: first.id.hex, prunedMilliseconds: 1))
        report = try await repository.verify()
        #expect(report.isHealthy, "\(report.problems)")
        #expect(report.prunedCommits == 1)
        #expect(try await repository.log().map(\.id) == [second.id])
    }

    @Test func aPackWithoutIndexIsListedButHealthy() async throws {
        let fixture = try DataFixture()
        try fixture.write("f.txt", "content")
        let repository = try await fixture.repository()
        try await repository.add(["f.txt"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "one"))
        let orphan = SortableID().description
        try await fixture.blobs.put(PackStore.packKey(orphan), data: [1, 2, 3])
        let report = try await repository.verify()
        #expect(report.isHealthy)
        #expect(report.packsWithoutIndex == [orphan])
    }

    @Test func aDamagedPackIndexIsReported() async throws {
        let fixture = try DataFixture()
        try fixture.write("f.txt", "content")
        let repository = try await fixture.repository()
        try await repository.add(["f.txt"], relativeTo: fixture.root)
        _ = try #require(try await repository.commitStaged(message: "one"))
        let name = SortableID().description
        try await fixture.blobs.put(PackStore.packKey(name), data: [1, 2, 3])
        try await fixture.blobs.put(PackStore.indexKey(name), data: Array("MLDVIDX1 but nothing else".utf8))
        let report = try await repository.verify()
        let problem = try #require(report.problems.first)
        #expect(report.problems.count == 1)
        #expect(problem.kind == .packIndex && problem.issue == .corrupt && problem.pack == name)
        #expect(report.chunks == 1)
    }
}
