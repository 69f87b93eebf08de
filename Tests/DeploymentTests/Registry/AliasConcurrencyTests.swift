import Deployment
import Foundation
import MLOpsCore
import SQLiteStorage
import Testing

/// Concurrent alias moves: with an expected target (compare-and-swap) exactly one writer per
/// round wins and the others get `conflict`; without one, every move applies. Either way the
/// audit log holds exactly the moves that were made.
@Suite struct AliasConcurrencyTests {
    enum Outcome: Sendable, Equatable {
        case won(Int)
        case conflict
        case other(String)
    }

    /// One round: every registry in `writers` (cycled) tries to move `champion` from `current` to
    /// its own version at once.
    static func race(_ writers: [ModelRegistry], tasks: Int, from current: Int, versions: [Int]) async -> [Outcome] {
        await withTaskGroup(of: Outcome.self) { group in
            for task in 0..<tasks {
                let registry = writers[task % writers.count]
                let target = versions[task]
                group.addTask {
                    do {
                        try await registry.setAlias(
                            "churn", "champion", version: target, expecting: .version(current), actor: "writer-\(task)")
                        return .won(target)
                    } catch let error as MLOpsError where error.code == .conflict {
                        return .conflict
                    } catch {
                        return .other("\(error)")
                    }
                }
            }
            var outcomes: [Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    /// Runs `rounds` rounds of `tasks` racing writers and checks the winners against the log.
    static func checkRounds(_ writers: [ModelRegistry], rounds: Int, tasks: Int) async throws {
        let registry = writers[0]
        let versionCount = try await registry.registeredModel("churn").latestVersion
        try await registry.setAlias("churn", "champion", version: 1, expecting: .unset)
        var current = 1
        var winners: [Int] = []
        for round in 0..<rounds {
            // Every task aims at a different version, none the current one.
            let others = (1...versionCount).filter { $0 != current }
            let versions = (0..<tasks).map { others[(round + $0) % others.count] }
            let outcomes = await race(writers, tasks: tasks, from: current, versions: versions)
            let won = outcomes.compactMap { if case .won(let version) = $0 { version } else { nil } }
            #expect(won.count == 1, "round \(round): \(outcomes)")
            #expect(outcomes.filter { $0 == .conflict }.count == tasks - 1, "round \(round): \(outcomes)")
            guard let winner = won.first else { return }
            #expect(try await registry.version(of: "churn", alias: "champion") == winner)
            winners.append(winner)
            current = winner
        }
        let moves = try await registry.auditLog(of: "churn").filter { $0.alias == "champion" }
        #expect(moves.first?.kind == .aliasSet)
        #expect(moves.dropFirst().map(\.version) == winners)
        #expect(moves.dropFirst().allSatisfy { $0.kind == .aliasMoved })
        #expect(Array(moves.dropFirst().map(\.previousVersion)) == ([1] + winners.dropLast()).map { Optional($0) })
        #expect(try await registry.check().isHealthy)
    }

    @Test func racingTasksOnOneStoreHaveOneWinnerPerRound() async throws {
        let registry = try await RegistryFixtures.populated(9)
        try await Self.checkRounds([registry], rounds: 10, tasks: 8)
    }

    @Test func twoConnectionsToOneSQLiteFileBehaveLikeTwoProcesses() async throws {
        let directory = "/tmp/mlops-registry-race-\(SortableID())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let blobs = try FileBlobStore(root: directory + "/objects")
        let first = try SQLiteKeyValueStore(path: directory + "/metadata.sqlite")
        let second = try SQLiteKeyValueStore(path: directory + "/metadata.sqlite")
        let one = try await RegistryFixtures.registry(metadata: first, blobs: blobs)
        let two = try await RegistryFixtures.registry(metadata: second, blobs: blobs)
        _ = try await RegistryFixtures.populated(6, registry: one)
        #expect(try await two.registeredModel("churn").latestVersion == 6)
        try await Self.checkRounds([one, two], rounds: 6, tasks: 4)
    }

    @Test func movesWithoutAnExpectationAllApplyAndAreAllRecorded() async throws {
        let registry = try await RegistryFixtures.populated(9)
        try await registry.setAlias("churn", "champion", version: 1)
        await withTaskGroup(of: Void.self) { group in
            for version in 2...9 {
                group.addTask { _ = try? await registry.setAlias("churn", "champion", version: version) }
            }
        }
        let moves = try await registry.auditLog(of: "churn").filter { $0.kind == .aliasMoved }
        #expect(moves.count == 8)
        #expect(Set(moves.compactMap(\.version)) == Set(2...9))
        // Each move starts where the one before it ended: none was lost or overwritten.
        for (before, after) in zip(moves, moves.dropFirst()) { #expect(after.previousVersion == before.version) }
        #expect(try await registry.version(of: "churn", alias: "champion") == moves.last?.version)
    }

    @Test func concurrentRegistrationsGetDistinctConsecutiveNumbers() async throws {
        let registry = try await RegistryFixtures.registry()
        let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await registry.register(try RegistryFixtures.linear([Float(index)]), name: "m").version
                }
            }
            var numbers: [Int] = []
            for try await number in group { numbers.append(number) }
            return numbers
        }
        #expect(numbers.sorted() == Array(1...12))
        let log = try await registry.auditLog(of: "m")
        #expect(log.filter { $0.kind == .modelCreated }.count == 1)
        #expect(log.filter { $0.kind == .versionRegistered }.map(\.version) == (1...12).map { Optional($0) })
    }
}
