// Foundation (not FoundationEssentials): `FileManager` walks directories to upload.
import Foundation
import MLOpsCore

extension ExperimentTracker {
    /// The blob key of an artifact, validated: `path` must be a relative
    /// `/`-separated path without `.`/`..` segments, backslashes, `%`, `:` or
    /// control characters (``MLOpsCore/BlobKey``'s rules).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` quoting the path.
    func artifactKey(runID: String, path: String) throws -> BlobKey {
        guard !path.isEmpty else {
            throw MLOpsError(.invalidArgument, "an artifact path must not be empty", value: path)
        }
        do {
            _ = try SortableID(parsing: runID)
            return try BlobKey(TrackingKeys.artifactRoot(runID: runID) + "/" + path)
        } catch let error as MLOpsError {
            throw MLOpsError(
                .invalidArgument, "invalid artifact path for run \(runID): \(error.message)", value: path)
        }
    }

    /// Stores `data` as the artifact `path` of a run. Durable when it returns.
    ///
    /// - Throws: `invalidArgument` for a bad path (traversal attempts included);
    ///   `conflict` if the artifact exists with other bytes (artifacts are immutable).
    public func logArtifact(runID: String, path: String, data: [UInt8]) async throws {
        let key = try artifactKey(runID: runID, path: path)
        // The bytes first, then the record of their digest: a record never names missing bytes.
        try await artifacts.put(key, data: data)
        let record = ArtifactRecord(
            runID: runID, path: path, size: data.count, sha256: SHA256.hash(data).hexString)
        try await records.save(record)
    }

    /// Uploads a local file as an artifact (`path` defaults to the file's name).
    public func logArtifact(runID: String, file: String, as path: String? = nil) async throws {
        let name = path ?? URL(fileURLWithPath: file).lastPathComponent
        _ = try artifactKey(runID: runID, path: name)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw MLOpsError(.notFound, "cannot read the file to upload as an artifact", value: file)
        }
        try await logArtifact(runID: runID, path: name, data: Array(data))
    }

    /// Uploads every file below a local directory, keeping relative paths,
    /// under `path` (default: the artifact root).
    ///
    /// - Returns: The artifact paths written, sorted.
    @discardableResult
    public func logArtifacts(runID: String, directory: String, as path: String? = nil) async throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MLOpsError(.notFound, "the artifact directory does not exist", value: directory)
        }
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw MLOpsError(.ioError, "cannot list the artifact directory", value: directory)
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDir), !isDir.boolValue
            {
                files.append(relative)
            }
        }
        var written: [String] = []
        for relative in files.sorted() {
            let target = path.map { $0 + "/" + relative } ?? relative
            try await logArtifact(runID: runID, file: directory + "/" + relative, as: target)
            written.append(target)
        }
        return written
    }

    /// The artifacts directly below `path` (default: the root) — files with
    /// their sizes, and directories — sorted by path, as MLflow's `list_artifacts`.
    public func listArtifacts(runID: String, path: String? = nil) async throws -> [ArtifactInfo] {
        let root = TrackingKeys.artifactRoot(runID: runID)
        let base = try path.map { try artifactKey(runID: runID, path: $0).rawValue } ?? root
        let keys = try await artifacts.list(prefix: base)
        var entries: [String: ArtifactInfo] = [:]
        let below = base + "/"
        for key in keys where key.rawValue.hasPrefix(below) {
            let rest = key.rawValue.dropFirst(below.count)
            let relativeBase = String(base.dropFirst(root.count)).drop { $0 == "/" }
            let prefix = relativeBase.isEmpty ? "" : relativeBase + "/"
            if let slash = rest.firstIndex(of: "/") {
                let directory = prefix + rest[..<slash]
                entries[directory] = ArtifactInfo(path: directory, isDirectory: true, size: nil)
            } else {
                let file = prefix + rest
                let reader = try await artifacts.openReader(key)
                let size = reader.size
                try await reader.close()
                entries[file] = ArtifactInfo(path: file, isDirectory: false, size: size)
            }
        }
        return entries.values.sorted { $0.path < $1.path }
    }

    /// Every artifact file of a run, recursively, with sizes, sorted by path.
    public func allArtifacts(runID: String) async throws -> [ArtifactInfo] {
        let root = TrackingKeys.artifactRoot(runID: runID)
        var result: [ArtifactInfo] = []
        for key in try await artifacts.list(prefix: root) where key.rawValue.hasPrefix(root + "/") {
            let reader = try await artifacts.openReader(key)
            let size = reader.size
            try await reader.close()
            result.append(
                ArtifactInfo(path: String(key.rawValue.dropFirst(root.count + 1)), isDirectory: false, size: size))
        }
        return result
    }

    /// The bytes of a run's artifact.
    ///
    /// - Throws: `notFound` for a missing artifact; `invalidArgument` for a bad path.
    public func readArtifact(runID: String, path: String) async throws -> [UInt8] {
        try await artifacts.get(try artifactKey(runID: runID, path: path))
    }
}

extension RunHandle {
    /// Stores `data` as the artifact `path` of this run (durable when it returns).
    ///
    /// - Throws: `invalidArgument` for a path that could escape the run's
    ///   artifact root (`..`, a leading `/`, `\`, `%`…) or is otherwise invalid.
    public func logArtifact(path: String, data: [UInt8]) async throws {
        try await tracker.logArtifact(runID: runID, path: path, data: data)
    }

    /// Uploads a local file as an artifact of this run (`path` defaults to its name).
    public func logArtifact(file: String, as path: String? = nil) async throws {
        try await tracker.logArtifact(runID: runID, file: file, as: path)
    }

    /// Uploads every file below a local directory as artifacts of this run.
    @discardableResult
    public func logArtifacts(directory: String, as path: String? = nil) async throws -> [String] {
        try await tracker.logArtifacts(runID: runID, directory: directory, as: path)
    }
}
