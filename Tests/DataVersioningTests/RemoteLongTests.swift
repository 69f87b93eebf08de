import DataVersioning
import Foundation
import MLOpsCore
import Testing

/// Push and pull of a few hundred MiB between file stores, with the default chunking, printing
/// how long each step took. Only with `MLOPS_LONG_TESTS=1`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"))
struct RemoteLongTests {
    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        let elapsed = ContinuousClock.now - start
        return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    @Test func pushAndPullHundredsOfMebibytesBetweenFileStores() async throws {
        let fileCount = 64
        let fileSize = 4 << 20
        let megabytes = Double(fileCount * fileSize) / Double(1 << 20)
        let workspace = try DataFixture()
        for index in 0..<fileCount {
            try workspace.write("data/part-\(index).bin", DataFixture.randomBytes(fileSize, seed: UInt64(index)))
        }
        let options = DataRepository.Options(defaultAuthor: "bench")
        let repository = try await DataRepository.open(
            metadata: InMemoryKeyValueStore(), blobs: try FileBlobStore(root: workspace.path("local")),
            options: options)
        let remote = try FileBlobStore(root: workspace.path("remote"))
        func report(_ step: String, _ time: Double, _ bytes: UInt64) {
            let rate = Double(bytes) / Double(1 << 20) / max(time, 1e-9)
            print(
                "[remote bench] \(step): \(String(format: "%.2f", time)) s, \(bytes) chunk bytes, "
                    + "\(String(format: "%.0f", rate)) MiB/s")
        }

        let (_, commitTime) = try await Self.timed {
            try await repository.add(["data"], relativeTo: workspace.root)
            return try await repository.commitStaged(message: "one")
        }
        report("add+commit \(Int(megabytes)) MiB", commitTime, UInt64(fileCount * fileSize))

        let (pushed, pushTime) = try await Self.timed { try await repository.push(to: remote) }
        report("push (\(pushed.chunksCopied) chunks, \(pushed.packsWritten) packs)", pushTime, pushed.chunkBytes)
        #expect(pushed.chunkBytes == UInt64(fileCount * fileSize))

        let (again, againTime) = try await Self.timed { try await repository.push(to: remote) }
        report("second push", againTime, again.chunkBytes)
        #expect(again.isEmpty)

        // Change 1% of the bytes: one contiguous region of the first file.
        var bytes = try workspace.read("data/part-0.bin")
        for offset in (512 << 10)..<((512 << 10) + fileCount * fileSize / 100) { bytes[offset] ^= 0xA5 }
        try workspace.write("data/part-0.bin", bytes)
        try await repository.add(["data"], relativeTo: workspace.root)
        _ = try await repository.commitStaged(message: "two")
        let (delta, deltaTime) = try await Self.timed { try await repository.push(to: remote) }
        report("push after a ~1% change (\(delta.chunksCopied) chunks)", deltaTime, delta.chunkBytes)

        let clone = try await DataRepository.open(
            metadata: InMemoryKeyValueStore(), blobs: try FileBlobStore(root: workspace.path("clone")),
            options: options)
        let (pulled, pullTime) = try await Self.timed { try await clone.pull(from: remote) }
        report("pull into a fresh repository (\(pulled.chunksCopied) chunks)", pullTime, pulled.chunkBytes)
        #expect(pulled.chunkBytes == pushed.chunkBytes + delta.chunkBytes)
        #expect(try await clone.readFile("data/part-0.bin") == workspace.read("data/part-0.bin"))
    }
}
