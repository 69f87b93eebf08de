public import MLOpsCore

extension DataRepository {
    /// The component name of the repository's ``check()`` report.
    public static let checkComponentName = "DataRepository"

    /// Verifies everything the repository's refs and staging area reach, reading only.
    ///
    /// Walks the whole history of every branch and tag (every parent, down to the first commits
    /// or to history pruned by a ``RetentionPolicy``), the staged tree and the commit it is based
    /// on. Every commit, tree and chunk list must be stored, hash to its id and decode; every
    /// file's sizes must agree; and every chunk is read back from each pack holding it and
    /// re-hashed — reads grouped by pack, neighbouring chunks read together, each range once,
    /// several packs at a time.
    ///
    /// Each problem names the object, its kind, and the first place found using it (a path in a
    /// commit, from a ref); see ``DataVerifyReport``. Nothing is repaired or deleted.
    ///
    /// A garbage collection running at the same time could make deleted garbage look missing, so
    /// a verification that overlapped one waits for it and runs again (up to three times; see
    /// ``DataVerifyReport/overlappedCollection``).
    ///
    /// - Parameter progress: Called now and then with the work done so far.
    /// - Throws: Only when a store cannot be read at all (listing, the key-value store).
    public func verify(progress: (@Sendable (DataVerifyReport.Progress) -> Void)? = nil) async throws
        -> DataVerifyReport
    {
        var report = DataVerifyReport()
        for attempt in 1...3 {
            let before = try await records.get(CollectorRecord.self, id: CollectorRecord.id)?.record
            report = try await verifyOnce(progress: progress)
            let after = try await records.get(CollectorRecord.self, id: CollectorRecord.id)?.record
            let now = Self.nowMilliseconds
            let running = (before?.lease?.isActive(now: now) ?? false) || (after?.lease?.isActive(now: now) ?? false)
            if !running && before?.epoch == after?.epoch { return report }
            if attempt < 3 { _ = try await waitForCollector() }
        }
        report.overlappedCollection = true
        return report
    }

    /// The repository's self-check in the form a workspace check gathers: every record of the
    /// `data` namespace decoded and its indexes compared (MLOpsCore's record check), then
    /// ``verify(progress:)``, one problem per finding.
    ///
    /// - Throws: Only when a store cannot be read at all.
    public func check() async throws -> StoreCheckReport {
        var report = StoreCheckReport(component: Self.checkComponentName)
        try await records.check(CommitRecord.self, into: &report)
        try await records.check(TreeRecord.self, into: &report)
        try await records.check(ChunkListRecord.self, into: &report)
        try await records.check(RefRecord.self, into: &report)
        try await records.check(HeadRecord.self, into: &report)
        try await records.check(StageRecord.self, into: &report)
        try await records.check(CollectorRecord.self, into: &report)
        try await records.check(PrunedCommitRecord.self, into: &report)
        let verified = try await verify()
        report.objectsVerified += verified.chunks
        for problem in verified.problems {
            let location = "\(problem.kind.rawValue) " + (problem.id?.description ?? "pack \(problem.pack ?? "?")")
            var message = "\(problem.issue.rawValue): \(problem.message)"
            var place: [String] = []
            if let path = problem.path { place.append(path) }
            if let commit = problem.commit { place.append("in commit \(commit)") }
            if let root = problem.root { place.append("from \(root)") }
            if !place.isEmpty { message += " (used by " + place.joined(separator: " ") + ")" }
            report.problem(at: location, message)
        }
        if verified.overlappedCollection {
            report.problem(
                at: "data repository",
                "garbage collections kept running during the check; findings may be their deletions — check again")
        }
        return report
    }

    private func verifyOnce(progress: (@Sendable (DataVerifyReport.Progress) -> Void)?) async throws
        -> DataVerifyReport
    {
        var walk = VerifyWalk(repository: self, progress: progress)
        for ref in try await refs() {
            try await walk.history(from: ref.commit, root: "\(ref.kind.rawValue) \(ref.name)")
        }
        if let stage = try await records.get(StageRecord.self, id: StageRecord.id)?.record {
            try await walk.tree(stage.root, at: VerifyWalk.Place(root: "staging area", commit: nil, path: ""))
            if let base = stage.base { try await walk.history(from: base, root: "staging area") }
        }
        var report = walk.report
        try await verifyChunks(walk.needs, records: walk.recordCount, into: &report, progress: progress)
        return report
    }

    /// Hashes every copy of every needed chunk, pack by pack.
    private func verifyChunks(
        _ needs: [SHA256Digest: VerifyWalk.Need], records: Int, into report: inout DataVerifyReport,
        progress: (@Sendable (DataVerifyReport.Progress) -> Void)?
    ) async throws {
        let (packFiles, indexFiles) = try await packs.listFiles()
        report.packsWithoutIndex = packFiles.subtracting(indexFiles).sorted()

        var copies: [SHA256Digest: [ChunkLocation]] = [:]
        for name in indexFiles {
            let index: PackIndex
            do {
                index = try PackIndex(decoding: try await blobs.get(PackStore.indexKey(name)), name: name)
            } catch let error as MLOpsError where error.code != .notFound {
                report.problems.append(
                    DataVerifyReport.Problem(
                        kind: .packIndex, issue: .corrupt, id: nil, pack: name, root: nil, commit: nil, path: nil,
                        message: error.message))
                continue
            } catch let error as MLOpsError where error.code == .notFound {
                continue  // deleted since the listing
            }
            report.packs += 1
            if !packFiles.contains(name) { report.indexesWithoutPack.append(name) }
            for entry in index.entries where needs[entry.digest] != nil {
                copies[entry.digest, default: []].append(
                    ChunkLocation(pack: name, offset: entry.offset, length: entry.length))
            }
        }

        // What to read, by pack; chunks no present pack holds are missing.
        var work: [String: [(digest: SHA256Digest, location: ChunkLocation)]] = [:]
        for (digest, need) in needs {
            let all = copies[digest] ?? []
            let present = all.filter { packFiles.contains($0.pack) }
            if present.isEmpty {
                let message =
                    all.isEmpty
                    ? "no pack index lists the chunk" : "the chunk's pack \(all[0].pack) is missing (its index remains)"
                report.problems.append(need.problem(.chunk, .missing, ObjectID(digest), pack: all.first?.pack, message))
                continue
            }
            for location in present { work[location.pack, default: []].append((digest, location)) }
        }
        let totalChunks = work.values.reduce(0) { $0 + $1.count }
        let totalBytes = work.values.reduce(UInt64(0)) { sum, items in
            items.reduce(sum) { $0 + UInt64($1.location.length) }
        }

        // Hash several packs at a time; each pack's ranges are read once.
        var outcomes: [SHA256Digest: [(pack: String, failure: String?)]] = [:]
        var done = (chunks: 0, bytes: UInt64(0))
        let parallelism = Swift.max(1, options.parallelism ?? Platform.processorCount)
        let blobs = self.blobs
        try await withThrowingTaskGroup(of: [(SHA256Digest, String, UInt32, String?)].self) { group in
            var pending = work.sorted { $0.key < $1.key }[...]
            var running = 0
            while true {
                while running < parallelism, let (pack, items) = pending.popFirst() {
                    group.addTask { try await Self.hashPack(pack, items, blobs: blobs) }
                    running += 1
                }
                guard let results = try await group.next() else { break }
                running -= 1
                for (digest, pack, length, failure) in results {
                    outcomes[digest, default: []].append((pack, failure))
                    done.chunks += 1
                    done.bytes += UInt64(length)
                }
                progress?(
                    DataVerifyReport.Progress(
                        records: records, chunks: done.chunks, totalChunks: totalChunks, bytes: done.bytes,
                        totalBytes: totalBytes))
            }
        }
        for (digest, results) in outcomes.sorted(by: { $0.key < $1.key }) {
            guard let need = needs[digest] else { continue }
            var intact = true
            for (pack, failure) in results {
                if let failure {
                    intact = false
                    report.problems.append(need.problem(.chunk, .corrupt, ObjectID(digest), pack: pack, failure))
                }
            }
            if intact {
                report.chunks += 1
                report.bytesVerified += UInt64(need.length)
            }
        }
        // Length disagreements between a file's records and the pack index.
        for (digest, all) in copies {
            guard let need = needs[digest] else { continue }
            for location in all where location.length != need.length && packFiles.contains(location.pack) {
                report.problems.append(
                    need.problem(
                        .chunk, .corrupt, ObjectID(digest), pack: location.pack,
                        "the pack index gives the chunk \(location.length) bytes, the file's records \(need.length)"))
            }
        }
    }

    /// Reads and hashes the listed chunks of one pack; one result per chunk: a failure message or
    /// `nil` when the bytes hash to the chunk's id.
    private static func hashPack(
        _ pack: String, _ items: [(digest: SHA256Digest, location: ChunkLocation)], blobs: any BlobStore
    ) async throws -> [(SHA256Digest, String, UInt32, String?)] {
        let key = PackStore.packKey(pack)
        let sorted = items.sorted { $0.location.offset < $1.location.offset }
        var results: [(SHA256Digest, String, UInt32, String?)] = []
        results.reserveCapacity(sorted.count)
        var start = 0
        while start < sorted.count {
            // One read for neighbouring chunks: gaps under 1 MiB, at most 16 MiB in all.
            let low = sorted[start].location.offset
            var high = low + UInt64(sorted[start].location.length)
            var end = start + 1
            while end < sorted.count {
                let next = sorted[end].location
                let nextHigh = Swift.max(high, next.offset + UInt64(next.length))
                guard next.offset <= high + (1 << 20), nextHigh - low <= 16 << 20 else { break }
                high = nextHigh
                end += 1
            }
            let group = sorted[start..<end]
            start = end
            let bytes: [UInt8]
            do {
                bytes = try await blobs.read(key, offset: Int(low), count: Int(high - low))
            } catch let error as MLOpsError where group.count > 1 {
                _ = error
                // Find out chunk by chunk which ones cannot be read.
                for item in group {
                    results.append(
                        (
                            item.digest, pack, item.location.length,
                            await readAndHash(item.digest, item.location, key: key, blobs: blobs)
                        ))
                }
                continue
            } catch let error as MLOpsError {
                for item in group {
                    results.append(
                        (item.digest, pack, item.location.length, "the chunk cannot be read: \(error.message)"))
                }
                continue
            }
            let hashed = try await BlockingExecutor.shared.run { () -> [SHA256Digest] in
                bytes.withUnsafeBytes { raw in
                    group.map { item in
                        let from = Int(item.location.offset - low)
                        return SHA256.hash(
                            UnsafeRawBufferPointer(rebasing: raw[from..<from + Int(item.location.length)]))
                    }
                }
            }
            for (item, digest) in zip(group, hashed) {
                results.append(
                    (
                        item.digest, pack, item.location.length,
                        digest == item.digest
                            ? nil
                            : "the chunk's bytes in pack \(pack) hash to \(digest.hexString.prefix(16))…, not to its id"
                    ))
            }
        }
        return results
    }

    private static func readAndHash(
        _ digest: SHA256Digest, _ location: ChunkLocation, key: BlobKey, blobs: any BlobStore
    ) async -> String? {
        do {
            let bytes = try await blobs.read(key, offset: Int(location.offset), count: Int(location.length))
            let found = SHA256.hash(bytes)
            return found == digest ? nil : "the chunk's bytes hash to \(found.hexString.prefix(16))…, not to its id"
        } catch let error as MLOpsError {
            return "the chunk cannot be read: \(error.message)"
        } catch {
            return "the chunk cannot be read: \(error)"
        }
    }
}

/// The record walk of a verification: commits, trees and chunk lists, with the chunks they need.
struct VerifyWalk {
    /// Where an object was first found used.
    struct Place: Sendable {
        var root: String
        var commit: ObjectID?
        var path: String

        func child(_ name: String) -> Place {
            Place(root: root, commit: commit, path: path.isEmpty ? name : path + "/" + name)
        }
    }

    /// A chunk a file needs: its length by the file's records, and where it was first found.
    struct Need: Sendable {
        var length: UInt32
        var place: Place

        func problem(
            _ kind: DataVerifyReport.ObjectKind, _ issue: DataVerifyReport.Issue, _ id: ObjectID, pack: String?,
            _ message: String
        ) -> DataVerifyReport.Problem {
            DataVerifyReport.Problem(
                kind: kind, issue: issue, id: id, pack: pack, root: place.root, commit: place.commit,
                path: place.path.isEmpty ? nil : place.path, message: message)
        }
    }

    let repository: DataRepository
    let progress: (@Sendable (DataVerifyReport.Progress) -> Void)?
    var report = DataVerifyReport()
    var needs: [SHA256Digest: Need] = [:]
    var recordCount = 0
    private var commits = Set<ObjectID>()
    private var trees = Set<ObjectID>()
    private var lists = Set<ObjectID>()
    private var files = Set<ObjectID>()

    init(repository: DataRepository, progress: (@Sendable (DataVerifyReport.Progress) -> Void)?) {
        self.repository = repository
        self.progress = progress
    }

    private mutating func counted() {
        recordCount += 1
        if recordCount % 1_000 == 0 {
            progress?(
                DataVerifyReport.Progress(records: recordCount, chunks: 0, totalChunks: 0, bytes: 0, totalBytes: 0))
        }
    }

    private mutating func problem(
        _ kind: DataVerifyReport.ObjectKind, _ issue: DataVerifyReport.Issue, _ id: ObjectID, _ place: Place,
        _ message: String
    ) {
        report.problems.append(Need(length: 0, place: place).problem(kind, issue, id, pack: nil, message))
    }

    /// Reads a record's canonical bytes and checks them against `id`; reports and returns `nil`
    /// when it is damaged, or missing and `excused` does not excuse it.
    private mutating func bytes<Record: StoredRecord>(
        _ type: Record.Type, _ id: ObjectID, _ kind: DataVerifyReport.ObjectKind, _ place: Place,
        missing: String, excused: (() async throws -> Bool)? = nil, _ payload: (Record) -> [UInt8]
    ) async throws -> [UInt8]? {
        let stored: Record?
        do {
            stored = try await repository.records.get(type, id: id.hex)?.record
        } catch let error as MLOpsError where error.code == .corruptData || error.code == .unsupported {
            problem(kind, .corrupt, id, place, error.message)
            return nil
        }
        guard let stored else {
            if let excused, try await excused() { return nil }
            problem(kind, .missing, id, place, missing)
            return nil
        }
        let bytes = payload(stored)
        let found = ObjectID.of(bytes)
        guard found == id else {
            problem(kind, .corrupt, id, place, "the stored bytes hash to \(found.short), not to the id")
            return nil
        }
        counted()
        return bytes
    }

    /// Walks the commit `start` and all its ancestors.
    mutating func history(from start: ObjectID, root: String) async throws {
        var queue: [(id: ObjectID, child: ObjectID?)] = [(start, nil)]
        var next = 0
        while next < queue.count {
            let (id, child) = queue[next]
            next += 1
            guard commits.insert(id).inserted else { continue }
            let place = Place(root: root, commit: child, path: "")
            let missing = child == nil ? "the commit is not stored" : "a parent commit is not stored"
            var pruned = false
            let repository = self.repository
            let excused: (() async throws -> Bool)? =
                child == nil
                ? nil
                : {
                    pruned = try await repository.isPruned(id)
                    return pruned
                }
            guard
                let bytes = try await bytes(
                    CommitRecord.self, id, .commit, place, missing: missing, excused: excused, { [UInt8]($0.bytes) })
            else {
                if pruned { report.prunedCommits += 1 }
                continue
            }
            let commit: DataCommit
            do {
                commit = try DataCommit(decoding: bytes)
            } catch let error as MLOpsError {
                problem(.commit, .corrupt, id, place, error.message)
                continue
            }
            report.commits += 1
            try await tree(commit.root, at: Place(root: root, commit: id, path: ""))
            for parent in commit.parents { queue.append((parent, id)) }
        }
    }

    /// Walks the tree `start` and everything below it.
    mutating func tree(_ start: ObjectID, at place: Place) async throws {
        var stack: [(ObjectID, Place)] = [(start, place)]
        while let (id, place) = stack.popLast() {
            guard id != Tree.empty.id, trees.insert(id).inserted else { continue }
            guard
                let bytes = try await bytes(
                    TreeRecord.self, id, .tree, place, missing: "the directory tree is not stored",
                    { [UInt8]($0.bytes) })
            else { continue }
            let tree: Tree
            do {
                tree = try Tree(decoding: bytes)
            } catch let error as MLOpsError {
                problem(.tree, .corrupt, id, place, error.message)
                continue
            }
            report.trees += 1
            for entry in tree.entries {
                let child = place.child(entry.name)
                switch entry.kind {
                case .directory:
                    stack.append((entry.id, child))
                case .file:
                    if files.insert(entry.id).inserted { report.files += 1 }
                    guard let length = UInt32(exactly: entry.size) else {
                        problem(.tree, .corrupt, id, child, "a one-chunk file of \(entry.size) bytes is too large")
                        continue
                    }
                    need(entry.id.digest, length: length, child)
                case .chunkedFile:
                    if files.insert(entry.id).inserted { report.files += 1 }
                    try await chunkList(entry, at: child)
                }
            }
        }
    }

    private mutating func chunkList(_ entry: TreeEntry, at place: Place) async throws {
        guard lists.insert(entry.id).inserted else { return }
        guard
            let bytes = try await bytes(
                ChunkListRecord.self, entry.id, .chunkList, place, missing: "the file's chunk list is not stored",
                { [UInt8]($0.bytes) })
        else { return }
        let list: ChunkList
        do {
            list = try ChunkList(decoding: bytes)
        } catch let error as MLOpsError {
            problem(.chunkList, .corrupt, entry.id, place, error.message)
            return
        }
        report.chunkLists += 1
        if list.size != entry.size {
            problem(
                .chunkList, .corrupt, entry.id, place,
                "the chunks add up to \(list.size) bytes, the directory entry says \(entry.size)")
        }
        for chunk in list.chunks { need(chunk.id.digest, length: chunk.length, place) }
    }

    private mutating func need(_ digest: SHA256Digest, length: UInt32, _ place: Place) {
        if needs[digest] == nil { needs[digest] = Need(length: length, place: place) }
    }
}
