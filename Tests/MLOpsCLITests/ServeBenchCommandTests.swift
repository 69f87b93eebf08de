import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// `mlops serve-bench`: a registered model under concurrent in-process load.
@Suite struct ServeBenchCommandTests {
    func resource(_ name: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL)
        let nested = base.appendingPathComponent("Resources/\(name)").path
        return FileManager.default.fileExists(atPath: nested) ? nested : base.appendingPathComponent(name).path
    }

    @Test func servesARegisteredModelAndReportsTheFiguresAsJSON() async throws {
        let workspace = "/tmp/mlops-cli-serve-bench-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let onnx = try resource("onnx_mlp_regression.onnx")
        #expect(await runCLI(["models", "register", onnx, "--name", "mlp", "--workspace", workspace]).status == 0)
        #expect(await runCLI(["models", "alias", "set", "mlp", "champion", "1", "--workspace", workspace]).status == 0)

        for maxBatch in ["64", "1"] {
            let result = await runCLI([
                "serve-bench", "mlp", "--concurrency", "8", "--seconds", "0.2", "--max-batch", maxBatch, "--json",
                "--workspace", workspace,
            ])
            #expect(result.status == 0, "\(result.err)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data((result.out.first ?? "").utf8)) as? [String: Any])
            #expect(object["errors"] as? Int == 0)
            #expect(object["version"] as? Int == 1 && object["concurrency"] as? Int == 8)
            let requests = try #require(object["requests"] as? Int)
            let rate = try #require(object["requests_per_second"] as? Double)
            #expect(requests > 0 && rate > 0)
            let p50 = try #require(object["latency_p50_us"] as? Double)
            let p99 = try #require(object["latency_p99_us"] as? Double)
            #expect(p50 > 0 && p50 <= p99)
            let meanBatch = try #require(object["mean_batch_size"] as? Double)
            if maxBatch == "1" { #expect(meanBatch == 1) } else { #expect(meanBatch >= 1 && meanBatch <= 64) }
        }
    }

    @Test func refusesAnUnknownModelAndBadOptions() async throws {
        let workspace = "/tmp/mlops-cli-serve-bench-\(SortableID())"
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let onnx = try resource("onnx_mlp_regression.onnx")
        #expect(await runCLI(["models", "register", onnx, "--name", "mlp", "--workspace", workspace]).status == 0)

        let noAlias = await runCLI(["serve-bench", "mlp", "--seconds", "0.1", "--workspace", workspace])
        #expect(noAlias.status == 1 && noAlias.err.joined().contains("champion"), "\(noAlias.err)")
        let unknown = await runCLI(["serve-bench", "nope", "--alias", "latest", "--workspace", workspace])
        #expect(unknown.status == 1 && unknown.err.joined().contains("nope"), "\(unknown.err)")
        let zero = await runCLI(["serve-bench", "mlp", "--concurrency", "0", "--workspace", workspace])
        #expect(zero.status != 0 && zero.err.joined().contains("--concurrency"), "\(zero.err)")
    }
}
