import DataVersioning
import Deployment
import MLOpsCore

/// What ``Workspace/check()`` found.
public struct WorkspaceCheckReport: Sendable {
    /// Keys in the metadata store.
    public var metadataKeys = 0
    /// Objects in the blob store.
    public var objects = 0
    /// Objects whose content was verified against a digest (data objects by their key,
    /// dataset chunks by their id, artifacts by the digest recorded when they were logged).
    public var verifiedObjects = 0
    /// What each module's own check found, in the order they ran.
    public var components: [StoreCheckReport] = []
    /// Everything wrong, one sentence each; empty when the workspace is sound.
    public var problems: [String] = []

    /// Whether nothing is wrong.
    public var isHealthy: Bool { problems.isEmpty }

    mutating func add(_ component: StoreCheckReport) {
        components.append(component)
        verifiedObjects += component.objectsVerified
        problems += component.problems.map(\.description)
    }
}

extension Workspace {
    /// Verifies the workspace: the backends' own integrity checks (SQLite's
    /// `integrity_check` for the default workspace), that every record key can be read, then
    /// each module's check of its own records — ExperimentTracking follows every reference and
    /// hashes every artifact against its recorded digest; DataVersioning hashes every
    /// content-addressed object against its key, and verifies the data repository (every
    /// commit, tree and chunk list its refs and staging area reach, every chunk re-hashed from
    /// its pack: `DataRepository.verify`); the model registry hashes every registered package
    /// against its recorded SHA-256 (`ModelRegistry.check`); Monitoring decodes every alert and
    /// logged prediction (`MonitoringStore.check`) — and finally that every other object can be
    /// read in full.
    ///
    /// Reading never repairs anything and writes nothing; a problem is reported, not fixed.
    ///
    /// - Throws: Only when a store cannot be read at all.
    public func check() async throws -> WorkspaceCheckReport {
        var report = WorkspaceCheckReport()
        for (name, store) in [("metadata", metadata as any Sendable), ("objects", objects as any Sendable)] {
            guard let backend = store as? any StoreIntegrityChecking else { continue }
            do {
                let messages = try await backend.integrityProblems()
                report.problems += messages.map { "\(name) store: \($0)" }
            } catch let error as MLOpsError {
                report.problems.append("\(name) store: the integrity check could not run: \(error.message)")
            }
        }
        var range = KeyRange.all
        while true {
            let page = try await metadata.scan(KeyScan(range: range, limit: 1_000))
            report.metadataKeys += page.count
            guard let last = page.last, page.count == 1_000 else { break }
            range = range.after(last.key)
        }
        let tracker =
            modules.openedTracker
            ?? ExperimentTracker(
                metadata: metadata, artifacts: objects, options: .init(captureEnvironment: false))
        report.add(try await tracker.check())
        report.add(try await contentObjects.check())
        let repository =
            try modules.openedData ?? DataRepository.reading(metadata: metadata, blobs: objects)
        report.add(try await repository.check())
        let registry = try modules.openedRegistry ?? ModelRegistry.reading(metadata: metadata, blobs: objects)
        report.add(try await registry.check())
        let monitoring = try modules.openedMonitoring ?? MonitoringStore.reading(metadata: metadata)
        report.add(try await monitoring.check())
        var others = StoreCheckReport(component: "objects")
        for key in try await objects.list(prefix: "") {
            report.objects += 1
            let segments = key.segments
            if segments.first == "sha256" { continue }
            // Packs are read by the repository's verification (the chunks anything needs).
            if segments.count == 3, segments[0] == "data", segments[1] == "packs" { continue }
            if segments.count >= 4, segments[0] == "runs", segments[2] == "artifacts" { continue }
            // Registered packages are hashed by the registry's check.
            if segments.count == 4, segments[0] == "registry", segments[1] == "packages" { continue }
            do {
                let reader = try await objects.openReader(key)
                while try await !reader.read(upTo: 1 << 20).isEmpty {}
                try await reader.close()
            } catch let error as MLOpsError {
                others.problem(at: "object \(key)", "the object cannot be read: \(error.message)")
            }
        }
        report.add(others)
        return report
    }
}
