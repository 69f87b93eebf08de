public import MLOpsCore

/// The workload of the crash and multi-process checks: each worker appends
/// numbered records, one per commit, whose bytes are derived from their key,
/// so a verifier needs nothing but the store to tell a correct record from a
/// torn or lost one.
///
/// Key-value layout, per worker `w`: `w<w>/<seq>` (sequence zero-padded to 10
/// digits, from 1) holds ``keyValueValue(worker:sequence:)``, and `h<w>`
/// holds the last sequence (8 bytes big-endian), written in the same commit.
/// Blob layout: `w<w>/<seq>` holds ``blobBytes(for:)``.
///
/// What a verifier checks (``verifyKeyValueLog(_:workers:acknowledged:)``,
/// ``verifyBlobLog(_:workers:acknowledged:)``): each worker's records are
/// exactly 1…n with no gap, every byte is as derived, the head matches n, and
/// every sequence a worker acknowledged (printed after its commit returned)
/// is among them.
public enum AppendLog {
    /// The key of record `sequence` of `worker`.
    public static func keyValueKey(worker: Int, sequence: Int) -> [UInt8] {
        Array("w\(worker)/\(padded(sequence))".utf8)
    }

    /// The prefix of every record key of `worker`.
    public static func keyValuePrefix(worker: Int) -> [UInt8] { Array("w\(worker)/".utf8) }

    /// The key holding `worker`'s last sequence.
    public static func headKey(worker: Int) -> [UInt8] { Array("h\(worker)".utf8) }

    /// The value of record `sequence` of `worker`: 16 to ~4,000 derived bytes.
    public static func keyValueValue(worker: Int, sequence: Int) -> [UInt8] {
        let seed = TestBytes.seed(for: "kv/\(worker)/\(sequence)")
        return TestBytes.pattern(seed: seed, count: 16 + Int(seed % 4_000))
    }

    /// The key of blob `sequence` of `worker`.
    public static func blobKey(worker: Int, sequence: Int) throws -> BlobKey {
        try BlobKey("w\(worker)/\(padded(sequence))")
    }

    /// The bytes of the blob under `key`: mostly a few KiB, one in four up to 1 MiB.
    public static func blobBytes(for key: BlobKey) -> [UInt8] {
        let seed = TestBytes.seed(for: key.rawValue)
        let size = seed % 4 == 0 ? Int((seed >> 8) % (1 << 20)) : Int((seed >> 8) % (16 << 10))
        return TestBytes.pattern(seed: seed, count: size)
    }

    /// The sequence encoded in a record key's last segment, or `nil`.
    static func sequence(in key: Substring) -> Int? {
        guard let slash = key.lastIndex(of: "/") else { return nil }
        return Int(key[key.index(after: slash)...])
    }

    static func padded(_ sequence: Int) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: Swift.max(0, 10 - digits.count)) + digits
    }

    /// The next sequence `worker` should append in a key-value store (1 for a new worker).
    public static func nextKeyValueSequence(_ store: any KeyValueStore, worker: Int) async throws -> Int {
        guard let head = try await store.get(headKey(worker: worker)) else { return 1 }
        guard let last = TestBytes.decode(head.value) else {
            throw MLOpsError(.corruptData, "the worker's head key does not hold 8 bytes", value: "h\(worker)")
        }
        return Int(last) + 1
    }

    /// Appends record `sequence` of `worker` and advances its head, in one commit
    /// that requires the record to be absent and the head to be at `sequence - 1`.
    public static func appendKeyValue(_ store: any KeyValueStore, worker: Int, sequence: Int) async throws {
        let head = try await store.get(headKey(worker: worker))
        var tx = KeyValueTransaction()
        tx.expect(headKey(worker: worker), unchangedFrom: head)
        if let head, TestBytes.decode(head.value) != UInt64(sequence - 1) {
            throw MLOpsError(
                .invalidState, "the head of worker \(worker) is not at \(sequence - 1)",
                value: describeBytes(head.value))
        }
        tx.expectAbsent(keyValueKey(worker: worker, sequence: sequence))
        tx.put(keyValueKey(worker: worker, sequence: sequence), keyValueValue(worker: worker, sequence: sequence))
        tx.put(headKey(worker: worker), TestBytes.encode(UInt64(sequence)))
        try await store.commit(tx)
    }

    /// The next sequence `worker` should append in a blob store.
    public static func nextBlobSequence(_ store: any BlobStore, worker: Int) async throws -> Int {
        let keys = try await store.list(prefix: "w\(worker)")
        return (keys.last.flatMap { sequence(in: $0.rawValue[...]) } ?? 0) + 1
    }

    /// Verifies `workers`' key-value records; returns each worker's last sequence.
    ///
    /// - Parameters:
    ///   - store: The store the workers appended to.
    ///   - workers: The IDs of the workers whose records are verified.
    ///   - acknowledged: Per worker, the sequences it reported as committed.
    /// - Throws: ``ConformanceFailure`` describing the first problem found.
    @discardableResult
    public static func verifyKeyValueLog(
        _ store: any KeyValueStore,
        workers: [Int],
        acknowledged: [Int: [Int]]
    ) async throws -> [Int: Int] {
        var last: [Int: Int] = [:]
        for worker in workers {
            let entries = try await store.scan(.prefix(keyValuePrefix(worker: worker)))
            for (index, entry) in entries.enumerated() {
                let expectedKey = keyValueKey(worker: worker, sequence: index + 1)
                try Expect.that(
                    entry.key == expectedKey,
                    "worker \(worker)'s records are not gapless: record #\(index + 1) has key "
                        + "\(describeBytes(entry.key)), expected \(describeBytes(expectedKey))")
                try Expect.bytes(
                    entry.value, keyValueValue(worker: worker, sequence: index + 1),
                    "value of worker \(worker)'s record \(index + 1)")
            }
            let head = try await store.get(headKey(worker: worker))
            let headValue = head.flatMap { TestBytes.decode($0.value) }.map(Int.init) ?? 0
            try Expect.equal(headValue, entries.count, "worker \(worker)'s head (written with every record)")
            if let maxAcknowledged = acknowledged[worker]?.max() {
                try Expect.that(
                    maxAcknowledged <= entries.count,
                    "worker \(worker) acknowledged record \(maxAcknowledged) but only \(entries.count) are stored")
            }
            last[worker] = entries.count
        }
        return last
    }

    /// Verifies `workers`' blobs and that no other object is listed; returns each
    /// worker's last sequence.
    ///
    /// - Throws: ``ConformanceFailure`` describing the first problem found.
    @discardableResult
    public static func verifyBlobLog(
        _ store: any BlobStore,
        workers: [Int],
        acknowledged: [Int: [Int]]
    ) async throws -> [Int: Int] {
        var last: [Int: Int] = [:]
        let all = try await store.list(prefix: "")
        let known = Set(workers.map { "w\($0)" })
        for key in all {
            try Expect.that(
                known.contains(String(key.segments.first ?? "")), "an unexpected object is listed: '\(key)'")
        }
        for worker in workers {
            let keys = try await store.list(prefix: "w\(worker)")
            for (index, key) in keys.enumerated() {
                let expectedKey = try blobKey(worker: worker, sequence: index + 1)
                try Expect.that(
                    key == expectedKey,
                    "worker \(worker)'s blobs are not gapless: blob #\(index + 1) is '\(key)', "
                        + "expected '\(expectedKey)'"
                )
                let bytes = try await Expect.noThrow("get of the listed blob '\(key)'") { try await store.get(key) }
                try Expect.bytes(bytes, blobBytes(for: key), "bytes of the listed blob '\(key)' (a partial object?)")
            }
            if let maxAcknowledged = acknowledged[worker]?.max() {
                try Expect.that(
                    maxAcknowledged <= keys.count,
                    "worker \(worker) acknowledged blob \(maxAcknowledged) but only \(keys.count) are listed")
            }
            last[worker] = keys.count
        }
        return last
    }
}
