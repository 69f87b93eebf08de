import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

@Suite struct BenchCommandTests {
    /// The path of a copied fixture.
    func resource(_ name: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL)
        let nested = base.appendingPathComponent("Resources/\(name)").path
        return FileManager.default.fileExists(atPath: nested) ? nested : base.appendingPathComponent(name).path
    }

    /// Runs `mlops bench --json` and returns its one JSON object.
    func benchJSON(_ model: String, _ extra: [String]) async throws -> [String: Any] {
        let result = await runCLI(["bench", try resource(model), "--seconds", "0.2", "--json"] + extra)
        #expect(result.status == 0, "\(model): \(result.err)")
        #expect(result.err.isEmpty, "\(result.err)")
        #expect(result.out.count == 1, "\(result.out)")
        let line = try #require(result.out.first)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any], "\(line)")
    }

    @Test(arguments: [
        ("xgb_binary.json", 1, 1), ("lgb_binary.txt", 16, 1), ("onnx_mlp_regression.onnx", 1, 2),
        ("onnx_linreg.onnx", 64, 2),
    ])
    func jsonReportsSaneFigures(model: String, batch: Int, threads: Int) async throws {
        let report = try await benchJSON(model, ["--batch", "\(batch)", "--threads", "\(threads)"])
        #expect(
            Set(report.keys)
                == [
                    "rows_per_second", "latency_p50_us", "latency_p90_us", "latency_p99_us", "batch", "threads",
                    "isa",
                ])
        let rate = try #require(report["rows_per_second"] as? Double)
        let p50 = try #require(report["latency_p50_us"] as? Double)
        let p90 = try #require(report["latency_p90_us"] as? Double)
        let p99 = try #require(report["latency_p99_us"] as? Double)
        #expect(rate > 0)
        #expect(p50 > 0)
        #expect(p50 <= p90 && p90 <= p99, "\(p50) \(p90) \(p99)")
        #expect(report["batch"] as? Int == batch)
        #expect(report["threads"] as? Int == threads)
        #expect(report["isa"] as? String == KernelISA.current.description)
    }

    @Test func textReportNamesTheFiguresAndTheISA() async throws {
        let result = await runCLI(["bench", try resource("xgb_binary.json"), "--seconds", "0.2", "--batch", "4"])
        #expect(result.status == 0, "\(result.err)")
        let text = result.out.joined(separator: "\n")
        #expect(text.contains("isa              \(KernelISA.current.description)"), "\(text)")
        #expect(text.contains("batch            4"))
        #expect(text.contains("p50 ") && text.contains("p90 ") && text.contains("p99 "))
        #expect(text.contains("rows/s"))
    }

    @Test(arguments: [
        ["--batch", "0"], ["--batch", "-3"], ["--batch", "1.5"], ["--batch", "many"], ["--batch", "1000001"],
        ["--threads", "0"], ["--threads", "x"], ["--seconds", "0"], ["--seconds", "-1"], ["--seconds", "601"],
        ["--seconds", "nan"], ["--seconds", "inf"], ["--seconds", "soon"],
    ])
    func badArgumentsAreUsageErrors(arguments: [String]) async throws {
        let result = await runCLI(["bench", try resource("xgb_binary.json")] + arguments)
        #expect(result.status == 2, "\(arguments): \(result.err)")
        #expect(result.out.isEmpty)
        let text = result.err.joined(separator: "\n")
        #expect(text.hasPrefix("error:"), "\(text)")
        #expect(text.contains("--\(arguments[0].dropFirst(2))"), "\(text)")
    }

    @Test func missingModelIsAUsageError() async {
        let result = await runCLI(["bench"])
        #expect(result.status == 2)
        #expect(result.err.first?.hasPrefix("error:") == true)
    }

    @Test func nonModelFileFailsWithTheLoadersMessage() async throws {
        let bad = "/tmp/mlops-bench-bad-\(SortableID()).bin"
        try Data("this is not a model\n".utf8).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let loaderError = #expect(throws: MLOpsError.self) { try Model(contentsOf: bad) }
        let message = try #require(loaderError?.message)
        let result = await runCLI(["bench", bad, "--seconds", "0.2", "--json"])
        #expect(result.status == 1)
        #expect(result.out.isEmpty)
        #expect(result.err.joined(separator: "\n").contains(message), "\(result.err) vs \(message)")
    }

    @Test func samplerKeepsAUniformReservoir() {
        var sampler = LatencySampler(capacity: 10, seed: 7)
        for value in 1...1000 { sampler.record(value) }
        #expect(sampler.callCount == 1000)
        #expect(sampler.samples.count == 10)
        #expect(sampler.samples.allSatisfy { (1...1000).contains($0) })
        // Not simply the first ten calls.
        #expect(sampler.samples != Array(1...10))
    }

    @Test func percentilesAreNearestRankAndWeightedByCalls() throws {
        var exact = LatencySampler(capacity: 100, seed: 1)
        for value in (1...100).reversed() { exact.record(value) }
        #expect(LatencySampler.percentiles([0.5, 0.9, 0.99, 1], of: [exact]) == [50, 90, 99, 100])
        // 100 fast calls kept as 10 samples (each stands for 10 calls) and 10 slow calls kept whole:
        // 91% of all calls are fast, so p90 is fast and p99 slow.
        var fast = LatencySampler(capacity: 10, seed: 2)
        for _ in 0..<100 { fast.record(1) }
        var slow = LatencySampler(capacity: 10, seed: 3)
        for _ in 0..<10 { slow.record(1000) }
        #expect(LatencySampler.percentiles([0.5, 0.9, 0.99], of: [fast, slow]) == [1, 1, 1000])
        #expect(LatencySampler.percentiles([0.5], of: [LatencySampler(capacity: 4, seed: 4)]) == nil)
    }

    @Test func decimalsArePlainJSONNumbers() {
        #expect(BenchCommand.decimal(1.5, places: 2) == "1.50")
        #expect(BenchCommand.decimal(0.004, places: 3) == "0.004")
        #expect(BenchCommand.decimal(1234.6, places: 0) == "1235")
        #expect(BenchCommand.decimal(0, places: 1) == "0.0")
    }

    @Test func helpDescribesTheCommand() async {
        let result = await runCLI(["bench", "--help"])
        #expect(result.status == 0)
        let text = result.out.joined(separator: "\n")
        #expect(text.contains("USAGE: mlops bench [--batch N] [--threads T] [--seconds S] [--json] MODEL"), "\(text)")
        #expect(text.contains("rows_per_second"))
    }
}
