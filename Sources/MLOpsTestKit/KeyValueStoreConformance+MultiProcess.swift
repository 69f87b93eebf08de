import Foundation
public import MLOpsCore

extension KeyValueStoreConformance {
    /// Checks that several *processes* incrementing one counter through
    /// `transaction {}` lose no update: the multi-process form of the
    /// `concurrentCounter` check, for stores that many processes share (a file, a server).
    ///
    /// Starts `processes` copies of a worker executable built with
    /// ``StorageWorker`` (`kv-counter <storePath> <increments>`), waits for all of
    /// them, then opens the store with `openStore` and expects the counter to be
    /// exactly `processes × increments`.
    ///
    /// ```swift
    /// try await KeyValueStoreConformance.multiProcessCounter(
    ///     workerExecutable: try WorkerProcess.locateExecutable(named: "MLOpsStorageWorker"),
    ///     storePath: dir + "/store.sqlite",
    ///     openStore: { try SQLiteKeyValueStore(path: $0) })
    /// ```
    ///
    /// - Throws: ``ConformanceFailure`` (check `multiProcessCounter`) if a worker
    ///   fails or the count is wrong.
    public static func multiProcessCounter(
        workerExecutable: String,
        storePath: String,
        processes: Int = 4,
        increments: Int = 100,
        openStore: @Sendable (String) throws -> any KeyValueStore
    ) async throws {
        func failure(_ message: String, _ underlying: (any Error)? = nil) -> ConformanceFailure {
            ConformanceFailure(
                suite: "KeyValueStoreConformance", check: "multiProcessCounter", message: message,
                underlying: underlying)
        }
        let scratch = try CrashLoop.makeScratchDirectory("counter")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var workers: [WorkerProcess] = []
        for index in 0..<Swift.max(1, processes) {
            workers.append(
                try WorkerProcess.start(
                    executable: workerExecutable, arguments: ["kv-counter", storePath, String(increments)],
                    outputFile: scratch + "/counter-\(index).out"))
        }
        for (index, worker) in workers.enumerated() {
            let termination = await worker.waitForExit()
            guard termination == .exited(0), worker.outputLines() == ["done \(increments)"] else {
                for other in workers { other.kill() }
                throw failure(
                    "worker \(index) \(termination) with output \(worker.outputLines()) and errors: "
                        + worker.errorOutput())
            }
        }
        let store: any KeyValueStore
        do {
            store = try openStore(storePath)
        } catch {
            throw failure("the store did not open after the workers finished", error)
        }
        let entry: KeyValueEntry?
        do {
            entry = try await store.get(StorageWorker.counterKey)
        } catch {
            throw failure("reading the counter failed", error)
        }
        let count = entry.flatMap { TestBytes.decode($0.value) }
        let expected = UInt64(Swift.max(1, processes) * increments)
        guard count == expected else {
            throw failure(
                "\(processes) processes × \(increments) increments left the counter at "
                    + "\(count.map(String.init) ?? "nothing"), expected \(expected) (lost updates across processes)")
        }
    }
}
