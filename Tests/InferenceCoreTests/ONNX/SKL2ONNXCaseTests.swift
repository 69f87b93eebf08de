import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// The skl2onnx interop cases (`Tests/Interop/skl2onnx/generate_cases.py`): scikit-learn models
/// converted by skl2onnx, with onnxruntime's outputs on held-out rows. Every case must import, run,
/// and match onnxruntime: labels (int64, string, bool) exactly, numbers within 1e-4 absolute +
/// 1e-4 relative, shapes exactly (the computed ones, also where skl2onnx declares another).
///
/// The committed set (seed 20261207) is a test resource; with `MLOPS_SKL2ONNX_DIR` set the cases of
/// that directory run instead (CI generates a fresh set there with the pinned tools).
struct SKL2ONNXCaseTests {
    /// A decoded case file: the inputs fed to onnxruntime and the outputs it gave.
    struct Case {
        var name: String
        var modelBytes: [UInt8]
        var inputs: [String: Tensor]
        var outputs: [String: Tensor]
    }

    static var directory: URL {
        get throws {
            if let override = ProcessInfo.processInfo.environment["MLOPS_SKL2ONNX_DIR"], !override.isEmpty {
                return URL(fileURLWithPath: override)
            }
            let bundle = Bundle.module
            let candidates = [bundle.resourceURL, bundle.bundleURL].compactMap { $0 }.flatMap {
                [$0.appendingPathComponent("SKL2ONNX"), $0.appendingPathComponent("Resources/SKL2ONNX")]
            }
            let found = candidates.first { FileManager.default.fileExists(atPath: $0.path) }
            return try #require(found, "skl2onnx cases not found in \(candidates)")
        }
    }

    static func manifest() throws -> [String: Any] {
        let data = try Data(contentsOf: try directory.appendingPathComponent("manifest.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The case names of the manifest (empty when it cannot be read; `manifestIsComplete` fails then).
    static let names: [String] = {
        guard let manifest = try? manifest(), let cases = manifest["cases"] as? [[String: Any]] else { return [] }
        return cases.compactMap { $0["name"] as? String }
    }()

    /// Cases the runtime does not run yet: each must still be refused with a clear error
    /// (`unsupported` naming the operator, or `invalidArgument` naming the output), never run wrong.
    /// The work of issue 15 empties this list.
    static let refused: Set<String> = []

    static func tensor(_ json: Any, _ what: String) throws -> Tensor {
        let object = try #require(json as? [String: Any], "\(what) is not an object")
        let type = try #require(object["type"] as? String, "\(what) has no type")
        let shape = try #require(object["shape"] as? [Int], "\(what) has no shape")
        let values = try #require(object["values"] as? [Any], "\(what) has no values")
        func number(_ value: Any) -> Double { (value as? NSNumber)?.doubleValue ?? .nan }
        switch type {
        case "float32": return try Tensor(shape: shape, float32: values.map { Float(number($0)) })
        case "float64": return try Tensor(shape: shape, float64: values.map(number))
        case "int64": return try Tensor(shape: shape, int64: values.map { Int64(truncating: $0 as? NSNumber ?? 0) })
        case "bool": return try Tensor(shape: shape, bool: values.map { ($0 as? Bool) ?? false })
        case "string": return try Tensor(shape: shape, strings: values.map { "\($0)" })
        default: throw MLOpsError(.parseError, "\(what) has type \(type)", value: type)
        }
    }

    static func load(_ name: String) throws -> Case {
        let dir = try directory
        let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("\(name).onnx")))
        let data = try Data(contentsOf: dir.appendingPathComponent("\(name).json"))
        let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let inputs = try #require(record["inputs"] as? [String: Any])
        let outputs = try #require(record["outputs"] as? [String: Any])
        return Case(
            name: name, modelBytes: bytes,
            inputs: try inputs.mapValues { try tensor($0, "\(name) input") },
            outputs: try outputs.mapValues { try tensor($0, "\(name) output") })
    }

    /// Compares one output: shape exactly; labels exactly; numbers within 1e-4 + 1e-4·|expected|.
    static func compare(_ got: Tensor, _ want: Tensor, _ what: String) {
        guard got.shape == want.shape else {
            Issue.record("\(what): shape \(got.shape), onnxruntime gave \(want.shape)")
            return
        }
        switch want.elementType {
        case .string:
            let mismatches = zip(got.stringValues ?? [], want.stringValues ?? []).filter { $0 != $1 }.count
            #expect(got.elementType == .string && mismatches == 0, "\(what): \(mismatches) labels differ")
        case .int64, .bool:
            #expect(got.elementType == want.elementType, "\(what): element type \(got.elementType)")
            let mismatches = zip(got.doubleValues, want.doubleValues).filter { $0 != $1 }.count
            #expect(mismatches == 0, "\(what): \(mismatches) of \(want.count) values differ")
        case .float32, .float64:
            #expect(got.elementType == want.elementType, "\(what): element type \(got.elementType)")
            var failures = 0
            var worst = 0.0
            for (value, expected) in zip(got.doubleValues, want.doubleValues) {
                let ok =
                    expected.isNaN ? value.isNaN : abs(value - expected) <= 1e-4 + 1e-4 * abs(expected)
                if !ok { failures += 1 }
                if !expected.isNaN, value.isFinite { worst = max(worst, abs(value - expected)) }
            }
            #expect(failures == 0, "\(what): \(failures) of \(want.count) values out of tolerance, max error \(worst)")
        }
    }

    @Test func manifestIsComplete() throws {
        let manifest = try Self.manifest()
        let cases = try #require(manifest["cases"] as? [[String: Any]])
        #expect(cases.count == Self.names.count && !Self.names.isEmpty)
        let failures = manifest["generator_failures"] as? [Any] ?? []
        #expect(failures.isEmpty, "the generator could not produce \(failures)")
    }

    @Test(arguments: names)
    func matchesOnnxruntime(_ name: String) throws {
        let testCase = try Self.load(name)
        if Self.refused.contains(name) {
            do {
                _ = try ONNXImporter.importGraph(serializedBytes: testCase.modelBytes).compile()
                Issue.record("\(name) is listed as refused but imports and compiles: run it and drop it from the list")
            } catch let error as MLOpsError {
                #expect(error.code == .unsupported || error.code == .invalidArgument, "\(name): \(error)")
                #expect(!error.message.isEmpty && error.value != nil, "\(name): \(error)")
            }
            return
        }
        let graph = try ONNXImporter.importGraph(serializedBytes: testCase.modelBytes)
        let compiled = try graph.compile()
        let outputs = try compiled.predict(testCase.inputs)
        for (output, want) in testCase.outputs.sorted(by: { $0.key < $1.key }) {
            let got = try #require(outputs[output], "\(name): no output '\(output)'")
            Self.compare(got, want, "\(name) \(output)")
        }
    }

    /// One row at a time gives the batch's answer (plans are per batch size).
    @Test(arguments: names)
    func singleRowsMatchTheBatch(_ name: String) throws {
        guard !Self.refused.contains(name) else { return }
        let testCase = try Self.load(name)
        let graph = try ONNXImporter.importGraph(serializedBytes: testCase.modelBytes)
        let compiled = try graph.compile()
        let batch = try compiled.predict(testCase.inputs)
        for row in [0, 7] {
            let inputs = try testCase.inputs.mapValues { try $0.row(row) }
            let single = try compiled.predict(inputs)
            for (output, all) in batch {
                let got = try #require(single[output])
                Self.compare(got, try all.row(row), "\(name) \(output) row \(row) alone")
            }
        }
    }
}

extension Tensor {
    /// Row `i` of the leading axis, keeping the axis (shape [1, ...]).
    fileprivate func row(_ i: Int) throws -> Tensor {
        let width = shape.dropFirst().reduce(1, *)
        let range = (i * width)..<((i + 1) * width)
        let rowShape = [1] + shape.dropFirst()
        switch elementType {
        case .float32: return try Tensor(shape: rowShape, float32: Array(float32Values![range]))
        case .float64: return try Tensor(shape: rowShape, float64: Array(float64Values![range]))
        case .int64: return try Tensor(shape: rowShape, int64: Array(int64Values![range]))
        case .bool: return try Tensor(shape: rowShape, bool: Array(boolValues![range]))
        case .string: return try Tensor(shape: rowShape, strings: Array(stringValues![range]))
        }
    }
}
