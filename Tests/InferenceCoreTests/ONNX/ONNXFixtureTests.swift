import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// Every ONNX interop fixture, imported and run, against the expected CSV within the README tolerances.
struct ONNXFixtureTests {
    static let models = [
        "onnx_logreg_pipeline", "onnx_linreg", "onnx_mlp_classifier", "onnx_gbr_tree_ensemble",
        "onnx_rf_tree_ensemble", "onnx_mlp_regression",
    ]

    struct Tolerance {
        var atol: Double
        var rtol: Double
    }

    /// Tolerances from the fixtures' manifest.json (`label` is exact).
    static func tolerances(_ model: String) throws -> [String: Tolerance] {
        let data = Data(try ONNXFixtures.bytes("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let models = try #require(manifest["models"] as? [[String: Any]])
        let entry = try #require(models.first { $0["name"] as? String == model })
        let raw = try #require(entry["tolerance"] as? [String: Any])
        var result: [String: Tolerance] = [:]
        for (key, value) in raw {
            if let t = value as? [String: Double], let atol = t["atol"], let rtol = t["rtol"] {
                result[key] = Tolerance(atol: atol, rtol: rtol)
            } else {
                result[key] = Tolerance(atol: 0, rtol: 0)  // "exact"
            }
        }
        return result
    }

    static func inputs() throws -> Tensor {
        let (header, rows) = try ONNXFixtures.csv("onnx_inputs.csv")
        #expect(header == ["f0", "f1", "f2", "f3", "f4", "f5"])
        return try Tensor(shape: [rows.count, header.count], float32: rows.flatMap { $0.map { Float($0) } })
    }

    /// The value the model gives for an expected-CSV column, per row.
    static func column(_ name: String, outputs: [String: Tensor], graph: ModelGraph) throws -> [Double] {
        if name == "label" {
            let labels = try #require(outputs["label"])
            return labels.doubleValues
        }
        if name.hasPrefix("probability_"), let k = Int(name.dropFirst("probability_".count)) {
            let probabilities = try #require(outputs["probabilities"])
            let width = try #require(probabilities.shape.last)
            let values = probabilities.doubleValues
            return stride(from: k, to: values.count, by: width).map { values[$0] }
        }
        #expect(name == "prediction")
        let only = try #require(graph.outputs.first?.name)
        let tensor = try #require(outputs[only])
        #expect(tensor.shape.count == 2 && tensor.shape.last == 1)
        return tensor.doubleValues
    }

    @Test(arguments: models)
    func matchesExpectedOutputs(_ model: String) throws {
        let graph = try ONNXImporter.importGraph(serializedBytes: try ONNXFixtures.bytes("\(model).onnx"))
        let compiled = try graph.compile()
        let x = try Self.inputs()
        let outputs = try compiled.predict(["X": x])
        let (header, expected) = try ONNXFixtures.csv("\(model)_expected.csv")
        let tolerances = try Self.tolerances(model)
        #expect(expected.count == x.shape[0])
        for (j, name) in header.enumerated() {
            let key = name.hasPrefix("probability_") ? "probability_*" : name
            let tolerance = try #require(tolerances[key] ?? tolerances[name], "no tolerance for \(name)")
            let got = try Self.column(name, outputs: outputs, graph: graph)
            try #require(got.count == expected.count, "\(model) \(name): \(got.count) rows")
            var failures = 0
            var worst = 0.0
            for (i, row) in expected.enumerated() {
                let want = row[j]
                let value = got[i]
                let ok = want.isNaN ? value.isNaN : abs(value - want) <= tolerance.atol + tolerance.rtol * abs(want)
                if !ok {
                    failures += 1
                    if failures <= 3 { Issue.record("\(model) \(name) row \(i): got \(value), expected \(want)") }
                }
                if !want.isNaN { worst = max(worst, abs(value - want)) }
            }
            #expect(failures == 0, "\(model) \(name): \(failures) rows out of tolerance, max abs error \(worst)")
        }
    }

    @Test(arguments: models)
    func singleRowPredictionsMatchBatch(_ model: String) throws {
        let graph = try ONNXImporter.importGraph(serializedBytes: try ONNXFixtures.bytes("\(model).onnx"))
        let compiled = try graph.compile()
        let x = try Self.inputs()
        let batch = try compiled.predict(["X": x])
        let values = try #require(x.float32Values)
        for row in [0, 1, 17, 99] {
            let one = try Tensor(shape: [1, 6], float32: Array(values[(row * 6)..<(row * 6 + 6)]))
            let single = try compiled.predict(["X": one])
            for output in graph.outputs {
                let all = try #require(batch[output.name]).doubleValues
                let got = try #require(single[output.name]).doubleValues
                let width = got.count
                // Batch 1 may take the GEMV path, which sums in another order: allow a few ulps.
                let want = Array(all[(row * width)..<(row * width + width)])
                for (a, b) in zip(got, want) {
                    #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(model) \(output.name) row \(row): \(a) vs \(b)")
                }
            }
        }
    }

    /// The CLI writes one column per output, `<name>_0…<name>_{K-1}` for an [N, K] output; the
    /// importer's signature must carry what that needs.
    @Test func signatureGivesCLIColumnNames() throws {
        func columns(_ file: String) throws -> [String] {
            let graph = try ONNXImporter.importGraph(serializedBytes: try ONNXFixtures.bytes(file))
            return try graph.outputs.flatMap { output -> [String] in
                let shape = try #require(output.shape)
                #expect(shape.first == .batch)
                switch shape.count {
                case 1: return [output.name]
                case 2:
                    guard case .fixed(let k) = shape[1] else {
                        Issue.record("\(output.name) has no fixed width")
                        return []
                    }
                    return (0..<k).map { "\(output.name)_\($0)" }
                default:
                    Issue.record("unexpected rank for \(output.name)")
                    return []
                }
            }
        }
        #expect(try columns("onnx_logreg_pipeline.onnx") == ["label", "probabilities_0", "probabilities_1"])
        #expect(try columns("onnx_mlp_classifier.onnx") == ["label", "probabilities_0", "probabilities_1"])
        #expect(try columns("onnx_linreg.onnx") == ["variable_0"])
        #expect(try columns("onnx_gbr_tree_ensemble.onnx") == ["variable_0"])
        #expect(try columns("onnx_mlp_regression.onnx") == ["Y_0"])

        let graph = try ONNXImporter.importGraph(serializedBytes: try ONNXFixtures.bytes("onnx_logreg_pipeline.onnx"))
        #expect(graph.inputs == [ValueInfo(name: "X", elementType: .float32, shape: [.batch, .fixed(6)])])
        #expect(graph.outputs.map(\.elementType) == [.int64, .float32])
    }

    @Test func importsFromAFileAndReportsUnreadableFiles() throws {
        let path = try ONNXFixtures.directory.appendingPathComponent("onnx_linreg.onnx").path
        let graph = try ONNXImporter.importGraph(contentsOfFile: path)
        #expect(graph.outputs.map(\.name) == ["variable"])
        #expect(throws: MLOpsError(.notFound, "any")) {
            try ONNXImporter.importGraph(contentsOfFile: path + ".missing")
        }
        #expect(throws: MLOpsError(.limitExceeded, "any")) {
            try ONNXImporter.importGraph(contentsOfFile: path, options: .init(maxModelBytes: 100))
        }
    }

    @Test func treeEnsemblesAreFloat32WithOnnxSemantics() throws {
        for file in ["onnx_gbr_tree_ensemble.onnx", "onnx_rf_tree_ensemble.onnx"] {
            let graph = try ONNXImporter.importGraph(serializedBytes: try ONNXFixtures.bytes(file))
            let node = try #require(graph.nodes.first)
            guard case .treeEnsemble(let trees) = node.op else {
                Issue.record("\(file): expected a tree-ensemble node, got \(node.op)")
                continue
            }
            #expect(trees.ensemble.precision == .float32)
            #expect(trees.ensemble.featureCount == 6)
            #expect(trees.ensemble.outputCount == 1)
            #expect(trees.ensemble.baseScoreOrder == .afterAggregation)
            #expect(trees.outputs == [.scores])
            #expect(trees.ensemble.task == .regression)
        }
    }
}
