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
        let output = try #require(graph.outputs.first)
        // skl2onnx declares the regression output [N, 1]: one column named `<name>_0`.
        #expect(output.shape?.count == 2)
        try await check(
            model: "onnx_linreg.onnx", inputs: "onnx_inputs.csv", expected: "onnx_linreg_expected.csv",
            columns: ["\(output.name)_0"], tolerance: 1e-4)
    }

    @Test func outputColumnsAreNamedByRank() throws {
        func names(_ shape: [Int], rows: Int) throws -> [String] {
            let count = shape.reduce(1, *)
            let tensor = try Tensor(shape: shape, float32: (0..<count).map { Float($0) })
            return try PredictCommand.outputColumns(name: "y", tensor: tensor, rowCount: rows).map(\.0)
        }
        #expect(try names([3], rows: 3) == ["y"])
        #expect(try names([3, 1], rows: 3) == ["y_0"])
        #expect(try names([3, 2], rows: 3) == ["y_0", "y_1"])
        #expect(try names([2, 2, 2], rows: 2) == ["y_0", "y_1", "y_2", "y_3"])
        #expect(try names([0, 2], rows: 0) == ["y_0", "y_1"])
        #expect(try names([0], rows: 0) == ["y"])
        #expect(try names([], rows: 1) == ["y"])
        // Values are split per row in row-major order.
        let tensor = try Tensor(shape: [2, 3], int64: [1, 2, 3, 4, 5, 6])
        let columns = try PredictCommand.outputColumns(name: "p", tensor: tensor, rowCount: 2)
        #expect(columns.map(\.1) == [["1", "4"], ["2", "5"], ["3", "6"]])
        let labels = try Tensor(shape: [2], strings: ["a", "b"])
        #expect(try PredictCommand.outputColumns(name: "label", tensor: labels, rowCount: 2).map(\.1) == [["a", "b"]])
        // An output without one row per input row is an error, not a guess.
        for (shape, rows) in [([2, 3], 3), ([6], 3), ([1, 6], 6), ([], 2)] {
            #expect(throws: MLOpsError.invalidArgument) { _ = try names(shape, rows: rows) }
        }
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
