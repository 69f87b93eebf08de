import MLOpsCore

/// Remembers what each file of an added tree hashed to, keyed by its path and checked against its
/// size, modification time, change time, inode and device — the way DVC's state database and
/// Git's index avoid re-reading unchanged files.
///
/// Stored as one blob per added root under `data/cache/` (a cache: losing it costs time only). An
/// entry whose modification time is within a window of when the cache was written is not trusted,
/// since a write in the same timestamp tick would not change the time ("racy" entries, as Git
/// calls them): ``racyWindowNanoseconds`` for file systems with fine timestamps, and
/// ``coarseRacyWindowNanoseconds`` when a time has no sub-second part (FAT, some network file
/// systems, whose ticks are up to two seconds).
///
/// A cache also records the garbage-collection epoch its add started under; an add under another
/// epoch ignores it, since a collection may have deleted what its entries name (collections also
/// delete every cache blob when they delete anything).
struct StatCache: Sendable {
    struct Entry: Sendable, Hashable {
        var device: UInt64
        var inode: UInt64
        var size: UInt64
        var modificationNanoseconds: Int64
        var changeNanoseconds: Int64
        var kind: TreeEntry.Kind
        var id: ObjectID
    }

    static let magic = Array("MLDVSC2\0".utf8)
    static let racyWindowNanoseconds: Int64 = 100_000_000
    static let coarseRacyWindowNanoseconds: Int64 = 2_000_000_000

    var writtenNanoseconds: Int64 = 0

    /// The window for a modification time: wide when the time looks whole-second (a coarse file
    /// system), narrow otherwise.
    static func racyWindow(_ modification: Int64) -> Int64 {
        modification % 1_000_000_000 == 0 ? coarseRacyWindowNanoseconds : racyWindowNanoseconds
    }
    var collectionEpoch: UInt64 = 0
    var entries: [String: Entry] = [:]

    init() {}

    /// Where stat caches live in the blob store.
    static let directory = "data/cache"

    static func key(forRoot absolutePath: String) -> BlobKey {
        try! BlobKey("\(directory)/stat-\(SHA256.hash(Array(absolutePath.utf8)).hexString.prefix(32))")
    }

    /// The cached output for `path` if its status still matches.
    func lookup(_ path: String, _ status: Platform.FileStatus) -> Entry? {
        guard let entry = entries[path], entry.size == UInt64(status.size), entry.inode == status.inode,
            entry.device == status.device, entry.modificationNanoseconds == status.modificationNanoseconds,
            entry.changeNanoseconds == status.changeNanoseconds,
            entry.modificationNanoseconds < writtenNanoseconds - Self.racyWindow(entry.modificationNanoseconds)
        else { return nil }
        return entry
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 16 + entries.count * 96)
        writer.append(Self.magic)
        writer.append(UInt64(bitPattern: writtenNanoseconds))
        writer.append(collectionEpoch)
        writer.append(UInt32(entries.count))
        for (path, entry) in entries {
            writer.appendString(path)
            writer.append(entry.device)
            writer.append(entry.inode)
            writer.append(entry.size)
            writer.append(UInt64(bitPattern: entry.modificationNanoseconds))
            writer.append(UInt64(bitPattern: entry.changeNanoseconds))
            writer.append(entry.kind.rawValue)
            writer.append(entry.id.digest)
        }
        return writer.bytes
    }

    /// Decodes a stored cache; a damaged one reads as empty (it is only a cache).
    init(decoding bytes: [UInt8]) {
        var reader = ByteReader(bytes, what: "stat cache")
        do {
            try reader.expect(Self.magic)
            writtenNanoseconds = Int64(bitPattern: try reader.u64())
            collectionEpoch = try reader.u64()
            let count = Int(try reader.u32())
            guard count <= reader.remaining / 80 else { return }
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let path = try reader.string()
                let device = try reader.u64()
                let inode = try reader.u64()
                let size = try reader.u64()
                let modification = Int64(bitPattern: try reader.u64())
                let change = Int64(bitPattern: try reader.u64())
                guard let kind = TreeEntry.Kind(rawValue: try reader.u8()) else { return }
                let id = ObjectID(try reader.digest())
                entries[path] = Entry(
                    device: device, inode: inode, size: size, modificationNanoseconds: modification,
                    changeNanoseconds: change, kind: kind, id: id)
            }
        } catch {
            entries = [:]
        }
    }
}
