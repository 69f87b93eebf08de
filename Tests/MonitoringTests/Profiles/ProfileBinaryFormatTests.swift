import Foundation
import MLOpsCore
import Testing

@testable import Monitoring

@Suite struct ProfileBinaryFormatTests {
    static func smallProfile() throws -> DatasetProfile {
        let table = try Table(columns: [
            .double("x", [1.5, nil, 3, .nan, .infinity, -2]),
            .int("n", [1, 2, 2, nil, 5, 5]),
            .string("s", ["a", "b", "a", nil, "é", "a"]),
            .bool("b", [true, false, nil, true, true, true]),
        ])
        return DatasetProfile(table, configuration: try ProfileConfiguration(kinds: ["n": .categorical]))
    }

    @Test func roundTripsExactly() throws {
        let profile = try Self.smallProfile()
        let bytes = profile.serialized()
        let decoded = try DatasetProfile(serialized: bytes)
        #expect(decoded == profile)
        #expect(decoded.serialized() == bytes)
        #expect(Array(bytes[0..<4]) == Array("MLPF".utf8))
        let large = DatasetProfile(try DatasetProfileTests.sampleTable(rows: 30_000, seed: 1))
        #expect(try DatasetProfile(serialized: large.serialized()) == large)
    }

    @Test func codableGoesThroughTheBinaryForm() throws {
        let profile = try Self.smallProfile()
        let data = try JSONEncoder().encode(profile)
        #expect(try JSONDecoder().decode(DatasetProfile.self, from: data) == profile)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DatasetProfile.self, from: Data("[1,2,3]".utf8))
        }
    }

    @Test func truncationAtEveryOffsetThrows() throws {
        let bytes = try Self.smallProfile().serialized()
        for length in 0..<bytes.count {
            #expect(throws: MLOpsError.self, "length \(length)") {
                try DatasetProfile(serialized: Array(bytes[0..<length]))
            }
        }
        #expect(throws: MLOpsError.self) { try DatasetProfile(serialized: bytes + [0]) }
    }

    @Test func badMagicVersionAndLengths() throws {
        let bytes = try Self.smallProfile().serialized()
        var badMagic = bytes
        badMagic[0] = UInt8(ascii: "X")
        #expect(throws: MLOpsError.self) { try DatasetProfile(serialized: badMagic) }
        var badVersion = bytes
        badVersion[4] = 9
        do {
            _ = try DatasetProfile(serialized: badVersion)
            Issue.record("version 9 was accepted")
        } catch let error as MLOpsError {
            #expect(error.code == .unsupported)
        }
        // The column count (after the 29-byte header and 4 + 1 + 1 bytes of one kind override).
        let columnCountOffset = 4 + 2 + 2 + 4 + 1 + 4 + 8 + 4 + (4 + 1 + 1)
        var hugeColumns = bytes
        for index in 0..<4 { hugeColumns[columnCountOffset + index] = 0xff }
        #expect(throws: MLOpsError.self) { try DatasetProfile(serialized: hugeColumns) }
        var hugeName = bytes
        for index in 0..<4 { hugeName[columnCountOffset + 4 + index] = 0xff }
        #expect(throws: MLOpsError.self) { try DatasetProfile(serialized: hugeName) }
    }

    @Test func corruptedBytesNeverCrash() throws {
        let bytes = try Self.smallProfile().serialized()
        var random = SeededRandom(seed: 1)
        for _ in 0..<1_000 {
            var copy = bytes
            for _ in 0..<random.int(in: 1..<4) {
                copy[random.int(in: 0..<copy.count)] = UInt8(truncatingIfNeeded: random.next())
            }
            if let profile = try? DatasetProfile(serialized: copy) {
                // Whatever parses must be usable.
                _ = profile.jsonSummary()
                for column in profile.columns { _ = column.histogram(bins: 4) }
            }
        }
    }

    @Test func jsonSummaryHasTheReadableFields() throws {
        let profile = DatasetProfile(try DatasetProfileTests.sampleTable(rows: 5_000, seed: 2))
        let text = profile.jsonSummary()
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 5_000)
        let columns = try #require(object["columns"] as? [[String: Any]])
        #expect(columns.map { $0["name"] as? String } == ["x", "f", "n", "s", "b"])
        let quantiles = try #require(columns[0]["quantiles"] as? [String: Any])
        for key in ["p01", "p05", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "normalized_rank_error"] {
            #expect(quantiles[key] is Double, "\(key)")
        }
        let cardinality = try #require(columns[3]["cardinality"] as? [String: Any])
        #expect(cardinality["estimate"] as? Double == 30)
        let items = try #require((columns[3]["frequent_items"] as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.first?["value"] as? String == "c0")
    }
}
