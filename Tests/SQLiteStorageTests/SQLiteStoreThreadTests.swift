import Foundation
import MLOpsCore
import MLOpsTestKit
@testable import SQLiteStorage
import Testing

/// The store runs SQLite on threads of its own: callers waiting for a lock suspend instead of
/// holding Swift's cooperative threads, and closing or releasing the store ends those threads.
@Suite("SQLiteKeyValueStore threads")
struct SQLiteStoreThreadTests {
    /// The numbers after `label` on the first line of `lines` that starts with it.
    static func numbers(_ label: String, in lines: [String]) -> [UInt64] {
        guard let line = lines.first(where: { $0.hasPrefix(label + " ") }) else { return [] }
        return line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
    }

    /// Waits (at most ten minutes: a loaded CI machine can take over a minute to start a process)
    /// until `process` has printed a line starting with `prefix`.
    static func waitForLine(_ prefix: String, from process: WorkerProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while !process.outputLines().contains(where: { $0.hasPrefix(prefix) }) {
            if let termination = process.termination {
                throw MLOpsError(
                    .invalidState, "\(process.arguments[0]) \(termination) early: \(process.errorOutput())")
            }
            guard ContinuousClock.now < deadline else {
                throw MLOpsError(.busy, "\(process.arguments[0]) never printed \(prefix)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The test. One process holds the file's write lock; a second process starts 100 commits that
    /// must wait for it, plus a heartbeat task that sleeps 10 ms at a time on the cooperative pool. Once the
    /// commits are queued the lock is kept for 2 more seconds. The heartbeat must keep (at least half) its
    /// rate throughout those 2 s: with the old store, which ran SQLite on the caller's thread, the 100
    /// waiting commits held every cooperative thread and the heartbeat stopped (0 ticks).
    ///
    /// The commits and the heartbeat run in their own process so that other suites running in parallel in
    /// the test process cannot starve the heartbeat; the processes compare wall-clock times.
    @Test("while another process holds the write lock for 2 s, 100 waiting commits leave the pool ticking")
    func waitingCommitsDoNotStarveTheCooperativePool() async throws {
        try await withFileStore { store, directory in
            let worker = try WorkerProcess.locateExecutable(named: "MLOpsStorageWorker")
            let goFile = directory.file("go")
            let holder = try WorkerProcess.start(
                executable: worker, arguments: ["hold-write-lock", store.path, "2", goFile],
                outputFile: directory.file("holder.out"))
            defer { holder.kill() }
            try await Self.waitForLine("locked", from: holder)
            let committer = try WorkerProcess.start(
                executable: worker, arguments: ["commit-heartbeat", store.path, "100"],
                outputFile: directory.file("committer.out"))
            defer { committer.kill() }
            try await Self.waitForLine("started", from: committer)
            #expect(FileManager.default.createFile(atPath: goFile, contents: nil))

            let holderEnd = await holder.waitForExit()
            let committerEnd = await committer.waitForExit()
            #expect(holderEnd == .exited(0), "the lock holder \(holderEnd): \(holder.errorOutput())")
            #expect(committerEnd == .exited(0), "the committer \(committerEnd): \(committer.errorOutput())")
            let holding = try #require(Self.numbers("holding", in: holder.outputLines()).first)
            let released = try #require(Self.numbers("released", in: holder.outputLines()).first)
            let lines = committer.outputLines()
            let done = try #require(Self.numbers("done", in: lines).first)
            #expect(Self.numbers("committed", in: lines) == [100])
            #expect(done >= released, "the commits returned before the other process released its write lock")

            let ticks = Self.numbers("ticks", in: lines).filter { $0 > holding && $0 <= released }.count
            let expected = Double(released - holding) / 10
            let report =
                "while 100 commits waited \(released - holding) ms for the lock, the heartbeat ticked "
                + "\(ticks) times (about \(Int(expected)) expected)"
            #expect(Double(ticks) >= 0.5 * expected, "\(report)")

            let stored = try await store.scan(.prefix(Array("waiting/".utf8)))
            #expect(stored.count == 100)
            #expect(Set(stored.map(\.version)).count == 100, "each commit got its own version")
        }
    }

    @Test("close ends every thread of the store, and later calls throw invalidState")
    func closeEndsTheThreads() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteKeyValueStore(path: directory.file("m.sqlite"), options: .init(maxReaders: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await store.commit(KeyValueTransaction(writes: [.put([UInt8(index)], [1])]))
                    _ = try await store.scan(.prefix([]))
                }
            }
            try await group.waitForAll()
        }
        #expect(store.liveThreadCount >= 2)
        store.close()
        #expect(store.liveThreadCount == 0)
        let error = try await #require(throws: MLOpsError.self) { _ = try await store.get([1]) }
        #expect(error.code == .invalidState)
        #expect(throws: MLOpsError.self) { _ = try store.checkIntegrity() }
        store.close()  // again: nothing happens
    }

    @Test("closing from inside a scan's visitor, on the store's own thread, does not deadlock")
    func closeFromTheStoresOwnThread() async throws {
        try await withFileStore { store, _ in
            try await store.commit(KeyValueTransaction(writes: [.put([1], [1]), .put([2], [2])]))
            var visited = 0
            try await store.scan(.prefix([])) { _ in
                visited += 1
                store.close()
                return true
            }
            #expect(visited == 2, "the running scan finishes")
            let error = try await #require(throws: MLOpsError.self) { _ = try await store.get([1]) }
            #expect(error.code == .invalidState)
        }
    }

    @Test("a released store closes its file: a new store sees every commit, and the WAL is checkpointed")
    func releasingTheStoreClosesIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("m.sqlite")
        do {
            let store = try SQLiteKeyValueStore(path: path)
            for index in 0..<5 { try await store.commit(KeyValueTransaction(writes: [.put([UInt8(index)], [9])])) }
            _ = try await store.get([0])
        }
        // The last connection closed: SQLite checkpointed the log and removed it.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let reopened = try SQLiteKeyValueStore(path: path)
        defer { reopened.close() }
        #expect(try await reopened.scan(.prefix([])).count == 5)
    }

    @Test("the async opener opens, creates and refuses like the initializer")
    func asyncOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("nested/dir/m.sqlite")
        let store = try await SQLiteKeyValueStore.open(path: path)
        try await store.commit(KeyValueTransaction(writes: [.put([1], [2])]))
        store.close()
        let reopened = try await SQLiteKeyValueStore.open(path: path, options: .init(readOnly: true))
        defer { reopened.close() }
        #expect(try await reopened.get([1])?.value == [2])
        let error = try await #require(throws: MLOpsError.self) {
            _ = try await SQLiteKeyValueStore.open(
                path: directory.file("missing.sqlite"), options: .init(readOnly: true))
        }
        #expect(error.code == .notFound)
    }

    @Test("the synchronous and async integrity checks agree, from sync and async callers")
    func integrityChecks() async throws {
        try await withFileStore { store, _ in
            try await store.commit(KeyValueTransaction(writes: [.put([1], [1])]))
            #expect(try store.checkIntegrity() == [])
            #expect(try await store.integrityProblems() == [])
            let fromAThread = try await Task.detached { try store.checkIntegrity() }.value
            #expect(fromAThread == [])
        }
    }
}
