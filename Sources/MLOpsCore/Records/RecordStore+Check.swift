extension RecordStore {
    /// Verifies every record of `type` and its index entries.
    ///
    /// Decodes each record (a damaged one is reported as "corrupt record at KEY"), checks that
    /// its stored ID matches its key, and compares the index entries in the store with those the
    /// records call for: an entry with no record behind it, and a record value with no entry,
    /// are both reported. Reads only; reads in pages, so it runs on stores of any size, though
    /// it keeps one set of index entries per type in memory.
    public func check<Record: StoredRecord>(_ type: Record.Type, into report: inout StoreCheckReport) async throws {
        let recordType = Record.recordType
        var expected: [String: Set<[UInt8]>] = [:]
        var expectedUnique: [String: [[UInt8]: String]] = [:]
        let prefix = keys.records(recordType)
        try await forEachEntry(prefix: prefix) { entry in
            report.recordsChecked += 1
            guard let id = RecordKeys.trailingPart(of: entry.key, after: prefix) else {
                report.problem(at: StorageKey.describe(entry.key), "a \(recordType) record key that is not an ID")
                return
            }
            let record: Record
            do {
                record = try RecordEnvelope.decode(type, from: entry.value, key: entry.key)
            } catch let error as MLOpsError {
                report.problem(at: StorageKey.describe(entry.key), error.message)
                return
            }
            guard record.recordID == id else {
                report.problem(
                    at: StorageKey.describe(entry.key),
                    "the \(recordType) record stored under ID \(id) says its ID is \(record.recordID)")
                return
            }
            for index in Record.indexes {
                for value in index.distinctValues(of: record) {
                    if index.isUnique {
                        expectedUnique[index.name, default: [:]][keys.unique(recordType, index.name, value)] = id
                    } else {
                        expected[index.name, default: []].insert(keys.indexEntry(recordType, index.name, value, id))
                    }
                }
            }
        }
        for index in Record.indexes {
            if index.isUnique {
                var wanted = expectedUnique[index.name] ?? [:]
                try await forEachEntry(prefix: keys.uniques(recordType, index.name)) { entry in
                    let holder = String(decoding: entry.value, as: UTF8.self)
                    if let id = wanted.removeValue(forKey: entry.key) {
                        if id != holder {
                            report.problem(
                                at: StorageKey.describe(entry.key),
                                "the unique index '\(index.name)' names record \(holder), but record \(id) holds the value"
                            )
                        }
                    } else {
                        report.problem(
                            at: StorageKey.describe(entry.key),
                            "the unique index '\(index.name)' has an entry for record \(holder) that no record matches")
                    }
                }
                for (key, id) in wanted {
                    report.problem(
                        at: StorageKey.describe(key),
                        "the \(recordType) record \(id) has no entry in its unique index '\(index.name)'")
                }
            } else {
                var wanted = expected[index.name] ?? []
                try await forEachEntry(prefix: keys.indexEntries(recordType, index.name)) { entry in
                    if wanted.remove(entry.key) == nil {
                        report.problem(
                            at: StorageKey.describe(entry.key),
                            "the index '\(index.name)' has an entry that no \(recordType) record matches")
                    }
                }
                for key in wanted.sorted(by: { KeyRange.compare($0, $1) < 0 }) {
                    report.problem(
                        at: StorageKey.describe(key),
                        "a \(recordType) record has no entry for this value in its index '\(index.name)'")
                }
            }
        }
    }

    /// Visits every entry under `prefix`, in pages.
    func forEachEntry(prefix: [UInt8], _ body: (KeyValueEntry) throws -> Void) async throws {
        var range = KeyRange.prefix(prefix)
        while true {
            let page = try await store.scan(KeyScan(range: range, limit: 1_000))
            for entry in page { try body(entry) }
            guard page.count == 1_000, let last = page.last else { return }
            range = range.after(last.key)
        }
    }
}
