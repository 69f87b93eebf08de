import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

@Suite struct PredictCommandTests {
    /// The path of a copied fixture.
    func resource(_ name: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL)
        let nested = base.appendingPathComponent("Resources/\(name)").path
        return FileManager.default.fileExists(atPath: nested) ? nested : base.appendingPathComponent(name).path
    }

    /// A fresh output path.
    func outputPath() -> String { "/tmp/mlops-predict-test-\(SortableID()).csv" }

    /// Runs `mlops predict` and compares each written column with the expected CSV's column at
    /// the same position (header names may differ, e.g. LightGBM's `raw_score` vs `margin`).
    func check(
        model: String, inputs: String, expected: String, columns: [String], tolerance: Double
    ) async throws {
        let output = outputPath()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let captured = CapturedOutput()
        let status = await MLOpsCLI.run(
            ["predict", "--model", try resource(model), "--input", try resource(inputs), "--output", output],
            context: captured.context())
        #expect(status == 0, "\(captured.err)")
        let written = try Table.readCSV(path: output)
        let reference = try Table.readCSV(path: try resource(expected))
        #expect(written.columnNames == columns)
        #expect(written.rowCount == reference.rowCount)
        #expect(written.rowCount > 0)
        for (index, name) in columns.enumerated() {
            let got = try written.doubles(column: name)
            let want = try reference.doubles(column: reference.columnNames[index])
            var worst = 0.0
            for (a, b) in zip(got, want) { worst = max(worst, abs(a - b)) }
            #expect(worst <= tolerance, "\(model) \(name): max error \(worst)")
        }
    }

    @Test func predictsXGBoostBinary() async throws {
        try await check(
            model: "xgb_binary.json", inputs: "xgb_binary_inputs.csv", expected: "xgb_binary_expected.csv",
            columns: ["probability", "margin"], tolerance: 1e-5)
    }

    @Test func predictsLightGBMBinary() async throws {
        try await check(
            model: "lgb_binary.txt", inputs: "lgb_binary_inputs.csv", expected: "lgb_binary_expected.csv",
            columns: ["probability", "margin"], tolerance: 1e-9)
    }

    @Test func predictsONNXLinearRegression() async throws {
        let graph = try ONNXImporter.importGraph(contentsOfFile: try resource("onnx_linreg.onnx"))
        let name = try #require(graph.outputs.first?.name)
        try await check(
            model: "onnx_linreg.onnx", inputs: "onnx_inputs.csv", expected: "onnx_linreg_expected.csv",
            columns: [name], tolerance: 1e-4)
    }

    @Test func inspectPrintsTheHash() async throws {
        let path = try resource("xgb_binary.json")
        let digest = try SHA256.hash(fileAt: path).hexString
        for extra in [[], ["--json"]] {
            let captured = CapturedOutput()
            let status = await MLOpsCLI.run(["inspect", path] + extra, context: captured.context())
            #expect(status == 0, "\(captured.err)")
            let text = captured.out.joined(separator: "\n")
            #expect(text.contains(digest))
            #expect(text.contains("xgboost"))
        }
        let captured = CapturedOutput()
        #expect(await MLOpsCLI.run(["inspect", try resource("onnx_linreg.onnx")], context: captured.context()) == 0)
        #expect(captured.out.joined(separator: "\n").contains("onnx"))
    }

    @Test func badModelFileFails() async throws {
        let bad = "/tmp/mlops-predict-bad-\(SortableID()).onnx"
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        for arguments in [
            ["predict", "--model", bad, "--input", try resource("onnx_inputs.csv"), "--output", outputPath()],
            ["inspect", bad],
            ["inspect", bad, "--format", "package"],
            [
                "predict", "--model", try resource("xgb_binary.json"), "--input", try resource("onnx_inputs.csv"),
                "--output", outputPath(),
            ],
        ] {
            let captured = CapturedOutput()
            let status = await MLOpsCLI.run(arguments, context: captured.context())
            #expect(status == 1, "\(arguments)")
            #expect(captured.err.first?.hasPrefix("error:") == true)
        }
    }
}
