import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// `Model`: every fixture loads and reproduces its expected outputs through `predict(_ table:)`.
struct ModelTests {
    /// A model's output columns and the fixture's expected columns they are compared with.
    struct Comparison {
        var column: String
        var expected: String
        var atol: Double
        var rtol: Double
    }

    /// The path of a fixture.
    static func path(_ folder: String, _ name: String) throws -> String { try TreeFixtures.path(folder, name) }

    /// Reads a fixture's inputs as a table, the way `mlops predict` does.
    static func inputs(_ folder: String, _ name: String) throws -> Table {
        try Table.readCSV(path: try path(folder, name))
    }

    /// Every Interop model listed in the manifest, compared column by column (positionally) with
    /// its expected CSV at the manifest's tolerances.
    @Test func reproducesEveryInteropFixture() throws {
        let manifestURL = try TreeFixtures.url("Interop", "manifest.json")
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        let models = try #require(manifest["models"] as? [[String: Any]])
        var listed: Set<String> = []
        for entry in models {
            let file = try #require(entry["model"] as? String)
            listed.insert(file)
            let model = try Model(contentsOf: try Self.path("Interop", file))
            let expectedFormat: ModelFormat =
                file.hasSuffix(".onnx") ? .onnx : file.hasSuffix(".json") ? .xgboost : .lightgbm
            #expect(model.format == expectedFormat, "\(file)")
            let table = try Self.inputs("Interop", try #require(entry["inputs"] as? String))
            let predicted = try model.predict(table)
            let expected = try TreeFixtures.csv("Interop", try #require(entry["expected"] as? String))
            let expectedColumns = try #require(entry["expected_columns"] as? [String])
            #expect(predicted.columnCount == expectedColumns.count, "\(file): \(predicted.columnNames)")
            #expect(predicted.rowCount == expected.rows.count, "\(file)")
            let tolerances = try #require(entry["tolerance"] as? [String: Any])
            for (name, expectedName) in zip(predicted.columnNames, expectedColumns) {
                let key = tolerances[expectedName] != nil ? expectedName : expectedName.split(separator: "_")[0] + "_*"
                let got = try predicted.doubles(column: name)
                let want = try expected.column(expectedName)
                if let bounds = tolerances[key] as? [String: Double] {
                    expectClose(
                        got, want, atol: bounds["atol"] ?? 0, rtol: bounds["rtol"] ?? 0, "\(file) \(name)")
                } else {
                    #expect(tolerances[key] as? String == "exact", "\(file): no tolerance for \(expectedName)")
                    #expect(got == want, "\(file) \(name)")
                }
            }
        }
        // Every model file in the folder is in the manifest, so none is left untested.
        let files = try FileManager.default.contentsOfDirectory(atPath: try ONNXFixtures.directory.path)
        let modelFiles = files.filter {
            ($0.hasSuffix(".json") && $0 != "manifest.json") || $0.hasSuffix(".onnx")
                || ($0.hasSuffix(".txt") && !$0.hasSuffix(".csv"))
        }
        #expect(Set(modelFiles) == listed)
    }

    /// The extra tree fixtures: transformed outputs (and margins where the fixture has them) match
    /// the libraries' own predictions; the unsupported ones are refused with a message naming
    /// the file.
    @Test(arguments: [
        "xgb_multiclass_softprob.json", "xgb_multiclass_softmax.json", "xgb_reg_logistic.json", "xgb_logitraw.json",
        "xgb_poisson.json", "xgb_gamma.json", "xgb_tweedie.json", "xgb_absoluteerror.json", "xgb_dart.json",
        "xgb2_binary.json", "xgb2_multiclass.json", "lgb_multiclass.txt", "lgb_regression.txt", "lgb_poisson.txt",
        "lgb_zero_missing.txt", "lgb_rf.txt",
    ])
    func reproducesTreeFixture(_ file: String) throws {
        let model = try Model(contentsOf: try Self.path("Trees", file))
        let lightGBM = file.hasSuffix(".txt")
        #expect(model.format == (lightGBM ? .lightgbm : .xgboost))
        let stem = String(file.prefix { $0 != "." })
        let predicted = try model.predict(try Self.inputs("Trees", "\(stem)_inputs.csv"))
        let expected = try TreeFixtures.csv("Trees", "\(stem)_expected.csv")
        let (atol, rtol) = lightGBM ? (1e-9, 1e-12) : (1e-5, 1e-5)
        var compared = 0
        for name in predicted.columnNames {
            var target = name
            if !expected.header.contains(target) {
                if name == "probability" || name == "prediction" {
                    target = expected.header.contains("prediction") ? "prediction" : "probability"
                } else if name == "margin", stem != "lgb_rf" {
                    // lightgbm's raw_score for lgb_rf (average_output) is the undivided sum.
                    target = "raw_score"
                }
            }
            guard expected.header.contains(target) else { continue }
            expectClose(
                try predicted.doubles(column: name), try expected.column(target), atol: atol, rtol: rtol,
                "\(file) \(name)")
            compared += 1
        }
        if expected.header.contains("class") {
            // multi:softmax: XGBoost returns the class; the model returns probabilities whose argmax it is.
            let k = predicted.columnCount
            let columns = try (0..<k).map { try predicted.doubles(column: "probability_\($0)") }
            let classes = (0..<predicted.rowCount).map { row in
                Double((0..<k).max { columns[$0][row] < columns[$1][row] } ?? 0)
            }
            #expect(classes == (try expected.column("class")))
            compared += 1
        }
        #expect(compared > 0, "\(file): nothing compared; columns \(predicted.columnNames) vs \(expected.header)")
    }

    @Test(arguments: ["xgb_categorical.json", "lgb_categorical.txt", "lgb_linear.txt"])
    func unsupportedTreeFixturesAreRefused(_ file: String) throws {
        let path = try Self.path("Trees", file)
        let error = try #require(throws: MLOpsError.self) { try Model(contentsOf: path) }
        #expect(error.code == .unsupported)
        #expect(error.message.hasPrefix("cannot load \(path) as "), "\(error.message)")
    }

    /// The example in `Model`'s documentation, as written (with fixture paths).
    @Test func documentationExampleRuns() throws {
        let source = try Self.path("Interop", "xgb_binary.json")
        let customers = try Self.path("Interop", "xgb_binary_inputs.csv")
        let saved = Self.scratch(".mlpkg")
        defer { try? FileManager.default.removeItem(atPath: saved) }

        let model = try Model(contentsOf: source)
        print(model.format, model.signature.featureNames)
        let predictions = try model.predict(try Table.readCSV(path: customers))
        try model.write(to: saved)

        #expect(predictions.columnNames == ["probability", "margin"])
        #expect(
            model.description == "Model(xgboost, inputs: [features: float64[N, 8]], outputs: "
                + "[probability: float64[N], margin: float64[N]])")
    }

    // MARK: - Content detection

    /// A scratch path under /tmp.
    static func scratch(_ suffix: String) -> String { "/tmp/mlops-model-test-\(SortableID())\(suffix)" }

    /// Copies a fixture to a path with another extension.
    static func copy(_ folder: String, _ name: String, as suffix: String) throws -> String {
        let target = scratch(suffix)
        try FileManager.default.copyItem(atPath: try path(folder, name), toPath: target)
        return target
    }

    @Test func formatIsDetectedByContentNotByName() throws {
        let pkg = Self.scratch(".txt")
        try Model(contentsOf: try Self.path("Interop", "xgb_binary.json")).write(to: pkg)
        let cases: [(String, ModelFormat)] = [
            (try Self.copy("Interop", "onnx_linreg.onnx", as: ".json"), .onnx),
            (try Self.copy("Interop", "xgb_binary.json", as: ".txt"), .xgboost),
            (try Self.copy("Interop", "lgb_binary.txt", as: ".onnx"), .lightgbm),
            (pkg, .package),
        ]
        for (path, format) in cases {
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try Model(contentsOf: path).format == format, "\(path)")
            #expect(ModelFormat.detect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) == format)
        }
        #expect(ModelFormat.detect(Array("  \n{\"learner\":{}}".utf8)) == .xgboost)
        #expect(ModelFormat.detect(Array("tree\r\nversion=v4\r\n".utf8)) == .lightgbm)
        #expect(ModelFormat.detect(Array("tree-like text".utf8)) == nil)
        #expect(ModelFormat.detect(Array("B not protobuf".utf8)) == nil)
        #expect(ModelFormat.detect([]) == nil)
    }

    /// Loads `bytes` from a file and returns the error.
    static func loadError(_ bytes: [UInt8], suffix: String = ".bin") throws -> (path: String, error: MLOpsError) {
        let path = scratch(suffix)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: MLOpsError.self) { try Model(contentsOf: path) }
        return (path, error)
    }

    /// No loading error is a raw system dump or an errno number.
    static func expectPlain(_ error: MLOpsError, sourceLocation: SourceLocation = #_sourceLocation) {
        for word in ["errno", "Error Domain", "NSCocoaErrorDomain", "the document", "has no the"] {
            #expect(!error.message.contains(word), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test func notAModelSaysWhatItFound() throws {
        let (path, error) = try Self.loadError(Array("not a model at all".utf8), suffix: ".onnx")
        #expect(error.code == .parseError)
        #expect(
            error.message
                == "\(path) is not a model package, XGBoost JSON, LightGBM text or ONNX file "
                + "(it starts with \"not a model at a…\")")
        let (binaryPath, binary) = try Self.loadError([0xFF, 0x00, 0x13, 0x37])
        #expect(binary.message.hasPrefix("\(binaryPath) is not a model package"))
        #expect(binary.message.contains("starts with bytes ff 00 13 37"), "\(binary.message)")
        let (emptyPath, empty) = try Self.loadError([])
        #expect(empty.message.hasPrefix("\(emptyPath) is empty (0 bytes); expected a model package"))
        Self.expectPlain(error)
    }

    @Test func missingFilesAndDirectoriesAreNamed() throws {
        let missing = Self.scratch(".json")
        let error = try #require(throws: MLOpsError.self) { try Model(contentsOf: missing) }
        #expect(error.code == .notFound)
        #expect(error.message == "no such file: \(missing)")
        let directory = try #require(throws: MLOpsError.self) { try Model(contentsOf: "/tmp") }
        #expect(directory.message == "/tmp is a directory, not a model file")
        let device = try #require(throws: MLOpsError.self) { try Model(contentsOf: "/dev/null") }
        #expect(device.message.hasPrefix("/dev/null is not a regular file"))
        // The importers' own file entry points say the same.
        for load in [
            { _ = try XGBoostImporter.load(path: missing) }, { _ = try LightGBMImporter.load(path: missing) },
            { _ = try ONNXImporter.importGraph(contentsOfFile: missing) },
            { _ = try ModelPackage(contentsOf: missing) },
        ] as [() throws -> Void] {
            do {
                try load()
                Issue.record("loading a missing file succeeded")
            } catch let error as MLOpsError {
                #expect(error.message == "no such file: \(missing)")
            }
        }
    }

    @Test func truncatedFilesNameTheFormatAndFile() throws {
        let cases: [(String, String, String)] = [
            ("xgb_binary.json", "XGBoost JSON", ".json"), ("lgb_binary.txt", "LightGBM text", ".txt"),
            ("onnx_mlp_classifier.onnx", "ONNX", ".onnx"),
        ]
        for (file, format, suffix) in cases {
            let bytes = try TreeFixtures.bytes("Interop", file)
            for length in [bytes.count / 2, 100] {
                let (path, error) = try Self.loadError(Array(bytes.prefix(length)), suffix: suffix)
                #expect(error.message.hasPrefix("cannot load \(path) as \(format): "), "\(error.message)")
                #expect(!error.message.contains(": The ") && !error.message.hasSuffix("."), "\(error.message)")
                #expect([.parseError, .corruptData].contains(error.code), "\(error)")
                Self.expectPlain(error)
            }
        }
        let package = try Model(contentsOf: try Self.path("Interop", "xgb_binary.json")).package.encoded()
        let (path, error) = try Self.loadError(Array(package.dropLast(10)))
        #expect(error.code == .corruptData)
        #expect(error.message.hasPrefix("cannot load \(path) as model package: the model package is damaged"))
    }

    @Test func damagedPackagePartsAreDescribedInWords() throws {
        let empty = Array("{}".utf8)
        let bytes = try ModelPackage.assemble(parts: [
            ("graph", empty), ("weights", []), ("signature", empty), ("metadata", empty),
        ])
        let error = try #require(throws: MLOpsError.self) { try Model(bytes: bytes, source: "model.mlpkg") }
        #expect(error.code == .corruptData)
        #expect(
            error.message.hasPrefix(
                "cannot load model.mlpkg as model package: the model package is damaged or was tampered with: "
                    + "the graph is not valid JSON of the expected form (`"),
            "\(error.message)")
        #expect(error.message.contains("` is missing)"), "\(error.message)")
        #expect(!error.message.contains("keyNotFound") && !error.message.contains("CodingKeys"))
    }

    @Test func xgboostJSONWithoutLearnerSaysSo() throws {
        let (path, error) = try Self.loadError(Array("{\"version\": [3, 0, 0]}".utf8), suffix: ".json")
        #expect(
            error.message
                == "cannot load \(path) as XGBoost JSON: the XGBoost JSON has no `learner` object; expected a model "
                + "saved by XGBoost's save_model(\"model.json\")")
        let (_, nested) = try Self.loadError(Array("{\"learner\": {\"objective\": {}}}".utf8), suffix: ".json")
        #expect(nested.message.contains("the XGBoost JSON's `learner` has no `learner_model_param` member"))
    }

    @Test func somethingElseIsNotCalledADamagedPackage() throws {
        let path = try Self.path("Interop", "xgb_binary.json")
        let error = try #require(throws: MLOpsError.self) { try ModelPackage(contentsOf: path) }
        #expect(!error.message.contains("damaged"))
        #expect(error.message.contains("not a model package: a package starts with MLOPSPKG, these start with \"{"))
        let forced = try #require(throws: MLOpsError.self) { try Model(contentsOf: path, format: .package) }
        #expect(forced.message.hasPrefix("cannot load \(path) as model package: the bytes are not a model package"))
    }

    // MARK: - Columns

    @Test func missingAndExtraFeatureColumnsAreNamed() throws {
        let model = try Model(contentsOf: try Self.path("Interop", "xgb_binary.json"))
        #expect(model.signature.featureNames == (0..<8).map { "f\($0)" })
        let table = try Self.inputs("Interop", "xgb_binary_inputs.csv")
        let reordered = try table.select(columns: table.columnNames.reversed())
        #expect(try model.predict(reordered) == (try model.predict(table)))

        let missing = try #require(throws: MLOpsError.self) {
            try model.predict(try table.removing(columns: ["f3", "f7"]))
        }
        #expect(missing.code == .invalidArgument)
        #expect(missing.message.hasPrefix("the input has no column for features f3, f7 ("), "\(missing.message)")
        let extra = try #require(throws: MLOpsError.self) {
            try model.predict(try table.adding(.double("id", Array(repeating: 1, count: table.rowCount))))
        }
        #expect(extra.message.hasPrefix("the input has column id that the model does not take"), "\(extra.message)")
        let both = try #require(throws: MLOpsError.self) {
            try model.predict(
                try table.removing(columns: ["f0"]).adding(.double("x", Array(repeating: 1, count: table.rowCount))))
        }
        #expect(both.message.contains("no column for feature f0; the input has column x"), "\(both.message)")

        // Unnamed features: the count must match, and extra columns are named.
        let unnamed = try Model(contentsOf: try Self.path("Interop", "onnx_mlp_regression.onnx"))
        #expect(unnamed.signature.featureNames.isEmpty)
        let onnxInputs = try Self.inputs("Interop", "onnx_inputs.csv")
        let wide = try onnxInputs.adding(.double("note", Array(repeating: 0, count: onnxInputs.rowCount)))
        let wideError = try #require(throws: MLOpsError.self) { try unnamed.predict(wide) }
        #expect(wideError.message.hasSuffix("the extra columns are note"), "\(wideError.message)")
        let narrowError = try #require(throws: MLOpsError.self) {
            try unnamed.predict(try onnxInputs.removing(columns: ["f5"]))
        }
        #expect(narrowError.message.contains("5 columns but the model takes 6 unnamed features"))
        let text = try onnxInputs.removing(columns: ["f0"]).adding(
            .string("f0", onnxInputs.rowCount == 0 ? [] : Array(repeating: "a", count: onnxInputs.rowCount)))
        #expect(throws: MLOpsError.invalidArgument) { try unnamed.predict(text) }
    }

    @Test func outputColumnsAreNamedByRank() throws {
        func names(_ shape: [Int], rows: Int) throws -> [String] {
            let count = shape.reduce(1, *)
            let tensor = try Tensor(shape: shape, float32: (0..<count).map { Float($0) })
            return try Model.outputColumns(name: "y", tensor: tensor, rowCount: rows).map(\.name)
        }
        #expect(try names([3], rows: 3) == ["y"])
        #expect(try names([3, 1], rows: 3) == ["y_0"])
        #expect(try names([3, 2], rows: 3) == ["y_0", "y_1"])
        #expect(try names([2, 2, 2], rows: 2) == ["y_0", "y_1", "y_2", "y_3"])
        #expect(try names([0, 2], rows: 0) == ["y_0", "y_1"])
        #expect(try names([0], rows: 0) == ["y"])
        #expect(try names([], rows: 1) == ["y"])
        // Values are split per row in row-major order, keeping their type.
        let tensor = try Tensor(shape: [2, 3], int64: [1, 2, 3, 4, 5, 6])
        let columns = try Model.outputColumns(name: "p", tensor: tensor, rowCount: 2)
        #expect(columns == [.int("p_0", [1, 4]), .int("p_1", [2, 5]), .int("p_2", [3, 6])])
        let labels = try Tensor(shape: [2], strings: ["a", "b"])
        #expect(try Model.outputColumns(name: "label", tensor: labels, rowCount: 2) == [.string("label", ["a", "b"])])
        // An output without one row per input row is an error, not a guess.
        for (shape, rows) in [([2, 3], 3), ([6], 3), ([1, 6], 6), ([], 2)] {
            #expect(throws: MLOpsError.invalidArgument) { _ = try names(shape, rows: rows) }
        }
    }

    @Test func treeModelsHaveTheColumnsOfTheirSignature() throws {
        let binary = try Model(contentsOf: try Self.path("Interop", "xgb_binary.json"))
        #expect(
            binary.signature.inputs == [ValueInfo(name: "features", elementType: .float64, shape: [.batch, .fixed(8)])])
        #expect(binary.signature.outputs.map(\.name) == ["probability", "margin"])
        #expect(
            try binary.predict(try Self.inputs("Interop", "xgb_binary_inputs.csv")).columnNames == [
                "probability", "margin",
            ])
        let regression = try Model(contentsOf: try Self.path("Interop", "xgb_regression.json"))
        #expect(
            try regression.predict(try Self.inputs("Interop", "xgb_regression_inputs.csv")).columnNames == [
                "prediction"
            ])
        let multiclass = try Model(contentsOf: try Self.path("Trees", "lgb_multiclass.txt"))
        #expect(
            try multiclass.predict(try Self.inputs("Trees", "lgb_multiclass_inputs.csv")).columnNames
                == ["probability_0", "probability_1", "probability_2"])
        #expect(try binary.predict(Table(columns: (0..<8).map { .double("f\($0)", [Double]()) })).rowCount == 0)
        // A table without rows gets the columns, without rows, from a graph too.
        let graph = try Model(contentsOf: try Self.path("Interop", "onnx_logreg_pipeline.onnx"))
        let empty = try graph.predict(Table(columns: (0..<6).map { .double("f\($0)", [Double]()) }))
        #expect(empty.columnNames == ["label", "probabilities_0", "probabilities_1"])
        #expect(empty.rowCount == 0)
    }

    // MARK: - Saving

    @Test(arguments: [
        ("Interop", "xgb_binary.json", "xgb_binary_inputs.csv"), ("Interop", "lgb_binary.txt", "lgb_binary_inputs.csv"),
        ("Interop", "xgb_regression.json", "xgb_regression_inputs.csv"),
        ("Trees", "lgb_multiclass.txt", "lgb_multiclass_inputs.csv"),
        ("Interop", "onnx_logreg_pipeline.onnx", "onnx_inputs.csv"),
        ("Interop", "onnx_rf_tree_ensemble.onnx", "onnx_inputs.csv"),
    ])
    func writeRoundTripsAsAPackage(_ folder: String, _ file: String, _ inputs: String) throws {
        let model = try Model(contentsOf: try Self.path(folder, file))
        let path = Self.scratch(".mlpkg")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let loaded = try Model(contentsOf: path)
        #expect(loaded.format == .package)
        #expect(loaded.signature == model.signature)
        #expect(loaded.metadata["mlops.source_format"] == model.format.rawValue)
        let table = try Self.inputs(folder, inputs)
        let original = try model.predict(table)
        let reloaded = try loaded.predict(table)
        #expect(reloaded.columnNames == original.columnNames)
        for name in original.columnNames {
            let a = try original.doubles(column: name)
            let b = try reloaded.doubles(column: name)
            // The package runs the trees through the graph runtime, which may split a batch into
            // row chunks; a multiclass softmax can then differ in the last bit.
            expectClose(b, a, atol: 1e-15, rtol: 1e-15, "\(file) \(name)")
        }
    }

    // MARK: - Buffers

    @Test func bufferPredictMatchesTablePredictAndCompilesOnce() throws {
        let trees = try Model(contentsOf: try Self.path("Interop", "xgb_binary.json"))
        let table = try Self.inputs("Interop", "xgb_binary_inputs.csv")
        let expected = try trees.predict(table)
        let n = table.rowCount
        let rows = try trees.featureRows(table, names: trees.signature.featureNames, width: 8)
        #expect(try trees.outputElementCounts(rowCount: n) == [n, n])
        var probability = [Double](repeating: 0, count: n)
        var margin = [Double](repeating: 0, count: n)
        try rows.withUnsafeBufferPointer { input in
            try probability.withUnsafeMutableBytes { p in
                try margin.withUnsafeMutableBytes { m in
                    try trees.predict(input, rowCount: n, into: [p, m])
                }
            }
        }
        #expect(probability == (try expected.doubles(column: "probability")))
        #expect(margin == (try expected.doubles(column: "margin")))

        let graph = try Model(contentsOf: try Self.path("Interop", "onnx_mlp_classifier.onnx"))
        let onnxTable = try Self.inputs("Interop", "onnx_inputs.csv")
        let graphExpected = try graph.predict(onnxTable)
        let m = onnxTable.rowCount
        let floats = try graph.featureRows(onnxTable, names: [], width: 6).map { Float($0) }
        #expect(try graph.outputElementCounts(rowCount: m) == [m, 2 * m])
        var labels = [Int64](repeating: 0, count: m)
        var probabilities = [Float](repeating: 0, count: 2 * m)
        guard case .graph(let compiled) = graph.engine else {
            Issue.record("an ONNX model runs as a graph")
            return
        }
        let plansBefore = compiled.statistics.plansResolved
        for _ in 0..<3 {
            try floats.withUnsafeBufferPointer { input in
                try labels.withUnsafeMutableBytes { l in
                    try probabilities.withUnsafeMutableBytes { p in
                        try graph.predict(input, rowCount: m, into: [l, p])
                    }
                }
            }
        }
        let expectedLabels = try #require(graphExpected.column(named: "label"))
        guard case .int(let labelValues) = expectedLabels.storage else {
            Issue.record("the label output is an int64 column, found \(expectedLabels.type)")
            return
        }
        #expect(labels == labelValues)
        #expect(
            probabilities.enumerated().allSatisfy { index, value in
                (try? graphExpected.floats(column: "probabilities_\(index % 2)")[index / 2]) == value
            })
        // One plan for the batch size, reused by every later call: nothing is recompiled.
        #expect(compiled.statistics.plansResolved <= plansBefore + 1)
        let contexts = compiled.statistics.contextsCreated
        try floats.withUnsafeBufferPointer { input in
            try labels.withUnsafeMutableBytes { l in
                try probabilities.withUnsafeMutableBytes { p in try graph.predict(input, rowCount: m, into: [l, p]) }
            }
        }
        let arenas = compiled.statistics.arenaAllocations
        try floats.withUnsafeBufferPointer { input in
            try labels.withUnsafeMutableBytes { l in
                try probabilities.withUnsafeMutableBytes { p in try graph.predict(input, rowCount: m, into: [l, p]) }
            }
        }
        #expect(compiled.statistics.contextsCreated == contexts)
        #expect(compiled.statistics.arenaAllocations == arenas)

        // Wrong row type or buffer count: a clear error.
        let doubles = floats.map { Double($0) }
        let wrongType = try #require(throws: MLOpsError.self) {
            try doubles.withUnsafeBufferPointer { input in
                try labels.withUnsafeMutableBytes { l in
                    try probabilities.withUnsafeMutableBytes { p in try graph.predict(input, rowCount: m, into: [l, p])
                    }
                }
            }
        }
        #expect(wrongType.message.contains("is float32, so it cannot take Double rows"))
        #expect(throws: MLOpsError.invalidArgument) {
            try rows.withUnsafeBufferPointer { input in
                try probability.withUnsafeMutableBytes { p in try trees.predict(input, rowCount: n, into: [p]) }
            }
        }
    }
}
