import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// A workspace on read-only media (a read-only tmpfs mount) can be listed and checked; only
/// writes fail, with a clear error. Needs root and permission to mount (CI has both); skipped
/// elsewhere, since a read-only directory does not stop root and cannot prove anything.
@Suite(.serialized, .enabled(if: ReadOnlyMedia.canMount()))
struct ReadOnlyMediaTests {
    typealias Media = ReadOnlyMedia
    @Test func aWorkspaceOnReadOnlyMediaCanBeListedAndChecked() async throws {
        let mountPoint = FileManager.default.temporaryDirectory.path + "/ro-media-\(SortableID())"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        try #require(Media.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mountPoint]) == 0)
        defer { _ = Media.run(["umount", mountPoint]) }
        let path = mountPoint + "/ws"
        let demo = await runCLI(["demo", "--workspace", path])
        try #require(demo.status == 0, "\(demo.err)")
        try #require(Media.run(["mount", "-o", "remount,ro", mountPoint]) == 0)

        let check = await runCLI(["store", "check", "--workspace", path])
        #expect(check.status == 0, "\(check.out) \(check.err)")
        #expect(check.out.contains { $0.contains("status") && $0.contains("ok") })
        let list = await runCLI(["runs", "list", "--workspace", path])
        #expect(list.status == 0, "\(list.err)")
        #expect(list.out.count >= 5)
        let experiments = await runCLI(["experiments", "list", "--workspace", path])
        #expect(experiments.status == 0, "\(experiments.err)")
        // Writes fail with an error, not a crash; nothing on the media changed.
        let write = await runCLI(["demo", "--workspace", path])
        #expect(write.status == 1)
        #expect(!write.err.isEmpty)
    }
}

/// Mounting helpers for ``ReadOnlyMediaTests``.
enum ReadOnlyMedia {
    static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func canMount() -> Bool {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.path + "/mount-probe-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil,
            run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]) == 0
        else { return false }
        _ = run(["umount", probe])
        return true
    }
}
