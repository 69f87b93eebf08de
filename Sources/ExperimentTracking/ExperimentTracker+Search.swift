import MLOpsCore

extension ExperimentTracker {
    /// The most runs one search page returns.
    public static let maxSearchResults = 50_000
    /// The page size when none is given.
    public static let defaultSearchResults = 1_000

    /// Searches runs with MLflow's filter grammar (plus `OR` and parentheses)
    /// and `order_by` rules.
    ///
    /// ```swift
    /// let page = try await tracker.searchRuns(
    ///     experimentIDs: ["1"], filter: "metrics.acc > 0.9 AND params.optimizer = 'adam'",
    ///     orderBy: ["metrics.acc DESC"])
    /// ```
    ///
    /// - Parameters:
    ///   - experimentIDs: The experiments to search; empty means every active experiment.
    ///   - filter: A ``RunFilter`` in text form; empty matches every run.
    ///   - orderBy: MLflow `order_by` clauses; the default order is
    ///     `start_time DESC`, then `run_id`. Missing values and NaN sort last.
    ///   - maxResults: The page size, 1…50,000 (default 1,000).
    ///   - pageToken: The previous page's ``RunPage/nextPageToken``.
    ///   - viewType: Active runs (default), deleted runs, or both.
    /// - Throws: `MLOpsError` `parseError` for a bad filter or order (naming the
    ///   column), `invalidArgument` for a bad page size or page token.
    public func searchRuns(
        experimentIDs: [String] = [], filter: String = "", orderBy: [String] = [],
        maxResults: Int = ExperimentTracker.defaultSearchResults, pageToken: String? = nil,
        viewType: ViewType = .activeOnly
    ) async throws -> RunPage {
        try await searchRuns(
            experimentIDs: experimentIDs, filter: try RunFilter(filter), order: try RunOrder(parsing: orderBy),
            maxResults: maxResults, pageToken: pageToken, viewType: viewType)
    }

    /// Searches runs with a parsed or built filter and order; see
    /// ``searchRuns(experimentIDs:filter:orderBy:maxResults:pageToken:viewType:)``.
    public func searchRuns(
        experimentIDs: [String] = [], filter: RunFilter, order: RunOrder = RunOrder(),
        maxResults: Int = ExperimentTracker.defaultSearchResults, pageToken: String? = nil,
        viewType: ViewType = .activeOnly
    ) async throws -> RunPage {
        guard (1...Self.maxSearchResults).contains(maxResults) else {
            throw MLOpsError(
                .invalidArgument, "maxResults must be between 1 and \(Self.maxSearchResults)", value: String(maxResults)
            )
        }
        let ids = try await resolveExperimentIDs(experimentIDs)
        let fingerprint = PageToken.fingerprint(
            experimentIDs: experimentIDs, filter: filter, order: order, viewType: viewType)
        let offset = try pageToken.map { try PageToken(decoding: $0, query: fingerprint).offset } ?? 0
        let sorted = try await matchingRuns(experimentIDs: ids, filter: filter, order: order, viewType: viewType)
        let end = Swift.min(sorted.count, offset + maxResults)
        let runs = offset < end ? try await decodedRuns(sorted[offset..<end]) : []
        let next = end < sorted.count ? PageToken(offset: end, query: fingerprint).encoded() : nil
        return RunPage(runs: runs, nextPageToken: next)
    }

    /// The runs of a result page: from the tracker's cache where a record has not changed since
    /// it was last decoded, else decoded.
    func decodedRuns(_ page: ArraySlice<RunRecordView>) async throws -> [Run] {
        let keys = page.map(SearchCache.RunKey.init)
        let cached = searchCache.runs(keys)
        var missing: [RunRecordView] = []
        for (index, view) in page.enumerated() where cached[index] == nil { missing.append(view) }
        var records = try Self.decode(missing).makeIterator()
        var runs: [Run] = []
        runs.reserveCapacity(page.count)
        var fresh: [(SearchCache.RunKey, Run)] = []
        fresh.reserveCapacity(missing.count)
        for index in cached.indices {
            if let run = cached[index] {
                runs.append(run)
            } else if let record = records.next() {
                let run = try await makeRun(record)
                if let key = keys[index] { fresh.append((key, run)) }
                runs.append(run)
            }
        }
        searchCache.remember(fresh)
        return runs
    }

    /// Decodes `views` into records, in order, sharing their repeated strings (``StringTable``).
    static func decode(_ views: [RunRecordView]) throws -> [RunRecord] {
        var table = StringTable()
        return try views.map { try RunRecord(view: $0, strings: &table) }
    }

    /// Every run of the experiments (all active experiments if empty), newest first.
    public func listRuns(experimentIDs: [String] = [], viewType: ViewType = .activeOnly) async throws -> [Run] {
        var runs: [Run] = []
        var token: String?
        repeat {
            let page = try await searchRuns(
                experimentIDs: experimentIDs, filter: .all, maxResults: Self.maxSearchResults, pageToken: token,
                viewType: viewType)
            runs += page.runs
            token = page.nextPageToken
        } while token != nil
        return runs
    }

    /// The runs matching `filter`, sorted, as in-place views.
    ///
    /// One pass over each experiment's run records, on the bytes the store lends: each record's
    /// header is parsed and the filter evaluated in place, and only the records that match are
    /// copied (into a few large chunks). The sorted result is remembered for the store version it
    /// was found at.
    ///
    /// Only when the filter or order names a tag the MLflow export derives (``DerivedRunTags``)
    /// are each run's stored tags and environment read to derive them; a record whose
    /// environment is not in the tracker's cache is set aside and evaluated once the missing
    /// environments are loaded.
    func matchingRuns(
        experimentIDs: [String], filter: RunFilter, order: RunOrder, viewType: ViewType
    ) async throws -> [RunRecordView] {
        try await writer.flush()
        // A commit without writes returns the store's current version: if it has not moved since
        // the same search last ran, nothing in the store has changed and its result still holds.
        let storeVersion = try await metadata.commit(KeyValueTransaction())
        let query = SearchCache.Query(experimentIDs: experimentIDs, filter: filter, order: order, viewType: viewType)
        if let hit = searchCache.result(query, storeVersion: storeVersion) { return hit }
        let compiled = CompiledRunFilter(filter)
        let derive = DerivedRunTags.needed(by: filter, order: order)
        var arena = RecordArena()
        var matches: [RunRecordView] = []
        // Records whose environment must be loaded before their derived tags are known.
        var pending: [RunRecordView] = []
        var missing: Set<String> = []
        var derived = DerivedTagMemo()
        let cache = environmentCache
        for experimentID in experimentIDs {
            try await metadata.scan(KeyScan(range: .prefix(keys.runs(experimentID: experimentID)))) { entry in
                let buffer = UnsafeBufferPointer(
                    start: entry.value.baseAddress?.assumingMemoryBound(to: UInt8.self), count: entry.value.count)
                let layout: RunRecordLayout
                do {
                    layout = try RunRecordLayout(parsing: buffer)
                } catch {
                    // Off the hot path: name the damaged key.
                    throw RunRecord.naming(error, key: Array(entry.key))
                }
                guard viewType.includes(layout.lifecycle) else { return true }
                if !derive {
                    if compiled.matches(layout, in: buffer) {
                        matches.append(
                            RunRecordView(arena.append(entry.value), layout: layout, version: entry.version))
                    }
                    return true
                }
                let environmentID = try Self.environmentID(layout, buffer)
                var environment: RunEnvironment?
                if let environmentID {
                    environment = cache.environment(id: environmentID)
                    if environment == nil {
                        missing.insert(environmentID)
                        pending.append(RunRecordView(arena.append(entry.value), layout: layout, version: entry.version))
                        return true
                    }
                }
                let tags = try derived.tags(layout, buffer, environmentID: environmentID, environment: environment)
                if compiled.matches(layout, in: buffer, derivedTags: tags) {
                    var view = RunRecordView(arena.append(entry.value), layout: layout, version: entry.version)
                    view.derivedTags = tags
                    matches.append(view)
                }
                return true
            }
        }
        if !pending.isEmpty {
            var environments: [String: RunEnvironment] = [:]
            for id in missing {
                // A run whose environment record is gone shows no environment tags (as `run(id:)` shows none).
                if let environment = try await metadata.record(RunEnvironment.self, at: keys.environment(id)) {
                    environments[id] = environment
                    cache.remember(StoredEnvironment(environment), as: id)
                }
            }
            for var view in pending {
                let tags = try view.bytes.withUnsafeBufferPointer { buffer -> [String: String]? in
                    let environmentID = try Self.environmentID(view.layout, buffer)
                    let tags = try derived.tags(
                        view.layout, buffer, environmentID: environmentID,
                        environment: environmentID.flatMap { environments[$0] })
                    return compiled.matches(view.layout, in: buffer, derivedTags: tags) ? tags : nil
                }
                if let tags {
                    view.derivedTags = tags
                    matches.append(view)
                }
            }
        }
        let sorted = Self.sort(matches, by: order)
        searchCache.remember(sorted, for: query, storeVersion: storeVersion)
        return sorted
    }

    /// The ID of the environment a run record refers to, if any.
    ///
    /// - Throws: `MLOpsError` `corruptData` if the record's environment section does not parse.
    static func environmentID(_ layout: RunRecordLayout, _ buffer: UnsafeBufferPointer<UInt8>) throws -> String? {
        var cursor = RawCursor(buffer, offset: layout.environmentOffset)
        let id = cursor.optionalString()
        guard !cursor.failed else {
            throw MLOpsError(.corruptData, "stored run record is damaged: its environment ID does not parse")
        }
        return id
    }

    /// Sorts views by `order`, computing each run's sort values once.
    static func sort(_ views: [RunRecordView], by order: RunOrder) -> [RunRecordView] {
        let clauses = order.effectiveClauses
        let isDefault = order.clauses.isEmpty
        if isDefault {
            // start_time DESC, run_id ASC: compare the numbers, then (rarely) the ID bytes.
            var order = views.indices.map { (start: views[$0].startTime, index: $0) }
            order.sort { a, b in
                if a.start != b.start { return a.start > b.start }
                let x = views[a.index]
                let y = views[b.index]
                return x.bytes.precedes(x.runID, y.bytes, y.runID)
            }
            return order.map { views[$0.index] }
        }
        let keys = views.map { view in clauses.map { RunOrder.sortValue(view, $0) } }
        let indices = views.indices.sorted { i, j in
            for (index, clause) in clauses.enumerated() {
                let result = RunOrder.compare(keys[i][index], keys[j][index], ascending: clause.ascending)
                if result != 0 { return result < 0 }
            }
            return false
        }
        return indices.map { views[$0] }
    }
}

/// The derived tags (``DerivedRunTags``) of run records read in place, keeping only the keys
/// ``DerivedRunTags/mayDerive(_:)`` covers (the only ones a search reads from them).
///
/// The derivation reads and writes only such keys, so it is computed once per environment and
/// set of stored derivable tags, and only `mlops.run_id` is set per run — both through
/// ``DerivedRunTags/tags(stored:runID:environment:)``.
struct DerivedTagMemo {
    private struct Key: Hashable {
        let environmentID: String?
        let stored: [String: String]
    }

    private var memo: [Key: [String: String]] = [:]

    /// The derivable tags of the run record in `buffer`.
    ///
    /// - Throws: `MLOpsError` `corruptData` if the record's tags do not parse.
    mutating func tags(
        _ layout: RunRecordLayout, _ buffer: UnsafeBufferPointer<UInt8>, environmentID: String?,
        environment: RunEnvironment?
    ) throws -> [String: String] {
        var cursor = RawCursor(buffer, offset: layout.tagsOffset)
        let count = cursor.count()
        var stored: [String: String] = [:]
        for _ in 0..<count where !cursor.failed {
            let keyRange = cursor.stringRange()
            let valueRange = cursor.stringRange()
            guard !cursor.failed, Self.mayBeDerivable(keyRange, buffer) else { continue }
            let key = String(decoding: UnsafeBufferPointer(rebasing: buffer[keyRange]), as: UTF8.self)
            if DerivedRunTags.mayDerive(key) {
                stored[key] = String(decoding: UnsafeBufferPointer(rebasing: buffer[valueRange]), as: UTF8.self)
            }
        }
        guard !cursor.failed, layout.runID.upperBound <= buffer.count else {
            throw MLOpsError(.corruptData, "stored run record is damaged: its tags do not parse")
        }
        let runID = String(decoding: UnsafeBufferPointer(rebasing: buffer[layout.runID]), as: UTF8.self)
        let key = Key(environmentID: environment == nil ? nil : environmentID, stored: stored)
        let shared: [String: String]
        if let known = memo[key] {
            shared = known
        } else {
            shared = DerivedRunTags.tags(stored: stored, runID: runID, environment: environment)
                .filter { DerivedRunTags.mayDerive($0.key) }
            memo[key] = shared
        }
        // Without an environment, the derivation only sets this run's `mlops.run_id`.
        return DerivedRunTags.tags(stored: shared, runID: runID, environment: nil)
    }

    /// Whether the key's bytes start with `mlflow.source.` or `mlops.`, as every derivable key does;
    /// spares decoding the others.
    private static func mayBeDerivable(_ range: Range<Int>, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        for prefix in prefixes where range.count >= prefix.count {
            let equal = prefix.withUnsafeBufferPointer { prefix in
                Platform.compareBytes(base + range.lowerBound, prefix.baseAddress!, count: prefix.count) == 0
            }
            if equal { return true }
        }
        return false
    }

    private static let prefixes: [[UInt8]] = [Array("mlops.".utf8), Array("mlflow.source.".utf8)]
}
