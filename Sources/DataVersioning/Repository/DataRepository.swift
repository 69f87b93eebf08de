#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
public import MLOpsCore
import Synchronization

/// A versioned dataset store: files and directories split into content-defined chunks, stored
/// once each, snapshotted by commits on branches and tags — Git's model for data, with DVC's
/// commands, in the host's process.
///
/// Records (commits, trees, chunk lists, refs, the staging area) live in the `data` namespace of a
/// `KeyValueStore` through MLOpsCore's record layer; chunk bytes live in packs in a `BlobStore`
/// (see the storage layout in DataVersioning's documentation). `Workspace` opens one as
/// `workspace.data`.
///
/// What a caller must know:
/// - Every id is `sha256:<hex>` (``ObjectID``); a commit id is a stable string other modules can
///   record (a tracked run's dataset input).
/// - Branch updates are compare-and-swap: of two writers committing to one branch from the same
///   parent, one wins and the other gets `MLOpsError` `conflict` naming both commits — its commit
///   is stored, nothing is lost, and it can be attached with ``setBranch(_:to:expecting:)``.
/// - Many processes may use one repository at once, garbage collection included: see
///   ``collectGarbage(dryRun:gracePeriodMilliseconds:now:)`` for the rule that keeps a writer's
///   commit whole while a collection runs.
public final class DataRepository: Sendable {
    /// Tuning a host may change.
    public struct Options: Sendable {
        /// How files are cut into chunks. Changing it only changes how well new data dedups
        /// against old data; every setting reads every repository.
        public var chunking: ChunkingParameters
        /// How many buffers of files are hashed at once; `nil` (the default) for one per CPU.
        public var parallelism: Int?
        /// The author recorded when a commit names none.
        public var defaultAuthor: String

        /// Defaults: ``ChunkingParameters/default``, one hashing job per CPU, the `USER`.
        public init(
            chunking: ChunkingParameters = .default, parallelism: Int? = nil,
            defaultAuthor: String? = nil
        ) {
            self.chunking = chunking
            self.parallelism = parallelism
            self.defaultAuthor = defaultAuthor ?? Platform.environmentValue("USER") ?? "unknown"
        }
    }

    /// The record namespace the repository owns.
    public static let namespaceName = "data"
    /// The branch a new repository's `HEAD` names.
    public static let defaultBranch = "main"

    /// Where records live.
    public let metadata: any KeyValueStore
    /// Where chunk packs live.
    public let blobs: any BlobStore
    /// The options in use.
    public let options: Options

    let records: RecordStore
    let packs: PackStore
    /// The collection epoch the pack index was last loaded under (see `collectionTicket()`).
    let loadedCollectionEpoch = Mutex<UInt64?>(nil)

    private init(metadata: any KeyValueStore, blobs: any BlobStore, options: Options, records: RecordStore) {
        self.metadata = metadata
        self.blobs = blobs
        self.options = options
        self.records = records
        packs = PackStore(blobs: blobs)
    }

    static func namespace() throws -> RecordNamespace { try RecordNamespace(namespaceName, owner: "DataVersioning") }

    /// Opens (creating on first use) the repository in `metadata` and `blobs`.
    ///
    /// - Throws: `conflict` if another module owns the `data` namespace; storage errors.
    public static func open(
        metadata: any KeyValueStore, blobs: any BlobStore, options: Options = Options()
    ) async throws -> DataRepository {
        let records = try await RecordStore.open(try namespace(), on: metadata)
        return DataRepository(metadata: metadata, blobs: blobs, options: options, records: records)
    }

    /// A repository over stores that must not be written (a read-only workspace, `check`):
    /// claims nothing and runs no migrations; writing operations fail in the store.
    public static func reading(
        metadata: any KeyValueStore, blobs: any BlobStore, options: Options = Options()
    ) throws -> DataRepository {
        let records = RecordStore(checking: try namespace(), on: metadata)
        return DataRepository(metadata: metadata, blobs: blobs, options: options, records: records)
    }

    var chunker: FastCDC { FastCDC(parameters: options.chunking) }

    static var nowMilliseconds: UInt64 { Platform.wallClockMilliseconds() }

    // MARK: Objects

    /// The directory tree with `id`.
    ///
    /// - Throws: `notFound` if no such tree is stored; `corruptData` if its bytes do not hash to `id`.
    public func tree(_ id: ObjectID) async throws -> Tree {
        if id == Tree.empty.id { return .empty }
        return try Tree(decoding: try await objectBytes(TreeRecord.self, id, missing: "directory tree", stored: "tree"))
    }

    /// The chunk list of the chunked file with `id`.
    ///
    /// - Throws: `notFound` or `corruptData` as for ``tree(_:)``.
    public func chunkList(_ id: ObjectID) async throws -> ChunkList {
        try ChunkList(
            decoding: try await objectBytes(ChunkListRecord.self, id, missing: "chunk list", stored: "chunk list"))
    }

    /// The commit with `id`.
    ///
    /// - Throws: `notFound` or `corruptData` as for ``tree(_:)``.
    public func commit(_ id: ObjectID) async throws -> DataCommit {
        try DataCommit(decoding: try await objectBytes(CommitRecord.self, id, missing: "commit", stored: "commit"))
    }

    /// The canonical bytes of the stored object `id`, checked against it.
    ///
    /// - Throws: `notFound` ("no <missing> with this id"); `corruptData` ("a stored <stored> does
    ///   not match its id").
    private func objectBytes<Record: ObjectRecord>(
        _ type: Record.Type, _ id: ObjectID, missing: String, stored: String
    ) async throws -> [UInt8] {
        guard let record = try await records.get(type, id: id.hex)?.record else {
            throw MLOpsError(.notFound, "no \(missing) with this id", value: id.description)
        }
        let bytes = [UInt8](record.bytes)
        guard ObjectID.of(bytes) == id else {
            throw MLOpsError(.corruptData, "a stored \(stored) does not match its id", value: id.description)
        }
        return bytes
    }

    /// Stores trees and chunk lists not stored yet, in one transaction.
    func store(trees: [Tree], chunkLists: [ChunkList]) async throws {
        if trees.isEmpty && chunkLists.isEmpty { return }
        let now = Self.nowMilliseconds
        let treeRecords = trees.filter { !$0.entries.isEmpty }.map { tree in
            let bytes = tree.encoded
            return TreeRecord(id: ObjectID.of(bytes).hex, bytes: Data(bytes), createdMilliseconds: now)
        }
        let listRecords = chunkLists.map { list in
            let bytes = list.encoded
            return ChunkListRecord(id: ObjectID.of(bytes).hex, bytes: Data(bytes), createdMilliseconds: now)
        }
        try await records.transaction { tx in
            for record in treeRecords where try await !tx.contains(TreeRecord.self, id: record.id) {
                try await tx.insert(record)
            }
            for record in listRecords where try await !tx.contains(ChunkListRecord.self, id: record.id) {
                try await tx.insert(record)
            }
        }
    }

    /// The bytes of the file `entry`, chunk by chunk, each verified against its id.
    func forEachChunk(of entry: TreeEntry, _ body: ([UInt8]) async throws -> Void) async throws {
        switch entry.kind {
        case .file:
            try await packs.refreshIfMissing(entry.id.digest)
            try await body(try await packs.read(entry.id.digest))
        case .chunkedFile:
            let list = try await chunkList(entry.id)
            for chunk in list.chunks {
                try await packs.refreshIfMissing(chunk.id.digest)
                let bytes = try await packs.read(chunk.id.digest)
                guard bytes.count == Int(chunk.length) else {
                    throw MLOpsError(
                        .corruptData, "a chunk's length differs from its list", value: chunk.id.description)
                }
                try await body(bytes)
            }
        case .directory:
            throw MLOpsError(.invalidArgument, "a directory has no bytes", value: entry.name)
        }
    }

    /// The bytes of the file at `path` (components separated by `/`) in `revision`.
    ///
    /// - Throws: `notFound` if the revision or the path does not exist or is a directory.
    public func readFile(_ path: String, at revision: String = "HEAD") async throws -> [UInt8] {
        let commit = try await commit(try await resolve(revision))
        guard let entry = try await entry(at: path, in: commit.root), entry.isFile else {
            throw MLOpsError(.notFound, "no file at this path in \(revision)", value: path)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(clamping: entry.size))
        try await forEachChunk(of: entry) { bytes += $0 }
        return bytes
    }

    /// The entry at `path` below the tree `root`, or `nil`.
    public func entry(at path: String, in root: ObjectID) async throws -> TreeEntry? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.isEmpty { return TreeEntry(name: "", kind: .directory, size: 0, id: root) }
        var tree = try await tree(root)
        for (position, part) in parts.enumerated() {
            guard let entry = tree[part] else { return nil }
            if position == parts.count - 1 { return entry }
            guard entry.kind == .directory else { return nil }
            tree = try await self.tree(entry.id)
        }
        return nil
    }

    /// Every file below the tree `root`, with its `/`-separated path, in path order.
    public func files(in root: ObjectID) async throws -> [(path: String, entry: TreeEntry)] {
        var files: [(path: String, entry: TreeEntry)] = []
        func walk(_ id: ObjectID, _ prefix: String) async throws {
            for entry in try await tree(id).entries {
                let path = prefix.isEmpty ? entry.name : prefix + "/" + entry.name
                if entry.kind == .directory { try await walk(entry.id, path) } else { files.append((path, entry)) }
            }
        }
        try await walk(root, "")
        return files
    }
}

extension PackStore {
    /// Loads new pack indexes when `digest` is not in any loaded pack (another process wrote it).
    func refreshIfMissing(_ digest: SHA256Digest) async throws {
        if !contains(digest) { try await refresh() }
    }
}
