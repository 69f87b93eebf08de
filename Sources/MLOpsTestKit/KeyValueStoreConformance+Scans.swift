import MLOpsCore

// Range scans, limits and paging.
extension KeyValueStoreConformance {
    static let scanKeys: [[UInt8]] = [
        [0x00], bytes("a"), bytes("a") + [0x00], bytes("a/1"), bytes("a/2"), bytes("a/3"), bytes("ab"),
        bytes("b"), bytes("b/x"), [0x62, 0xFF], [0x62, 0xFF, 0x00], [0x62, 0xFF, 0xFF], [0x62, 0xFF, 0xFF, 0x01],
        [0x63], bytes("c/1"), [0xFF], [0xFF, 0xFF], [0xFF, 0xFF, 0x7F],
    ]

    static func scanKeys(
        _ store: any KeyValueStore,
        _ request: KeyScan,
        _ what: @autoclosure () -> String
    ) async throws -> [[UInt8]] {
        let entries = try await Expect.noThrow(what()) { try await store.scan(request) }
        return entries.map(\.key)
    }

    static func checkRangeScans(_ store: any KeyValueStore) async throws {
        try await write(store, scanKeys.map { .put($0, $0 + [0x21]) })
        let sorted = scanKeys.sorted { KeyRange.compare($0, $1) < 0 }

        func expectScan(_ request: KeyScan, _ what: String) async throws {
            var expected = sorted.filter { request.range.contains($0) }
            if request.order == .descending { expected.reverse() }
            if let limit = request.limit { expected = Array(expected.prefix(Swift.max(0, limit))) }
            let entries = try await Expect.noThrow(what) { try await store.scan(request) }
            try Expect.that(
                entries.map(\.key) == expected,
                "\(what): expected \(describeKeys(expected)), got \(describeKeys(entries.map(\.key)))")
            for entry in entries {
                try Expect.bytes(entry.value, entry.key + [0x21], "\(what): value of \(describeBytes(entry.key))")
            }
            try await expectVisitingScan(request, matches: entries, what)
        }

        /// The borrowed-bytes scan must lend exactly what `scan(_:)` returns, and stop when asked.
        func expectVisitingScan(_ request: KeyScan, matches entries: [KeyValueEntry], _ what: String) async throws {
            var visited: [KeyValueEntry] = []
            try await Expect.noThrow("\(what), visiting") {
                try await store.scan(request) { entry in
                    visited.append(
                        KeyValueEntry(key: Array(entry.key), value: Array(entry.value), version: entry.version))
                    return true
                }
            }
            try Expect.that(
                visited == entries,
                "\(what), visiting: expected \(describeKeys(entries.map(\.key))), got \(describeKeys(visited.map(\.key)))"
            )
            guard entries.count > 1 else { return }
            var seen = 0
            try await store.scan(request) { _ in
                seen += 1
                return false
            }
            try Expect.that(seen == 1, "\(what), visiting: returning false must stop the scan, got \(seen) entries")
        }

        for order in [KeyScan.Order.ascending, .descending] {
            let o = "\(order)"
            try await expectScan(KeyScan(range: .all, order: order), "\(o) scan of everything")
            try await expectScan(
                KeyScan(range: KeyRange(from: bytes("a/1"), to: bytes("a/3")), order: order),
                "\(o) scan: the lower bound is included, the upper excluded")
            try await expectScan(
                KeyScan(range: KeyRange(from: bytes("a/0"), to: bytes("a/25")), order: order),
                "\(o) scan with bounds that are not stored keys")
            try await expectScan(
                KeyScan(range: KeyRange(from: bytes("b"), to: nil), order: order), "\(o) scan with no upper bound")
            try await expectScan(
                KeyScan(range: KeyRange(from: [], to: bytes("a/2")), order: order), "\(o) scan from the empty key")
            try await expectScan(
                KeyScan(range: KeyRange(from: bytes("a/2"), to: bytes("a/2")), order: order), "\(o) empty range")
            try await expectScan(
                KeyScan(range: KeyRange(from: bytes("c"), to: bytes("a")), order: order),
                "\(o) inverted range (lower above upper) is empty")
            try await expectScan(.prefix(bytes("a/"), order: order), "\(o) prefix scan 'a/'")
            try await expectScan(.prefix(bytes("a"), order: order), "\(o) prefix scan 'a' (includes 'a' itself)")
            try await expectScan(.prefix([0x62, 0xFF], order: order), "\(o) prefix scan ending in 0xFF")
            try await expectScan(.prefix([0xFF, 0xFF], order: order), "\(o) prefix scan of all-0xFF (no successor)")
            try await expectScan(.prefix([0xFF], order: order), "\(o) prefix scan 0xFF")
            try await expectScan(.prefix([0x00], order: order), "\(o) prefix scan 0x00")
            try await expectScan(.prefix(bytes("zzz"), order: order), "\(o) prefix scan with no matches")
            for limit in [0, 1, 2, 5, scanKeys.count, scanKeys.count + 10, -1] {
                try await expectScan(KeyScan(range: .all, order: order, limit: limit), "\(o) scan with limit \(limit)")
                try await expectScan(
                    .prefix(bytes("a"), order: order, limit: limit), "\(o) prefix scan 'a' with limit \(limit)")
            }
        }
    }

    static func pagingKey(_ i: Int) -> [UInt8] {
        // Varying lengths, 0x00 and 0xFF bytes, and keys that are prefixes of others.
        var key = bytes("p")
        key += TestBytes.encode(UInt64(i / 3))
        switch i % 3 {
        case 0: break
        case 1: key.append(0x00)
        default: key += [0xFF, UInt8(truncatingIfNeeded: i)]
        }
        return key
    }

    static func checkPaging(_ store: any KeyValueStore, keyCount: Int) async throws {
        let keys = (0..<keyCount).map(pagingKey)
        try await write(store, [.put(bytes("o"), []), .put(bytes("q"), [])] + keys.map { .put($0, []) })
        let expected = keys.sorted { KeyRange.compare($0, $1) < 0 }
        let base = KeyRange.prefix(bytes("p"))
        for pageSize in [1, 7, 64] {
            var seen: [[UInt8]] = []
            var range = base
            while true {
                let page = try await scanKeys(
                    store, KeyScan(range: range, limit: pageSize), "ascending page of \(pageSize)")
                try Expect.that(page.count <= pageSize, "a page of limit \(pageSize) returned \(page.count) entries")
                seen += page
                guard let last = page.last, page.count == pageSize else { break }
                range = range.after(last)
                try Expect.that(seen.count <= keyCount, "ascending paging returned more keys than were written")
            }
            try Expect.that(
                seen == expected,
                "ascending paging (\(pageSize) per page) saw \(seen.count) keys, expected each of \(keyCount) once")

            seen = []
            range = base
            while true {
                let page = try await scanKeys(
                    store, KeyScan(range: range, order: .descending, limit: pageSize), "descending page of \(pageSize)")
                seen += page
                guard let last = page.last, page.count == pageSize else { break }
                range = range.before(last)
                try Expect.that(seen.count <= keyCount, "descending paging returned more keys than were written")
            }
            try Expect.that(
                seen == expected.reversed(),
                "descending paging (\(pageSize) per page) saw \(seen.count) keys, expected each of \(keyCount) once")
        }
    }
}
