#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore
import SQLiteStorage

/// The default wiring of swift-mlops: one directory that holds a workspace's
/// metadata and objects, with nothing to install or start.
///
/// ```
/// <dir>/metadata.sqlite   KeyValueStore (SQLite, WAL): experiments, runs, versions, registry…
/// <dir>/objects/          BlobStore (files): datasets, artifacts, model packages
/// ```
///
/// ```swift
/// let workspace = try Workspace.open(at: ".mlops")
/// try await workspace.metadata.put(Array("hello".utf8), Array("world".utf8))
/// ```
///
/// Many processes may open the same directory at once; the SQLite store and
/// the file blob store are both safe for concurrent writers. Hosts that want
/// other storage build a `Workspace` from their own stores with
/// ``init(metadata:objects:location:)``.
public struct Workspace: Sendable {
    /// Records: experiments, runs, params, metrics, dataset versions, registry entries.
    public let metadata: any KeyValueStore
    /// Bytes: datasets, artifacts, model packages.
    public let objects: any BlobStore
    /// The directory the workspace lives in, or `nil` for one built from other stores.
    public let location: String?
    /// The module stores opened so far (see `Workspace+Modules.swift`).
    let modules = WorkspaceModules()

    /// The file name of the metadata database inside a workspace directory.
    public static let metadataFileName = "metadata.sqlite"
    /// The folder name of the object store inside a workspace directory.
    public static let objectsDirectoryName = "objects"

    /// Wraps stores of the host's choosing.
    public init(metadata: any KeyValueStore, objects: any BlobStore, location: String? = nil) {
        self.metadata = metadata
        self.objects = objects
        self.location = location
    }

    /// Opens the workspace in `directory`, creating it (mode `0700`) if needed.
    ///
    /// - Throws: `MLOpsError` if the directory cannot be created or the
    ///   metadata file is not a valid store.
    public static func open(at directory: String) throws -> Workspace {
        try FileSystem.makeDirectories(directory)
        let metadata = try SQLiteKeyValueStore(path: directory + "/" + metadataFileName)
        let objects = try FileBlobStore(root: directory + "/" + objectsDirectoryName)
        return Workspace(metadata: metadata, objects: objects, location: directory)
    }

    /// A workspace that lives only in memory, for tests and throwaway work.
    public static func inMemory() -> Workspace {
        Workspace(metadata: InMemoryKeyValueStore(), objects: InMemoryBlobStore())
    }
}
