/// A depth-first walk of a ``FileBlobStore`` directory tree in key byte order, collecting the keys after a
/// cursor until a limit.
///
/// A directory's entries are visited sorted by their name, with `/` appended to directories' names. That
/// order is the byte order of the keys below them: no name contains `/`, so the sort keys of two siblings
/// differ at a byte before either ends, or one is a file name that is a prefix of the other — and then
/// every key below the other is longer and sorts after it too. A directory whose keys all sort before the
/// cursor is skipped without being opened.
struct BlobTreeWalk {
    /// Only keys greater than this (UTF-8 bytes) are collected; `nil` collects from the first key.
    let cursor: [UInt8]?
    /// The most keys to collect.
    let limit: Int
    /// The keys collected so far, in ascending order.
    private(set) var keys: [BlobKey] = []

    init(cursor: [UInt8]?, limit: Int) {
        self.cursor = cursor
        self.limit = limit
    }

    /// Whether the walk has collected `limit` keys.
    var isFull: Bool { keys.count >= limit }

    /// Collects `key` if it sorts after the cursor and the walk is not full. Keys must be offered in
    /// ascending order.
    mutating func offer(_ key: BlobKey) {
        guard !isFull else { return }
        if let cursor, !cursor.lexicographicallyPrecedes(key.rawValue.utf8) { return }
        keys.append(key)
    }

    /// Visits the open directory `directory` whose key path is `path` (empty for the store's root),
    /// collecting the keys below it in order. The caller keeps and closes `directory`.
    ///
    /// Temporary files (names with `%`), links, devices and names that are not valid keys are skipped.
    mutating func visit(_ directory: Int32, path: String) throws {
        guard let names = Platform.directoryEntries(directory) else {
            throw FileSystem.error("cannot list directory", path)
        }
        var entries: [(sortKey: [UInt8], name: String, isDirectory: Bool)] = []
        entries.reserveCapacity(names.count)
        for name in names where !name.contains("%") {
            guard let status = Platform.status(at: directory, name) else { continue }
            switch status.type {
            case .regular: entries.append((Array(name.utf8), name, false))
            case .directory: entries.append((Array(name.utf8) + [0x2F], name, true))
            case .other: continue  // links and devices are never objects
            }
        }
        entries.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        let base: [UInt8] = path.isEmpty ? [] : Array(path.utf8) + [0x2F]
        for entry in entries {
            if isFull { return }
            let childPath = path.isEmpty ? entry.name : path + "/" + entry.name
            if entry.isDirectory {
                if let cursor {
                    // Every key below starts with `path/name/`; skip them all if that sorts before the
                    // cursor without being its prefix.
                    let below = base + entry.sortKey
                    if below.lexicographicallyPrecedes(cursor) && !cursor.starts(with: below) { continue }
                }
                let child = Platform.open(at: directory, entry.name, [.readOnly, .directory, .noFollow])
                if child < 0 { continue }  // removed meanwhile, or replaced by a link
                defer { Platform.close(child) }
                try visit(child, path: childPath)
            } else if let key = try? BlobKey(childPath) {
                offer(key)
            }
        }
    }
}
