import DataVersioning
import Foundation
import MLOpsCore

/// A temporary directory with helpers to write files, and a repository over in-memory stores.
final class DataFixture {
    let root: String
    let metadata = InMemoryKeyValueStore()
    let blobs: any BlobStore

    init(blobs: (any BlobStore)? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        self.blobs = blobs ?? InMemoryBlobStore()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// A small-chunk configuration so tests see multi-chunk files without megabytes of data.
    static let smallChunks = try! ChunkingParameters(
        minimumSize: 1 << 10, averageSize: 4 << 10, maximumSize: 16 << 10, normalizationLevel: 2)

    func repository(chunking: ChunkingParameters = DataFixture.smallChunks) async throws -> DataRepository {
        try await DataRepository.open(
            metadata: metadata, blobs: blobs, options: .init(chunking: chunking, defaultAuthor: "tester"))
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path(relative))
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func write(_ relative: String, _ text: String) throws { try write(relative, Array(text.utf8)) }

    func read(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for shift in stride(from: 0, to: 64, by: 8) where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: z >> UInt64(shift))
                index += 1
            }
        }
        return bytes
    }
}
