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

    /// Two CSVs of 2,000 rows: `x` shifted by one standard deviation in the current one, `y` and
    /// `city` drawn alike.
    func driftFiles() throws -> String {
        var random = SeededRandom(seed: 7)
        func csv(shift: Double) -> String {
            var text = "x,y,city\n"
            for _ in 0..<2_000 {
                let city = ["paris", "rome", "oslo"][Int(random.nextDouble() * 3) % 3]
                text +=
                    "\(random.normal(mean: shift, standardDeviation: 1)),\(random.normal(mean: 0, standardDeviation: 1)),\(city)\n"
            }
            return text
        }
        return try directory("drift", ["ref.csv": csv(shift: 0), "cur.csv": csv(shift: 1)])
    }

    @Test func driftPrintsOneJSONObjectPerColumnWithEvidentlysDefaults() async throws {
        let dir = try driftFiles()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = await runCLI(
            ["monitor", "drift", "ref.csv", "cur.csv", "--json", "--html", "report.html"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(result.out.joined(separator: "\n").utf8)) as? [[String: Any]])
        #expect(rows.map { $0["column"] as? String } == ["x", "y", "city"])
        #expect(rows.map { $0["method"] as? String } == ["wasserstein", "wasserstein", "jensenshannon"])
        #expect(rows.map { $0["drift"] as? Bool } == [true, false, false])
        #expect(rows.allSatisfy { $0["p_value"] is NSNull && ($0["threshold"] as? Double) == 0.1 })
        let x = try #require(rows.first?["statistic"] as? Double)
        #expect(x > 0.8 && x < 1.2, "a one-sd shift gives a normed Wasserstein distance near 1, got \(x)")

        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.contains("drift-table") && html.contains("wasserstein") && !html.contains("<script"))

        let ks = await runCLI(
            ["monitor", "drift", "ref.csv", "cur.csv", "--method", "ks", "--columns", "x,y"], in: dir)
        #expect(ks.status == 0, "\(ks.err)")
        #expect(ks.out.contains { $0.hasPrefix("x ") && $0.contains("ks") && $0.hasSuffix("yes") }, "\(ks.out)")
        #expect(ks.out.last?.hasPrefix("dataset drift: yes — 1 of 2 columns drifted") == true, "\(ks.out)")
    }

    @Test func driftRefusesBadMethodsAndMismatchedColumns() async throws {
        let dir = try driftFiles()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("x,z\n1,2\n".utf8).write(to: URL(fileURLWithPath: dir + "/other.csv"))
        let unknown = await runCLI(["monitor", "drift", "ref.csv", "cur.csv", "--method", "magic"], in: dir)
        #expect(unknown.status == 1 && unknown.err.first?.contains("magic") == true, "\(unknown.err)")
        let numericOnly = await runCLI(["monitor", "drift", "ref.csv", "cur.csv", "--method", "wasserstein"], in: dir)
        #expect(numericOnly.status == 1 && numericOnly.err.first?.contains("city") == true, "\(numericOnly.err)")
        let mismatched = await runCLI(["monitor", "drift", "ref.csv", "other.csv"], in: dir)
        #expect(mismatched.status == 1 && mismatched.err.first?.contains("y") == true, "\(mismatched.err)")
    }

    @Test func profileMergesFilesAndWritesAProfileThatReadsBack() async throws {
        let dir = try driftFiles()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = await runCLI(["monitor", "profile", "ref.csv", "cur.csv", "--out", "both.profile"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.first == "4000 rows × 3 columns from 2 files")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/both.profile")))
        let profile = try DatasetProfile(serialized: bytes)
        #expect(profile.rowCount == 4_000)
        #expect(profile["city"]?.distinctEstimate.rounded() == 3)
        let x = try #require(profile["x"]?.statistics.mean)
        #expect(abs(x - 0.5) < 0.1, "the mean of N(0,1) and N(1,1) halves is near 0.5, got \(x)")

        let json = await runCLI(["monitor", "profile", "ref.csv", "--json"], in: dir)
        #expect(json.status == 0, "\(json.err)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.out.joined(separator: "\n").utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 2_000)
    }

    @Test func driftRunsOnProfilesWrittenByProfile() async throws {
        let dir = try driftFiles()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(await runCLI(["monitor", "profile", "ref.csv", "--out", "ref.profile"], in: dir).status == 0)
        #expect(await runCLI(["monitor", "profile", "cur.csv", "--out", "cur.profile"], in: dir).status == 0)
        let result = await runCLI(["monitor", "drift", "ref.profile", "cur.profile", "--json"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(result.out.joined(separator: "\n").utf8)) as? [[String: Any]])
        #expect(rows.map { $0["method"] as? String } == ["wasserstein", "wasserstein", "jensenshannon"])
        #expect(rows.map { $0["drift"] as? Bool } == [true, false, false])

        let html = await runCLI(["monitor", "drift", "ref.profile", "cur.profile", "--html", "r.html"], in: dir)
        #expect(html.status == 1 && html.err.first?.contains("--html") == true, "\(html.err)")
        let mixed = await runCLI(["monitor", "drift", "ref.profile", "cur.csv"], in: dir)
        #expect(mixed.status == 1 && mixed.err.first?.contains("both") == true, "\(mixed.err)")
    }
}
