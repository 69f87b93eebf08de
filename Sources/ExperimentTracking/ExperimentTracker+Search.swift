import MLOpsCore

extension ExperimentTracker {
    /// The most runs one search page returns.
    public static let maxSearchResults = 50_000
    /// The page size when none is given.
    public static let defaultSearchResults = 1_000
    /// How many run records one store scan reads during a search.
    static let scanSlice = 512

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
    /// - Throws: ``MLOpsError`` `parseError` for a bad filter or order (naming the
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
        var runs: [Run] = []
        if offset < end {
            runs.reserveCapacity(end - offset)
            let page = sorted[offset..<end]
            let keys = page.map(SearchCache.RunKey.init)
            let cached = searchCache.runs(keys)
            var fresh: [(SearchCache.RunKey, Run)] = []
            for (index, view) in page.enumerated() {
                if let run = cached[index] {
                    runs.append(run)
                    continue
                }
                let run = try await makeRun(RunRecord(view: view))
                if let key = keys[index] { fresh.append((key, run)) }
                runs.append(run)
            }
            searchCache.remember(fresh)
        }
        let next = end < sorted.count ? PageToken(offset: end, query: fingerprint).encoded() : nil
        return RunPage(runs: runs, nextPageToken: next)
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
    func matchingRuns(
        experimentIDs: [String], filter: RunFilter, order: RunOrder, viewType: ViewType
    ) async throws -> [RunRecordView] {
        try await writer.flush()
        // A commit without writes returns the store's current version: if it has not moved since
        // the last scan of an experiment, nothing in the store has changed and that scan is reused.
        let storeVersion = try await metadata.commit(KeyValueTransaction())
        let compiled = CompiledRunFilter(filter)
        var matches: [RunRecordView] = []
        for experimentID in experimentIDs {
            if let views = searchCache.views(experimentID: experimentID, storeVersion: storeVersion) {
                for index in views.indices where viewType.includes(views[index].lifecycle) {
                    if compiled.matches(views[index]) { matches.append(views[index]) }
                }
                continue
            }
            // Scan in slices, and parse and filter each slice while its bytes are still in the CPU's cache.
            var parsed: [RunRecordView] = []
            var range = KeyRange.prefix(keys.runs(experimentID: experimentID))
            while true {
                let records = try await metadata.scan(KeyScan(range: range, limit: Self.scanSlice))
                for entry in records {
                    var view = try RunRecordView(entry.value)
                    view.version = entry.version
                    if viewType.includes(view.lifecycle) && compiled.matches(view) { matches.append(view) }
                    parsed.append(view)
                }
                guard records.count == Self.scanSlice, let last = records.last else { break }
                range = range.after(last.key)
            }
            searchCache.remember(parsed, experimentID: experimentID, storeVersion: storeVersion)
        }
        return Self.sort(matches, by: order)
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
                return x.bytes[x.runID].lexicographicallyPrecedes(y.bytes[y.runID])
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
