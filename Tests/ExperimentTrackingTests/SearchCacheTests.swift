import Foundation
import MLOpsCore
import Testing

@testable import ExperimentTracking

/// Searches remember results per query and store version, and decoded runs per record version:
/// every write — to a searched run, to another experiment, from another tracker — must still be
/// seen by the next search, and the in-place filter must agree with `RunFilter.matches`.
@Suite struct SearchCacheTests {
    @Test(arguments: Backend.allCases)
    func aSearchAfterAWriteSeesTheWrite(backend: Backend) async throws {
        let fixture = try TrackerFixture.make(backend)
        let tracker = fixture.tracker
        var handles: [RunHandle] = []
        for index in 0..<20 {
            let run = try await tracker.startRun(experiment: "cache", name: "run-\(index)")
            try await run.log(params: ["opt": index % 2 == 0 ? "adam" : "sgd"])
            try await run.log(metric: "acc", value: Double(index) / 20)
            handles.append(run)
        }
        try await tracker.flush()
        let filter = "params.opt = 'adam' AND metrics.acc > 0.5"
        func names(_ filter: String = filter) async throws -> Set<String> {
            Set(try await tracker.searchRuns(filter: filter).runs.map(\.info.runName))
        }
        #expect(try await names() == ["run-12", "run-14", "run-16", "run-18"])
        // Served again at the same store version: the same answer, and a different query at
        // the same version is not confused with it.
        #expect(try await names() == ["run-12", "run-14", "run-16", "run-18"])
        #expect(try await names("params.opt = 'sgd' AND metrics.acc > 0.8") == ["run-17", "run-19"])
        // A write elsewhere in the store.
        let other = try await tracker.startRun(experiment: "elsewhere", name: "other")
        try await other.log(metric: "acc", value: 1)
        try await other.flush()
        #expect(try await names() == ["run-12", "run-14", "run-16", "run-18"])
        // A run's metric moves into and out of the filter.
        try await handles[2].log(metric: "acc", value: 0.9, step: 1)
        try await handles[12].log(metric: "acc", value: 0.1, step: 1)
        try await tracker.flush()
        #expect(try await names() == ["run-2", "run-14", "run-16", "run-18"])
        // The decoded run of a changed record is not the cached one.
        let page = try await tracker.searchRuns(filter: "attributes.run_name = 'run-2'")
        #expect(page.runs.first?.metrics["acc"]?.value == 0.9)
        try await handles[2].setTag("note", "moved")
        try await handles[2].flush()
        #expect(
            try await tracker.searchRuns(filter: "attributes.run_name = 'run-2'").runs.first?.tags["note"] == "moved")
        // Deleted runs leave, restored ones come back.
        try await tracker.deleteRun(id: handles[14].runID)
        #expect(try await names() == ["run-2", "run-16", "run-18"])
        try await tracker.restoreRun(id: handles[14].runID)
        #expect(try await names() == ["run-2", "run-14", "run-16", "run-18"])
        // A second tracker on the same store writes; the first one sees it.
        let second = ExperimentTracker(
            metadata: fixture.metadata, artifacts: fixture.blobs, options: .init(captureEnvironment: false))
        let resumed = try await second.resumeRun(id: handles[16].runID)
        try await resumed.log(metric: "acc", value: 0.2, step: 5)
        try await second.flush()
        #expect(try await names() == ["run-2", "run-14", "run-18"])
    }

    @Test func pagesOfACachedResultAreStable() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        for index in 0..<25 {
            let run = try await fixture.tracker.startRun(experiment: "pages", name: "run-\(index)")
            try await run.log(metric: "m", value: Double(index))
            try await run.end()
        }
        try await fixture.tracker.flush()
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try await fixture.tracker.searchRuns(
                filter: "metrics.m >= 3", orderBy: ["metrics.m DESC"], maxResults: 7, pageToken: token)
            seen += page.runs.map(\.info.runName)
            token = page.nextPageToken
        } while token != nil
        #expect(seen == (3..<25).reversed().map { "run-\($0)" })
    }

    @Test func theInPlaceFilterAgreesWithDecodedRuns() async throws {
        let fixture = try TrackerFixture.make(.sqlite)
        let ids = try await SearchTests.populate(fixture.tracker)
        let all = try await fixture.tracker.listRuns(experimentIDs: ids)
        #expect(all.count == 60)
        for text in SearchTests.filters + ["tags.team = 'nlp-1'", "params.depth != '3'", "attributes.end_time > 0"] {
            let filter = try RunFilter(text)
            let expected = Set(all.filter { filter.matches($0) }.map(\.id))
            let found = try await fixture.tracker.searchRuns(experimentIDs: ids, filter: text).runs.map(\.id)
            #expect(Set(found) == expected, "\(text)")
            #expect(found.count == expected.count, "\(text)")
        }
    }

    @Test func theStringTableSharesRepeatedStringsAndKeepsEveryValue() {
        var table = StringTable()
        var strings: [String] = []
        // More distinct long strings than the table keeps, each twice, and short ones.
        for round in 0..<2 {
            for index in 0..<(StringTable.capacity + 100) {
                let text = "mlflow.source.name/\(index)/é"
                let got = Array(text.utf8).withUnsafeBufferPointer { table.string($0) }
                #expect(got == text)
                if round == 0 { strings.append(got) }
            }
            let short = Array("lr".utf8).withUnsafeBufferPointer { table.string($0) }
            #expect(short == "lr")
        }
        #expect(strings.count == StringTable.capacity + 100)
        // Invalid UTF-8 is repaired, as String(decoding:) does.
        let bad: [UInt8] = Array("0123456789abcdef".utf8) + [0xFF]
        #expect(bad.withUnsafeBufferPointer { table.string($0) } == String(decoding: bad, as: UTF8.self))
    }

    @Test func theRecordArenaKeepsEveryRecordIntact() {
        var arena = RecordArena(chunkSize: 64 << 10)
        var stored: [(RecordBytes, [UInt8])] = []
        for index in 0..<2_000 {
            // Empty, small and larger-than-a-chunk records.
            let count = index == 7 ? 100_000 : (index * 37) % 900
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
            stored.append((bytes.withUnsafeBytes { arena.append($0) }, bytes))
        }
        for (record, bytes) in stored {
            #expect(record.count == bytes.count)
            #expect(record.withUnsafeBufferPointer { Array($0) } == bytes)
        }
        let copy = RecordBytes(copying: [1, 2, 3])
        #expect(copy.withUnsafeBufferPointer { Array($0) } == [1, 2, 3])
        #expect(copy.chunk.capacity == 3)
    }
}
