import MLOpsCore

// Paged listing: list(prefix:after:limit:).
extension BlobStoreConformance {
    /// Reads every page of `prefix` with `limit`, checking each page's shape, and returns the keys in the
    /// order the pages gave them.
    static func pageAll(_ store: any BlobStore, _ prefix: String, limit: Int, maxPages: Int) async throws -> [String] {
        var keys: [String] = []
        var cursor: BlobKey? = nil
        for _ in 0..<maxPages {
            let page = try await Expect.noThrow(
                "list(prefix: \(prefix.debugDescription), after: \(cursor?.rawValue.debugDescription ?? "nil"), "
                    + "limit: \(limit))"
            ) { try await store.list(prefix: prefix, after: cursor, limit: limit) }
            try Expect.that(
                page.keys.count <= limit, "a page of list(prefix:after:limit: \(limit)) held \(page.keys.count) keys")
            if let next = page.next {
                try Expect.that(!page.keys.isEmpty, "an empty page has a next cursor \(next)")
                try Expect.equal(next, page.keys.last, "the next cursor of a page (it must be the page's last key)")
            }
            keys += page.keys.map(\.rawValue)
            guard let next = page.next else { return keys }
            cursor = next
        }
        throw ConformanceFailure(
            message: "paging list(prefix: \(prefix.debugDescription)) with limit \(limit) did not end after "
                + "\(maxPages) pages; keys so far: \(keys.prefix(20))")
    }

    static let pagingKeys =
        listingKeys + [
            "runs/1/c", "runs/1/b/d", "runs/1/b0", "runs/1-x/y", "runs/1.z", "runs/1", "runs0", "runs-a/b",
            "deep/a/b/c/d/e", "deep/a/b/c/d0", "deep/a/b/c0", "deep/a0",
        ]

    static func checkPaging(_ store: any BlobStore) async throws {
        for (i, text) in pagingKeys.enumerated() where text != "runs/1" {
            try await put(store, try key(text), [UInt8(i)])
        }
        for prefix in ["", "runs", "runs/", "runs/1", "runs/1/b", "deep/a", "a", "z", "nothing/here"] {
            let expected = try await list(store, prefix)
            for limit in [1, 2, 3, 5, 1_000] {
                let paged = try await pageAll(store, prefix, limit: limit, maxPages: expected.count + 2)
                try Expect.equal(
                    paged, expected,
                    "the keys of every page of \(prefix.debugDescription) with limit \(limit) (those of list(prefix:))")
            }
        }
        // Each page starts strictly after the cursor, which need not be a stored key.
        let all = try await list(store, "")
        for cursorText in ["runs/1/a0", "a", "runs/1/b", "0", "~", all[all.count / 2]] {
            let cursor = try key(cursorText)
            let page = try await Expect.noThrow("list after \(cursorText.debugDescription)") {
                try await store.list(prefix: "", after: cursor, limit: 1_000)
            }
            let expected = all.filter { cursorText.utf8.lexicographicallyPrecedes($0.utf8) }
            try Expect.equal(page.keys.map(\.rawValue), expected, "the keys after \(cursorText.debugDescription)")
            try Expect.equal(page.next, nil, "the next cursor of a last page")
        }
        let count = try await list(store, "runs/1").count
        let exact = try await Expect.noThrow("a page exactly as long as the listing") {
            try await store.list(prefix: "runs/1", after: nil, limit: count)
        }
        try Expect.equal(exact.next, nil, "the next cursor of a page that ends exactly at the last key")
        for limit in [0, -1] {
            try await Expect.throwsError(.invalidArgument, "a page with limit \(limit)") {
                _ = try await store.list(prefix: "", after: nil, limit: limit)
            }
        }
        try await Expect.throwsError(.invalidArgument, "a page with an invalid prefix") {
            _ = try await store.list(prefix: "../x", after: nil, limit: 10)
        }
    }

    static func checkPagingUnderConcurrentInserts(_ store: any BlobStore) async throws {
        func name(_ i: Int) -> String {
            let digits = String(i)
            return "paging/" + String(repeating: "0", count: 4 - digits.count) + digits
        }
        // Present throughout: the even numbers. Inserted while pages are read: the odd numbers, some as
        // objects of new directories.
        let present = (0..<80).map { name($0 * 2) }
        let inserted = (0..<80).map { $0 % 3 == 0 ? name($0 * 2 + 1) + "/deep" : name($0 * 2 + 1) }
        for text in present { try await put(store, try key(text), Array(text.utf8)) }
        let insertedKeys = try inserted.map(key)
        let inserting = Task {
            for (index, key) in insertedKeys.enumerated().reversed() {
                try await store.put(key, data: Array(key.rawValue.utf8))
                if index % 4 == 0 { await Task.yield() }
            }
        }
        defer { inserting.cancel() }
        var seen: [String] = []
        var cursor: BlobKey? = nil
        for _ in 0..<(present.count + inserted.count + 2) {
            let page = try await Expect.noThrow("list(prefix: \"paging\", limit: 7) during concurrent puts") {
                try await store.list(prefix: "paging", after: cursor, limit: 7)
            }
            seen += page.keys.map(\.rawValue)
            await Task.yield()
            guard let next = page.next else { break }
            cursor = next
        }
        try await Expect.noThrow("the concurrent puts") { try await inserting.value }
        for (earlier, later) in zip(seen, seen.dropFirst()) {
            try Expect.that(
                earlier.utf8.lexicographicallyPrecedes(later.utf8),
                "paging during concurrent puts returned \(earlier.debugDescription) before \(later.debugDescription) "
                    + "(a key repeated or out of order)")
        }
        let seenSet = Set(seen)
        let lost = present.filter { !seenSet.contains($0) }
        try Expect.that(lost.isEmpty, "paging during concurrent puts lost keys present throughout: \(lost.prefix(10))")
        let known = Set(present + inserted)
        let strange = seen.filter { !known.contains($0) }
        try Expect.that(strange.isEmpty, "paging returned keys never stored: \(strange.prefix(10))")
        let final = try await pageAll(store, "paging", limit: 9, maxPages: 100)
        try Expect.equal(final, try await list(store, "paging"), "paging after the puts (the keys of list(prefix:))")
        try Expect.equal(final.count, present.count + inserted.count, "the keys after the puts")
    }
}
