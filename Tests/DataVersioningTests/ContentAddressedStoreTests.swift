import DataVersioning
import Foundation
import MLOpsCore
import Testing

@Suite struct ContentAddressedStoreTests {
    @Test func storesOnceAndReadsBackVerified() async throws {
        let blobs = InMemoryBlobStore()
        let store = ContentAddressedStore(blobs: blobs)
        let bytes = Array("a,b\n1,2\n".utf8)
        let first = try await store.put(bytes)
        let second = try await store.put(bytes)
        #expect(first == second)
        #expect(first == SHA256.hash(bytes))
        let key = ContentAddressedStore.key(for: first).rawValue
        #expect(key == "sha256/\(first.hexString.prefix(2))/\(first.hexString)")
        #expect(try await store.get(first) == bytes)
        #expect(try await blobs.list(prefix: "sha256").count == 1)
        #expect(try await store.contains(first))
        #expect(try await !store.contains(SHA256.hash([1])))
    }

    @Test func detectsAnObjectAlteredBehindItsBack() async throws {
        let blobs = InMemoryBlobStore()
        let store = ContentAddressedStore(blobs: blobs)
        let digest = SHA256.hash(Array("original".utf8))
        // A backend that does not verify: plant other bytes under the digest's key.
        try await blobs.put(ContentAddressedStore.key(for: digest), data: Array("forged".utf8))
        await #expect(throws: MLOpsError.corruptData) { try await store.get(digest) }
    }

    @Test func streamsFilesIntoAFileStore() async throws {
        let root = "/tmp/mlops-dv-\(SortableID())"
        let blobs = try FileBlobStore(root: root)
        let store = ContentAddressedStore(blobs: blobs)
        var random = SeededRandom(seed: 11)
        let bytes = (0..<(3 << 20) + 17).map { _ in UInt8.random(in: 0...255, using: &random) }
        let path = root + "-input.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let digest = try await store.putFile(at: path)
        #expect(digest == SHA256.hash(bytes))
        #expect(try await store.get(digest) == bytes)
        #expect(try await store.putFile(at: path) == digest)
    }
}
