import Foundation
public import MLOpsCore

/// The crash-recovery proof: writer processes append to a key-value store and
/// a blob store, are killed with `SIGKILL` at random moments, round after
/// round, and after every few rounds the stores are reopened and checked.
///
/// Workers run ``StorageWorker``'s `kv-append` and `blob-append` commands; the
/// checks are ``AppendLog/verifyKeyValueLog(_:workers:acknowledged:)`` and
/// ``AppendLog/verifyBlobLog(_:workers:acknowledged:)``: every acknowledged
/// record is present with the right bytes, each worker's records are gapless
/// (an interrupted commit either happened entirely or not at all), and no
/// blob is partially visible.
///
/// ```swift
/// let report = try await CrashLoop(workerExecutable: exe).run(
///     keyValuePath: dir + "/metadata.sqlite", blobRoot: dir + "/objects",
///     openKeyValueStore: { try SQLiteKeyValueStore(path: $0) }, openBlobStore: { try FileBlobStore(root: $0) })
/// ```
///
/// Kill moments come from ``Configuration/seed``; process scheduling still
/// varies, so two runs kill at the same times but not at the same instructions.
/// A worker that has never acknowledged a record is not killed before its
/// first acknowledgement (waiting up to 10 s), so every run makes progress
/// even on a loaded machine.
public struct CrashLoop: Sendable {
    /// Rounds, workers and timing.
    public struct Configuration: Sendable {
        /// Kill rounds.
        public var rounds: Int = 10
        /// Processes appending to the key-value store each round.
        public var keyValueWorkers: Int = 2
        /// Processes appending to the blob store each round.
        public var blobWorkers: Int = 1
        /// Each process is killed this many milliseconds after it starts (drawn per process).
        public var killAfterMilliseconds: ClosedRange<Int> = 20...200
        /// Seeds the kill moments.
        public var seed: UInt64 = 1
        /// Reopen and verify the stores after every this many rounds (and always after the last).
        public var verifyEvery: Int = 1

        /// The default configuration.
        public init() {}
    }

    /// What a run did.
    public struct Report: Sendable, CustomStringConvertible {
        /// Rounds run.
        public var rounds = 0
        /// Processes killed while still running.
        public var kills = 0
        /// Acknowledged records, per key-value worker.
        public var keyValueAcknowledged: [Int: Int] = [:]
        /// Records stored at the end, per key-value worker.
        public var keyValueStored: [Int: Int] = [:]
        /// Acknowledged blobs, per blob worker.
        public var blobAcknowledged: [Int: Int] = [:]
        /// Blobs stored at the end, per blob worker.
        public var blobStored: [Int: Int] = [:]

        /// An empty report.
        public init() {}

        /// The totals, on one line.
        public var description: String {
            func total(_ counts: [Int: Int]) -> Int { counts.values.reduce(0, +) }
            return "\(rounds) rounds, \(kills) kills; key-value records acknowledged \(total(keyValueAcknowledged)), "
                + "stored \(total(keyValueStored)); blobs acknowledged \(total(blobAcknowledged)), "
                + "stored \(total(blobStored))"
        }
    }

    /// The worker executable (built with ``StorageWorker``).
    public let workerExecutable: String
    /// Rounds, workers and timing.
    public var configuration: Configuration

    /// Creates the loop.
    public init(workerExecutable: String, configuration: Configuration = Configuration()) {
        self.workerExecutable = workerExecutable
        self.configuration = configuration
    }

    /// Runs the rounds and the checks.
    ///
    /// - Parameters:
    ///   - keyValuePath: The key-value store's location, or `nil` for no key-value workers.
    ///   - blobRoot: The blob store's location, or `nil` for no blob workers.
    ///   - openKeyValueStore: Opens the key-value store in this process for verification.
    ///   - openBlobStore: Opens the blob store in this process for verification.
    /// - Throws: ``ConformanceFailure`` (suite `CrashLoop`) naming the round and the problem.
    @discardableResult
    public func run(
        keyValuePath: String?,
        blobRoot: String?,
        openKeyValueStore: @Sendable (String) throws -> any KeyValueStore,
        openBlobStore: @Sendable (String) throws -> any BlobStore
    ) async throws -> Report {
        let scratch = try Self.makeScratchDirectory("crash")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var generator = SeededRandom(seed: configuration.seed)
        var report = Report()
        var keyValueAcks: [Int: [Int]] = [:]
        var blobAcks: [Int: [Int]] = [:]
        let kvWorkers = keyValuePath == nil ? [] : Array(0..<configuration.keyValueWorkers)
        let blobWorkers = blobRoot == nil ? [] : Array(0..<configuration.blobWorkers)

        for round in 1...Swift.max(1, configuration.rounds) {
            func failure(_ message: String, _ underlying: (any Error)? = nil) -> ConformanceFailure {
                ConformanceFailure(
                    suite: "CrashLoop", check: "round \(round)", message: message, underlying: underlying)
            }
            var started: [(kind: String, worker: Int, process: WorkerProcess, killAt: Int)] = []
            for worker in kvWorkers {
                let process = try WorkerProcess.start(
                    executable: workerExecutable, arguments: ["kv-append", keyValuePath ?? "", String(worker)],
                    outputFile: scratch + "/kv-\(worker)-\(round).out")
                started.append(("kv", worker, process, generator.int(in: configuration.killAfterMilliseconds)))
            }
            for worker in blobWorkers {
                let process = try WorkerProcess.start(
                    executable: workerExecutable, arguments: ["blob-append", blobRoot ?? "", String(worker)],
                    outputFile: scratch + "/blob-\(worker)-\(round).out")
                started.append(("blob", worker, process, generator.int(in: configuration.killAfterMilliseconds)))
            }
            let begin = ContinuousClock.now
            for entry in started.sorted(by: { $0.killAt < $1.killAt }) {
                try await Task.sleep(until: begin + .milliseconds(entry.killAt), clock: .continuous)
                // A worker that has never acknowledged anything (a slow start on a loaded
                // machine) lives until its first acknowledgement, so that every run does work.
                let acknowledgedBefore = entry.kind == "kv" ? keyValueAcks[entry.worker] : blobAcks[entry.worker]
                if acknowledgedBefore?.isEmpty ?? true {
                    let deadline = ContinuousClock.now + .seconds(10)
                    while entry.process.termination == nil, entry.process.outputLines().isEmpty,
                        ContinuousClock.now < deadline
                    {
                        try await Task.sleep(for: .milliseconds(2))
                    }
                }
                if entry.process.termination == nil { report.kills += 1 }
                entry.process.kill()
            }
            for entry in started {
                let termination = await entry.process.waitForExit()
                let lines = entry.process.outputLines()
                if termination != .signalled(SIGKILL) {
                    throw failure(
                        "\(entry.kind) worker \(entry.worker) \(termination) before it was killed; errors: "
                            + entry.process.errorOutput())
                }
                let acks = lines.compactMap(Int.init)
                if acks.count != lines.count {
                    throw failure(
                        "\(entry.kind) worker \(entry.worker) printed a line that is not a sequence: \(lines)")
                }
                var all =
                    entry.kind == "kv" ? keyValueAcks[entry.worker, default: []] : blobAcks[entry.worker, default: []]
                // Within a round acknowledgements are consecutive; across rounds they only
                // increase (records committed but not acknowledged before a kill are skipped).
                for (index, ack) in acks.enumerated() {
                    let previous = all.last ?? 0
                    if index == 0 ? ack <= previous : ack != previous + 1 {
                        throw failure(
                            "\(entry.kind) worker \(entry.worker) acknowledged \(ack) after \(previous): a sequence "
                                + "was repeated or skipped, so a stored record was lost or duplicated")
                    }
                    all.append(ack)
                }
                if entry.kind == "kv" { keyValueAcks[entry.worker] = all } else { blobAcks[entry.worker] = all }
            }
            report.rounds = round

            if round % Swift.max(1, configuration.verifyEvery) == 0 || round == configuration.rounds {
                do {
                    if let keyValuePath {
                        let store = try openKeyValueStore(keyValuePath)
                        report.keyValueStored = try await AppendLog.verifyKeyValueLog(
                            store, workers: kvWorkers, acknowledged: keyValueAcks)
                    }
                    if let blobRoot {
                        let store = try openBlobStore(blobRoot)
                        report.blobStored = try await AppendLog.verifyBlobLog(
                            store, workers: blobWorkers, acknowledged: blobAcks)
                    }
                } catch var caught as ConformanceFailure {
                    caught.suite = "CrashLoop"
                    caught.check = "round \(round)"
                    throw caught
                } catch {
                    throw failure("reopening or reading the stores failed after the kills", error)
                }
            }
        }
        report.keyValueAcknowledged = keyValueAcks.mapValues(\.count)
        report.blobAcknowledged = blobAcks.mapValues(\.count)
        return report
    }

    /// Creates a new private directory under the system's temporary directory.
    static func makeScratchDirectory(_ label: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("mlops-testkit-\(label)-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw MLOpsError(.ioError, "cannot create a scratch directory: \(error)", value: path)
        }
        return path
    }
}
