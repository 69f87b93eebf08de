import MLOpsCore

/// The refs of a remote: per branch or tag, a log of numbered, immutable update blobs whose newest
/// is the ref's value (see ``RemoteLayout``). Appending is compare-and-swap on the blob store's
/// create-only puts.
struct RemoteRefLog: Sendable {
    /// A ref's newest update.
    struct Entry: Sendable, Hashable {
        var kind: DataRef.Kind
        var name: String
        var version: UInt64
        var commit: ObjectID
    }

    let store: any BlobStore

    /// The newest update of one ref, or `nil` if the remote has none.
    ///
    /// - Throws: `corruptData` for a malformed update blob; listing and read errors.
    func latest(_ kind: DataRef.Kind, _ name: String) async throws -> Entry? {
        let prefix = try RemoteLayout.refPrefix(kind, name)
        let depth = prefix.split(separator: "/").count + 1
        var newest: (version: UInt64, key: BlobKey)?
        var cursor: BlobKey?
        repeat {
            let page = try await store.list(prefix: prefix, after: cursor, limit: 1_000)
            // Deeper keys belong to refs named `<name>/…`.
            for key in page.keys where key.segments.count == depth {
                guard let version = RemoteLayout.parseVersion(key.lastSegment), version > 0 else {
                    _ = try RemoteLayout.parseRefKey(key)  // throws, naming the key
                    continue
                }
                if version > newest?.version ?? 0 { newest = (version, key) }
            }
            cursor = page.next
        } while cursor != nil
        guard let newest else { return nil }
        let commit = try RemoteLayout.decodeRef(try await store.get(newest.key), key: newest.key)
        return Entry(kind: kind, name: name, version: newest.version, commit: commit)
    }

    /// The newest update of every ref on the remote, branches first, each by name.
    ///
    /// - Throws: `corruptData` naming a key under `data/refs` that is not a ref update, or a
    ///   malformed update blob; listing and read errors.
    func all() async throws -> [Entry] {
        struct Name: Hashable {
            var kind: DataRef.Kind
            var name: String
        }
        var newest: [Name: (version: UInt64, key: BlobKey)] = [:]
        var cursor: BlobKey?
        repeat {
            let page = try await store.list(prefix: RemoteLayout.refsDirectory, after: cursor, limit: 1_000)
            for key in page.keys {
                let parsed = try RemoteLayout.parseRefKey(key)
                let name = Name(kind: parsed.kind, name: parsed.name)
                if parsed.version > newest[name]?.version ?? 0 { newest[name] = (parsed.version, key) }
            }
            cursor = page.next
        } while cursor != nil
        var entries: [Entry] = []
        for (name, update) in newest {
            let commit = try RemoteLayout.decodeRef(try await store.get(update.key), key: update.key)
            entries.append(Entry(kind: name.kind, name: name.name, version: update.version, commit: commit))
        }
        return entries.sorted { ($0.kind == .branch ? 0 : 1, $0.name) < ($1.kind == .branch ? 0 : 1, $1.name) }
    }

    /// Records that the ref now points at `commit`, as the update after `previous` (the newest the
    /// caller read; `nil` when the ref had none).
    ///
    /// - Throws: `conflict` if another writer appended an update after `previous` first (read the
    ///   newest again and decide anew); `limitExceeded` if the sequence numbers ran out.
    func append(_ kind: DataRef.Kind, _ name: String, commit: ObjectID, after previous: UInt64?) async throws {
        let (next, overflow) = (previous ?? 0).addingReportingOverflow(1)
        guard !overflow else {
            throw MLOpsError(.limitExceeded, "the remote ref has no update numbers left", value: name)
        }
        let key = try RemoteLayout.refKey(kind, name, version: next)
        do {
            try await store.put(key, data: RemoteLayout.encodeRef(commit))
        } catch let error as MLOpsError where error.code == .conflict {
            throw MLOpsError(
                .conflict, "another writer updated remote \(kind.rawValue) '\(name)' at the same time",
                value: key.rawValue)
        }
    }
}
