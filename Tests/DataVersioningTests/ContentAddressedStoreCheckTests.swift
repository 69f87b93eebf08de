import Foundation
import DataVersioning
import MLOpsCore
import Testing

@Suite struct ContentAddressedStoreCheckTests {
    @Test func verifiesEveryObjectAndReportsTamperingAndStrayKeys() async throws {
        let blobs = InMemoryBlobStore()
        let store = ContentAddressedStore(blobs: blobs)
        var digests: [SHA256Digest] = []
        for index in 0..<5 { digests.append(try await store.put(Array("object \(index)".utf8))) }
        var report = try await store.check()
        #expect(report.problems == [])
        #expect(report.objectsVerified == 5)

        // Replace one object's bytes behind the store's back, and add a key that is no address.
        let tampered = InMemoryBlobStore()
        for (index, digest) in digests.enumerated() {
            let bytes = index == 2 ? Array("tampered".utf8) : Array("object \(index)".utf8)
            try await tampered.put(ContentAddressedStore.key(for: digest), data: bytes)
        }
        try await tampered.put(BlobKey("sha256/ab/not-a-digest"), data: [1])
        report = try await ContentAddressedStore(blobs: tampered).check()
        #expect(report.objectsVerified == 4)
        let text = report.problems.map(\.description).joined(separator: "\n")
        #expect(report.problems.count == 2, "\(text)")
        #expect(text.contains(digests[2].hexString))
        #expect(text.contains("not a content address"))
    }
}

@Suite struct ContentAddressedStoreBackendTests {
    /// Content addressing is DataVersioning's: the same checks on every backend, none in the backend.
    @Test(arguments: ["memory", "files"])
    func verifiesReadsOnEveryBackend(backend: String) async throws {
        let directory = "/tmp/cas-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let blobs: any BlobStore = backend == "memory" ? InMemoryBlobStore() : try FileBlobStore(root: directory)
        let digest = SHA256.hash(Array("real".utf8))
        // A backend stores any bytes under any key: it knows nothing of content addresses.
        try await blobs.put(ContentAddressedStore.key(for: digest), data: Array("fake".utf8))
        await #expect(throws: MLOpsError.corruptData) { _ = try await ContentAddressedStore(blobs: blobs).get(digest) }
    }
}
