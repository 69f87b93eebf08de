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
