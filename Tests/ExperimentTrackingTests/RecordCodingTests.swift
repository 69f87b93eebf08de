import MLOpsCore
import Testing

@testable import ExperimentTracking

@Suite struct RecordCodingTests {
    static let record = RunRecord(
        info: RunInfo(
            runID: "01JABCDEFGHJKMNPQRSTVWXYZ0", runName: "bold-fox-1", experimentID: "3", status: .failed,
            startTime: 1_700_000_000_000, endTime: 1_700_000_000_500, lifecycleStage: .deleted,
            parentRunID: "01JPARENT",
            userID: "alice", artifactURI: "runs/01JABCDEFGHJKMNPQRSTVWXYZ0/artifacts"),
        params: ["lr": "0.01", "ünï": "cödé", "empty": ""], tags: ["mlflow.runName": "bold-fox-1", "t": "v"],
        metrics: [
            "loss": Metric(key: "loss", value: 0.25, step: 9, timestamp: 5),
            "nan": Metric(key: "nan", value: .nan, step: -1, timestamp: .max),
        ],
        inputs: [
            DatasetInput(
                name: "d", digest: "x", context: "training", source: "s", sourceType: "local", dataVersionID: nil)
        ],
        environmentID: "0123456789abcdef0123456789abcdef")

    @Test func runRecordsRoundTrip() throws {
        let bytes = Self.record.encoded()
        #expect(try RunRecord(decoding: bytes) == Self.record)
        let view = try RunRecordView(bytes)
        #expect(view.param("lr") == "0.01")
        #expect(view.param("ünï") == "cödé")
        #expect(view.param("empty") == "")
        #expect(view.param("missing") == nil)
        #expect(view.tag("t") == "v")
        #expect(view.attribute("run_id") == .text("01JABCDEFGHJKMNPQRSTVWXYZ0"))
        #expect(view.attribute("end_time") == .number(1_700_000_000_500))
        #expect(view.attribute("status") == .text("FAILED"))
        #expect(view.datasetFields("context") == ["training"])
        #expect(view.lifecycle == .deleted)
        #expect(view.latestMetric("loss") == 0.25)
        #expect(view.latestMetric("nan")?.isNaN == true)
        #expect(view.latestMetric("missing") == nil)
        // Also without optional parts.
        var bare = Self.record
        bare.environmentID = nil
        bare.info.endTime = nil
        bare.info.parentRunID = nil
        bare.inputs = []
        bare.metrics = [:]
        bare.params = [:]
        #expect(try RunRecord(decoding: bare.encoded()) == bare)
    }

    @Test func environmentsAreStoredOncePerContent() throws {
        let environment = RunEnvironment(
            gitCommit: "abc", gitDirty: true, gitBranch: nil, host: "h", operatingSystem: "Linux", swiftVersion: "6.3",
            cpuModel: "cpu", cpuCount: 2, commandLine: ["a", "b c"], workingDirectory: "/w")
        let stored = StoredEnvironment(environment)
        #expect(stored.id.count == 32)
        #expect(StoredEnvironment(environment).id == stored.id)
        var other = environment
        other.gitDirty = false
        #expect(StoredEnvironment(other).id != stored.id)
        #expect(try RecordCoding.decode(RunEnvironment.self, from: stored.bytes) == environment)
    }

    @Test func latestValuesMergeAndChunksRoundTrip() throws {
        var record = Self.record
        record.metrics = [:]
        record.mergeLatest(Metric(key: "a", value: .nan, step: 3, timestamp: 1))
        record.mergeLatest(Metric(key: "a", value: 1, step: 2, timestamp: 9))  // older step: ignored
        record.mergeLatest(Metric(key: "b", value: 1, step: 0, timestamp: 5))
        record.mergeLatest(Metric(key: "b", value: 2, step: 0, timestamp: 5))  // same step and time: the later wins
        record.mergeLatest(Metric(key: "b", value: 3, step: 0, timestamp: 4))  // earlier time: ignored
        let bytes = record.encoded()
        #expect(try RunRecord(decoding: bytes) == record)
        let view = try RunRecordView(bytes)
        #expect(view.latestMetric("a")?.isNaN == true)
        #expect(view.latestMetric("b") == 2)

        var builder = MetricChunkBuilder(capacity: 4)
        let points: [(Double, Int64, Int64)] = [(1, 0, 100), (2, -5, 50), (.nan, .max, .min), (4, .min, .max)]
        for point in points { builder.append(value: point.0, step: point.1, timestamp: point.2) }
        var decoded: [Metric] = []
        try MetricChunkBuilder.decode(builder.finished(), key: "k", into: &decoded)
        #expect(decoded.map(\.step) == points.map(\.1))
        #expect(decoded.map(\.timestamp) == points.map(\.2))
        #expect(decoded.map(\.value.bitPattern) == points.map(\.0.bitPattern))
        #expect(builder.latest?.step == .max)
    }

    /// Every truncation and a sample of byte flips of a stored record either
    /// decode or throw a typed error — never crash.
    @Test func damagedRecordsThrowTypedErrors() throws {
        let bytes = Self.record.encoded()
        for length in 0..<bytes.count {
            let truncated = Array(bytes.prefix(length))
            #expect(throws: MLOpsError.self) { _ = try RunRecord(decoding: truncated) }
            _ = try? RunRecordView(truncated)
        }
        var random = SeededRandom(seed: 3)
        for _ in 0..<2_000 {
            var damaged = bytes
            damaged[random.int(in: 0..<damaged.count)] = UInt8.random(in: 0...255, using: &random)
            do { _ = try RunRecord(decoding: damaged) } catch let error as MLOpsError {
                #expect([.corruptData, .unsupported].contains(error.code))
            }
            if let view = try? RunRecordView(damaged) {
                _ = view.param("lr")
                _ = view.tag("t")
                _ = view.latestMetric("loss")
                _ = view.datasetFields("name")
                _ = view.attribute("run_name")
            }
        }
        let chunk = { () -> [UInt8] in
            var builder = MetricChunkBuilder(capacity: 2)
            builder.append(value: 1, step: 1, timestamp: 1)
            builder.append(value: 2, step: 2, timestamp: 2)
            return builder.finished()
        }()
        for length in 0..<chunk.count {
            var out: [Metric] = []
            #expect(throws: MLOpsError.self) {
                try MetricChunkBuilder.decode(Array(chunk.prefix(length)), key: "k", into: &out)
            }
        }
        #expect(throws: MLOpsError.self) { _ = try RunRecordView([]) }
        #expect(throws: MLOpsError.self) { _ = try RunRecordView([9]) }
        #expect(throws: MLOpsError.self) { _ = try RunRecordView([1] + [UInt8](repeating: 0xFF, count: 40)) }
        var tooLong = MetricChunkBuilder(capacity: 1)
        tooLong.append(value: 1, step: 1, timestamp: 1)
        var chunkBytes = tooLong.finished()
        chunkBytes[13] = 0xFF  // a step delta that never ends
        chunkBytes[14] = 0xFF
        var out: [Metric] = []
        #expect(throws: MLOpsError.self) { try MetricChunkBuilder.decode(chunkBytes, key: "k", into: &out) }
    }
}
