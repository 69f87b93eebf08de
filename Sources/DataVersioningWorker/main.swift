// The child process of DataVersioningTests' crash and multi-process tests: a data repository on a
// SQLite key-value store (<dir>/metadata.sqlite) and a FileBlobStore (<dir>/objects). Not a product;
// `swift build` builds it beside the test binary, where the tests find it.
//
//   DataVersioningWorker commit-loop <dir> <worker> [count]
//       commits generated data to branch w<worker>, one sequence number after another (continuing
//       after the branch's last commit); each iteration first commits data the next commit will
//       share to a scratch branch and deletes that branch, so that commits deduplicate against
//       unreachable chunks. Worker 0 stages with add and commits the staging area (HEAD names
//       w0); the others snapshot and commit the tree. Prints "<sequence> <commit id>" once the
//       commit call has returned. A commit that fails because a collection deleted data it
//       needed is retried.
//   DataVersioningWorker gc-loop <dir> [count]
//       collects garbage with a grace period of 0, again and again; prints "gc <n> <commits
//       deleted> <packs deleted> <packs rewritten>" after each collection.
//   DataVersioningWorker generate <out-dir> <worker> <sequence>...
//       writes what commit-loop commits for each sequence into <out-dir>/<sequence>/.
//   DataVersioningWorker commit-race <dir> <branch> <parent-id|none> <seed> <go-file>
//       snapshots data generated from <seed>, prints "ready", waits for <go-file> to exist, then
//       commits the snapshot to <branch> expecting <parent-id>; prints "won <id>" or
//       "conflict <id of the stored commit>".
//   DataVersioningWorker bench <dir> <MiB> <files>
//       times verify and garbage collection (build with -c release): commits <files> random files
//       of <MiB> in all (default chunking), verifies, commits new contents for half of them on a
//       branch and deletes it, then times a dry run, the collection and another verify (the best of
//       three verifications is printed).
//
// Acknowledgements go to standard output with one write(2) each (MLOpsTestKit's StorageWorker
// printLine), so they survive a SIGKILL right after; diagnostics go to standard error.
import DataVersioning
import Foundation
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage

let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String) -> Never {
    StorageWorker.printLine("DataVersioningWorker: \(message)", to: 2)
    Platform.exit(2)
}

/// Small chunks, so that the generated files are each several chunks.
let chunking: ChunkingParameters = {
    do {
        return try ChunkingParameters(minimumSize: 1 << 10, averageSize: 4 << 10, maximumSize: 16 << 10)
    } catch {
        fail("chunking parameters: \(error)")
    }
}()

func openRepository(_ directory: String) async throws -> DataRepository {
    try await DataRepository.open(
        metadata: try SQLiteKeyValueStore(path: directory + "/metadata.sqlite"),
        blobs: try FileBlobStore(root: directory + "/objects"),
        options: .init(chunking: chunking, parallelism: 2, defaultAuthor: "worker"))
}

/// The generated content: deterministic bytes per (worker, sequence).
enum Workload {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = random.next()
            for _ in 0..<8 where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return bytes
    }

    static func seed(_ worker: Int, _ sequence: Int, _ salt: UInt64) -> UInt64 {
        UInt64(truncatingIfNeeded: worker) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: sequence)
            &* 0xBF58_476D_1CE4_E5B9 ^ salt &* 0x94D0_49BB_1331_11EB
    }

    /// The file the scratch commit before sequence `sequence` shares with it.
    static func overlap(_ worker: Int, _ sequence: Int) -> [UInt8] { bytes(30_000, seed: seed(worker, sequence, 3)) }

    /// What commit `sequence` of `worker` holds.
    static func files(worker: Int, sequence: Int) -> [(String, [UInt8])] {
        [
            ("base.bin", bytes(40_000, seed: seed(worker, 0, 1))),
            ("seq.txt", Array("worker \(worker) sequence \(sequence)\n".utf8)),
            (
                "data/own-\(sequence % 3).bin",
                bytes(5_000 + (sequence * 7_919) % 50_000, seed: seed(worker, sequence, 2))
            ),
            ("data/overlap.bin", overlap(worker, sequence)),
            ("data/sub/deep.txt", Array(String(repeating: "\(worker).\(sequence) ", count: sequence % 7 + 1).utf8)),
        ]
    }

    /// What the scratch commit before sequence `sequence + 1` holds.
    static func scratch(worker: Int, sequence: Int) -> [(String, [UInt8])] {
        [("overlap.bin", overlap(worker, sequence + 1)), ("junk.bin", bytes(20_000, seed: seed(worker, sequence, 4)))]
    }

    /// Replaces the contents of `directory` with `files`.
    static func write(_ files: [(String, [UInt8])], into directory: String) throws {
        let manager = FileManager.default
        try? manager.removeItem(atPath: directory)
        for (path, bytes) in files {
            let url = URL(fileURLWithPath: directory + "/" + path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }
}

func integer(_ text: String, _ name: String) -> Int {
    guard let value = Int(text), value >= 0 else { fail("\(name) must be a non-negative integer: \(text)") }
    return value
}

func commitLoop(_ arguments: [String]) async throws {
    guard arguments.count == 2 || arguments.count == 3 else { fail("usage: commit-loop <dir> <worker> [count]") }
    let directory = arguments[0]
    let worker = integer(arguments[1], "worker")
    let count = arguments.count == 3 ? integer(arguments[2], "count") : Int.max
    let repository = try await openRepository(directory)
    let branch = "w\(worker)"
    let work = directory + "/work-\(worker)"
    let scratch = directory + "/scratch-\(worker)"
    if worker == 0 {
        // A staging area left by a killed run may be based on an old commit.
        try await repository.resetStage()
        try await repository.switchBranch(to: branch)
    }
    var sequence = 1
    if let head = try await repository.branchHead(branch),
        let last = try await repository.commit(head).metadata["sequence"].flatMap({ Int($0) })
    {
        sequence = last + 1
    }
    var done = 0
    while done < count {
        do {
            try Workload.write(Workload.scratch(worker: worker, sequence: sequence), into: scratch)
            let garbage = try await repository.snapshot(scratch)
            try await repository.commit(root: garbage.root, message: "scratch", branch: "scratch-\(worker)")
            try await repository.deleteRef("scratch-\(worker)", kind: .branch)

            try Workload.write(Workload.files(worker: worker, sequence: sequence), into: work)
            let metadata = ["sequence": String(sequence), "worker": String(worker)]
            let id: ObjectID
            if worker == 0 {
                try await repository.add(["."], relativeTo: work)
                guard let entry = try await repository.commitStaged(message: "sequence \(sequence)", metadata: metadata)
                else { fail("sequence \(sequence) staged nothing new") }
                id = entry.id
            } else {
                let head = try await repository.branchHead(branch)
                let snapshot = try await repository.snapshot(work)
                id = try await repository.commit(
                    root: snapshot.root, message: "sequence \(sequence)", branch: branch, metadata: metadata,
                    expectedParent: .some(head)
                ).id
            }
            StorageWorker.printLine("\(sequence) \(id)")
            sequence += 1
            done += 1
        } catch let error as MLOpsError where error.code == .conflict || error.code == .busy {
            // A collection deleted data this commit needed, or it waited too long: do it again.
            StorageWorker.printLine("retrying sequence \(sequence): \(error)", to: 2)
            if worker == 0 { try await repository.resetStage() }
        }
    }
}

func gcLoop(_ arguments: [String]) async throws {
    guard arguments.count == 1 || arguments.count == 2 else { fail("usage: gc-loop <dir> [count]") }
    let repository = try await openRepository(arguments[0])
    let count = arguments.count == 2 ? integer(arguments[1], "count") : Int.max
    var random = SystemRandomNumberGenerator()
    var done = 0
    while done < count {
        do {
            let report = try await repository.collectGarbage(gracePeriodMilliseconds: 0)
            StorageWorker.printLine("gc \(done) \(report.commits.count) \(report.packs.count) \(report.repacks.count)")
            done += 1
        } catch let error as MLOpsError where error.code == .busy {
            StorageWorker.printLine("gc busy: \(error)", to: 2)
        }
        try await Task.sleep(for: .milliseconds(Int.random(in: 20...120, using: &random)))
    }
}

func generate(_ arguments: [String]) throws {
    guard arguments.count >= 3 else { fail("usage: generate <out-dir> <worker> <sequence>...") }
    let worker = integer(arguments[1], "worker")
    for text in arguments.dropFirst(2) {
        let sequence = integer(text, "sequence")
        try Workload.write(Workload.files(worker: worker, sequence: sequence), into: arguments[0] + "/\(sequence)")
    }
}

func commitRace(_ arguments: [String]) async throws {
    guard arguments.count == 5 else { fail("usage: commit-race <dir> <branch> <parent-id|none> <seed> <go-file>") }
    let directory = arguments[0]
    let branch = arguments[1]
    let parent = arguments[2] == "none" ? nil : try ObjectID(parsing: arguments[2])
    let seed = UInt64(integer(arguments[3], "seed"))
    let goFile = arguments[4]
    let repository = try await openRepository(directory)
    let work = directory + "/race-\(seed)"
    try Workload.write(
        [("race.bin", Workload.bytes(25_000, seed: seed)), ("who.txt", Array("\(seed)".utf8))], into: work)
    let snapshot = try await repository.snapshot(work)
    StorageWorker.printLine("ready")
    while !FileManager.default.fileExists(atPath: goFile) { try await Task.sleep(for: .milliseconds(1)) }
    do {
        let entry = try await repository.commit(
            root: snapshot.root, message: "race \(seed)", branch: branch, expectedParent: .some(parent))
        StorageWorker.printLine("won \(entry.id)")
    } catch let error as MLOpsError where error.code == .conflict {
        StorageWorker.printLine("conflict \(error.value ?? "")")
    }
}

func bench(_ arguments: [String]) async throws {
    guard arguments.count == 3 else { fail("usage: bench <dir> <MiB> <files>") }
    let directory = arguments[0]
    let total = integer(arguments[1], "MiB") << 20
    let count = Swift.max(1, integer(arguments[2], "files"))
    let repository = try await DataRepository.open(
        metadata: try SQLiteKeyValueStore(path: directory + "/metadata.sqlite"),
        blobs: try FileBlobStore(root: directory + "/objects"), options: .init(defaultAuthor: "bench"))
    let clock = ContinuousClock()
    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    func files(salt: UInt64, only: Int? = nil) -> [(String, [UInt8])] {
        (0..<count).compactMap { index in
            if let only, index % 2 != only { return nil }
            return ("f\(index).bin", Workload.bytes(total / count, seed: salt &* 1_000_003 &+ UInt64(index)))
        }
    }
    let source = directory + "/source"
    try Workload.write(files(salt: 1), into: source)
    var elapsed = try await clock.measure { try await repository.add(["."], relativeTo: source) }
    _ = try await repository.commitStaged(message: "bench")
    print("add \(arguments[1]) MiB in \(count) files: \(seconds(elapsed)) s")
    var report = DataVerifyReport()
    // The best of three: the machine may be shared.
    elapsed = .seconds(1_000_000)
    for _ in 0..<3 { elapsed = min(elapsed, try await clock.measure { report = try await repository.verify() }) }
    print(
        "verify: \(report.chunks) chunks, \(report.bytesVerified) bytes in \(seconds(elapsed)) s "
            + "(\(Double(report.bytesVerified) / 1e6 / seconds(elapsed)) MB/s), healthy \(report.isHealthy)")

    let changed = directory + "/changed"
    try Workload.write(files(salt: 2, only: 0), into: changed)
    let snapshot = try await repository.snapshot(changed)
    try await repository.commit(root: snapshot.root, message: "scratch", branch: "scratch")
    try await repository.deleteRef("scratch", kind: .branch)
    let later = UInt64(Date().timeIntervalSince1970 * 1_000) + 60_000
    var collected = GarbageCollectionReport(dryRun: true, nowMilliseconds: 0, gracePeriodMilliseconds: 0)
    elapsed = try await clock.measure {
        collected = try await repository.collectGarbage(dryRun: true, gracePeriodMilliseconds: 0, now: later)
    }
    print("gc dry run: would free \(collected.bytesFreed) bytes in \(seconds(elapsed)) s")
    elapsed = try await clock.measure {
        collected = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: later)
    }
    print(
        "gc: \(collected.packs.count) packs deleted, \(collected.repacks.count) rewritten, "
            + "\(collected.packBytesFreed) pack bytes freed in \(seconds(elapsed)) s")
    elapsed = try await clock.measure {
        collected = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: later)
    }
    print("gc with nothing to delete: \(seconds(elapsed)) s")
    elapsed = try await clock.measure { report = try await repository.verify() }
    print("verify after gc: \(report.bytesVerified) bytes in \(seconds(elapsed)) s, healthy \(report.isHealthy)")

    // Half of every file of the first commit replaced on main, the first commit let go: every
    // old pack is about half dead and is rewritten.
    for (name, bytes) in files(salt: 3, only: 1) {
        try Data(bytes).write(to: URL(fileURLWithPath: source + "/" + name))
    }
    try await repository.add(["."], relativeTo: source)
    _ = try await repository.commitStaged(message: "half replaced")
    try await repository.setRetention(RetentionPolicy(keepCommits: 1), for: "main")
    elapsed = try await clock.measure {
        collected = try await repository.collectGarbage(gracePeriodMilliseconds: 0, now: later + 60_000)
    }
    print(
        "gc rewriting packs: \(collected.repacks.count) rewritten (\(collected.repacks.reduce(0) { $0 + $1.keptBytes }) "
            + "bytes copied), \(collected.packs.count) deleted, \(collected.packBytesFreed) pack bytes freed in "
            + "\(seconds(elapsed)) s")
    elapsed = try await clock.measure { report = try await repository.verify() }
    print("verify after rewriting: \(report.bytesVerified) bytes in \(seconds(elapsed)) s, healthy \(report.isHealthy)")
}

do {
    switch arguments.first {
    case "commit-loop": try await commitLoop(Array(arguments.dropFirst()))
    case "gc-loop": try await gcLoop(Array(arguments.dropFirst()))
    case "generate": try generate(Array(arguments.dropFirst()))
    case "commit-race": try await commitRace(Array(arguments.dropFirst()))
    case "bench": try await bench(Array(arguments.dropFirst()))
    default: fail("unknown command; expected commit-loop, gc-loop, generate, commit-race or bench")
    }
} catch {
    fail("\(error)")
}
