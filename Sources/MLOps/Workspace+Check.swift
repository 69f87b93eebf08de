import MLOpsCore
import SQLiteStorage

/// What ``Workspace/check()`` found.
public struct WorkspaceCheckReport: Sendable {
    /// Keys in the metadata store.
    public var metadataKeys = 0
    /// Objects in the blob store.
    public var objects = 0
    /// Objects whose content hash was recomputed and matched.
    public var verifiedObjects = 0
    /// Everything wrong, one sentence each; empty when the workspace is sound.
    public var problems: [String] = []

    /// Whether nothing is wrong.
    public var isHealthy: Bool { problems.isEmpty }
}

extension Workspace {
    /// Verifies the workspace: the metadata database's own integrity check,
    /// that every record can be read back, and that every content-addressed
    /// object still hashes to its key.
    ///
    /// Reading never repairs anything; a problem is reported, not fixed.
    public func check() async throws -> WorkspaceCheckReport {
        var report = WorkspaceCheckReport()
        if let sqlite = metadata as? SQLiteKeyValueStore {
            let messages = try sqlite.checkIntegrity()
            if messages != ["ok"] {
                report.problems += messages.map { "metadata database: \($0)" }
            }
        }
        var range = KeyRange.all
        while true {
            let page = try await metadata.scan(KeyScan(range: range, limit: 1_000))
            report.metadataKeys += page.count
            guard let last = page.last, page.count == 1_000 else { break }
            range = range.after(last.key)
        }
        for key in try await objects.list(prefix: "") {
            report.objects += 1
            do {
                let reader = try await objects.openReader(key)
                while try await !reader.read(upTo: 1 << 20).isEmpty {}
                try await reader.close()
                if key.segments.contains("sha256") { report.verifiedObjects += 1 }
            } catch let error as MLOpsError {
                report.problems.append("object \(key): \(error.message)")
            }
        }
        return report
    }
}
