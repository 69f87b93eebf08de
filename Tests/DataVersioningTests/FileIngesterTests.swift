import Foundation
import MLOpsCore
import Testing

@testable import DataVersioning

@Suite struct FileIngesterTests {
    /// A file larger than one read segment is cut exactly as one pass over all its bytes would cut it.
    @Test func largeFileBoundariesMatchOneSequentialPass() async throws {
        let fixture = try DataFixture()
        let bytes = DataFixture.randomBytes(3_000_123, seed: 3)
        try fixture.write("big.bin", bytes)
        let status = try #require(Platform.status(path: fixture.path("big.bin")))
        let chunker = FastCDC(parameters: DataFixture.smallChunks)
        let ingester = FileIngester(
            packs: PackStore(blobs: fixture.blobs), chunker: chunker, segmentSize: 100_000)
        let outputs = try await ingester.ingest([FileIngester.Input(path: fixture.path("big.bin"), status: status)])
        let list = try #require(outputs.first?.chunkList)
        let expected = bytes.withUnsafeBytes { chunker.chunkLengths(of: $0) }
        #expect(list.chunks.map { Int($0.length) } == expected)
        #expect(list.size == UInt64(bytes.count))
        #expect(outputs.first?.kind == .chunkedFile)
    }

    /// A file that changes between the scan and the read fails the ingest with `conflict`.
    @Test func aFileChangedWhileAddedIsRefused() async throws {
        let fixture = try DataFixture()
        try fixture.write("f.bin", DataFixture.randomBytes(10_000, seed: 1))
        let status = try #require(Platform.status(path: fixture.path("f.bin")))
        try fixture.write("f.bin", DataFixture.randomBytes(10_001, seed: 2))
        let packs = PackStore(blobs: fixture.blobs)
        let ingester = FileIngester(packs: packs, chunker: FastCDC(parameters: DataFixture.smallChunks))
        await #expect(throws: MLOpsError.conflict) {
            try await ingester.ingest([FileIngester.Input(path: fixture.path("f.bin"), status: status)])
        }
    }
}

@Suite struct StatCacheTests {
    /// Entries modified within the racy window of the cache's writing are not trusted; the window
    /// is wide for whole-second times (coarse file systems).
    @Test func racyEntriesAreNotTrusted() throws {
        let fixture = try DataFixture()
        try fixture.write("f", "0123456789")
        let real = try #require(Platform.status(path: fixture.path("f")))
        var cache = StatCache()
        let written: Int64 = 1_800_000_000_000_000_000
        cache.writtenNanoseconds = written
        func status(modified: Int64) -> Platform.FileStatus {
            var status = real
            status.size = 10
            status.device = 0
            status.modificationNanoseconds = modified
            status.changeNanoseconds = modified
            status.inode = 7
            return status
        }
        let id = ObjectID.of([1])
        for (modified, trusted) in [
            (written - 50_000_000 - 1, false), (written - 150_000_000 - 1, true),
            (written - 1_000_000_000, false), (written - 3_000_000_000, true),
        ] {
            cache.entries["f"] = StatCache.Entry(
                device: 0, inode: 7, size: 10, modificationNanoseconds: modified, changeNanoseconds: modified,
                kind: .file, id: id)
            #expect((cache.lookup("f", status(modified: modified)) != nil) == trusted, "\(modified)")
        }
        // A changed size or inode is a miss whatever the times.
        cache.entries["f"]?.size = 11
        #expect(cache.lookup("f", status(modified: written - 3_000_000_000)) == nil)
    }
}
