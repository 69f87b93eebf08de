import MLOpsCore

/// The keys a remote — any `BlobStore` that ``DataRepository/push(to:refs:force:progress:)`` writes
/// and ``DataRepository/pull(from:refs:force:progress:)`` reads — holds a repository under:
///
/// - `data/packs/<SortableID>.pack` and `.idx`: chunks, in the same pack format as locally. A pack
///   is visible only once its `.idx` exists, and the `.idx` is written only after the pack was read
///   back and found to hold exactly the verified chunks that were sent.
/// - `data/objects/commit/<hex>`, `data/objects/tree/<hex>`, `data/objects/chunklist/<hex>`: the
///   canonical bytes of each commit, tree and chunk list, under the hex SHA-256 of those bytes. The
///   empty tree is never stored (its id is known).
/// - `data/refs/branch/<name>/@<20 digits>` and `data/refs/tag/<name>/@<20 digits>`: a ref's log.
///   Each blob holds `sha256:<hex>` and a newline, the commit the ref pointed at from that update on;
///   the digits are the update's sequence number (from 1, zero-padded so keys sort numerically) and
///   the highest number is the ref's current value. `@` cannot occur in a ref name, so
///   `main/@…` never collides with a branch called `main/x`.
///
/// Invariants a writer keeps, so a reader can trust the remote at every instant:
/// 1. An object is written only after everything it refers to is: chunks (in indexed packs) before
///    the chunk lists and trees naming them, a tree's subtrees before it, a commit's tree and
///    parents before it. So an object's presence means its whole closure is present, and a push
///    stops walking at the first object the remote has.
/// 2. A ref update is written last, after every object of its commit.
/// 3. A ref update is a create-only put of sequence number N + 1 after reading N as the newest.
///    Blobs are immutable — a put of different bytes under an existing key fails with `conflict` —
///    so of two concurrent updates from N exactly one lands; the other sees `conflict`, reads the
///    winner and checks again whether it is still a fast-forward. No acknowledged update is ever
///    overwritten or lost, and updates are never deleted (the log doubles as the remote's reflog).
enum RemoteLayout {
    /// The metadata objects stored one per blob.
    enum ObjectKind: String, Sendable, Hashable, CaseIterable {
        case commit
        case tree
        case chunklist
    }

    static let objectsDirectory = "data/objects"
    static let refsDirectory = "data/refs"
    /// The number of digits of a ref update's sequence number.
    static let versionDigits = 20

    /// The key of an object's canonical bytes.
    static func objectKey(_ kind: ObjectKind, _ id: ObjectID) -> BlobKey {
        // Lower-case letters and hex digits: always a valid key.
        try! BlobKey("\(objectsDirectory)/\(kind.rawValue)/\(id.hex)")
    }

    /// The folder of a ref's log: `data/refs/<kind>/<name>`.
    ///
    /// - Throws: `invalidArgument` for a name that is not a valid ref name or blob key.
    static func refPrefix(_ kind: DataRef.Kind, _ name: String) throws -> String {
        try DataRepository.validateRefName(name)
        let prefix = "\(refsDirectory)/\(kind.rawValue)/\(name)"
        _ = try BlobKey(prefix)
        return prefix
    }

    /// The key of update `version` of a ref.
    static func refKey(_ kind: DataRef.Kind, _ name: String, version: UInt64) throws -> BlobKey {
        try BlobKey(try refPrefix(kind, name) + "/" + versionSegment(version))
    }

    /// `@` and the zero-padded decimal `version`.
    static func versionSegment(_ version: UInt64) -> String {
        let digits = String(version)
        return "@" + String(repeating: "0", count: max(0, versionDigits - digits.count)) + digits
    }

    /// The sequence number of a `@<20 digits>` segment, or `nil` for anything else.
    static func parseVersion(_ segment: some StringProtocol) -> UInt64? {
        let utf8 = Array(segment.utf8)
        guard utf8.count == versionDigits + 1, utf8[0] == UInt8(ascii: "@"),
            utf8.dropFirst().allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return UInt64(String(decoding: utf8.dropFirst(), as: UTF8.self))
    }

    /// A ref update's key split into kind, name and sequence number.
    ///
    /// - Throws: `corruptData` naming the key if it is not `data/refs/<branch|tag>/<name>/@<20 digits>`
    ///   with a valid ref name.
    static func parseRefKey(_ key: BlobKey) throws -> (kind: DataRef.Kind, name: String, version: UInt64) {
        let segments = key.segments
        func malformed(_ problem: String) -> MLOpsError {
            MLOpsError(
                .corruptData, "a key under the remote's \(refsDirectory) is not a ref update: \(problem)",
                value: key.rawValue)
        }
        guard segments.count >= 5, segments[0] == "data", segments[1] == "refs" else {
            throw malformed("expected data/refs/<branch or tag>/<name>/@<\(versionDigits) digits>")
        }
        guard let kind = DataRef.Kind(rawValue: String(segments[2])) else {
            throw malformed("'\(segments[2])' is neither 'branch' nor 'tag'")
        }
        guard let version = parseVersion(segments[segments.count - 1]), version > 0 else {
            throw malformed("the last segment is not '@' and \(versionDigits) digits of a positive number")
        }
        let name = segments[3..<(segments.count - 1)].joined(separator: "/")
        do {
            try DataRepository.validateRefName(name)
        } catch {
            throw malformed("'\(name)' is not a valid ref name")
        }
        return (kind, name, version)
    }

    /// The bytes of a ref update: `sha256:<hex>` and a newline.
    static func encodeRef(_ commit: ObjectID) -> [UInt8] { Array((commit.description + "\n").utf8) }

    /// The commit a ref update names.
    ///
    /// - Throws: `corruptData` naming `key` unless `bytes` are exactly `sha256:<64 hex>` and a newline.
    static func decodeRef(_ bytes: [UInt8], key: BlobKey) throws -> ObjectID {
        let expected = ObjectID.algorithmPrefix.utf8.count + 2 * SHA256Digest.byteCount + 1
        guard bytes.count == expected, bytes.last == UInt8(ascii: "\n"),
            let text = String(validating: bytes.dropLast(), as: UTF8.self),
            let id = try? ObjectID(parsing: text), id.description == text
        else {
            throw MLOpsError(
                .corruptData, "a remote ref update does not hold 'sha256:<64 lower-case hex>' and a newline",
                value: key.rawValue)
        }
        return id
    }
}
