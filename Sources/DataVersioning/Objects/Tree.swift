import MLOpsCore

/// A directory: its entries sorted by name, with a canonical binary encoding whose SHA-256 is the
/// tree's id — so equal directories have equal ids, and a root id pins every byte beneath it (a
/// Merkle tree).
public struct Tree: Sendable, Hashable {
    /// The longest name an entry may have, in bytes of UTF-8.
    public static let maxNameLength = 1_024

    static let magic = Array("MLDVTR1\0".utf8)

    /// The entries, sorted by the bytes of their names, names unique.
    public let entries: [TreeEntry]

    /// A tree of `entries` (in any order).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the name if a name is not a single safe
    ///   path component (see ``validateName(_:)``) or appears twice.
    public init(entries: [TreeEntry]) throws {
        for entry in entries { try Self.validateName(entry.name) }
        let sorted = entries.sorted { Self.precedes($0.name, $1.name) }
        for index in sorted.indices.dropFirst() where sorted[index].name == sorted[index - 1].name {
            throw MLOpsError(.invalidArgument, "a directory has two entries with one name", value: sorted[index].name)
        }
        self.entries = sorted
    }

    private init(sortedUnchecked entries: [TreeEntry]) { self.entries = entries }

    /// A tree of entries whose names were validated and are sorted by their bytes, unique.
    init(sortedValidated entries: [TreeEntry]) { self.entries = entries }

    /// Whether `first` sorts before `second` by the bytes of their UTF-8 (a tree's order).
    static func precedes(_ first: String, _ second: String) -> Bool {
        var first = first
        var second = second
        return first.withUTF8 { a in
            second.withUTF8 { b in
                let common = Swift.min(a.count, b.count)
                if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
                    let order = Platform.compareBytes(pa, pb, count: common)
                    if order != 0 { return order < 0 }
                }
                return a.count < b.count
            }
        }
    }

    /// An empty directory.
    public static let empty = Tree(sortedUnchecked: [])

    /// Checks that `name` can be a path component everywhere: non-empty, at most
    /// ``maxNameLength`` bytes, not `.` or `..`, and free of `/`, `\`, NUL and other control
    /// characters.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the (escaped) name.
    public static func validateName(_ name: String) throws {
        let problem: String?
        if name.isEmpty {
            problem = "an empty name"
        } else if name == "." || name == ".." {
            problem = "'.' and '..' cannot be names"
        } else if name.utf8.count > maxNameLength {
            problem = "a name longer than \(maxNameLength) bytes"
        } else if name.utf8.contains(where: { $0 == 0x2F || $0 == 0x5C }) {
            problem = "a name containing '/' or '\\'"
        } else if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            problem = "a name containing a control character"
        } else {
            problem = nil
        }
        if let problem {
            throw MLOpsError(
                .invalidArgument, "unsafe file name: \(problem)", value: DisplayText.escapingControlCharacters(name))
        }
    }

    /// The entry named `name`, if any.
    public subscript(name: String) -> TreeEntry? {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if Self.precedes(entries[middle].name, name) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < entries.count && entries[low].name == name ? entries[low] : nil
    }

    /// The total size of the files beneath the tree.
    public var totalSize: UInt64 { entries.reduce(0) { $0 &+ $1.size } }

    /// The canonical encoding (see the DataVersioning storage layout).
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 12 + entries.count * 64)
        writer.append(Self.magic)
        writer.append(UInt32(entries.count))
        for entry in entries {
            let name = Array(entry.name.utf8)
            writer.append(entry.kind.rawValue)
            writer.append(UInt8(entry.isExecutable && entry.kind != .directory ? 1 : 0))
            writer.append(UInt16(name.count))
            writer.append(name)
            writer.append(entry.size)
            writer.append(entry.id.digest)
        }
        return writer.bytes
    }

    /// The tree's id: the SHA-256 of ``encoded``.
    public var id: ObjectID { ObjectID.of(encoded) }

    /// Decodes a canonical encoding, checking its structure, names and order.
    ///
    /// - Throws: `MLOpsError` `corruptData` naming what is wrong.
    public init(decoding bytes: [UInt8]) throws {
        var reader = ByteReader(bytes, what: "directory tree")
        try reader.expect(Self.magic)
        let count = Int(try reader.u32())
        guard count <= reader.remaining / 44 else { throw reader.failure("entry count \(count) is too large") }
        var entries: [TreeEntry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let kind = TreeEntry.Kind(rawValue: try reader.u8()) else {
                throw reader.failure("unknown entry kind")
            }
            let flags = try reader.u8()
            guard flags <= 1 else { throw reader.failure("unknown entry flags") }
            let nameLength = Int(try reader.u16())
            guard let name = String(validating: try reader.raw(nameLength), as: UTF8.self) else {
                throw reader.failure("a name is not UTF-8")
            }
            let size = try reader.u64()
            let id = ObjectID(try reader.digest())
            entries.append(TreeEntry(name: name, kind: kind, isExecutable: flags == 1, size: size, id: id))
        }
        try reader.requireEnd()
        do {
            let tree = try Tree(entries: entries)
            guard tree.entries == entries else { throw reader.failure("entries are not in canonical order") }
        } catch let error as MLOpsError where error.code == .invalidArgument {
            throw reader.failure(error.message)
        }
        self.entries = entries
    }
}
