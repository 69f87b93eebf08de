import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

@Suite struct SearchTests {
    /// 60 runs over two experiments with seeded params, tags, metrics (some NaN, some missing) and inputs.
    static func populate(_ tracker: ExperimentTracker) async throws -> [String] {
        var random = SeededRandom(seed: 7)
        let a = try await tracker.createExperiment(name: "search-a")
        let b = try await tracker.createExperiment(name: "search-b")
        for index in 0..<60 {
            let experimentID = index % 3 == 0 ? b.id : a.id
            let run = try await tracker.startRun(
                experimentID: experimentID, name: "run-\(index)",
                tags: index % 4 == 0 ? ["team": "vision"] : ["team": "nlp-\(index % 5)"])
            try await run.log(params: [
                "optimizer": ["adam", "sgd", "Adam"][index % 3],
                "lr": String(format: "%.3f", random.uniform(in: 0..<0.1)),
                "depth": String(index % 7),
            ])
            for step in 0..<3 {
                try await run.log(
                    metrics: ["loss": random.uniform(in: 0..<1) / Double(step + 1), "acc": random.uniform(in: 0..<1)],
                    step: Int64(step))
            }
            if index % 10 == 0 { try await run.log(metric: "acc", value: .nan, step: 10) }
            if index % 6 != 0 { try await run.log(metric: "f1", value: random.uniform(in: 0..<1)) }
            if index % 2 == 0 {
                try await run.logInput(
                    DatasetInput(
                        name: "data-\(index % 4).csv", digest: "d\(index % 4)",
                        context: index % 4 == 0 ? "training" : "eval"))
            }
            try await run.finish(status: index % 9 == 0 ? .failed : .finished)
        }
        return [a.id, b.id]
    }

    static let filters = [
        "", "metrics.acc > 0.5", "params.optimizer = 'adam' AND metrics.loss < 0.3",
        "params.optimizer = 'adam' OR tags.team LIKE 'vis%'",
        "(metrics.acc >= 0.8 OR metrics.acc < 0.1) AND attributes.status != 'FAILED'",
        "datasets.context = 'training'", "attributes.run_name ILIKE 'RUN-1%'", "metrics.acc != 0.5",
        "params.optimizer ILIKE 'adam'", "tags.team != 'vision' AND params.depth = '3'",
        "metrics.f1 <= 0.5", "attributes.status = 'FAILED'", "run_name LIKE 'run-_'",
        "datasets.name IN ('data-0.csv', 'data-2.csv')",
    ]

    static let orders: [[String]] = [
        [], ["metrics.acc DESC"], ["params.lr ASC", "metrics.loss"], ["attributes.run_name"],
        ["tags.team DESC", "run_name"],
        ["metrics.f1"], ["attributes.start_time ASC"],
    ]

    @Test func theSameQueriesReturnTheSameRunsOnEveryBackend() async throws {
        let memory = try TrackerFixture.make(.memory)
        let sqlite = try TrackerFixture.make(.sqlite)
        let memoryIDs = try await Self.populate(memory.tracker)
        let sqliteIDs = try await Self.populate(sqlite.tracker)
        #expect(memoryIDs == sqliteIDs)
        var nonEmpty = 0
        let everything = try await memory.tracker.listRuns(experimentIDs: memoryIDs)
        #expect(everything.count == 60)
        for filter in Self.filters {
            for order in Self.orders {
                let left = try await memory.tracker.searchRuns(experimentIDs: memoryIDs, filter: filter, orderBy: order)
                let right = try await sqlite.tracker.searchRuns(
                    experimentIDs: sqliteIDs, filter: filter, orderBy: order)
                #expect(left.runs.map(\.info.runName) == right.runs.map(\.info.runName), "\(filter) / \(order)")
                // And the results are exactly the runs that satisfy the filter, in order.
                let parsed = try RunFilter(filter)
                let expected = everything.filter { parsed.matches($0) }
                #expect(Set(left.runs.map(\.id)) == Set(expected.map(\.id)), "\(filter)")
                let runOrder = try RunOrder(parsing: order)
                for (x, y) in zip(left.runs, left.runs.dropFirst()) {
                    #expect(!runOrder.areInIncreasingOrder(y, x), "\(order)")
                }
                if !left.runs.isEmpty { nonEmpty += 1 }
            }
        }
        #expect(nonEmpty > Self.filters.count * Self.orders.count / 2)
        // Every run is found by the empty filter.
        #expect(try await memory.tracker.searchRuns(experimentIDs: memoryIDs).runs.count == 60)
    }

    @Test func searchesSeeWritesFromOtherTrackersAndCachedRunsStayCurrent() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        let reader = fixture.tracker
        let writer = ExperimentTracker(
            metadata: fixture.metadata, artifacts: fixture.blobs, options: .init(captureEnvironment: false))
        let first = try await writer.startRun(experiment: "shared", name: "first")
        try await first.log(metric: "acc", value: 0.5)
        try await first.flush()
        #expect(try await reader.searchRuns(filter: "metrics.acc > 0.4").runs.map(\.info.runName) == ["first"])
        // Unchanged: served again (from the cache) with the same answer.
        #expect(try await reader.searchRuns(filter: "metrics.acc > 0.4").runs.map(\.info.runName) == ["first"])
        // Another tracker changes the run and adds one: the reader sees both changes.
        try await first.log(metric: "acc", value: 0.9, step: 1)
        try await first.setTag("stage", "tuned")
        let second = try await writer.startRun(experiment: "shared", name: "second")
        try await second.log(metric: "acc", value: 0.45)
        try await writer.flush()
        let page = try await reader.searchRuns(filter: "metrics.acc > 0.4", orderBy: ["metrics.acc DESC"])
        #expect(page.runs.map(\.info.runName) == ["first", "second"])
        #expect(page.runs.first?.metrics["acc"]?.value == 0.9)
        #expect(page.runs.first?.tags["stage"] == "tuned")
        #expect(try await reader.searchRuns(filter: "tags.stage = 'tuned'").runs.count == 1)
    }

    @Test func nanAndMissingMetricsSortLastBothWays() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let ids = try await Self.populate(tracker)
        for direction in ["ASC", "DESC"] {
            let runs = try await tracker.searchRuns(experimentIDs: ids, orderBy: ["metrics.acc \(direction)"]).runs
            let values = runs.map { $0.metrics["acc"]?.value ?? .nan }
            let firstNaN = values.firstIndex { $0.isNaN } ?? values.count
            #expect(values[firstNaN...].allSatisfy { $0.isNaN })
            #expect(firstNaN == 54)
            let numbers = Array(values[..<firstNaN])
            #expect(numbers == (direction == "ASC" ? numbers.sorted() : numbers.sorted(by: >)))
        }
    }

    @Test func theTypedBuilderFindsWhatTheTextFinds() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let ids = try await Self.populate(tracker)
        let built = try RunFilter(
            (FilterField.metric("acc") > 0.5 && FilterField.param("optimizer") == "adam")
                || FilterField.tag("team").like("vis%"))
        let text = "(metrics.acc > 0.5 AND params.optimizer = 'adam') OR tags.team LIKE 'vis%'"
        let byBuilder = try await tracker.searchRuns(experimentIDs: ids, filter: built)
        let byText = try await tracker.searchRuns(experimentIDs: ids, filter: text)
        #expect(!byText.runs.isEmpty)
        #expect(byBuilder.runs.map(\.id) == byText.runs.map(\.id))
        // IN on run IDs.
        let two = Array(byText.runs.prefix(2).map(\.id))
        let list = two.map { "'\($0)'" }.joined(separator: ", ")
        let byID = try await tracker.searchRuns(experimentIDs: ids, filter: "attributes.run_id IN (\(list))")
        #expect(Set(byID.runs.map(\.id)) == Set(two))
    }

    @Test(arguments: Backend.allCases)
    func pageTokensAreStableAndCoverEveryRunOnce(_ backend: Backend) async throws {
        let fixture = try TrackerFixture.make(backend)
        let tracker = fixture.tracker
        let ids = try await Self.populate(tracker)
        let everything = try await tracker.searchRuns(experimentIDs: ids, orderBy: ["metrics.loss"])
        var collected: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await tracker.searchRuns(
                experimentIDs: ids, orderBy: ["metrics.loss"], maxResults: 7, pageToken: token)
            if let token {
                // The same token gives the same page again.
                let again = try await tracker.searchRuns(
                    experimentIDs: ids, orderBy: ["metrics.loss"], maxResults: 7, pageToken: token)
                #expect(again == page)
            }
            collected += page.runs.map(\.id)
            token = page.nextPageToken
            pages += 1
        } while token != nil
        #expect(pages == 9)
        #expect(collected == everything.runs.map(\.id))
        #expect(everything.nextPageToken == nil)
    }

    @Test func malformedPageTokensAndPageSizesAreTypedErrors() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        let ids = try await Self.populate(tracker)
        let first = try await tracker.searchRuns(experimentIDs: ids, maxResults: 5)
        let token = try #require(first.nextPageToken)
        let badTokens = [
            "garbage!", "", Data("{\"offset\": 3}".utf8).base64EncodedString(),
            Data("{\"offset\": -1, \"query\": \"x\"}".utf8).base64EncodedString(),
            Data("[1,2]".utf8).base64EncodedString(),
            String(token.dropLast(4)),
        ]
        for bad in badTokens {
            let error = await mlopsError { _ = try await tracker.searchRuns(experimentIDs: ids, pageToken: bad) }
            #expect(error?.code == .invalidArgument, "\(bad)")
            #expect(error?.message.contains("page token") == true)
        }
        // A token from another search is refused.
        let other = await mlopsError {
            _ = try await tracker.searchRuns(experimentIDs: ids, filter: "metrics.acc > 0", pageToken: token)
        }
        #expect(other?.code == .invalidArgument)
        #expect(other?.message.contains("different search") == true)
        for size in [0, -3, 50_001] {
            #expect(await mlopsError { _ = try await tracker.searchRuns(maxResults: size) }?.code == .invalidArgument)
        }
        #expect(try await tracker.searchRuns(experimentIDs: ids, maxResults: 50_000).runs.count == 60)
        // A bad filter names its column.
        let parse = await mlopsError { _ = try await tracker.searchRuns(filter: "metrics.acc > 'high'") }
        #expect(parse?.code == .parseError)
        #expect(parse?.message.hasPrefix("column 15:") == true)
        let order = await mlopsError { _ = try await tracker.searchRuns(orderBy: ["attributes.nope DESC"]) }
        #expect(order?.code == .parseError)
    }

    @Test func bestRunAndCompare() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        let tracker = fixture.tracker
        let ids = try await Self.populate(tracker)
        let all = try await tracker.searchRuns(experimentIDs: ids).runs
        let finiteAcc = all.compactMap { run in run.metrics["acc"].flatMap { $0.value.isNaN ? nil : (run, $0.value) } }
        let best = try #require(try await tracker.bestRun(experimentIDs: ids, metric: "acc", goal: .maximize))
        #expect(best.metrics["acc"]?.value == finiteAcc.map(\.1).max())
        let worst = try #require(try await tracker.bestRun(experimentIDs: ids, metric: "loss", goal: .minimize))
        #expect(worst.metrics["loss"]?.value == all.compactMap { $0.metrics["loss"]?.value }.min())
        let filtered = try await tracker.bestRun(
            experimentIDs: ids, metric: "acc", filter: try RunFilter("params.optimizer = 'sgd'"))
        #expect(filtered?.params["optimizer"] == "sgd")
        #expect(try await tracker.bestRun(experimentIDs: ids, metric: "nothing") == nil)

        let comparison = try await tracker.compareRuns(ids: [all[0].id, all[1].id])
        #expect(comparison.runs.map(\.id) == [all[0].id, all[1].id])
        #expect(comparison.paramKeys == ["depth", "lr", "optimizer"])
        #expect(comparison.metricKeys.contains("loss"))
        #expect(comparison.differingParamKeys.contains("optimizer"))
        #expect(comparison.table.first == ["run", all[0].id, all[1].id])
        #expect(comparison.table.contains { $0.first == "params.optimizer" })
        #expect(await mlopsError { _ = try await tracker.compareRuns(ids: [all[0].id, "missing"]) }?.code == .notFound)
        let latest = try await tracker.latestMetrics(runIDs: [all[0].id, "missing"])
        #expect(latest.keys.sorted() == [all[0].id])
        #expect(latest[all[0].id] == all[0].metrics)
    }

    @Test func bestRunNeverPicksNaN() async throws {
        let fixture = try TrackerFixture.make()
        let tracker = fixture.tracker
        for (name, value) in [("nan", Double.nan), ("low", 0.1), ("high", 0.7), ("inf", Double.infinity)] {
            try await tracker.withRun(experiment: "best", name: name) { run in
                try await run.log(metric: "score", value: value)
            }
        }
        #expect(try await tracker.bestRun(metric: "score", goal: .maximize)?.info.runName == "inf")
        #expect(try await tracker.bestRun(metric: "score", goal: .minimize)?.info.runName == "low")
    }
}

/// MLflow compares `datasets.context` only over the contexts that exist: an input logged
/// without a context (no `mlflow.data.context` tag in an export) matches no comparison, not
/// even `NOT IN` — found by the search differential against MLflow.
@Suite struct DatasetContextSearchTests {
    @Test(arguments: [Backend.memory, .sqlite])
    func anInputWithoutAContextMatchesNoContextComparison(backend: Backend) async throws {
        let fixture = try TrackerFixture.make(backend)
        let tracker = fixture.tracker
        try await tracker.withRun(experiment: "contexts", name: "no-context") { run in
            try await run.logInput(DatasetInput(name: "a.csv", digest: "aa"))
        }
        try await tracker.withRun(experiment: "contexts", name: "test-context") { run in
            try await run.logInput(DatasetInput(name: "b.csv", digest: "bb", context: "test"))
        }
        func names(_ filter: String) async throws -> [String] {
            try await tracker.searchRuns(filter: filter).runs.map(\.info.runName).sorted()
        }
        #expect(try await names("datasets.context NOT IN ('training', 'validation')") == ["test-context"])
        #expect(try await names("datasets.context != 'training'") == ["test-context"])
        #expect(try await names("datasets.name LIKE '%.csv'") == ["no-context", "test-context"])
        // The same dataset (name and digest) again in another role: MLflow keeps the first input.
        try await tracker.withRun(experiment: "contexts", name: "twice") { run in
            try await run.logInput(DatasetInput(name: "c.csv", digest: "cc", context: "training"))
            try await run.logInput(DatasetInput(name: "c.csv", digest: "cc", context: "evaluation"))
        }
        #expect(try await names("datasets.context = 'evaluation'") == [])
        #expect(try await names("datasets.context = 'training'") == ["twice"])
        // The decoded runs agree with the store's search.
        for run in try await tracker.searchRuns().runs {
            #expect(try RunFilter("datasets.context != 'x'").matches(run) == (run.info.runName != "no-context"))
            #expect(try RunFilter("datasets.context = 'evaluation'").matches(run) == false)
        }
    }
}
