import ExperimentTracking
import Foundation
import MLOpsCore
import SQLiteStorage
import Synchronization

/// A temporary directory removed when the value is released.
final class TrackingScratch: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/et-tests-\(SortableID())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A clock that advances one millisecond per reading, from a fixed start.
final class SteppingClock: Sendable {
    private let value: Mutex<Int64>
    init(start: Int64 = 1_700_000_000_000) { value = Mutex(start) }
    func next() -> Int64 {
        value.withLock { value in
            value += 1
            return value
        }
    }
}

enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case memory
    case sqlite

    var description: String { rawValue }
}

/// Stores and a tracker for one test.
struct TrackerFixture: Sendable {
    let metadata: any KeyValueStore
    let blobs: any BlobStore
    let tracker: ExperimentTracker
    let scratch: TrackingScratch?

    static func make(
        _ backend: Backend = .memory, clock: SteppingClock? = SteppingClock(), capacity: Int = 262_144,
        maxPointsPerCommit: Int = 100_000
    ) throws -> TrackerFixture {
        let scratch = try TrackingScratch()
        let metadata: any KeyValueStore
        switch backend {
        case .memory: metadata = InMemoryKeyValueStore()
        case .sqlite: metadata = try SQLiteKeyValueStore(path: scratch.path + "/metadata.sqlite")
        }
        let blobs = try FileBlobStore(root: scratch.path + "/objects")
        var stamp: (@Sendable () -> Int64)?
        if let clock { stamp = { clock.next() } }
        let options = ExperimentTracker.Options(
            bufferCapacity: capacity, maxPointsPerCommit: maxPointsPerCommit, captureEnvironment: false,
            user: "tester", clock: stamp)
        return TrackerFixture(
            metadata: metadata, blobs: blobs,
            tracker: ExperimentTracker(metadata: metadata, artifacts: blobs, options: options),
            scratch: scratch)
    }
}

/// Runs `body` and returns the MLOpsError it threw, or `nil` if it did not throw one.
func mlopsError(_ body: () async throws -> Void) async -> MLOpsError? {
    do {
        try await body()
        return nil
    } catch let error as MLOpsError {
        return error
    } catch {
        return nil
    }
}
