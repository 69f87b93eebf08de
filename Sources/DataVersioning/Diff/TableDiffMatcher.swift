import MLOpsCore

/// Matches the rows of two indexed CSV files and gathers a ``TableDiff``'s counts and examples.
///
/// Rows are paired by hash (``TableDiffInput/Entry/hash``) and every pairing is then confirmed by comparing texts,
/// scanned again from the caller's bytes with `CSVRecordParser`: a hash collision costs a comparison, never a wrong
/// answer. Both inputs' entries must be sorted by hash, then by position (``TableDiffInput/sortByHash()``), so
/// that equal rows pair up in file order.
struct TableDiffMatcher {
    typealias Entry = TableDiffInput.Entry

    /// Which file a row is in.
    enum Side {
        case old
        case new
    }

    /// The rows that differ, and how many are the same.
    struct Outcome {
        var added: [Entry] = []
        var removed: [Entry] = []
        var changed: [(old: Entry, new: Entry)] = []
        var unchanged = 0
    }

    /// A key that two rows of one file share, the earliest found so far.
    private struct Duplicate {
        var key: String
        var firstLine: Int
        var secondLine: Int
        var secondOffset: Int
    }

    let oldBytes: UnsafeBufferPointer<UInt8>
    let newBytes: UnsafeBufferPointer<UInt8>
    let old: TableDiffInput
    let new: TableDiffInput
    /// The columns both files have, as indices into the old file's columns, in the old file's order.
    let oldShared: [Int]
    /// The same columns as indices into the new file's columns, in the same order.
    let newShared: [Int]
    /// The key column's index in each file, for a diff by key.
    let key: (old: Int, new: Int)?
    /// The most examples of each kind.
    let limit: Int
    /// Two parsers, so that two rows can be looked at side by side.
    private let first: CSVRecordParser
    private let second: CSVRecordParser

    init(
        oldBytes: UnsafeBufferPointer<UInt8>, newBytes: UnsafeBufferPointer<UInt8>, old: TableDiffInput,
        new: TableDiffInput, oldShared: [Int], newShared: [Int], key: (old: Int, new: Int)?, limit: Int,
        options: CSVReadOptions
    ) throws {
        self.oldBytes = oldBytes
        self.newBytes = newBytes
        self.old = old
        self.new = new
        self.oldShared = oldShared
        self.newShared = newShared
        self.key = key
        self.limit = limit
        self.first = try CSVRecordParser(options: options)
        self.second = try CSVRecordParser(options: options)
    }

    // MARK: - Matching

    /// Pairs rows by key: same key text, one row per key in each file.
    /// - Throws: `invalidArgument` when a key is on two rows of one file.
    func matchByKey() throws -> Outcome {
        let olds = old.entries
        let news = new.entries
        try checkUniqueKeys(olds, side: .old)
        try checkUniqueKeys(news, side: .new)
        var outcome = Outcome()
        try merge(olds, news, into: &outcome) { oldRun, newRun, outcome in
            func record(_ comparison: KeyedComparison, _ oldEntry: Entry, _ newEntry: Entry) {
                switch comparison {
                case .otherKey:
                    outcome.removed.append(oldEntry)
                    outcome.added.append(newEntry)
                case .unchanged: outcome.unchanged += 1
                case .changed: outcome.changed.append((oldEntry, newEntry))
                }
            }
            if oldRun.count == 1 && newRun.count == 1 {
                let oldEntry = oldRun[oldRun.startIndex]
                let newEntry = newRun[newRun.startIndex]
                record(try compareKeyed(oldEntry, newEntry), oldEntry, newEntry)
                return
            }
            // More than one row on a side only when different keys share a hash.
            var taken = [Bool](repeating: false, count: newRun.count)
            for oldEntry in oldRun {
                var matched = false
                for (position, newEntry) in newRun.enumerated() where !taken[position] {
                    let comparison = try compareKeyed(oldEntry, newEntry)
                    if comparison == .otherKey { continue }
                    record(comparison, oldEntry, newEntry)
                    taken[position] = true
                    matched = true
                    break
                }
                if !matched { outcome.removed.append(oldEntry) }
            }
            for (position, newEntry) in newRun.enumerated() where !taken[position] { outcome.added.append(newEntry) }
        }
        return outcome
    }

    /// Pairs rows by their text in the shared columns, as multisets: a row twice in the old file and once in the
    /// new one is one unchanged and one removed row (the later occurrence).
    func matchByContent() throws -> Outcome {
        var outcome = Outcome()
        guard !oldShared.isEmpty else {
            // Nothing to compare rows on: every row is gone and every row is new.
            outcome.removed = old.entries
            outcome.added = new.entries
            return outcome
        }
        let olds = old.entries
        let news = new.entries
        try merge(olds, news, into: &outcome) { oldRun, newRun, outcome in
            if oldRun.count == 1 && newRun.count == 1 {
                let oldEntry = oldRun[oldRun.startIndex]
                let newEntry = newRun[newRun.startIndex]
                if try rowsEqual(oldEntry, .old, newEntry, .new) {
                    outcome.unchanged += 1
                } else {
                    outcome.removed.append(oldEntry)
                    outcome.added.append(newEntry)
                }
                return
            }
            // Group the run's rows by exact text (almost always one group), then match counts per group.
            var representatives: [(entry: Entry, side: Side)] = []
            func group(of entry: Entry, _ side: Side) throws -> Int {
                for (index, representative) in representatives.enumerated()
                where try rowsEqual(representative.entry, representative.side, entry, side) {
                    return index
                }
                representatives.append((entry, side))
                return representatives.count - 1
            }
            let oldGroups = try oldRun.map { try group(of: $0, .old) }
            let newGroups = try newRun.map { try group(of: $0, .new) }
            var oldCounts = [Int](repeating: 0, count: representatives.count)
            var newCounts = oldCounts
            for group in oldGroups { oldCounts[group] += 1 }
            for group in newGroups { newCounts[group] += 1 }
            var seen = [Int](repeating: 0, count: representatives.count)
            for (entry, group) in zip(oldRun, oldGroups) {
                if seen[group] >= newCounts[group] { outcome.removed.append(entry) } else { outcome.unchanged += 1 }
                seen[group] += 1
            }
            seen = [Int](repeating: 0, count: representatives.count)
            for (entry, group) in zip(newRun, newGroups) {
                if seen[group] >= oldCounts[group] { outcome.added.append(entry) }
                seen[group] += 1
            }
        }
        return outcome
    }

    /// Walks two hash-sorted entry lists together: a hash in one list only is a removed or added row; rows with the
    /// same hash in both go to `matchRun`, which must account for each.
    private func merge(
        _ olds: [Entry], _ news: [Entry], into outcome: inout Outcome,
        matchRun: (ArraySlice<Entry>, ArraySlice<Entry>, inout Outcome) throws -> Void
    ) throws {
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < olds.count || newIndex < news.count {
            if newIndex == news.count || (oldIndex < olds.count && olds[oldIndex].hash < news[newIndex].hash) {
                outcome.removed.append(olds[oldIndex])
                oldIndex += 1
            } else if oldIndex == olds.count || news[newIndex].hash < olds[oldIndex].hash {
                outcome.added.append(news[newIndex])
                newIndex += 1
            } else {
                let oldEnd = Self.runEnd(olds, from: oldIndex)
                let newEnd = Self.runEnd(news, from: newIndex)
                try matchRun(olds[oldIndex..<oldEnd], news[newIndex..<newEnd], &outcome)
                oldIndex = oldEnd
                newIndex = newEnd
            }
        }
    }

    /// Throws for the first (in file order) key that two rows of one file share.
    private func checkUniqueKeys(_ sorted: [Entry], side: Side) throws {
        guard let key else { return }
        let column = side == .old ? key.old : key.new
        var earliest: Duplicate?
        var start = 0
        while start < sorted.count {
            let end = Self.runEnd(sorted, from: start)
            // Stop at the first repeat in a run: it has the run's earliest second occurrence.
            search: for later in (start + 1)..<max(end, start + 1) {
                for earlier in start..<later where try sameKey(sorted[earlier], side, sorted[later], side) {
                    if sorted[later].offset < earliest?.secondOffset ?? Int.max {
                        earliest = Duplicate(
                            key: try text(of: sorted[later], side, column: column),
                            firstLine: sorted[earlier].line, secondLine: sorted[later].line,
                            secondOffset: sorted[later].offset)
                    }
                    break search
                }
            }
            start = end
        }
        guard let earliest else { return }
        let schema = side == .old ? old.schema : new.schema
        let name = schema.fields.indices.contains(column) ? schema.fields[column].name : ""
        throw MLOpsError(
            .invalidArgument,
            "the key column '\(DisplayText.escapingControlCharacters(name))' is not unique in the \(side) CSV: "
                + "'\(DisplayText.escapingControlCharacters(earliest.key))' is on lines \(earliest.firstLine) and "
                + "\(earliest.secondLine); a key must name one row in each file (diff by content without a key)",
            value: earliest.key
        )
    }

    /// One past the last entry from `start` with the hash of the entry at `start`.
    private static func runEnd(_ entries: [Entry], from start: Int) -> Int {
        var end = start + 1
        while end < entries.count && entries[end].hash == entries[start].hash { end += 1 }
        return end
    }

    // MARK: - Comparing rows

    /// Calls `body` with the rows of two entries, each scanned again from its file's bytes.
    private func withRows<Result>(
        _ firstEntry: Entry, _ firstSide: Side, _ secondEntry: Entry, _ secondSide: Side,
        _ body: (CSVRecordView, CSVRecordView) throws -> Result
    ) throws -> Result {
        try first.withRecord(in: bytes(firstSide), at: firstEntry.offset, line: firstEntry.line) { firstRow in
            try second.withRecord(in: bytes(secondSide), at: secondEntry.offset, line: secondEntry.line) {
                try body(firstRow, $0)
            }
        }
    }

    /// Calls `body` with the row of `entry`.
    private func withRow<Result>(_ entry: Entry, _ side: Side, _ body: (CSVRecordView) throws -> Result) throws
        -> Result
    {
        try first.withRecord(in: bytes(side), at: entry.offset, line: entry.line, body)
    }

    private func bytes(_ side: Side) -> UnsafeBufferPointer<UInt8> { side == .old ? oldBytes : newBytes }

    private func shared(_ side: Side) -> [Int] { side == .old ? oldShared : newShared }

    /// How an old row and a new row compare in a diff by key.
    private enum KeyedComparison {
        /// The rows have different keys.
        case otherKey
        /// Same key, same text in every shared column.
        case unchanged
        /// Same key, different text in some shared column.
        case changed
    }

    /// Compares the key, then the shared columns, of an old and a new row (each scanned once).
    private func compareKeyed(_ oldEntry: Entry, _ newEntry: Entry) throws -> KeyedComparison {
        guard let key else { return .otherKey }
        return try withRows(oldEntry, .old, newEntry, .new) { oldRow, newRow in
            guard Self.fieldsEqual(oldRow, key.old, newRow, key.new) else { return .otherKey }
            for index in oldShared.indices where !Self.fieldsEqual(oldRow, oldShared[index], newRow, newShared[index]) {
                return .changed
            }
            return .unchanged
        }
    }

    private func sameKey(_ firstEntry: Entry, _ firstSide: Side, _ secondEntry: Entry, _ secondSide: Side) throws
        -> Bool
    {
        guard let key else { return false }
        let firstColumn = firstSide == .old ? key.old : key.new
        let secondColumn = secondSide == .old ? key.old : key.new
        return try withRows(firstEntry, firstSide, secondEntry, secondSide) { firstRow, secondRow in
            Self.fieldsEqual(firstRow, firstColumn, secondRow, secondColumn)
        }
    }

    /// Whether two rows have the same text in every shared column.
    private func rowsEqual(_ firstEntry: Entry, _ firstSide: Side, _ secondEntry: Entry, _ secondSide: Side) throws
        -> Bool
    {
        let firstColumns = shared(firstSide)
        let secondColumns = shared(secondSide)
        return try withRows(firstEntry, firstSide, secondEntry, secondSide) { firstRow, secondRow in
            for index in firstColumns.indices
            where !Self.fieldsEqual(firstRow, firstColumns[index], secondRow, secondColumns[index]) {
                return false
            }
            return true
        }
    }

    /// Whether field `firstColumn` of `firstRow` and field `secondColumn` of `secondRow` have the same text.
    @inline(__always)
    private static func fieldsEqual(
        _ firstRow: CSVRecordView, _ firstColumn: Int, _ secondRow: CSVRecordView, _ secondColumn: Int
    ) -> Bool {
        // Scratch space is only used (and allocated) for a field with doubled quotes.
        var firstScratch: [UInt8] = []
        var secondScratch: [UInt8] = []
        return firstRow.withField(firstColumn, scratch: &firstScratch) { firstText in
            secondRow.withField(secondColumn, scratch: &secondScratch) { secondText in
                guard firstText.count == secondText.count else { return false }
                guard let firstBase = firstText.baseAddress, let secondBase = secondText.baseAddress else {
                    return true  // both empty
                }
                return Platform.compareBytes(firstBase, secondBase, count: firstText.count) == 0
            }
        }
    }

    // MARK: - Examples

    /// The first `limit` rows of `entries` in file order, as text.
    func rows(_ entries: [Entry], _ side: Side) throws -> [TableDiff.Row] {
        let keyColumn = key.map { side == .old ? $0.old : $0.new }
        return try Self.firstInFileOrder(entries, limit: limit) { $0.offset }.map { entry in
            try withRow(entry, side) { row in
                TableDiff.Row(
                    line: entry.line, key: keyColumn.map { Self.text(row, $0) },
                    fields: (0..<row.fieldCount).map { Self.text(row, $0) })
            }
        }
    }

    /// The first `limit` changed rows in the new file's order, with the cells that differ.
    func changedRows(_ pairs: [(old: Entry, new: Entry)]) throws -> [TableDiff.ChangedRow] {
        guard let key else { return [] }
        let names = old.schema.names
        return try Self.firstInFileOrder(pairs, limit: limit) { $0.new.offset }.map { pair in
            try withRows(pair.old, .old, pair.new, .new) { oldRow, newRow in
                var cells: [TableDiff.CellChange] = []
                for index in oldShared.indices {
                    let oldColumn = oldShared[index]
                    let newColumn = newShared[index]
                    if Self.fieldsEqual(oldRow, oldColumn, newRow, newColumn) { continue }
                    cells.append(
                        TableDiff.CellChange(
                            column: names[oldColumn], oldText: Self.text(oldRow, oldColumn),
                            newText: Self.text(newRow, newColumn)))
                }
                return TableDiff.ChangedRow(
                    key: Self.text(oldRow, key.old), oldLine: pair.old.line, newLine: pair.new.line, cells: cells)
            }
        }
    }

    /// The text of one field of `entry`'s row.
    private func text(of entry: Entry, _ side: Side, column: Int) throws -> String {
        try withRow(entry, side) { Self.text($0, column) }
    }

    /// A field as a `String` (the first pass checked that it is UTF-8).
    private static func text(_ row: CSVRecordView, _ column: Int) -> String {
        var scratch: [UInt8] = []
        return row.withField(column, scratch: &scratch) { String(decoding: $0, as: UTF8.self) }
    }

    /// The `limit` elements with the smallest `position`, in that order.
    private static func firstInFileOrder<Element>(
        _ elements: [Element], limit: Int, position: (Element) -> Int
    ) -> [Element] {
        guard limit > 0 else { return [] }
        return Array(elements.sorted { position($0) < position($1) }.prefix(limit))
    }
}
