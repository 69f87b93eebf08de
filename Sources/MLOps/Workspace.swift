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
///
/// // A command that only reads fails on a mistyped path instead of creating a workspace:
/// let existing = try Workspace.open(at: ".mlops", mode: .readOnly)
/// ```
///
/// Many processes may open the same directory at once; the SQLite store and
/// the file blob store are both safe for concurrent writers. Hosts that want
/// other storage build a `Workspace` from their own stores with
/// ``init(metadata:objects:location:readOnly:)``.
public struct Workspace: Sendable {
    /// Records: experiments, runs, params, metrics, dataset versions, registry entries.
    public let metadata: any KeyValueStore
    /// Bytes: datasets, artifacts, model packages.
    public let objects: any BlobStore
    /// The directory the workspace lives in, or `nil` for one built from other stores.
    public let location: String?
    /// The module stores opened so far (see `Workspace+Modules.swift`).
    let modules = WorkspaceModules()
    /// Whether the workspace was opened read-only (``OpenMode/readOnly``): every write fails.
    public let isReadOnly: Bool

    /// The file name of the metadata database inside a workspace directory.
    public static let metadataFileName = "metadata.sqlite"
    /// The folder name of the object store inside a workspace directory.
    public static let objectsDirectoryName = "objects"

    /// Wraps stores of the host's choosing.
    ///
    /// - Parameters:
    ///   - metadata: The store for records.
    ///   - objects: The store for bytes.
    ///   - location: The directory the stores live in, if any (for messages).
    ///   - readOnly: Whether the stores refuse writes; the workspace then opens its modules
    ///     without claiming namespaces (which would write), and only reads work.
    public init(metadata: any KeyValueStore, objects: any BlobStore, location: String? = nil, readOnly: Bool = false) {
        self.metadata = metadata
        self.objects = objects
        self.location = location
        self.isReadOnly = readOnly
    }

    /// How ``open(at:mode:)`` treats the directory.
    public enum OpenMode: Sendable, Hashable {
        /// Open the workspace, creating the directory (mode `0700`), the metadata file and
        /// the object folder if they are missing. For commands that write.
        case createIfMissing
        /// Open an existing workspace for reading and writing; create nothing.
        case existing
        /// Open an existing workspace for reading only: create nothing, and every write to
        /// ``metadata`` throws `MLOpsError.Code.invalidState`. For commands that
        /// only read.
        case readOnly
    }

    /// Opens the workspace in `directory`.
    ///
    /// With the default mode, ``OpenMode/createIfMissing``, a missing workspace is
    /// created. With ``OpenMode/existing`` or ``OpenMode/readOnly`` a directory without
    /// a `metadata.sqlite` file and an `objects/` folder is an error and nothing is
    /// created, so that a mistyped path fails instead of yielding a new, empty workspace.
    ///
    /// - Throws: `MLOpsError` — `notFound` ("no workspace at DIR") for a
    ///   missing workspace opened without creating; otherwise if the directory cannot be
    ///   created or the metadata file is not a valid store.
    public static func open(at directory: String, mode: OpenMode = .createIfMissing) throws -> Workspace {
        let metadataPath = directory + "/" + metadataFileName
        let objectsPath = directory + "/" + objectsDirectoryName
        if mode == .createIfMissing {
            try FileSystem.makeDirectories(directory)
        } else {
            guard isRegularFile(metadataPath), isDirectory(objectsPath) else {
                throw MLOpsError(
                    .notFound,
                    "no workspace at \(directory): expected \(metadataFileName) and \(objectsDirectoryName)/ there",
                    value: directory)
            }
        }
        let metadata = try SQLiteKeyValueStore(
            path: metadataPath, options: SQLiteKeyValueStore.Options(readOnly: mode == .readOnly))
        // The object folder exists here unless the mode creates it, so opening it creates nothing else.
        let objects = try FileBlobStore(root: objectsPath)
        return Workspace(metadata: metadata, objects: objects, location: directory, readOnly: mode == .readOnly)
    }

    private static func isRegularFile(_ path: String) -> Bool {
        Platform.status(path: path)?.type == .regular
    }

    private static func isDirectory(_ path: String) -> Bool {
        Platform.status(path: path)?.type == .directory
    }

    /// A workspace that lives only in memory, for tests and throwaway work.
    public static func inMemory() -> Workspace {
        Workspace(metadata: InMemoryKeyValueStore(), objects: InMemoryBlobStore())
    }
}
