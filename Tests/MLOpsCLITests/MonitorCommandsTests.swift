import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// `mlops monitor schema|validate|profile|drift` on CSV files.
@Suite struct MonitorCommandsTests {
    /// A fresh directory under /tmp holding `files`.
    func directory(_ label: String, _ files: [String: String]) throws -> String {
        let path = "/tmp/mlops-cli-monitor-\(label)-\(SortableID())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
        }
        return path
    }

    @Test func schemaThenValidateReportsEachViolationAndExitsOne() async throws {
        let reference = "amount,city,count\n1.0,paris,3\n2.0,rome,4\n3.0,paris,5\n"
        let current = "amount,city,count\n1.5,paris,3\n9.0,oslo,\n,rome,4\n"
        let dir = try directory("validate", ["ref.csv": reference, "cur.csv": current])
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let inferred = await runCLI(["monitor", "schema", "ref.csv", "--out", "schema.json"], in: dir)
        #expect(inferred.status == 0, "\(inferred.err)")
        let schema = try DataSchema(json: Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/schema.json"))))
        #expect(schema.columns.map(\.name) == ["amount", "city", "count"])

        let clean = await runCLI(["monitor", "validate", "--schema", "schema.json", "ref.csv"], in: dir)
        #expect(clean.status == 0, "\(clean.err)")
        #expect(clean.out.first == "3 rows: 0 invalid, 0 violations, 0 table findings")

        let broken = await runCLI(["monitor", "validate", "--schema", "schema.json", "cur.csv", "--json"], in: dir)
        #expect(broken.status == 1)
        #expect(broken.err.first?.contains("4 violations in 2 rows") == true, "\(broken.err)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(broken.out.joined(separator: "\n").utf8)) as? [String: Any])
        #expect(object["violationCount"] as? Int == 4)
        #expect(object["invalidRowCount"] as? Int == 2)
        let violations = try #require(object["violations"] as? [[String: Any]])
        let kinds = Set(violations.compactMap { "\($0["column"] ?? "")/\($0["kind"] ?? "")" })
        #expect(kinds == ["amount/aboveMaximum", "amount/missingValue", "city/unknownCategory", "count/missingValue"])
    }

    @Test func validateNamesAMissingOrMalformedSchema() async throws {
        let dir = try directory("bad-schema", ["rows.csv": "a\n1\n", "schema.json": "{ not json"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = await runCLI(["monitor", "validate", "--schema", "nope.json", "rows.csv"], in: dir)
        #expect(missing.status == 1)
        #expect(missing.err.first?.contains("nope.json") == true, "\(missing.err)")
        let malformed = await runCLI(["monitor", "validate", "--schema", "schema.json", "rows.csv"], in: dir)
        #expect(malformed.status == 1)
        #expect(malformed.err.first?.hasPrefix("error:") == true, "\(malformed.err)")
    }
}
