import MLOpsCore

extension DataRepository {
    /// The file-level changes from revision `old` to revision `new` (see ``resolve(_:)``).
    ///
    /// - Throws: `notFound` for an unknown revision.
    public func diff(_ old: String, _ new: String) async throws -> DataDiff {
        let oldRoot = try await commit(try await resolve(old)).root
        let newRoot = try await commit(try await resolve(new)).root
        return try await diff(trees: oldRoot, newRoot)
    }

    /// The row-level difference of the CSV file at `path` between revisions `old` and `new` (see
    /// ``TableDiff``): by the `key` column when given, by row content otherwise, with schema changes.
    ///
    /// - Throws: `notFound` if either revision lacks the file; what ``TableDiff/compare(old:new:key:options:limit:)``
    ///   throws for malformed CSV or a bad key.
    public func tableDiff(
        of path: String, from old: String, to new: String, key: String? = nil, limit: Int = 1_000
    ) async throws -> TableDiff {
        let oldBytes = try await readFile(path, at: old)
        let newBytes = try await readFile(path, at: new)
        return try await BlockingExecutor.shared.run {
            try TableDiff.compare(old: oldBytes, new: newBytes, key: key, limit: limit)
        }
    }

    func entries(of tree: ObjectID?) async throws -> [TreeEntry] {
        guard let tree else { return [] }
        return try await self.tree(tree).entries
    }

    /// The file-level changes from the tree `old` to the tree `new`.
    public func diff(trees old: ObjectID, _ new: ObjectID) async throws -> DataDiff {
        var added: [DataDiff.Change] = []
        var removed: [DataDiff.Change] = []
        var modified: [DataDiff.Change] = []

        func files(_ entry: TreeEntry, _ path: String, into list: inout [(String, TreeEntry)]) async throws {
            if entry.kind == .directory {
                for child in try await tree(entry.id).entries {
                    try await files(child, path + "/" + child.name, into: &list)
                }
            } else {
                list.append((path, entry))
            }
        }
        func walk(_ oldID: ObjectID?, _ newID: ObjectID?, _ prefix: String) async throws {
            if oldID == newID { return }
            let oldEntries = try await entries(of: oldID)
            let newEntries = try await entries(of: newID)
            var byName: [String: (TreeEntry?, TreeEntry?)] = [:]
            for entry in oldEntries { byName[entry.name, default: (nil, nil)].0 = entry }
            for entry in newEntries { byName[entry.name, default: (nil, nil)].1 = entry }
            for (name, pair) in byName {
                let path = prefix.isEmpty ? name : prefix + "/" + name
                switch pair {
                case (let before?, let after?) where before.kind == .directory && after.kind == .directory:
                    try await walk(before.id, after.id, path)
                case (let before?, let after?) where before.isFile && after.isFile:
                    if before.id != after.id || before.isExecutable != after.isExecutable {
                        modified.append(
                            DataDiff.Change(
                                kind: .modified, path: path, oldSize: before.size, newSize: after.size,
                                oldID: before.id,
                                newID: after.id))
                    }
                default:
                    var gone: [(String, TreeEntry)] = []
                    var new: [(String, TreeEntry)] = []
                    if let before = pair.0 { try await files(before, path, into: &gone) }
                    if let after = pair.1 { try await files(after, path, into: &new) }
                    for (path, entry) in gone {
                        removed.append(
                            DataDiff.Change(kind: .removed, path: path, oldSize: entry.size, oldID: entry.id))
                    }
                    for (path, entry) in new {
                        added.append(DataDiff.Change(kind: .added, path: path, newSize: entry.size, newID: entry.id))
                    }
                }
            }
        }
        try await walk(old, new, "")

        // Pair removed and added files with the same content as renames.
        var removedByID: [ObjectID: [Int]] = [:]
        for (index, change) in removed.enumerated() {
            if let id = change.oldID { removedByID[id, default: []].append(index) }
        }
        var renamedRemoved = Set<Int>()
        var changes = modified
        for change in added {
            if let id = change.newID, var candidates = removedByID[id], !candidates.isEmpty {
                let index = candidates.removeFirst()
                removedByID[id] = candidates
                renamedRemoved.insert(index)
                let before = removed[index]
                changes.append(
                    DataDiff.Change(
                        kind: .renamed, path: change.path, oldPath: before.path, oldSize: before.oldSize,
                        newSize: change.newSize, oldID: before.oldID, newID: change.newID))
            } else {
                changes.append(change)
            }
        }
        for (index, change) in removed.enumerated() where !renamedRemoved.contains(index) { changes.append(change) }
        return DataDiff(changes: changes)
    }
}
