import ExperimentTracking
import MLOpsCore
import Testing

@Suite struct TrackingLimitsTests {
    @Test(arguments: [
        "loss", "val/loss", "a b", "acc.top-5", "x_1", "Ünïcödé", "日本語", "a/b/c", String(repeating: "k", count: 250),
    ])
    func validNamesPass(_ name: String) throws {
        try TrackingLimits.validateKey(name, kind: "metric")
    }

    @Test(arguments: ["", "/abs", "trail/", "a//b", ".", "..", "../x", "a/../b", "a/./b", "./a"])
    func namesThatAreNotNormalisedPathsAreRejected(_ name: String) throws {
        let error = #expect(throws: MLOpsError.self) { try TrackingLimits.validateKey(name, kind: "metric") }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("normalised relative paths") == true)
        #expect(error?.value == name)
    }

    @Test(arguments: ["a;b", "a:b", "a\\b", "tab\there", "quote'", "a%2f", "emoji😀", "new\nline"])
    func namesWithForbiddenCharactersAreRejected(_ name: String) throws {
        let error = #expect(throws: MLOpsError.self) { try TrackingLimits.validateKey(name, kind: "param") }
        #expect(error?.code == .invalidArgument)
        #expect(
            error?.message.contains(
                "names may only contain alphanumerics, underscores (_), dashes (-), periods (.), "
                    + "spaces ( ), and slashes (/)") == true)
    }

    @Test func aLongNameQuotesTheLimit() throws {
        let error = #expect(throws: MLOpsError.self) {
            try TrackingLimits.validateKey(String(repeating: "k", count: 251), kind: "tag")
        }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message == "tag name had length 251, which exceeded length limit of 250")
    }

    @Test func valueLimitsQuoteTheLimit() throws {
        try TrackingLimits.validateParam(key: "p", value: String(repeating: "v", count: 6_000))
        let param = #expect(throws: MLOpsError.self) {
            try TrackingLimits.validateParam(key: "p", value: String(repeating: "v", count: 6_001))
        }
        #expect(param?.message == "Param value for 'p' had length 6001, which exceeded length limit of 6000")
        try TrackingLimits.validateTag(key: "t", value: String(repeating: "v", count: 5_000))
        let tag = #expect(throws: MLOpsError.self) {
            try TrackingLimits.validateTag(key: "t", value: String(repeating: "v", count: 5_001))
        }
        #expect(tag?.message == "Tag value for 't' had length 5001, which exceeded length limit of 5000")
        // Characters, not bytes: 6000 two-byte characters are fine.
        try TrackingLimits.validateParam(key: "p", value: String(repeating: "é", count: 6_000))
    }

    @Test func batchLimitsQuoteTheLimit() throws {
        try TrackingLimits.validateBatch(metrics: 1_000, params: 100, tags: 100)
        let metrics = #expect(throws: MLOpsError.self) { try TrackingLimits.validateBatch(metrics: 1_001) }
        #expect(metrics?.code == .limitExceeded)
        #expect(metrics?.message.hasPrefix("a batch can contain at most 1000 metrics; got 1001 metrics") == true)
        let params = #expect(throws: MLOpsError.self) { try TrackingLimits.validateBatch(params: 101) }
        #expect(params?.message.hasPrefix("a batch can contain at most 100 params; got 101 params") == true)
        let tags = #expect(throws: MLOpsError.self) { try TrackingLimits.validateBatch(tags: 101) }
        #expect(tags?.message.hasPrefix("a batch can contain at most 100 tags; got 101 tags") == true)
    }

    @Test func datasetLimits() throws {
        try TrackingLimits.validateDataset(DatasetInput(name: String(repeating: "n", count: 500), digest: "d"))
        let name = #expect(throws: MLOpsError.self) {
            try TrackingLimits.validateDataset(DatasetInput(name: String(repeating: "n", count: 501), digest: "d"))
        }
        #expect(name?.message == "Dataset name had length 501, which exceeded length limit of 500")
        let digest = #expect(throws: MLOpsError.self) {
            try TrackingLimits.validateDataset(DatasetInput(name: "n", digest: String(repeating: "d", count: 37)))
        }
        #expect(digest?.message == "Dataset digest had length 37, which exceeded length limit of 36")
        #expect(throws: MLOpsError.self) { try TrackingLimits.validateDataset(DatasetInput(name: "", digest: "d")) }
    }

    @Test func loggingCallsEnforceTheLimits() async throws {
        let fixture = try TrackerFixture.make()
        let run = try await fixture.tracker.startRun(experiment: "limits")
        let tooMany = (0..<1_001).map { Metric(key: "m", value: 1, step: Int64($0), timestamp: 1) }
        let batch = await mlopsError { try await run.log(metrics: tooMany) }
        #expect(batch?.code == .limitExceeded)
        let params = Dictionary(uniqueKeysWithValues: (0..<101).map { ("p\($0)", "v") })
        #expect(await mlopsError { try await run.log(params: params) }?.code == .limitExceeded)
        #expect(await mlopsError { try await run.log(metric: "../up", value: 1) }?.code == .invalidArgument)
        let negative = await mlopsError { try await run.log(metric: "m", value: 1, timestamp: -1) }
        #expect(negative?.message.contains("non-negative") == true)
        let negativeBatch = [
            Metric(key: "m", value: 1, step: 0, timestamp: 5), Metric(key: "m", value: 1, timestamp: -5),
        ]
        #expect(await mlopsError { try await run.log(metrics: negativeBatch) }?.code == .invalidArgument)
        #expect(await mlopsError { try await run.setTag("bad:tag", "x") }?.code == .invalidArgument)
        let longName = String(repeating: "r", count: 251)
        let name = await mlopsError { _ = try await fixture.tracker.startRun(experiment: "limits", name: longName) }
        #expect(name?.message == "Run name had length 251, which exceeded length limit of 250")
        // Nothing invalid reached the store.
        try await run.finish()
        let stored = try await fixture.tracker.run(id: run.runID)
        #expect(stored.params.isEmpty)
        #expect(stored.metrics.isEmpty)
    }
}
