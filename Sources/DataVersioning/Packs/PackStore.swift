import MLOpsCore
import Synchronization

/// The chunk layer of a data repository: chunks packed into large blobs
/// (`data/packs/<SortableID>.pack`) with an index blob beside each (`<SortableID>.idx`), and an
/// in-memory map from chunk digest to location built from the indexes.
///
/// Packing means ten thousand small files cost a handful of blob writes and fsyncs, not ten
/// thousand. A pack becomes visible only when its index is written, after the pack itself is
/// durable; a pack without an index is the trace of an interrupted write, which `gc` removes once
/// it is older than the grace period. Two writers racing may store one chunk in two packs; either
/// copy serves.
final class PackStore: Sendable {
    static let directory = "data/packs"

    let blobs: any BlobStore

    private struct State {
        var index: [SHA256Digest: ChunkLocation] = [:]
        var packs: [String: PackIndex] = [:]
    }

    private let state = Mutex(State())

    init(blobs: any BlobStore) { self.blobs = blobs }

    static func packKey(_ name: String) -> BlobKey {
        // Sortable ids are Crockford base-32 letters and digits: always a valid key.
        try! BlobKey("\(directory)/\(name).pack")
    }

    static func indexKey(_ name: String) -> BlobKey { try! BlobKey("\(directory)/\(name).idx") }

    /// The names of the packs and of the pack indexes stored, from one listing of ``directory``.
    func listFiles() async throws -> (packs: Set<String>, indexes: [String]) {
        var packs = Set<String>()
        var indexes: [String] = []
        var cursor: BlobKey?
        repeat {
            let page = try await blobs.list(prefix: Self.directory, after: cursor, limit: 10_000)
            for key in page.keys {
                let name = key.lastSegment
                if name.hasSuffix(".pack") { packs.insert(String(name.dropLast(5))) }
                if name.hasSuffix(".idx") { indexes.append(String(name.dropLast(4))) }
            }
            cursor = page.next
        } while cursor != nil
        return (packs, indexes)
    }

    /// Loads the indexes of packs written since the last refresh (by this or another process).
    ///
    /// - Throws: `corruptData` naming a damaged index; listing and read errors.
    func refresh() async throws {
        let known = state.withLock { $0.packs }
        let missing = try await listFiles().indexes.filter { known[$0] == nil }
        for pack in missing {
            let bytes: [UInt8]
            do {
                bytes = try await blobs.get(Self.indexKey(pack))
            } catch let error as MLOpsError where error.code == .notFound {
                continue  // deleted by a garbage collection since the listing: nothing to load
            }
            publish(try PackIndex(decoding: bytes, name: pack), name: pack)
        }
    }

    /// Makes the chunks of a written pack visible to lookups.
    func publish(_ index: PackIndex, name: String) {
        state.withLock { state in
            state.packs[name] = index
            state.index.reserveCapacity(state.index.count + index.entries.count)
            for entry in index.entries where state.index[entry.digest] == nil {
                state.index[entry.digest] = ChunkLocation(pack: name, offset: entry.offset, length: entry.length)
            }
        }
    }

    /// Forgets a deleted pack: its chunks are looked up in other packs after the next refresh.
    func forget(_ name: String) {
        state.withLock { state in
            guard let index = state.packs.removeValue(forKey: name) else { return }
            for entry in index.entries where state.index[entry.digest]?.pack == name {
                state.index[entry.digest] = nil
            }
        }
    }

    /// Rebuilds the digest map from the indexes stored now, e.g. after packs were deleted: packs
    /// whose index is gone are forgotten, new ones loaded (indexes already loaded are not read
    /// again — they never change). Readers see the old map until the new one replaces it.
    func reload() async throws {
        var names: [String] = []
        var cursor: BlobKey?
        repeat {
            let page = try await blobs.list(prefix: Self.directory, after: cursor, limit: 10_000)
            for key in page.keys where key.lastSegment.hasSuffix(".idx") {
                names.append(String(key.lastSegment.dropLast(4)))
            }
            cursor = page.next
        } while cursor != nil
        let known = state.withLock { $0.packs }
        var fresh = State()
        for name in names {
            let index: PackIndex
            if let loaded = known[name] {
                index = loaded
            } else {
                do {
                    index = try PackIndex(decoding: try await blobs.get(Self.indexKey(name)), name: name)
                } catch let error as MLOpsError where error.code == .notFound {
                    continue  // deleted since the listing
                }
            }
            fresh.packs[name] = index
            for entry in index.entries where fresh.index[entry.digest] == nil {
                fresh.index[entry.digest] = ChunkLocation(pack: name, offset: entry.offset, length: entry.length)
            }
        }
        state.withLock { state in
            // Packs this process wrote while the listing ran are kept.
            for (name, index) in state.packs where known[name] == nil && fresh.packs[name] == nil {
                fresh.packs[name] = index
                for entry in index.entries where fresh.index[entry.digest] == nil {
                    fresh.index[entry.digest] = ChunkLocation(pack: name, offset: entry.offset, length: entry.length)
                }
            }
            state = fresh
        }
    }

    /// Whether any pack index has been loaded (a fresh store has none to be stale).
    var hasLoaded: Bool { state.withLock { !$0.packs.isEmpty } }

    func location(of digest: SHA256Digest) -> ChunkLocation? { state.withLock { $0.index[digest] } }

    func contains(_ digest: SHA256Digest) -> Bool { state.withLock { $0.index[digest] != nil } }

    /// A snapshot of the digest map, for lock-free lookups on worker threads.
    func snapshot() -> [SHA256Digest: ChunkLocation] { state.withLock { $0.index } }

    /// The loaded packs and their indexes.
    func packs() -> [String: PackIndex] { state.withLock { $0.packs } }

    /// Writes a pack durably, then its index, then makes its chunks visible; returns its name.
    @discardableResult
    func write(_ builder: PackBuilder) async throws -> String {
        let name = SortableID().description
        try await blobs.put(Self.packKey(name), data: builder.bytes)
        let index = builder.index
        try await blobs.put(Self.indexKey(name), data: index.encoded)
        publish(index, name: name)
        return name
    }

    /// Reads one chunk and checks it against its digest. When the pack it was known in is gone
    /// (garbage collection repacked or deleted it since the index was loaded), reloads the index
    /// and reads the chunk from where it is now.
    ///
    /// - Throws: `notFound` if no pack holds the chunk; `corruptData` if its bytes do not hash to it.
    func read(_ digest: SHA256Digest) async throws -> [UInt8] {
        guard var location = location(of: digest) else {
            throw MLOpsError(.notFound, "no pack holds this chunk", value: ObjectID(digest).description)
        }
        let bytes: [UInt8]
        do {
            bytes = try await blobs.read(
                Self.packKey(location.pack), offset: Int(location.offset), count: Int(location.length))
        } catch let error as MLOpsError where error.code == .notFound {
            try await reload()
            guard let moved = self.location(of: digest), moved != location else { throw error }
            location = moved
            bytes = try await blobs.read(
                Self.packKey(location.pack), offset: Int(location.offset), count: Int(location.length))
        }
        guard SHA256.hash(bytes) == digest else {
            throw MLOpsError(
                .corruptData, "chunk bytes in pack \(location.pack) do not match their id",
                value: ObjectID(digest).description)
        }
        return bytes
    }
}
