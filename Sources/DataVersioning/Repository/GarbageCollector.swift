#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore

/// The reading half of one garbage collection: what is stored (the survey), what is reachable
/// or protected (marking), and what may go (the plan). The deleting half is
/// `DataRepository.collectGarbage`; the rule both follow is documented there.
final class GarbageCollector {
    /// A stored commit, tree or chunk list as listed.
    struct Stored {
        var bytes: [UInt8]
        var created: UInt64
        var version: UInt64
    }

    /// A pack index as listed.
    struct Pack {
        var name: String
        var index: PackIndex
        var hasPack: Bool
        /// Whether it is younger than the grace period (or has a name that is not a
        /// `SortableID`, so its age is unknown).
        var fresh: Bool
    }

    /// Everything stored when the collection looked.
    struct Survey {
        /// The collection epoch when the survey began, and whether a collection was running.
        var epoch: UInt64
        var collectorWasRunning: Bool
        var commits: [ObjectID: Stored] = [:]
        var trees: [ObjectID: Stored] = [:]
        var lists: [ObjectID: Stored] = [:]
        var pruned: [ObjectID: UInt64] = [:]
        var packs: [String: Pack] = [:]
        /// Pack blobs without an index, and whether each is fresh.
        var unindexed: [String: Bool] = [:]
        /// Indexes that could not be read or decoded, with the reason.
        var damagedIndexes: [String: String] = [:]
        var statCaches: [BlobKey] = []
    }

    /// The marks: objects reachable from refs and the staging area (`live`), and unreachable
    /// objects kept because they are younger than the grace period (`protected`).
    struct Marks {
        var commits = Set<ObjectID>()
        var trees = Set<ObjectID>()
        var lists = Set<ObjectID>()
        var chunks = Set<SHA256Digest>()
    }

    /// What goes, in the order it must go.
    struct Plan {
        /// Commits (children before parents), trees (parents before children), chunk lists.
        var commits: [ObjectID] = []
        var trees: [ObjectID] = []
        var lists: [ObjectID] = []
        var recordBytes: UInt64 = 0
        /// Deleted commits a surviving commit names as a parent: marked pruned.
        var newlyPruned: [ObjectID] = []
        /// Pruned marks no surviving commit needs any more.
        var stalePruned: [ObjectID] = []
        var deadPacks: [GarbageCollectionReport.PackRemoval] = []
        /// Packs to rewrite, with the entries to keep.
        var repacks: [(name: String, keep: [PackIndex.Entry], report: GarbageCollectionReport.Repack)] = []
        var unindexed: [String] = []
        var indexesWithoutPack: [GarbageCollectionReport.PackRemoval] = []
        var skipped: [String] = []

        var deletesAnything: Bool {
            !commits.isEmpty || !trees.isEmpty || !lists.isEmpty || !deadPacks.isEmpty || !repacks.isEmpty
                || !unindexed.isEmpty || !indexesWithoutPack.isEmpty
        }
    }

    let repository: DataRepository
    let now: UInt64
    let cutoff: UInt64
    let survey: Survey
    private(set) var live = Marks()
    private(set) var protected = Marks()
    /// Every commit decoded while marking, for the pruned marks.
    private var decodedCommits: [ObjectID: DataCommit] = [:]
    /// Commits whose whole history is marked.
    private var historyMarked = Set<ObjectID>()

    init(repository: DataRepository, survey: Survey, now: UInt64, cutoff: UInt64) {
        self.repository = repository
        self.survey = survey
        self.now = now
        self.cutoff = cutoff
    }

    // MARK: Survey

    /// Lists every record, pack, index and stat cache.
    static func survey(of repository: DataRepository, cutoff: UInt64) async throws -> Survey {
        let state = try await repository.records.get(CollectorRecord.self, id: CollectorRecord.id)?.record
        var survey = Survey(
            epoch: state?.epoch ?? 0,
            collectorWasRunning: state?.lease?.isActive(now: DataRepository.nowMilliseconds) ?? false)
        let records = repository.records
        func id(_ hex: String) -> ObjectID? { try? ObjectID(parsing: ObjectID.algorithmPrefix + hex) }
        func objects<Record: ObjectRecord>(
            _ type: Record.Type, created: (Record, [UInt8]) -> UInt64 = { record, _ in record.createdMilliseconds ?? 0 }
        ) async throws -> [ObjectID: Stored] {
            var found: [ObjectID: Stored] = [:]
            try await records.forEachRecord(type) { stored in
                guard let id = id(stored.record.id) else { return }
                let bytes = [UInt8](stored.record.bytes)
                found[id] = Stored(bytes: bytes, created: created(stored.record, bytes), version: stored.version)
            }
            return found
        }
        survey.commits = try await objects(CommitRecord.self) { record, bytes in
            record.createdMilliseconds ?? (try? DataCommit(decoding: bytes).timestampMilliseconds) ?? 0
        }
        survey.trees = try await objects(TreeRecord.self)
        survey.lists = try await objects(ChunkListRecord.self)
        try await records.forEachRecord(PrunedCommitRecord.self) { stored in
            if let id = id(stored.record.id) { survey.pruned[id] = stored.version }
        }

        let blobs = repository.blobs
        let (packFiles, indexFiles) = try await repository.packs.listFiles()
        func isFresh(_ name: String) -> Bool {
            guard let id = SortableID(name) else { return true }
            return id.timestampMilliseconds >= cutoff
        }
        for name in indexFiles {
            do {
                let index = try PackIndex(decoding: try await blobs.get(PackStore.indexKey(name)), name: name)
                survey.packs[name] = Pack(
                    name: name, index: index, hasPack: packFiles.contains(name), fresh: isFresh(name))
            } catch let error as MLOpsError where error.code == .notFound {
                continue  // deleted since the listing
            } catch let error as MLOpsError {
                survey.damagedIndexes[name] = error.message
            }
        }
        for name in packFiles where survey.packs[name] == nil && survey.damagedIndexes[name] == nil {
            survey.unindexed[name] = isFresh(name)
        }
        var blobCursor: BlobKey?
        repeat {
            let page = try await blobs.list(prefix: StatCache.directory, after: blobCursor, limit: 10_000)
            survey.statCaches += page.keys
            blobCursor = page.next
        } while blobCursor != nil
        return survey
    }

    // MARK: Marking

    /// The error that stops a collection before it deletes anything.
    private static func damaged(_ what: String, _ id: ObjectID, _ cause: (any Error)? = nil) -> MLOpsError {
        MLOpsError(
            .corruptData,
            "garbage collection stopped before deleting anything: \(what) is missing or damaged — run verify",
            value: id.description, cause: cause)
    }

    /// A record's verified bytes, from the survey or (written since) the store; `nil` if missing.
    private func load<Record: StoredRecord>(
        _ type: Record.Type, _ id: ObjectID, surveyed: Stored?, _ payload: (Record) -> Data
    ) async throws -> [UInt8]? {
        let bytes: [UInt8]
        if let surveyed {
            bytes = surveyed.bytes
        } else {
            guard let record = try await repository.records.get(type, id: id.hex)?.record else { return nil }
            bytes = [UInt8](payload(record))
        }
        guard ObjectID.of(bytes) == id else {
            throw MLOpsError(.corruptData, "the stored bytes do not hash to the id", value: id.description)
        }
        return bytes
    }

    private func commit(_ id: ObjectID) async throws -> DataCommit? {
        if let known = decodedCommits[id] { return known }
        guard let bytes = try await load(CommitRecord.self, id, surveyed: survey.commits[id], { $0.bytes }) else {
            return nil
        }
        let commit = try DataCommit(decoding: bytes)
        decodedCommits[id] = commit
        return commit
    }

    /// Marks the commit `id` and its root tree. Strict marking (reachable objects) throws when
    /// something is missing or damaged; lenient marking (protected objects) skips it.
    @discardableResult
    private func markCommit(_ id: ObjectID, strict: Bool, what: String) async throws -> DataCommit? {
        let commit: DataCommit?
        do {
            commit = try await self.commit(id)
        } catch {
            if strict { throw Self.damaged(what, id, error) }
            return nil
        }
        guard let commit else {
            if strict { throw Self.damaged(what, id) }
            return nil
        }
        if strict { live.commits.insert(id) } else if !live.commits.contains(id) { protected.commits.insert(id) }
        try await markTree(commit.root, strict: strict)
        return commit
    }

    /// A record decoded, or why not.
    private enum Loaded<Value> {
        case found(Value)
        case missing
        case damaged(MLOpsError)
    }

    /// Loads and decodes a record; only storage failures throw.
    private func decode<Record: StoredRecord, Value>(
        _ type: Record.Type, _ id: ObjectID, surveyed: Stored?, _ payload: (Record) -> Data,
        _ decoder: ([UInt8]) throws -> Value
    ) async throws -> Loaded<Value> {
        do {
            guard let bytes = try await load(type, id, surveyed: surveyed, payload) else { return .missing }
            return .found(try decoder(bytes))
        } catch let error as MLOpsError where error.code == .corruptData || error.code == .unsupported {
            return .damaged(error)
        }
    }

    /// Marks the tree `root` and everything below it.
    func markTree(_ root: ObjectID, strict: Bool) async throws {
        var pending = [root]
        while let id = pending.popLast() {
            if id == Tree.empty.id || live.trees.contains(id) || (!strict && protected.trees.contains(id)) { continue }
            let tree: Tree
            switch try await decode(TreeRecord.self, id, surveyed: survey.trees[id], { $0.bytes }, Tree.init(decoding:))
            {
            case .found(let found): tree = found
            case .missing:
                if strict { throw Self.damaged("a directory tree a ref or the staging area reaches", id) }
                continue
            case .damaged(let error):
                if strict { throw Self.damaged("a directory tree a ref or the staging area reaches", id, error) }
                continue
            }
            if strict { live.trees.insert(id) } else { protected.trees.insert(id) }
            for entry in tree.entries {
                switch entry.kind {
                case .directory: pending.append(entry.id)
                case .file:
                    if strict { live.chunks.insert(entry.id.digest) } else { protected.chunks.insert(entry.id.digest) }
                case .chunkedFile: try await markList(entry.id, strict: strict)
                }
            }
        }
    }

    /// Marks the chunk list `id` and its chunks.
    func markList(_ id: ObjectID, strict: Bool) async throws {
        if live.lists.contains(id) || (!strict && protected.lists.contains(id)) { return }
        let list: ChunkList
        switch try await decode(
            ChunkListRecord.self, id, surveyed: survey.lists[id], { $0.bytes }, ChunkList.init(decoding:))
        {
        case .found(let found): list = found
        case .missing:
            if strict { throw Self.damaged("a chunk list a ref or the staging area reaches", id) }
            return
        case .damaged(let error):
            if strict { throw Self.damaged("a chunk list a ref or the staging area reaches", id, error) }
            return
        }
        if strict {
            live.lists.insert(id)
            for chunk in list.chunks { live.chunks.insert(chunk.id.digest) }
        } else {
            protected.lists.insert(id)
            for chunk in list.chunks { protected.chunks.insert(chunk.id.digest) }
        }
    }

    /// Marks what the refs and the staging area reach now.
    func markRoots() async throws {
        for ref in try await repository.refs() {
            let name = "\(ref.kind.rawValue) \(ref.name)"
            if ref.retention.keepsAll {
                try await markHistory(from: ref.commit, name: name)
            } else {
                try await markRetained(ref, name: name)
            }
        }
        if let stage = try await repository.records.get(StageRecord.self, id: StageRecord.id)?.record {
            try await markTree(stage.root, strict: true)
            // The base commit itself (its record and tree), not its history.
            if let base = stage.base, (try? await commit(base)) != nil {
                try await markCommit(base, strict: true, what: "the commit the staging area is based on")
            }
        }
    }

    /// Marks every commit of the history from `start`, all parents, down to pruned history.
    private func markHistory(from start: ObjectID, name: String) async throws {
        var queue = [start]
        var next = 0
        while next < queue.count {
            let id = queue[next]
            next += 1
            guard historyMarked.insert(id).inserted else { continue }
            if id != start, survey.pruned[id] != nil, try await commit(id) == nil { continue }
            guard let commit = try await markCommit(id, strict: true, what: "a commit in the history of \(name)")
            else { continue }
            queue += commit.parents
        }
    }

    /// Marks the commits `ref`'s retention keeps: its commit and the first-parent ancestors the
    /// count or the age keeps, up to the first one neither keeps.
    private func markRetained(_ ref: DataRef, name: String) async throws {
        var current: ObjectID? = ref.commit
        var position = 0
        while let id = current {
            if position > 0, survey.pruned[id] != nil, try await commit(id) == nil { return }
            guard let commit = try await commit(id) else {
                throw Self.damaged("a commit in the history of \(name)", id)
            }
            let byCount = position < (ref.retention.keepCommits ?? 0)
            let byAge = ref.retention.keepMilliseconds.map { commit.timestampMilliseconds &+ $0 >= now } ?? false
            guard position == 0 || byCount || byAge else { return }
            try await markCommit(id, strict: true, what: "a commit \(name) retains")
            current = commit.parents.first
            position += 1
        }
    }

    /// Marks, as protected, the records younger than the grace period and what they reach. A
    /// fresh commit protects its record and tree, not its history.
    func markFresh() async throws {
        for (id, stored) in survey.commits where stored.created >= cutoff && !live.commits.contains(id) {
            try await markCommit(id, strict: false, what: "a recent commit")
        }
        for (id, stored) in survey.trees where stored.created >= cutoff { try await markTree(id, strict: false) }
        for (id, stored) in survey.lists where stored.created >= cutoff { try await markList(id, strict: false) }
    }

    // MARK: Planning

    private func isKept(_ chunk: SHA256Digest) -> Bool {
        live.chunks.contains(chunk) || protected.chunks.contains(chunk)
    }

    /// What goes: unmarked records older than the grace period, and the dead parts of packs.
    func plan() -> Plan {
        var plan = Plan()
        func dead(_ stored: [ObjectID: Stored], _ live: Set<ObjectID>, _ protected: Set<ObjectID>) -> Set<ObjectID> {
            Set(
                stored.filter { !live.contains($0.key) && !protected.contains($0.key) && $0.value.created < cutoff }
                    .keys)
        }
        let deadCommits = dead(survey.commits, live.commits, protected.commits)
        let deadTrees = dead(survey.trees, live.trees, protected.trees)
        let deadLists = dead(survey.lists, live.lists, protected.lists)

        // Referrers go before what they refer to, so that a collection cut short never leaves a
        // stored object whose parts are gone.
        var parents: [ObjectID: [ObjectID]] = [:]
        for id in deadCommits {
            if let bytes = survey.commits[id]?.bytes, let commit = try? DataCommit(decoding: bytes) {
                parents[id] = commit.parents.filter { deadCommits.contains($0) }
            }
        }
        plan.commits = Self.referrersFirst(deadCommits, parents)
        var children: [ObjectID: [ObjectID]] = [:]
        for id in deadTrees {
            if let bytes = survey.trees[id]?.bytes, let tree = try? Tree(decoding: bytes) {
                children[id] = tree.entries.filter { $0.kind == .directory && deadTrees.contains($0.id) }.map(\.id)
            }
        }
        plan.trees = Self.referrersFirst(deadTrees, children)
        plan.lists = deadLists.sorted()
        plan.recordBytes =
            deadCommits.reduce(0) { $0 + UInt64(survey.commits[$1]?.bytes.count ?? 0) }
            + deadTrees.reduce(0) { $0 + UInt64(survey.trees[$1]?.bytes.count ?? 0) }
            + deadLists.reduce(0) { $0 + UInt64(survey.lists[$1]?.bytes.count ?? 0) }

        // History ends on purpose where a surviving commit's parent goes.
        var survivors = decodedCommits.filter { !deadCommits.contains($0.key) }
        for (id, stored) in survey.commits where !deadCommits.contains(id) && survivors[id] == nil {
            if let commit = try? DataCommit(decoding: stored.bytes) { survivors[id] = commit }
        }
        var namedParents = Set<ObjectID>()
        for commit in survivors.values { namedParents.formUnion(commit.parents) }
        plan.newlyPruned = namedParents.filter { deadCommits.contains($0) && survey.pruned[$0] == nil }.sorted()
        plan.stalePruned = survey.pruned.keys.filter { !namedParents.contains($0) }.sorted()

        planPacks(&plan)
        return plan
    }

    /// Every id of `nodes`, each before the nodes it points to (`edges`, within `nodes`).
    static func referrersFirst(_ nodes: Set<ObjectID>, _ edges: [ObjectID: [ObjectID]]) -> [ObjectID] {
        var postorder: [ObjectID] = []
        var visited = Set<ObjectID>()
        for start in nodes.sorted() where !visited.contains(start) {
            visited.insert(start)
            var stack: [(id: ObjectID, next: Int)] = [(start, 0)]
            while let top = stack.last {
                let targets = edges[top.id] ?? []
                if top.next < targets.count {
                    stack[stack.count - 1].next += 1
                    let target = targets[top.next]
                    if visited.insert(target).inserted { stack.append((target, 0)) }
                } else {
                    postorder.append(top.id)
                    stack.removeLast()
                }
            }
        }
        return postorder.reversed()
    }

    private func planPacks(_ plan: inout Plan) {
        // One copy of each kept chunk is the live one: in a fresh pack if any, else in the newest.
        let ordered = survey.packs.values.filter(\.hasPack).sorted { lhs, rhs in
            lhs.fresh != rhs.fresh ? lhs.fresh : lhs.name > rhs.name
        }
        var assigned = Set<SHA256Digest>()
        for pack in ordered {
            var keep: [PackIndex.Entry] = []
            var drop: [PackIndex.Entry] = []
            for entry in pack.index.entries {
                if isKept(entry.digest), assigned.insert(entry.digest).inserted {
                    keep.append(entry)
                } else {
                    drop.append(entry)
                }
            }
            guard !pack.fresh, !drop.isEmpty else { continue }
            let keptBytes = keep.reduce(UInt64(0)) { $0 + UInt64($1.length) }
            let droppedBytes = drop.reduce(UInt64(0)) { $0 + UInt64($1.length) }
            if keep.isEmpty {
                plan.deadPacks.append(
                    GarbageCollectionReport.PackRemoval(
                        name: pack.name, reason: .unreferenced, chunks: drop.count, bytes: droppedBytes))
            } else if Double(droppedBytes) >= DataRepository.repackThreshold * Double(keptBytes + droppedBytes) {
                plan.repacks.append(
                    (
                        pack.name, keep,
                        GarbageCollectionReport.Repack(
                            name: pack.name, newName: nil, droppedChunks: drop.count, droppedBytes: droppedBytes,
                            keptChunks: keep.count, keptBytes: keptBytes)
                    ))
            }
        }
        for pack in survey.packs.values.sorted(by: { $0.name < $1.name }) where !pack.hasPack && !pack.fresh {
            plan.indexesWithoutPack.append(
                GarbageCollectionReport.PackRemoval(
                    name: pack.name, reason: .indexWithoutPack, chunks: pack.index.entries.count, bytes: 0))
        }
        plan.unindexed = survey.unindexed.filter { !$0.value }.keys.sorted()
        for (name, reason) in survey.damagedIndexes.sorted(by: { $0.key < $1.key }) {
            plan.skipped.append("pack \(name) was left alone: its index cannot be read (\(reason))")
        }
    }

    /// Counts for the report.
    var liveCounts: (commits: Int, trees: Int, lists: Int, chunks: Int) {
        (live.commits.count, live.trees.count, live.lists.count, live.chunks.count)
    }

    /// Unreachable records kept only for their age.
    var protectedRecordCount: Int {
        protected.commits.subtracting(live.commits).count + protected.trees.subtracting(live.trees).count
            + protected.lists.subtracting(live.lists).count
    }
}
