#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore

/// A branch or a tag.
public struct DataRef: Sendable, Hashable, Codable {
    /// Branches move with commits; tags never move.
    public enum Kind: String, Sendable, Hashable, Codable {
        case branch
        case tag
    }

    /// The ref's name.
    public var name: String
    /// Branch or tag.
    public var kind: Kind
    /// The commit it names.
    public var commit: ObjectID
    /// How much of its history garbage collection keeps.
    public var retention: RetentionPolicy
}

extension DataRepository {
    /// The longest ref name, in bytes.
    public static let maxRefNameLength = 200

    static func refID(branch: String) -> String { "branch:" + branch }
    static func refID(tag: String) -> String { "tag:" + tag }

    /// Checks a branch or tag name: 1 to ``maxRefNameLength`` bytes of letters, digits, `.`, `_`,
    /// `-` and `/`, not starting with `-`, `.` or `/`, without `..`, `@{`, `~` or `^` (which
    /// revisions use), and not a commit-id-like `sha256:` text.
    ///
    /// - Throws: `invalidArgument` naming the name.
    public static func validateRefName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            (scalar.value < 128 && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "." || scalar == "_" || scalar == "-" || scalar == "/"
        }
        guard !name.isEmpty, name.utf8.count <= maxRefNameLength, allowed, !name.hasPrefix("-"),
            !name.hasPrefix("."), !name.hasPrefix("/"), !name.hasSuffix("/"), !name.contains(".."),
            !name.contains("//"), name != "HEAD"
        else {
            throw MLOpsError(
                .invalidArgument,
                "invalid branch or tag name (use letters, digits, '.', '_', '-', '/'; not 'HEAD', not starting with "
                    + "'-', '.' or '/', no '..')",
                value: DisplayText.escapingControlCharacters(String(name.prefix(300))))
        }
    }

    /// The branch `HEAD` names (``defaultBranch`` until changed).
    public func currentBranch() async throws -> String {
        try await records.get(HeadRecord.self, id: HeadRecord.id)?.record.branch ?? Self.defaultBranch
    }

    /// Makes `HEAD` name `branch` (which need not exist yet: the next commit creates it).
    ///
    /// - Throws: `invalidArgument` for a bad name; `invalidState` if changes are staged on
    ///   another branch (commit or reset them first).
    public func switchBranch(to branch: String) async throws {
        try Self.validateRefName(branch)
        if let staged = try await records.get(StageRecord.self, id: StageRecord.id)?.record, staged.branch != branch {
            throw MLOpsError(
                .invalidState, "changes are staged on branch '\(staged.branch)'; commit or reset them first",
                value: branch)
        }
        try await records.save(HeadRecord(branch: branch))
    }

    /// The commit `branch` points at, or `nil` if it has none.
    public func branchHead(_ branch: String) async throws -> ObjectID? {
        try await records.get(RefRecord.self, id: Self.refID(branch: branch))?.record.commit
    }

    /// Every branch and tag, branches first, each by name.
    public func refs() async throws -> [DataRef] {
        var refs: [DataRef] = []
        try await records.forEachRecord(RefRecord.self) { stored in
            let record = stored.record
            let isBranch = record.name.hasPrefix("branch:")
            let name = String(record.name.drop(while: { $0 != ":" }).dropFirst())
            refs.append(
                DataRef(
                    name: name, kind: isBranch ? .branch : .tag, commit: record.commit,
                    retention: record.retention ?? .all))
        }
        return refs
    }

    /// Creates branch `name` at `revision`.
    ///
    /// - Throws: `conflict` if the branch exists; `invalidArgument`/`notFound` for bad input.
    @discardableResult
    public func createBranch(_ name: String, at revision: String = "HEAD") async throws -> DataRef {
        try await createRef(Self.refID(branch: name), name: name, kind: .branch, at: revision)
    }

    /// Creates tag `name` at `revision`. Tags never move.
    ///
    /// - Throws: `conflict` if the tag exists; `invalidArgument`/`notFound` for bad input.
    @discardableResult
    public func tag(_ name: String, at revision: String = "HEAD") async throws -> DataRef {
        try await createRef(Self.refID(tag: name), name: name, kind: .tag, at: revision)
    }

    private func createRef(_ id: String, name: String, kind: DataRef.Kind, at revision: String) async throws -> DataRef
    {
        try Self.validateRefName(name)
        let ticket = try await collectionTicket()
        let commit = try await resolve(revision)
        // A commit no ref names (one that lost a race) may have been partly collected.
        if try await !isRefTarget(commit) { try await requireComplete(commit: commit) }
        let record = RefRecord(name: id, commit: commit, retention: nil, updatedMilliseconds: Self.nowMilliseconds)
        try await publish(ticket, .commit(commit)) { tx in
            if try await tx.get(RefRecord.self, id: id) != nil {
                throw MLOpsError(.conflict, "a \(kind.rawValue) with this name exists", value: name)
            }
            try await tx.insert(record)
        }
        return DataRef(name: name, kind: kind, commit: commit, retention: .all)
    }

    /// Points `branch` at `commit` if it still points at `expected` (compare-and-swap; `nil`: the
    /// branch must not exist). Use it to attach a commit that lost a race, after checking it.
    ///
    /// - Throws: `conflict` if the branch points elsewhere; `notFound` if `commit` is not stored.
    public func setBranch(_ branch: String, to commit: ObjectID, expecting expected: ObjectID?) async throws {
        try Self.validateRefName(branch)
        let ticket = try await collectionTicket()
        _ = try await self.commit(commit)
        if try await !isRefTarget(commit) { try await requireComplete(commit: commit) }
        let id = Self.refID(branch: branch)
        try await publish(ticket, .commit(commit)) { tx in
            let now = try await tx.get(RefRecord.self, id: id)
            guard now?.record.commit == expected else {
                throw MLOpsError(
                    .conflict,
                    "branch '\(branch)' points at \(now?.record.commit.short ?? "nothing"), not at "
                        + "\(expected?.short ?? "nothing")", value: branch)
            }
            let ref = RefRecord(
                name: id, commit: commit, retention: now?.record.retention, updatedMilliseconds: Self.nowMilliseconds)
            if let now { try await tx.update(ref, expectedVersion: now.version) } else { try await tx.insert(ref) }
        }
    }

    /// Deletes a branch or tag; its commits stay until garbage collection finds them unreachable.
    ///
    /// - Returns: Whether it existed.
    @discardableResult
    public func deleteRef(_ name: String, kind: DataRef.Kind) async throws -> Bool {
        try await records.delete(RefRecord.self, id: kind == .branch ? Self.refID(branch: name) : Self.refID(tag: name))
    }

    /// Sets how much history of a branch or tag garbage collection keeps.
    ///
    /// - Throws: `notFound` if there is no such ref; `invalidArgument` for a negative count.
    public func setRetention(_ policy: RetentionPolicy, for name: String, kind: DataRef.Kind = .branch) async throws {
        if let count = policy.keepCommits, count < 1 {
            throw MLOpsError(.invalidArgument, "a retention must keep at least one commit", value: String(count))
        }
        let id = kind == .branch ? Self.refID(branch: name) : Self.refID(tag: name)
        try await records.update(RefRecord.self, id: id) { $0.retention = policy.keepsAll ? nil : policy }
    }

    // MARK: Resolving and history

    /// The commit a revision names.
    ///
    /// Accepted: `HEAD` (the current branch's commit); a branch or tag name (branches first);
    /// a full id `sha256:<hex>`; a unique prefix of at least 4 hex digits (with or without
    /// `sha256:`); any of these followed by `~N` (`~` alone is `~1`: N first parents back) or by
    /// `@{TIME}` — the newest commit on its first-parent history made at or before TIME
    /// (ISO 8601, e.g. `2026-12-01T10:00:00Z`, or milliseconds since 1970).
    ///
    /// - Throws: `notFound` naming the revision when nothing matches; `invalidArgument` for an
    ///   ambiguous prefix or malformed text.
    public func resolve(_ revision: String) async throws -> ObjectID {
        let text = String(revision.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
        guard !text.isEmpty, text.utf8.count <= 1_000 else {
            throw MLOpsError(.invalidArgument, "an empty or overlong revision", value: String(text.prefix(100)))
        }
        if text.hasSuffix("}"), let open = text.lastIndex(of: "@"), text[text.index(after: open)...].hasPrefix("{") {
            let inner = text[text.index(open, offsetBy: 2)..<text.index(before: text.endIndex)]
            let time = try Self.parseTime(String(inner))
            var current: ObjectID? = try await resolve(String(text[..<open]))
            while let id = current {
                let commit = try await commit(id)
                if commit.timestampMilliseconds <= time { return id }
                current = commit.parents.first
            }
            throw MLOpsError(.notFound, "no commit at or before this time", value: revision)
        }
        if let tilde = text.lastIndex(of: "~") {
            let countText = text[text.index(after: tilde)...]
            guard let count = countText.isEmpty ? 1 : Int(countText), count >= 0 else {
                throw MLOpsError(.invalidArgument, "expected a number after '~'", value: revision)
            }
            var id = try await resolve(String(text[..<tilde]))
            for _ in 0..<count {
                guard let parent = try await commit(id).parents.first else {
                    throw MLOpsError(.notFound, "the history is shorter than asked", value: revision)
                }
                id = parent
            }
            return id
        }
        if text == "HEAD" {
            let branch = try await currentBranch()
            guard let head = try await branchHead(branch) else {
                throw MLOpsError(.notFound, "branch '\(branch)' has no commits yet", value: "HEAD")
            }
            return head
        }
        if let ref = try? Self.validateRefName(text) {
            _ = ref
            if let branch = try await records.get(RefRecord.self, id: Self.refID(branch: text)) {
                return branch.record.commit
            }
            if let tag = try await records.get(RefRecord.self, id: Self.refID(tag: text)) { return tag.record.commit }
        }
        let hex =
            text.hasPrefix(ObjectID.algorithmPrefix) ? String(text.dropFirst(ObjectID.algorithmPrefix.count)) : text
        if hex.count >= 4, hex.count <= 64, hex.allSatisfy({ $0.isHexDigit }) {
            let lower = hex.lowercased()
            var matches: [ObjectID] = []
            var cursor: RecordCursor?
            repeat {
                let page = try await records.lookup(
                    CommitRecord.self, index: "prefix", value: String(lower.prefix(4)), after: cursor, limit: 1_000)
                for stored in page.records where stored.record.id.hasPrefix(lower) {
                    matches.append(try ObjectID(parsing: ObjectID.algorithmPrefix + stored.record.id))
                }
                cursor = page.next
            } while cursor != nil
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 {
                throw MLOpsError(
                    .invalidArgument, "the id prefix matches \(matches.count) commits; give more digits", value: text)
            }
        }
        throw MLOpsError(
            .notFound, "no branch, tag or commit with this name", value: DisplayText.escapingControlCharacters(text))
    }

    /// Whether garbage collection deleted the commit `id` as history its ref's retention let go.
    func isPruned(_ id: ObjectID) async throws -> Bool {
        try await records.get(PrunedCommitRecord.self, id: id.hex) != nil
    }

    static func parseTime(_ text: String) throws -> UInt64 {
        if let milliseconds = UInt64(text) { return milliseconds }
        if let date = try? Date(text, strategy: .iso8601), date.timeIntervalSince1970 >= 0 {
            return UInt64(date.timeIntervalSince1970 * 1000)
        }
        throw MLOpsError(
            .invalidArgument, "not a time (use ISO 8601 like 2026-12-01T10:00:00Z, or milliseconds since 1970)",
            value: DisplayText.escapingControlCharacters(String(text.prefix(100))))
    }

    /// The first-parent history from `revision`, newest first, at most `limit` commits. It ends
    /// early where garbage collection pruned older history (a ref's ``RetentionPolicy``).
    public func log(from revision: String = "HEAD", limit: Int = 100) async throws -> [DataLogEntry] {
        var entries: [DataLogEntry] = []
        var current: ObjectID? = try await resolve(revision)
        while let id = current, entries.count < limit {
            let commit: DataCommit
            do {
                commit = try await self.commit(id)
            } catch let error as MLOpsError where error.code == .notFound && !entries.isEmpty {
                if try await isPruned(id) { break }
                throw error
            }
            entries.append(DataLogEntry(id: id, commit: commit))
            current = commit.parents.first
        }
        return entries
    }
}
