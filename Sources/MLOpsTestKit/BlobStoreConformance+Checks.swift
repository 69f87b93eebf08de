import MLOpsCore

// Round trips, immutability, listing and key validation.
extension BlobStoreConformance {
    static func key(_ text: String) throws -> BlobKey {
        do {
            return try BlobKey(text)
        } catch {
            throw ConformanceFailure(
                message: "BlobKey rejected a valid key \(text.debugDescription)", underlying: error)
        }
    }

    static func put(_ store: any BlobStore, _ key: BlobKey, _ data: [UInt8]) async throws {
        try await Expect.noThrow("put of \(data.count) bytes under '\(key)'") { try await store.put(key, data: data) }
    }

    static func get(_ store: any BlobStore, _ key: BlobKey) async throws -> [UInt8] {
        try await Expect.noThrow("get of '\(key)'") { try await store.get(key) }
    }

    static func exists(_ store: any BlobStore, _ key: BlobKey) async throws -> Bool {
        try await Expect.noThrow("exists of '\(key)'") { try await store.exists(key) }
    }

    static func list(_ store: any BlobStore, _ prefix: String) async throws -> [String] {
        try await Expect.noThrow("list(prefix: \(prefix.debugDescription))") {
            try await store.list(prefix: prefix).map(\.rawValue)
        }
    }

    static func checkPutGetExistsDelete(_ store: any BlobStore) async throws {
        let k = try key("runs/1/artifacts/model.bin")
        let data = TestBytes.pattern(seed: 1, count: 10_000) + [0, 0xFF, 0x0A, 0x0D]
        try Expect.that(!(try await exists(store, k)), "exists is true before any put")
        try await put(store, k, data)
        try Expect.that(try await exists(store, k), "exists is false after put")
        try Expect.bytes(try await get(store, k), data, "get after put")
        let other = try key("runs/1/artifacts/other.bin")
        try Expect.that(!(try await exists(store, other)), "exists is true for a sibling never put")
        try Expect.that(!(try await exists(store, try key("runs/1"))), "exists is true for a directory-like prefix")
        try Expect.that(!(try await exists(store, try key("runs/1/artifacts/model"))), "exists is true for a prefix")

        try await Expect.noThrow("delete") { try await store.delete(k) }
        try Expect.that(!(try await exists(store, k)), "exists is true after delete")
        try await Expect.throwsError(.notFound, "get after delete") { _ = try await store.get(k) }
        try await Expect.noThrow("delete of an absent key (not an error)") { try await store.delete(k) }
        try await Expect.noThrow("delete of a never-written key (not an error)") {
            try await store.delete(try key("never/written"))
        }
        try Expect.equal(try await list(store, ""), [], "list after deleting the only object")

        let replacement = Array("a new object under a deleted key".utf8)
        try await put(store, k, replacement)
        try Expect.bytes(try await get(store, k), replacement, "get after re-putting a deleted key")
        try await put(store, try key("top-level"), [1, 2, 3])
        try Expect.bytes(try await get(store, try key("top-level")), [1, 2, 3], "get of a one-segment key")
        try Expect.bytes(try await store.get("top-level"), [1, 2, 3], "get through the String convenience")
    }

    static func checkImmutability(_ store: any BlobStore) async throws {
        let k = try key("models/a/weights")
        let original = TestBytes.pattern(seed: 2, count: 4_099)
        try await put(store, k, original)
        try await Expect.noThrow("putting the same bytes again (a no-op)") { try await store.put(k, data: original) }
        var changed = original
        changed[changed.count / 2] ^= 0x01
        try await Expect.throwsError(.conflict, "putting different bytes (one bit changed) under an existing key") {
            try await store.put(k, data: changed)
        }
        try await Expect.throwsError(.conflict, "putting a longer object under an existing key") {
            try await store.put(k, data: original + [0])
        }
        try await Expect.throwsError(.conflict, "putting a shorter object under an existing key") {
            try await store.put(k, data: Array(original.dropLast()))
        }
        try await Expect.throwsError(.conflict, "putting an empty object under an existing key") {
            try await store.put(k, data: [])
        }
        try await Expect.throwsError(.conflict, "committing a writer with different bytes under an existing key") {
            let writer = try await store.openWriter(k)
            try await writer.write(changed)
            try await writer.commit()
        }
        try await Expect.noThrow("committing a writer with the same bytes (a no-op)") {
            let writer = try await store.openWriter(k)
            try await writer.write(Array(original.prefix(1_000)))
            try await writer.write(Array(original.dropFirst(1_000)))
            try await writer.commit()
        }
        try Expect.bytes(try await get(store, k), original, "the object after conflicting puts")
        try Expect.equal(try await list(store, ""), [k.rawValue], "the keys after conflicting puts")
    }

    static func checkNotFound(_ store: any BlobStore) async throws {
        let k = try key("missing/object")
        try await Expect.throwsError(.notFound, "get of an absent key") { _ = try await store.get(k) }
        try await Expect.throwsError(.notFound, "openReader of an absent key") { _ = try await store.openReader(k) }
        try await put(store, try key("missing/other"), [1])
        try await Expect.throwsError(.notFound, "get of an absent key beside an object") { _ = try await store.get(k) }
        try await Expect.throwsError(.notFound, "get of a key naming a directory of objects") {
            _ = try await store.get(try key("missing"))
        }
        try await Expect.throwsError(.notFound, "openReader of a key naming a directory of objects") {
            _ = try await store.openReader(try key("missing"))
        }
        try await Expect.throwsError(.notFound, "get of a key below an object") {
            _ = try await store.get(try key("missing/other/below"))
        }
    }

    static let listingKeys = [
        "runs/10/a", "a/b", "runs/1/b/c", "z/é", "run/z", "runs/2/x", "B/upper", "a0", "runsx/y", "a-b/x",
        "runs/1/a", "a.c",
    ]

    static func checkListing(_ store: any BlobStore) async throws {
        for (i, text) in listingKeys.enumerated() { try await put(store, try key(text), [UInt8(i)]) }
        let sorted = listingKeys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let cases: [(String, [String])] = [
            ("", sorted),
            ("runs", ["runs/1/a", "runs/1/b/c", "runs/10/a", "runs/2/x"]),
            ("runs/", ["runs/1/a", "runs/1/b/c", "runs/10/a", "runs/2/x"]),
            ("runs/1", ["runs/1/a", "runs/1/b/c"]),
            ("runs/1/", ["runs/1/a", "runs/1/b/c"]),
            ("runs/1/b", ["runs/1/b/c"]),
            ("runs/1/a", ["runs/1/a"]),
            ("runs/10", ["runs/10/a"]),
            ("run", ["run/z"]),
            ("a", ["a/b"]),
            ("z", ["z/é"]),
            ("runs/3", []),
            ("nothing/here", []),
            ("runs/1/a/b", []),
        ]
        for (prefix, expected) in cases {
            let listed = try await list(store, prefix)
            try Expect.equal(listed, expected, "list(prefix: \(prefix.debugDescription)) (ascending byte order)")
        }
        for bad in ["../x", "/runs", "runs//1", "runs/../x", "a\\b", "%2e%2e", "runs/1//"] {
            try await Expect.throwsError(.invalidArgument, "list with the invalid prefix \(bad.debugDescription)") {
                _ = try await store.list(prefix: bad)
            }
        }
        try await Expect.noThrow("delete") { try await store.delete(try key("runs/1/b/c")) }
        try Expect.equal(try await list(store, "runs/1"), ["runs/1/a"], "list after deleting the only key below b/")
        for text in listingKeys { try await Expect.noThrow("delete") { try await store.delete(try key(text)) } }
        try Expect.equal(try await list(store, ""), [], "list after deleting every object")
        try Expect.equal(try await list(store, "runs"), [], "list of a prefix after deleting every object below it")
    }

    static func checkUnusualKeys(_ store: any BlobStore) async throws {
        let long = String(repeating: "s", count: BlobKey.maxSegmentLength)
        var longest = (0..<5).map { _ in String(repeating: "k", count: 200) }.joined(separator: "/")
        longest += "/" + String(repeating: "e", count: BlobKey.maxLength - longest.utf8.count - 1)
        let texts = [
            ".hidden/x", "..a/b", "a../c", "...", ".tmp/x", "x.tmp", "with space/and more", "ünïcödé/日本語",
            "emoji/😀", "x/\(long)", longest, "UPPER/lower", "dash-_~+=,!@#$&()[]{}'/x",
        ]
        for (i, text) in texts.enumerated() {
            let k = try key(text)
            let data = TestBytes.pattern(seed: UInt64(i), count: i * 37)
            try await put(store, k, data)
            try Expect.that(try await exists(store, k), "exists is false for the valid key \(text.debugDescription)")
            try Expect.bytes(try await get(store, k), data, "get of the valid key \(text.debugDescription)")
        }
        let listed = try await list(store, "")
        let expected = texts.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        try Expect.equal(listed, expected, "list of every unusual key")
    }

    static func checkEmptyObject(_ store: any BlobStore) async throws {
        let k = try key("empty/object")
        try await put(store, k, [])
        try Expect.that(try await exists(store, k), "an empty object does not exist after put")
        try Expect.bytes(try await get(store, k), [], "get of an empty object")
        try Expect.equal(try await list(store, "empty"), ["empty/object"], "list of an empty object")
        let reader = try await Expect.noThrow("openReader of an empty object") { try await store.openReader(k) }
        try Expect.equal(reader.size, 0, "reader size of an empty object")
        let chunk = try await Expect.noThrow("read of an empty object") { try await reader.read(upTo: 1_024) }
        try Expect.equal(chunk.count, 0, "bytes read from an empty object")
        try await Expect.noThrow("close") { try await reader.close() }
        try await Expect.noThrow("putting an empty object again (a no-op)") { try await store.put(k, data: []) }

        let streamed = try key("empty/streamed")
        try await Expect.noThrow("committing a writer that wrote nothing") {
            let writer = try await store.openWriter(streamed)
            try await writer.write([])
            try await writer.commit()
        }
        try Expect.that(try await exists(store, streamed), "an empty object committed by a writer does not exist")
        try Expect.bytes(try await get(store, streamed), [], "get of an empty object committed by a writer")
    }

    static let invalidKeys = [
        "", "../x", "/abs", "a//b", "a/", "a\\b", "%2e%2e/x", "a%2Fb", "a;b", "a\u{0}b", "a\u{FF0F}b", ".", "..",
        "a/./b", "a/../b", "C:/x", "a\nb", "a\u{7F}", "\u{FF0E}\u{FF0E}/x", "a\u{2215}b", "a\u{FF3C}b",
        String(repeating: "x", count: BlobKey.maxLength + 1),
        String(repeating: "y", count: BlobKey.maxSegmentLength + 1),
    ]

    static func checkKeyValidation(_ store: any BlobStore) async throws {
        for text in invalidKeys {
            do {
                _ = try BlobKey(text)
                throw ConformanceFailure(message: "BlobKey accepted the invalid key \(text.debugDescription)")
            } catch let error as MLOpsError {
                try Expect.equal(
                    error.code, .invalidArgument, "the error code for the invalid key \(text.debugDescription)")
            }
            try await Expect.throwsError(.invalidArgument, "put with the invalid key \(text.debugDescription)") {
                try await store.put(text, data: [1])
            }
        }
        try Expect.equal(try await list(store, ""), [], "the store after puts with invalid keys")
    }
}
