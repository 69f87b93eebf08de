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
