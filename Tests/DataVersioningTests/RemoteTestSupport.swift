@testable import DataVersioning
import Foundation
import MLOpsCore

/// Datasets, checkouts and remote inventories for the push/pull tests.
enum RemoteTestSupport {
    /// Writes a small dataset under `data/` in `fixture`: nested directories, multi-chunk and
    /// one-chunk files, an empty file, an empty directory and an executable file.
    static func writeDataset(in fixture: DataFixture, seed: UInt64) throws {
        try fixture.write("data/train.csv", "id,x,y\n1,2,3\n4,5,\(seed)\n")
        try fixture.write("data/images/a.bin", DataFixture.randomBytes(60_000, seed: seed))
        try fixture.write("data/images/deep/b.bin", DataFixture.randomBytes(30_000, seed: seed + 1))
        try fixture.write("data/images/deep/c.txt", "small")
        try fixture.write("data/empty.txt", [])
        try fixture.write("data/run.sh", "#!/bin/sh\necho \(seed)\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture.path("data/run.sh"))
        try FileManager.default.createDirectory(atPath: fixture.path("data/nothing"), withIntermediateDirectories: true)
    }

    /// Stages `data` and commits it.
    @discardableResult
    static func commitData(_ repository: DataRepository, in fixture: DataFixture, _ message: String) async throws
        -> DataLogEntry
    {
        try await repository.add(["data"], relativeTo: fixture.root)
        guard let entry = try await repository.commitStaged(message: message, allowEmpty: true) else {
            throw MLOpsError(.invalidState, "nothing was committed", value: message)
        }
        return entry
    }

    /// Every file and directory under `directory`: relative path → bytes (directories end in `/`
    /// and map to nothing; executable files get a trailing `*` on their path).
    static func contents(of directory: String) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: directory) else { return result }
        while let relative = enumerator.nextObject() as? String {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                result[relative + "/"] = []
            } else {
                let mode = (try manager.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
                result[relative + (mode & 0o100 != 0 ? "*" : "")] = [UInt8](
                    try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        return result
    }

    /// Checks out `revision` of `repository` into a new directory of `fixture` and returns its contents.
    static func checkout(_ repository: DataRepository, _ revision: String, in fixture: DataFixture) async throws
        -> [String: [UInt8]]
    {
        let directory = fixture.path("checkout-\(UUID().uuidString)")
        try await repository.checkout(revision, into: directory)
        return try contents(of: directory)
    }

    /// The metadata object keys and the chunks (in indexed packs) a remote holds.
    static func inventory(_ remote: any BlobStore) async throws -> (objects: Set<String>, chunks: Set<SHA256Digest>) {
        let objects = Set(try await remote.list(prefix: RemoteLayout.objectsDirectory).map(\.rawValue))
        let packs = PackStore(blobs: remote)
        try await packs.refresh()
        return (objects, Set(packs.snapshot().keys))
    }

    /// Every chunk of the files of the commit `revision` names, with its length.
    static func chunks(of repository: DataRepository, _ revision: String) async throws -> [SHA256Digest: UInt64] {
        let commit = try await repository.commit(try await repository.resolve(revision))
        var chunks: [SHA256Digest: UInt64] = [:]
        for (_, entry) in try await repository.files(in: commit.root) {
            switch entry.kind {
            case .file: chunks[entry.id.digest] = entry.size
            case .chunkedFile:
                for chunk in try await repository.chunkList(entry.id).chunks {
                    chunks[chunk.id.digest] = UInt64(chunk.length)
                }
            case .directory: break
            }
        }
        return chunks
    }

    /// The refs of `repository` as `kind:name` → commit.
    static func refMap(_ repository: DataRepository) async throws -> [String: ObjectID] {
        var map: [String: ObjectID] = [:]
        for ref in try await repository.refs() { map["\(ref.kind.rawValue):\(ref.name)"] = ref.commit }
        return map
    }
}

/// A blob store that damages every pack it is given, as a faulty disk or network would.
final class PackCorruptingBlobStore: BlobStore {
    /// How packs are damaged.
    enum Damage: Sendable, CaseIterable {
        case flipByte
        case dropLastByte
        case appendByte
    }

    let base = InMemoryBlobStore()
    let damage: Damage

    init(_ damage: Damage = .flipByte) { self.damage = damage }

    func put(_ key: BlobKey, data: [UInt8]) async throws {
        var data = data
        if key.rawValue.hasSuffix(".pack"), !data.isEmpty {
            switch damage {
            case .flipByte: data[data.count / 2] ^= 0x01
            case .dropLastByte: data.removeLast()
            case .appendByte: data.append(0)
            }
        }
        try await base.put(key, data: data)
    }

    func get(_ key: BlobKey) async throws -> [UInt8] { try await base.get(key) }
    func exists(_ key: BlobKey) async throws -> Bool { try await base.exists(key) }
    func list(prefix: String) async throws -> [BlobKey] { try await base.list(prefix: prefix) }
    func delete(_ key: BlobKey) async throws { try await base.delete(key) }
}
