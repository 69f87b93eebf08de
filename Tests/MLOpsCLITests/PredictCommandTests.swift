#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
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

    /// A scikit-learn ColumnTransformer (StandardScaler on numbers, OneHotEncoder on text) converted
    /// by skl2onnx with one input per column: the CSV's columns feed the inputs of their names.
    @Test func predictsAMultiInputPipelineFromNamedColumns() async throws {
        try await check(
            model: "column_transformer_mixed.onnx", inputs: "column_transformer_mixed_inputs.csv",
            expected: "column_transformer_mixed_expected.csv",
            columns: ["label", "probabilities_0", "probabilities_1"], tolerance: 1e-4)
    }

    /// skl2onnx declares a two-target regressor's output [N, 1]; it computes [N, 2]. As onnxruntime,
    /// the model runs with the computed shape and the mismatch is a warning.
    @Test func declaredOutputShapeMismatchRunsWithAWarning() async throws {
        let model = try resource("random_forest_regressor_2_targets.onnx")
        let output = outputPath()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let captured = CapturedOutput()
        let status = await MLOpsCLI.run(
            ["predict", "--model", model, "--input", try resource("onnx_inputs.csv"), "--output", output],
            context: captured.context())
        // onnx_inputs.csv has 6 columns; this model takes 8: the error names the count.
        #expect(status == 1)
        #expect(captured.err.contains { $0.contains("declared [N, 1] but the graph computes [N, 2]") })
        #expect(captured.err.contains { $0.contains("8 unnamed features") })

        let inspected = CapturedOutput()
        #expect(await MLOpsCLI.run(["inspect", model], context: inspected.context()) == 0)
        let text = inspected.out.joined(separator: "\n")
        #expect(text.contains("output           variable: float32 [N, 2]"))
        #expect(text.contains("warning          ONNX graph output 'variable' is declared [N, 1]"))
    }

    /// A model with operators the runtime lacks is described, with all of them, not refused.
    @Test func inspectListsEveryUnsupportedOperator() async throws {
        let path = try resource("unsupported_ops.onnx")
        let captured = CapturedOutput()
        #expect(await MLOpsCLI.run(["inspect", path], context: captured.context()) == 0, "\(captured.err)")
        let text = captured.out.joined(separator: "\n")
        #expect(text.contains("runs             no"))
        #expect(text.contains("unsupported      ai.onnx::Einsum, ai.onnx::Hardmax"))
        #expect(text.contains("input            X: tensor(FLOAT)[?, 4]"))
        #expect(text.contains("Relu             1\n"))
        #expect(text.contains("error            unsupported: ONNX node"))

        let json = CapturedOutput()
        #expect(await MLOpsCLI.run(["inspect", path, "--json"], context: json.context()) == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.out.joined().utf8)) as? [String: Any])
        #expect(object["runnable"] as? Bool == false)
        let onnx = try #require(object["onnx"] as? [String: Any])
        #expect(onnx["unsupportedOperators"] as? [String] == ["ai.onnx::Einsum", "ai.onnx::Hardmax"])
        // predict still refuses it, naming the first operator it met.
        let predict = CapturedOutput()
        let status = await MLOpsCLI.run(
            ["predict", "--model", path, "--input", try resource("onnx_inputs.csv"), "--output", outputPath()],
            context: predict.context())
        #expect(status == 1)
        #expect(predict.err.first?.contains("Einsum") == true)
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

    /// The CSV `mlops predict` writes for xgb_binary, via a regular file.
    func referenceCSV() async throws -> String {
        let output = outputPath()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = await runCLI(try predictArguments(output: output))
        #expect(result.status == 0, "\(result.err)")
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    func predictArguments(output: String) throws -> [String] {
        [
            "predict", "--model", try resource("xgb_binary.json"), "--input", try resource("xgb_binary_inputs.csv"),
            "--output", output,
        ]
    }

    @Test func outputDashWritesToStandardOutput() async throws {
        let reference = try await referenceCSV()
        #expect(reference.hasPrefix("probability,margin\n"))
        let result = await runCLI(try predictArguments(output: "-"))
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.joined(separator: "\n") + "\n" == reference)
        #expect(!FileManager.default.fileExists(atPath: "-"))
    }

    @Test func devicesAndLinksAreWrittenInPlaceNeverReplaced() async throws {
        // A character device stays a character device.
        let null = await runCLI(try predictArguments(output: "/dev/null"))
        #expect(null.status == 0, "\(null.err)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)

        // A symbolic link stays a link; its target gets the CSV.
        let reference = try await referenceCSV()
        let target = outputPath()
        let link = outputPath()
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        defer {
            try? FileManager.default.removeItem(atPath: link)
            try? FileManager.default.removeItem(atPath: target)
        }
        let linked = await runCLI(try predictArguments(output: link))
        #expect(linked.status == 0, "\(linked.err)")
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == reference)

        // A FIFO stays a FIFO, and a reader gets the CSV through it.
        let fifo = outputPath()
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        let reader = Task.detached { () -> String in
            let handle = FileHandle(forReadingAtPath: fifo)
            let data = handle?.readDataToEndOfFile() ?? Data()
            try? handle?.close()
            return String(decoding: data, as: UTF8.self)
        }
        let piped = await runCLI(try predictArguments(output: fifo))
        #expect(piped.status == 0, "\(piped.err)")
        #expect(await reader.value == reference)
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)

        // A directory is refused with a clear message.
        let directory = await runCLI(try predictArguments(output: "/tmp"))
        #expect(directory.status == 1)
        #expect(directory.err.joined().contains("/tmp is a directory; give a file path for --output"))
        let nowhere = "/tmp/mlops-no-such-dir-\(SortableID())/out.csv"
        let missingParent = await runCLI(try predictArguments(output: nowhere))
        #expect(missingParent.status == 1)
        #expect(missingParent.err.joined().contains("cannot write the output CSV \(nowhere): "), "\(missingParent.err)")
    }

    @Test func regularFilesAreReplacedAtomically() async throws {
        let output = outputPath()
        try "stale".write(toFile: output, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = await runCLI(try predictArguments(output: output))
        #expect(result.status == 0, "\(result.err)")
        #expect(try String(contentsOfFile: output, encoding: .utf8).hasPrefix("probability,margin\n"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter {
            $0.hasPrefix((output as NSString).lastPathComponent + ".tmp-")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func loadErrorsNameTheFileInPlainWords() async throws {
        let missing = "/tmp/mlops-no-such-model-\(SortableID()).json"
        let result = await runCLI(["inspect", missing])
        #expect(result.status == 1)
        let text = result.err.joined(separator: "\n")
        #expect(text.contains("no such file: \(missing)"), "\(text)")
        #expect(!text.contains("errno") && !text.contains("Error Domain"))
        let wrongColumns = await runCLI([
            "predict", "--model", try resource("xgb_binary.json"), "--input", try resource("onnx_inputs.csv"),
            "--output", outputPath(),
        ])
        #expect(wrongColumns.err.joined().contains("the input has no column for features f6, f7"))
    }

    @Test func formatOverridesDetection() async throws {
        let forced = await runCLI(["inspect", try resource("xgb_binary.json"), "--format", "onnx"])
        #expect(forced.status == 1)
        #expect(forced.err.joined().contains("as ONNX"))
        let unknown = await runCLI(["inspect", try resource("xgb_binary.json"), "--format", "pickle"])
        #expect(unknown.status == 1)
        #expect(unknown.err.joined().contains("unknown model format pickle"))
    }
}

/// `nan` in an input CSV is an error by default (a CSV rule); `--allow-non-finite` reads it as a
/// number, and a tree model treats NaN exactly like an empty (missing) field.
@Suite struct PredictNonFiniteInputTests {
    @Test func nanIsAnErrorUnlessAllowedAndThenPredictsLikeAMissingValue() async throws {
        let model = try PredictCommandTests().resource("xgb_binary.json")
        let directory = FileManager.default.temporaryDirectory.path + "/predict-nan-\(SortableID())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let header = "f0,f1,f2,f3,f4,f5,f6,f7\n"
        try Data((header + "nan,1,2,3,4,5,6,7\n").utf8).write(to: URL(fileURLWithPath: directory + "/nan.csv"))
        try Data((header + ",1,2,3,4,5,6,7\n").utf8).write(to: URL(fileURLWithPath: directory + "/empty.csv"))

        let refused = await runCLI(["predict", "--model", model, "--input", directory + "/nan.csv", "--output", "-"])
        #expect(refused.status == 1)
        #expect(refused.err.joined().contains("line 2"), "\(refused.err)")

        let allowed = await runCLI([
            "predict", "--model", model, "--input", directory + "/nan.csv", "--output", "-", "--allow-non-finite",
        ])
        let missing = await runCLI(["predict", "--model", model, "--input", directory + "/empty.csv", "--output", "-"])
        #expect(allowed.status == 0, "\(allowed.err)")
        #expect(missing.status == 0, "\(missing.err)")
        #expect(allowed.out == missing.out)
        #expect(allowed.out.joined(separator: "\n").split(separator: "\n").count == 2)
    }
}
