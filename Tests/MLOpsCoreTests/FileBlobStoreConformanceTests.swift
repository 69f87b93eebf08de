import Foundation
import MLOpsCore
import MLOpsTestKit
import Testing

/// FileBlobStore against the shared BlobStoreConformance suite, each check in a new
/// temporary directory, plus torn and failed writes injected through FaultyBlobStore.
@Suite("FileBlobStore conformance")
struct FileBlobStoreConformanceTests {
    static func makeRoot() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("mlops-fileblob-\(UUID().uuidString)").path
    }

    static let suite = BlobStoreConformance(
        makeStore: { try FileBlobStore(root: makeRoot()) },
        cleanUp: { store in
            guard let store = store as? FileBlobStore else { return }
            try? FileManager.default.removeItem(atPath: store.root)
        })

    @Test("FileBlobStore passes BlobStoreConformance", arguments: BlobStoreConformance.checkNames)
    func conformance(check: String) async throws {
        try await Self.suite.run(checkNamed: check)
    }

    /// Large streamed objects take the direct-I/O path (an aligned staging buffer, the unaligned
    /// tail through the page cache): whatever the piece sizes, the stored bytes are the bytes
    /// written, ranged reads see them, and an aborted large writer leaves nothing.
    @Test func largeStreamedObjectsRoundTripThroughDirectWrites() async throws {
        let root = Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try FileBlobStore(root: root)
        var random = SeededRandom(seed: 5)
        for (index, pieces) in [[4 << 20], [(4 << 20) + 1, 3, 9_000_001, 4_095], [5 << 20, 8 << 20, 1]].enumerated() {
            let total = pieces.reduce(0, +)
            let bytes = (0..<total).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let key = try BlobKey("big/\(index)")
            let writer = try await store.openWriter(key)
            var offset = 0
            for piece in pieces {
                try await writer.write(Array(bytes[offset..<offset + piece]))
                offset += piece
            }
            try await writer.commit()
            #expect(try await store.get(key) == bytes)
            let middle = total / 2
            #expect(try await store.read(key, offset: middle, count: 100) == Array(bytes[middle..<middle + 100]))
        }
        let aborted = try await store.openWriter(try BlobKey("big/aborted"))
        try await aborted.write([UInt8](repeating: 7, count: 6 << 20))
        try await aborted.abort()
        #expect(try await !store.exists(try BlobKey("big/aborted")))
        #expect(try await store.list(prefix: "big").count == 3)
    }

    @Test func tornAndFailedWritesLeaveNothingVisible() async throws {
        let root = Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let base = try FileBlobStore(root: root)
        let store = FaultyBlobStore(
            wrapping: base,
            plan: FaultPlan(
                rules: [
                    .init(
                        operations: [.put, .writerWrite], trigger: .probability(0.3),
                        effect: .tear(keepingFraction: 0.6)),
                    .init(operations: .writerCommit, trigger: .probability(0.2), effect: .fail),
                ], seed: 17))
        var failed = 0
        for i in 0..<60 {
            let key = try BlobKey("runs/\(i % 4)/object-\(i)")
            let data = TestBytes.pattern(seed: UInt64(i), count: i * 1_999)
            do {
                if i % 2 == 0 {
                    try await store.put(key, data: data)
                } else {
                    let writer = try await store.openWriter(key)
                    do {
                        try await writer.write(Array(data.prefix(data.count / 2)))
                        try await writer.write(Array(data.dropFirst(data.count / 2)))
                        try await writer.commit()
                    } catch {
                        try await writer.abort()
                        throw error
                    }
                }
            } catch let error as MLOpsError where error.code == .injectedFault {
                failed += 1
                #expect(try await base.exists(key) == false, "a failed write of \(key) is visible")
                continue
            }
            #expect(try await base.get(key) == data)
        }
        #expect(failed > 5)
        for key in try await base.list(prefix: "") {
            let i = try #require(Int(key.lastSegment.dropFirst("object-".count)))
            #expect(try await base.get(key) == TestBytes.pattern(seed: UInt64(i), count: i * 1_999))
        }
        // A fresh store over the same root sees the same objects.
        let reopened = try FileBlobStore(root: root)
        #expect(try await reopened.list(prefix: "") == (try await base.list(prefix: "")))
    }
}
