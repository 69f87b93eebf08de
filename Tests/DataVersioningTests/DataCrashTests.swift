import DataVersioning
import Foundation
import MLOpsCore
import MLOpsTestKit
import SQLiteStorage
import Testing

/// Processes committing to one repository and collecting its garbage — on one SQLite file and
/// one FileBlobStore — are killed with SIGKILL at random moments: afterwards `verify` finds
/// nothing wrong and every acknowledged commit checks out byte for byte as it was written.
///
/// The worker is the `DataVersioningWorker` executable, found beside the test binary (or at
/// `MLOPS_DATA_WORKER`). `MLOPS_LONG_TESTS=1` runs more kill rounds.
@Suite(.serialized)
struct DataCrashTests {
    static let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"

    private func worker() throws -> String {
        try WorkerProcess.locateExecutable(named: "DataVersioningWorker", environmentVariable: "MLOPS_DATA_WORKER")
    }

    private func openRepository(_ directory: String) async throws -> DataRepository {
        try await DataRepository.open(
            metadata: try SQLiteKeyValueStore(path: directory + "/metadata.sqlite"),
            blobs: try FileBlobStore(root: directory + "/objects"))
    }

    /// Every file below `directory`, by relative path.
    private func files(in directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = directory + "/" + path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[path] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return result
    }

    /// An acknowledged commit: who wrote it, its sequence and id.
    struct Acknowledged: Hashable {
        var worker: Int
        var sequence: Int
        var id: String
    }

    /// Checks out each acknowledged commit and compares it with the worker's data, regenerated.
    private func expectWhole(
        _ acknowledged: [Acknowledged], repository: DataRepository, scratch: String, label: String
    ) async throws {
        for (worker, commits) in Dictionary(grouping: acknowledged, by: \.worker) {
            let expected = scratch + "/expected-\(label)-\(worker)"
            let generator = try WorkerProcess.start(
                executable: try self.worker(),
                arguments: ["generate", expected, String(worker)] + commits.map { String($0.sequence) },
                outputFile: scratch + "/generate-\(label)-\(worker).out")
            #expect(await generator.waitForExit() == .exited(0), "\(generator.errorOutput())")
            for commit in commits {
                let id = try await repository.resolve(commit.id)
                #expect(id.description == commit.id)
                let out = scratch + "/out-\(label)-\(worker)-\(commit.sequence)"
                try await repository.checkout(commit.id, into: out)
                let got = try files(in: out)
                let want = try files(in: expected + "/\(commit.sequence)")
                #expect(!want.isEmpty)
                #expect(got == want, "worker \(worker) sequence \(commit.sequence) differs")
                try? FileManager.default.removeItem(atPath: out)
            }
            try? FileManager.default.removeItem(atPath: expected)
        }
    }

    @Test func sigkillDuringCommitsAndCollectionsKeepsEveryAcknowledgedCommitWhole() async throws {
        let scratch = try DataScratch()
        let directory = scratch.path + "/repository"
        let rounds = Self.long ? 40 : 6
        var random = SeededRandom(seed: 20_261_208)
        var acknowledged: [Acknowledged] = []
        var kills = 0
        var collections = 0
        for round in 0..<rounds {
            var started: [(name: String, worker: Int?, process: WorkerProcess, killAt: Int)] = []
            for worker in 0..<2 {
                let process = try WorkerProcess.start(
                    executable: try self.worker(), arguments: ["commit-loop", directory, String(worker)],
                    outputFile: scratch.path + "/commit-\(round)-\(worker).out")
                started.append(("commit worker \(worker)", worker, process, random.int(in: 150...900)))
            }
            let collector = try WorkerProcess.start(
                executable: try self.worker(), arguments: ["gc-loop", directory],
                outputFile: scratch.path + "/gc-\(round).out")
            started.append(("collector", nil, collector, random.int(in: 50...900)))

            let begin = ContinuousClock.now
            for entry in started.sorted(by: { $0.killAt < $1.killAt }) {
                try await Task.sleep(until: begin + .milliseconds(entry.killAt), clock: .continuous)
                // A committer lives until its first acknowledgement, so that every round does work.
                if entry.worker != nil {
                    let deadline = ContinuousClock.now + .seconds(60)
                    while entry.process.termination == nil, entry.process.outputLines().isEmpty,
                        ContinuousClock.now < deadline
                    {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                if entry.process.termination == nil { kills += 1 }
                entry.process.kill()
            }
            var fresh: [Acknowledged] = []
            for entry in started {
                let termination = await entry.process.waitForExit()
                #expect(
                    termination == .signalled(SIGKILL),
                    "round \(round): \(entry.name) \(termination) before it was killed: \(entry.process.errorOutput())")
                for line in entry.process.outputLines() {
                    let parts = line.split(separator: " ")
                    if let worker = entry.worker {
                        guard parts.count == 2, let sequence = Int(parts[0]) else {
                            Issue.record("round \(round): \(entry.name) printed \(line)")
                            continue
                        }
                        let previous = (acknowledged + fresh).last { $0.worker == worker }?.sequence ?? 0
                        #expect(sequence > previous, "round \(round): \(entry.name) acknowledged \(sequence) again")
                        fresh.append(Acknowledged(worker: worker, sequence: sequence, id: String(parts[1])))
                    } else if parts.first == "gc" {
                        collections += 1
                    }
                }
            }

            // Every committer got through, whatever lease a killed collector left behind.
            for worker in 0..<2 {
                #expect(fresh.contains { $0.worker == worker }, "round \(round): worker \(worker) acknowledged nothing")
            }
            let repository = try await openRepository(directory)
            let report = try await repository.verify()
            #expect(report.isHealthy, "round \(round): \(report.problems.map(\.description))")
            #expect(!report.overlappedCollection)
            try await expectWhole(fresh, repository: repository, scratch: scratch.path, label: "r\(round)")
            acknowledged += fresh
        }
        // The loop must have done real work, or it proves nothing.
        #expect(Set(acknowledged.map(\.worker)) == [0, 1])
        #expect(kills > 0)
        #expect(collections > 0)

        // After all the kills, a collection here leaves every acknowledged commit whole.
        let repository = try await openRepository(directory)
        let collected = try await repository.collectGarbage(gracePeriodMilliseconds: 0)
        let report = try await repository.verify()
        #expect(report.isHealthy, "\(report.problems.map(\.description))")
        #expect(report.packsWithoutIndex.isEmpty)
        try await expectWhole(acknowledged, repository: repository, scratch: scratch.path, label: "final")
        print(
            "data SIGKILL loop: \(rounds) rounds, \(kills) kills, \(acknowledged.count) acknowledged commits, "
                + "\(collections) collections acknowledged; final collection deleted \(collected.commits.count) "
                + "commits and \(collected.packs.count) packs")
    }

    @Test func twoProcessesCommittingOnOneParentOneWinsAndTheLosersCommitIsStored() async throws {
        for round in 0..<(Self.long ? 5 : 1) {
            let scratch = try DataScratch()
            let directory = scratch.path + "/repository"
            let repository = try await openRepository(directory)
            try FileManager.default.createDirectory(atPath: scratch.path + "/base", withIntermediateDirectories: true)
            try Data("base".utf8).write(to: URL(fileURLWithPath: scratch.path + "/base/base.txt"))
            let base = try await repository.snapshot(scratch.path + "/base")
            let parent = try await repository.commit(root: base.root, message: "parent", branch: "race")

            let goFile = scratch.path + "/go"
            let racers = try (0..<2).map { index in
                try WorkerProcess.start(
                    executable: try worker(),
                    arguments: ["commit-race", directory, "race", parent.id.description, String(100 + index), goFile],
                    outputFile: scratch.path + "/race-\(index).out")
            }
            for racer in racers {
                let deadline = ContinuousClock.now + .seconds(120)
                while racer.termination == nil, racer.outputLines().isEmpty, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(racer.outputLines() == ["ready"], "\(racer.errorOutput())")
            }
            #expect(FileManager.default.createFile(atPath: goFile, contents: nil))
            var outcomes: [String] = []
            for racer in racers {
                #expect(await racer.waitForExit() == .exited(0), "\(racer.errorOutput())")
                outcomes += racer.outputLines().dropFirst()
            }
            let winners = outcomes.filter { $0.hasPrefix("won ") }.map { String($0.dropFirst(4)) }
            let losers = outcomes.filter { $0.hasPrefix("conflict ") }.map { String($0.dropFirst(9)) }
            #expect(winners.count == 1 && losers.count == 1, "round \(round): \(outcomes)")
            let winner = try #require(winners.first)
            let loser = try #require(losers.first)
            #expect(try await repository.branchHead("race")?.description == winner)
            // The loser's commit is stored, with the same parent, and can be attached.
            let lost = try await repository.commit(try await repository.resolve(loser))
            #expect(lost.parents == [parent.id])
            #expect(loser != winner)
            try await repository.setBranch("race-loser", to: try ObjectID(parsing: loser), expecting: nil)
            #expect(try await repository.verify().isHealthy)
        }
    }
}

/// A temporary directory removed when the value is released.
final class DataScratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("dv-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
