import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// Single-record corruption of a demo workspace: whatever one damaged or deleted record does to
/// the read commands, `store check` must flag it (exit 1) — never "status ok" on a workspace a
/// read command cannot read — and no command may crash or write.
///
/// By default a seeded sample of (key, damage) cases runs; `MLOPS_LONG_TESTS=1` damages every key —
/// each with one kind of damage, the kinds taken in turn so every kind meets every kind of record —
/// plus a seeded sample of 100 more (key, damage) pairs. (Every key with every damage grew to over
/// a thousand cases once the demo trained models and logged their iterations.)
@Suite(.serialized) struct CorruptionSweepTests {
    static let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"

    enum Damage: String, CaseIterable {
        case delete, empty, truncate, flipFirstByte, flipMiddleByte, garbage, appendByte
    }

    static func damaged(_ value: [UInt8], _ damage: Damage, _ random: inout SeededRandom) -> [UInt8]? {
        switch damage {
        case .delete: return nil
        case .empty: return []
        case .truncate: return Array(value.prefix(value.count / 2))
        case .flipFirstByte: return value.isEmpty ? [0xFF] : [value[0] ^ 0xA5] + value.dropFirst()
        case .flipMiddleByte:
            guard !value.isEmpty else { return [0x5A] }
            var copy = value
            copy[value.count / 2] ^= 0xFF
            return copy
        case .garbage: return (0..<Swift.max(8, value.count)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case .appendByte: return value + [0x7F]
        }
    }

    /// The read commands a user runs on a workspace, with the demo's run IDs.
    static func readCommands(_ path: String, runIDs: [String], exportTo: String) -> [[String]] {
        var commands: [[String]] = [
            ["experiments", "list", "--workspace", path],
            ["runs", "list", "--workspace", path, "--experiment", "demo-regression"],
            ["runs", "search", "metrics.rmse > 0", "--workspace", path, "--experiment", "demo-regression"],
            ["export", "mlflow", exportTo, "--workspace", path],
        ]
        for id in runIDs { commands.append(["runs", "show", id, "--workspace", path]) }
        if runIDs.count >= 2 { commands.append(["runs", "compare", runIDs[0], runIDs[1], "--workspace", path]) }
        return commands
    }

    @Test func storeCheckFlagsEveryCorruptionThatBreaksAReadCommand() async throws {
        let root = FileManager.default.temporaryDirectory.path + "/sweep-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let template = root + "/template"
        let demo = await runCLI(["demo", "--workspace", template, "--seed", "7"])
        try #require(demo.status == 0, "\(demo.err)")
        let (allKeys, runIDs) = try await Self.inventory(template)
        try #require(allKeys.count > 10)
        // Sanity: the untouched workspace passes every command.
        for command in Self.readCommands(template, runIDs: runIDs, exportTo: root + "/export-clean") {
            let result = await runCLI(command)
            try #require(result.status == 0, "\(command): \(result.err)")
        }
        // The monitoring step's records (thousands of logged predictions, its alerts) are read by
        // no command above: they are swept on their own below, so they do not crowd the sample.
        let isMonitoring = { (key: [UInt8]) in StorageKey.decodeStringParts(key, from: 0)?.first == "monitoring" }
        let monitoringKeys = allKeys.filter {
            isMonitoring($0) && StorageKey.decodeStringParts($0, from: 0)?.dropFirst().first == "rec"
        }
        let keys = allKeys.filter { !isMonitoring($0) }
        try #require(!monitoringKeys.isEmpty)
        var all: [(key: [UInt8], damage: Damage)] = []
        for key in keys { for damage in Damage.allCases { all.append((key, damage)) } }
        var random = SeededRandom(seed: 2_026_1207)
        var cases: [(key: [UInt8], damage: Damage)]
        if Self.long {
            let kinds = Damage.allCases
            cases = keys.enumerated().map { ($1, kinds[$0 % kinds.count]) }
            cases += (0..<100).map { _ in all[Int(random.next() % UInt64(all.count))] }
        } else {
            cases = (0..<40).map { _ in all[Int(random.next() % UInt64(all.count))] }
        }
        var broken = 0
        var flagged = 0
        for (index, testCase) in cases.enumerated() {
            let copy = root + "/case-\(index)"
            try FileManager.default.copyItem(atPath: template, toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            try await Self.apply(testCase.damage, to: testCase.key, in: copy, random: &random)
            let described = "\(StorageKey.describe(testCase.key)) \(testCase.damage)"
            var failing: [String] = []
            for command in Self.readCommands(copy, runIDs: runIDs, exportTo: copy + "-export") {
                let result = await runCLI(command)
                #expect([0, 1].contains(result.status), "\(described): \(command) exited \(result.status)")
                if result.status != 0 { failing.append(command.prefix(2).joined(separator: " ")) }
            }
            try? FileManager.default.removeItem(atPath: copy + "-export")
            let check = await runCLI(["store", "check", "--workspace", copy])
            if !failing.isEmpty {
                broken += 1
                #expect(
                    check.status == 1,
                    "\(described) breaks \(failing) but store check says: \(check.out.suffix(3)) \(check.err)")
            }
            if check.status == 1 { flagged += 1 }
        }
        // A damaged monitoring record (emptied, truncated or overwritten; a deletion leaves no
        // trace) is flagged.
        let monitoringCases = (0..<(Self.long ? 30 : 6)).map { index in
            (
                monitoringKeys[Int(random.next() % UInt64(monitoringKeys.count))],
                [Damage.empty, .truncate, .garbage][index % 3]
            )
        }
        for (index, testCase) in monitoringCases.enumerated() {
            let copy = root + "/monitoring-case-\(index)"
            try FileManager.default.copyItem(atPath: template, toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            try await Self.apply(testCase.1, to: testCase.0, in: copy, random: &random)
            let check = await runCLI(["store", "check", "--workspace", copy])
            #expect(
                check.status == 1,
                "\(StorageKey.describe(testCase.0)) \(testCase.1) is not flagged by store check: \(check.out.suffix(3))"
            )
        }
        print(
            "corruption sweep: \(cases.count) cases, \(broken) broke a read command, \(flagged) flagged by store check; "
                + "\(monitoringCases.count) damaged monitoring records")
        // The sweep must have exercised real damage, or it proves nothing.
        #expect(broken > 0)
    }

    /// Every metadata key of the workspace and the demo's run IDs.
    static func inventory(_ path: String) async throws -> (keys: [[UInt8]], runIDs: [String]) {
        let workspace = try Workspace.open(at: path, mode: .readOnly)
        let keys = try await workspace.metadata.scan(KeyScan(range: .all)).map(\.key)
        let runs = try await workspace.tracking.searchRuns().runs.map(\.info.runID)
        return (keys, runs)
    }

    static func apply(_ damage: Damage, to key: [UInt8], in path: String, random: inout SeededRandom) async throws {
        let store = try SQLiteKeyValueStore(path: path + "/" + Workspace.metadataFileName)
        defer { store.close() }
        let value = try await store.get(key)?.value ?? []
        if let new = damaged(value, damage, &random) {
            try await store.put(key, new)
        } else {
            try await store.delete(key)
        }
    }
}
