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
            for view in sorted[offset..<end] {
                if let cached = searchCache.run(id: view.runIDString, version: view.version) {
                    runs.append(cached)
                    continue
                }
                let run = try await makeRun(RunRecord(decoding: view.bytes))
                searchCache.remember(run, version: view.version)
                runs.append(run)
            }
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
        var matches: [RunRecordView] = []
        for experimentID in experimentIDs {
            var views = searchCache.views(experimentID: experimentID, storeVersion: storeVersion)
            if views == nil {
                let records = try await metadata.scan(.prefix(keys.runs(experimentID: experimentID)))
                var parsed: [RunRecordView] = []
                parsed.reserveCapacity(records.count)
                for entry in records {
                    var view = try RunRecordView(entry.value)
                    view.version = entry.version
                    parsed.append(view)
                }
                searchCache.remember(parsed, experimentID: experimentID, storeVersion: storeVersion)
                views = parsed
            }
            for view in views ?? [] where viewType.includes(view.lifecycle) && filter.matches(view) {
                matches.append(view)
            }
        }
        return Self.sort(matches, by: order)
    }

    /// Sorts views by `order`, computing each run's sort values once.
    static func sort(_ views: [RunRecordView], by order: RunOrder) -> [RunRecordView] {
        let clauses = order.effectiveClauses
        let isDefault = order.clauses.isEmpty
        if isDefault {
            // start_time DESC, run_id ASC: compare the numbers, then the ID bytes.
            let starts = views.map(\.startTime)
            let indices = views.indices.sorted { i, j in
                if starts[i] != starts[j] { return starts[i] > starts[j] }
                return views[i].bytes[views[i].runID].lexicographicallyPrecedes(views[j].bytes[views[j].runID])
            }
            return indices.map { views[$0] }
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
