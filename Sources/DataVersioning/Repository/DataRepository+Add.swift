import MLOpsCore

/// What ``DataRepository/add(_:relativeTo:progress:)`` or ``DataRepository/snapshot(_:progress:)`` did.
public struct AddResult: Sendable, Hashable, Codable {
    /// The repository paths added (or removed, for paths gone from disk), `/`-separated.
    public var paths: [String]
    /// Files in what was added.
    public var files: Int
    /// Their total size.
    public var bytes: UInt64
    /// Files that were read and hashed (the others were unchanged since the last add, by the
    /// stat cache).
    public var hashedFiles: Int
    /// Bytes read and hashed.
    public var hashedBytes: UInt64
    /// The root tree: the staging area's after ``DataRepository/add(_:relativeTo:progress:)``, the
    /// snapshot's after ``DataRepository/snapshot(_:progress:)``.
    public var root: ObjectID
}

/// Progress of a long operation, for a progress line.
public struct DataProgress: Sendable, Hashable {
    /// Files finished so far, and in all.
    public var files: Int
    public var totalFiles: Int
    /// Bytes finished so far, and in all.
    public var bytes: UInt64
    public var totalBytes: UInt64

    /// A progress value.
    public init(files: Int, totalFiles: Int, bytes: UInt64, totalBytes: UInt64) {
        self.files = files
        self.totalFiles = totalFiles
        self.bytes = bytes
        self.totalBytes = totalBytes
    }
}

extension DataRepository {
    /// Stores the files at `paths` and stages them, Git-style: the staging area becomes the
    /// current commit's tree (or the last staged one) with each path replaced by its content on
    /// disk — a directory's whole subtree, so files deleted from it are unstaged too — or removed
    /// if it no longer exists on disk but is staged.
    ///
    /// Paths are stored relative to `base` (an absolute directory, usually the current
    /// directory); a path that leaves `base` is refused. `.` stages all of `base`. Content is
    /// chunked, hashed on every core and packed; files whose size, times and inode match the stat
    /// cache of `base` are not read again.
    ///
    /// - Throws: `invalidArgument` for paths outside `base` or refused files (see the scanner
    ///   rules in the module documentation); `notFound` for a path neither on disk nor staged;
    ///   `conflict` if a file changed while it was read (nothing is staged then).
    @discardableResult
    public func add(
        _ paths: [String], relativeTo base: String, progress: (@Sendable (DataProgress) -> Void)? = nil
    ) async throws -> AddResult {
        let base = try Self.absoluteDirectory(base)
        var targets: [(components: [String], item: DirectoryScanner.Item?)] = []
        for path in paths {
            let components = try Self.repositoryComponents(of: path, base: base)
            let absolute = components.isEmpty ? base : base + "/" + components.joined(separator: "/")
            let item: DirectoryScanner.Item? = try await BlockingExecutor.shared.run {
                if Platform.linkStatus(path: absolute) == nil && Platform.errno == Platform.noSuchFile { return nil }
                return try DirectoryScanner.scan(absolute)
            }
            targets.append((components, item))
        }
        let cacheKey = StatCache.key(forRoot: base)
        let items: [DirectoryScanner.Item?] = targets.map { $0.item }
        var ticket = try await collectionTicket()
        // A garbage collection running beside the add may delete stored data the add deduplicated
        // against; publishing the staging area then fails, and the add runs once more, hashing
        // every file again (the stat cache is void after a collection).
        var attempt = 0
        while true {
            attempt += 1
            // The pack index is loaded before the stat cache is consulted (a hit must name a stored chunk).
            try await packs.refresh()
            var ingestion = Ingestion(cache: await loadStatCache(cacheKey, ticket: ticket), packs: packs)
            for target in targets {
                if let item = target.item { ingestion.collect(item, at: target.components) }
            }
            let outputs = try await ingest(ingestion.inputs, progress: progress, known: ingestion.knownBytes)
            let built = try ingestion.build(items, outputs: outputs)
            try await store(trees: built.trees, chunkLists: built.chunkLists)

            // Stage: replace each path in the staged root, retrying on a concurrent stager.
            let replacements = Array(zip(targets.map(\.components), built.entries))
            let staged: ObjectID
            do {
                staged = try await updateStage(ticket: ticket) { root in
                    var root = root
                    for (components, entry) in replacements {
                        if entry == nil, try await self.entry(at: components.joined(separator: "/"), in: root) == nil {
                            throw MLOpsError(
                                .notFound, "no such file or directory, on disk or staged",
                                value: DisplayText.escapingControlCharacters(components.joined(separator: "/")))
                        }
                        root = try await self.replacing(components, with: entry, in: root)
                    }
                    return root
                }
            } catch let error as MLOpsError where Self.isCollected(error) && attempt == 1 {
                ticket = try await collectionTicket()
                continue
            }
            if ingestion.cacheChanged { await saveStatCache(ingestion.cache, key: cacheKey, ticket: ticket) }
            return AddResult(
                paths: targets.map { $0.components.isEmpty ? "." : $0.components.joined(separator: "/") },
                files: ingestion.fileCount, bytes: ingestion.totalBytes, hashedFiles: ingestion.inputs.count,
                hashedBytes: ingestion.hashedBytes, root: staged)
        }
    }

    /// Stores the file or directory at `path` (absolute) without staging it, and returns what was
    /// stored: its root is the directory's tree id (or a one-file tree for a file), ready for
    /// ``commit(root:message:branch:author:metadata:expectedParent:)``.
    ///
    /// Until it is committed, nothing refers to what was stored: garbage collection keeps it only
    /// for its grace period (see ``collectGarbage(dryRun:gracePeriodMilliseconds:now:)``), and a
    /// commit of a snapshot whose data was collected fails with `conflict`.
    ///
    /// - Throws: As ``add(_:relativeTo:progress:)``.
    public func snapshot(_ path: String, progress: (@Sendable (DataProgress) -> Void)? = nil) async throws
        -> AddResult
    {
        let absolute = try Self.absoluteDirectory(path, mustBeDirectory: false)
        let item = try await BlockingExecutor.shared.run { try DirectoryScanner.scan(absolute) }
        let cacheKey = StatCache.key(forRoot: absolute)
        let ticket = try await collectionTicket()
        try await packs.refresh()
        var ingestion = Ingestion(cache: await loadStatCache(cacheKey, ticket: ticket), packs: packs)
        let name = String(absolute.split(separator: "/").last ?? "data")
        let components: [String] = {
            if case .file = item { return [name] }
            return []
        }()
        ingestion.collect(item, at: components)
        let outputs = try await ingest(ingestion.inputs, progress: progress, known: ingestion.knownBytes)
        let built = try ingestion.build([item], outputs: outputs)
        guard let entry = built.entries.first ?? nil else {
            throw MLOpsError(.invalidState, "nothing was scanned", value: path)
        }
        var trees = built.trees
        var root = entry.id
        if entry.kind != .directory {
            let tree = try Tree(entries: [
                TreeEntry(
                    name: name, kind: entry.kind, isExecutable: entry.isExecutable, size: entry.size, id: entry.id)
            ])
            trees.append(tree)
            root = tree.id
        }
        try await store(trees: trees, chunkLists: built.chunkLists)
        if ingestion.cacheChanged { await saveStatCache(ingestion.cache, key: cacheKey, ticket: ticket) }
        return AddResult(
            paths: ["."], files: ingestion.fileCount, bytes: ingestion.totalBytes,
            hashedFiles: ingestion.inputs.count,
            hashedBytes: ingestion.hashedBytes, root: root)
    }

    /// The stat cache of an added root, or an empty one if it was written under another
    /// garbage-collection epoch than `ticket`'s (a collection may have deleted what it names).
    private func loadStatCache(_ key: BlobKey, ticket: CollectionTicket) async -> StatCache {
        guard let epoch = ticket.epoch, let bytes = try? await blobs.get(key) else { return StatCache() }
        let cache = StatCache(decoding: bytes)
        return cache.collectionEpoch == epoch ? cache : StatCache()
    }

    /// Replaces the stat cache of an added root (best effort: it is only a cache).
    private func saveStatCache(_ cache: StatCache, key: BlobKey, ticket: CollectionTicket) async {
        try? await blobs.deleteIfPresent(key)
        guard let epoch = ticket.epoch else { return }
        var cache = cache
        cache.writtenNanoseconds = Int64(Platform.wallClockMilliseconds()) &* 1_000_000
        cache.collectionEpoch = epoch
        try? await blobs.put(key, data: cache.encoded)
    }

    private func ingest(
        _ inputs: [FileIngester.Input], progress: (@Sendable (DataProgress) -> Void)?,
        known: (files: Int, bytes: UInt64)
    ) async throws -> [FileIngester.Output] {
        let ingester = FileIngester(
            packs: packs, chunker: chunker, parallelism: options.parallelism ?? Platform.processorCount)
        var report: (@Sendable (FileIngester.Progress) -> Void)?
        if let progress {
            report = { @Sendable value in
                progress(
                    DataProgress(
                        files: known.files + value.files, totalFiles: known.files + value.totalFiles,
                        bytes: known.bytes + value.bytes, totalBytes: known.bytes + value.totalBytes))
            }
        }
        return try await ingester.ingest(inputs, progress: report)
    }

    /// `path` as an absolute, lexically normalised path.
    static func absoluteDirectory(_ path: String, mustBeDirectory: Bool = true) throws -> String {
        guard path.hasPrefix("/") else {
            throw MLOpsError(.invalidArgument, "the base directory must be an absolute path", value: path)
        }
        let parts = try normalised(path.split(separator: "/").map(String.init), path: path)
        let absolute = "/" + parts.joined(separator: "/")
        if mustBeDirectory, Platform.status(path: absolute)?.type != .directory {
            throw MLOpsError(.notFound, "no such directory", value: DisplayText.escapingControlCharacters(path))
        }
        return absolute
    }

    private static func normalised(_ parts: [String], path: String) throws -> [String] {
        var result: [String] = []
        for part in parts where part != "." && !part.isEmpty {
            if part == ".." {
                guard !result.isEmpty else {
                    throw MLOpsError(
                        .invalidArgument, "the path leaves the base directory",
                        value: DisplayText.escapingControlCharacters(path))
                }
                result.removeLast()
            } else {
                result.append(part)
            }
        }
        return result
    }

    /// The repository path components of `path` (relative to `base`, or absolute below it).
    static func repositoryComponents(of path: String, base: String) throws -> [String] {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        let parts = try normalised(joined.split(separator: "/").map(String.init), path: path)
        let baseParts = base.split(separator: "/").map(String.init)
        guard parts.count >= baseParts.count, Array(parts.prefix(baseParts.count)) == baseParts else {
            throw MLOpsError(
                .invalidArgument, "the path is outside the directory paths are stored relative to (\(base))",
                value: DisplayText.escapingControlCharacters(path))
        }
        let components = Array(parts.dropFirst(baseParts.count))
        for component in components { try Tree.validateName(component) }
        return components
    }

    /// `root` with the entry at `components` replaced by `entry` (removed when `nil`), creating
    /// missing directories; stores the new trees and returns the new root id.
    func replacing(_ components: [String], with entry: TreeEntry?, in root: ObjectID) async throws -> ObjectID {
        var created: [Tree] = []
        func rebuild(_ treeID: ObjectID?, _ depth: Int) async throws -> TreeEntry? {
            if depth == components.count {
                guard let entry else { return nil }
                return TreeEntry(
                    name: components.last ?? "", kind: entry.kind, isExecutable: entry.isExecutable, size: entry.size,
                    id: entry.id)
            }
            var entries = try await self.entries(of: treeID)
            let name = components[depth]
            let existing = entries.firstIndex { $0.name == name }
            let childTree = existing.flatMap { entries[$0].kind == .directory ? entries[$0].id : nil }
            let replacement = try await rebuild(childTree, depth + 1)
            if let existing { entries.remove(at: existing) }
            if let replacement { entries.append(replacement) }
            let tree = try Tree(entries: entries)
            created.append(tree)
            return TreeEntry(
                name: depth == 0 ? "" : components[depth - 1], kind: .directory, size: tree.totalSize, id: tree.id)
        }
        if components.isEmpty {
            guard let entry else { return Tree.empty.id }
            guard entry.kind == .directory else {
                throw MLOpsError(.invalidArgument, "the repository root must be a directory", value: ".")
            }
            return entry.id
        }
        let newRoot = try await rebuild(root, 0)
        try await store(trees: created, chunkLists: [])
        return newRoot?.id ?? Tree.empty.id
    }
}

extension BlobStore {
    /// Deletes `key` if present (a cache blob about to be replaced: blobs are immutable).
    func deleteIfPresent(_ key: BlobKey) async throws {
        try await delete(key)
    }
}

/// The files of an add: which need hashing, and how to build the trees afterwards.
///
/// ``collect(_:at:)`` and ``build(_:outputs:)`` walk the scanned items in the same order, so the
/// n-th file met by one is the n-th met by the other: results are kept in that order, without a
/// lookup by path.
struct Ingestion {
    /// Where a file's result comes from.
    private enum Slot {
        case input(Int)
        case cached(FileIngester.Output)
    }

    var cache: StatCache
    let packs: PackStore
    var inputs: [FileIngester.Input] = []
    var fileCount = 0
    var totalBytes: UInt64 = 0
    var knownBytes: (files: Int, bytes: UInt64) = (0, 0)
    /// The bytes of the files that are read and hashed (not known from the stat cache).
    var hashedBytes: UInt64 { inputs.reduce(0) { $0 + UInt64($1.status.size) } }
    /// Whether the stat cache gained or changed an entry.
    private(set) var cacheChanged = false
    private var slots: [Slot] = []
    private var repositoryPaths: [String] = []

    init(cache: StatCache, packs: PackStore) {
        self.cache = cache
        self.packs = packs
    }

    mutating func collect(_ item: DirectoryScanner.Item, at components: [String]) {
        collect(item, path: components.joined(separator: "/"))
    }

    private mutating func collect(_ item: DirectoryScanner.Item, path repositoryPath: String) {
        switch item {
        case .file(let path, let status):
            fileCount += 1
            totalBytes += UInt64(status.size)
            repositoryPaths.append(repositoryPath)
            if let hit = cache.lookup(repositoryPath, status),
                hit.kind == .chunkedFile || packs.contains(hit.id.digest)
            {
                slots.append(.cached(FileIngester.Output(kind: hit.kind, size: hit.size, id: hit.id, chunkList: nil)))
                knownBytes.files += 1
                knownBytes.bytes += hit.size
            } else {
                slots.append(.input(inputs.count))
                inputs.append(FileIngester.Input(path: path, status: status))
            }
        case .directory(let items):
            for (name, child) in items {
                collect(child, path: repositoryPath.isEmpty ? name : repositoryPath + "/" + name)
            }
        }
    }

    /// Builds the entries (one per item; `nil` for a missing item) and every tree below them, and
    /// records the new stat cache entries.
    mutating func build(_ items: [DirectoryScanner.Item?], outputs: [FileIngester.Output]) throws -> (
        entries: [TreeEntry?], trees: [Tree], chunkLists: [ChunkList]
    ) {
        var trees: [Tree] = []
        var lists: [ChunkList] = []
        for output in outputs { if let list = output.chunkList { lists.append(list) } }
        var next = 0
        func entry(_ item: DirectoryScanner.Item, name: String) throws -> TreeEntry {
            switch item {
            case .file(let path, let status):
                guard next < slots.count else {
                    throw MLOpsError(.invalidState, "a scanned file has no result", value: path)
                }
                let result: FileIngester.Output
                switch slots[next] {
                case .input(let index):
                    result = outputs[index]
                    cacheChanged = true
                    cache.entries[repositoryPaths[next]] = StatCache.Entry(
                        device: status.device, inode: status.inode, size: UInt64(status.size),
                        modificationNanoseconds: status.modificationNanoseconds,
                        changeNanoseconds: status.changeNanoseconds, kind: result.kind, id: result.id)
                case .cached(let output):
                    result = output
                }
                next += 1
                return TreeEntry(
                    name: name, kind: result.kind, isExecutable: status.isExecutable, size: result.size, id: result.id)
            case .directory(let items):
                // The scanner checked every name and sorted them by their bytes.
                let tree = Tree(sortedValidated: try items.map { try entry($0.item, name: $0.name) })
                trees.append(tree)
                return TreeEntry(name: name, kind: .directory, size: tree.totalSize, id: tree.id)
            }
        }
        let entries = try items.map { item in try item.map { try entry($0, name: "") } }
        return (entries, trees, lists)
    }
}
