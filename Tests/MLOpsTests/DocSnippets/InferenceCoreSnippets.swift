@testable import InferenceCore  // ONNXModelProto is internal
import MLOps
import Synchronization
import Testing

// The Swift blocks of InferenceCore's doc comments, verbatim (indentation aside) between the
// declarations of the context they assume; DocSnippetTests checks that they stay so. Those that read
// or write files named in the snippet are compiled, not run.
enum InferenceCoreSnippets {
    // Sources/InferenceCore/Graph/CompiledModel.swift
    static func compiledModel(graph: ModelGraph) throws -> [String: Tensor] {
        let model = try graph.compile()
        let out = try model.predict(["X": try Tensor(shape: [1, 4], float32: [1, 2, 3, 4])])
        return out
    }

    // Sources/InferenceCore/Kernels/Kernels.swift
    static func kernels(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    ) {
        // y = relu(x · W + b) for a batch of 32 rows.
        Kernels.sgemm(
            m: 32, n: 256, k: 64, a: x, lda: 64, b: w, ldb: 256, c: y, ldc: 256,
            bias: b, activation: .relu, pool: .shared)
    }

    // Sources/InferenceCore/Kernels/Matrix.swift
    static func matrix() throws -> Matrix {
        let a = try Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let b = a.transposed()  // 3 × 2
        let c = try a.multiplied(by: b)  // 2 × 2, via SGEMM
        print(c[1, 1])  // 77.0
        return c
    }

    // Sources/InferenceCore/Kernels/WorkerPool.swift
    static func workerPool() -> Int {
        let pool = WorkerPool.shared
        let total = Mutex(0)  // Synchronization's Mutex: the body is `@Sendable`
        pool.parallelFor(4) { chunk in total.withLock { $0 += chunk } }  // returns when all four chunks are done
        return total.withLock { $0 }
    }

    // Sources/InferenceCore/Model/Model.swift
    static func model() throws -> Table {
        let model = try Model(contentsOf: "churn.json")  // XGBoost, LightGBM, ONNX or a package
        print(model.format, model.signature.featureNames)
        let predictions = try model.predict(try Table.readCSV(path: "customers.csv"))
        try model.write(to: "churn.mlpkg")  // as a model package
        return predictions
    }

    // Sources/InferenceCore/ONNX/ONNXImporter.swift
    static func onnxImporter(row: [Float]) throws -> [String: Tensor] {
        let graph = try ONNXImporter.importGraph(contentsOfFile: "model.onnx")
        let model = try graph.compile()
        let outputs = try model.predict(["X": try Tensor(shape: [1, 6], float32: row)])
        return outputs
    }

    // Sources/InferenceCore/ONNX/ONNXModelProto.swift
    static func onnxModelProto(bytes: [UInt8]) throws {
        let model = try ONNXModelProto(serializedBytes: bytes)
        print(model.opsetImports, model.graph?.nodes.map(\.opType) ?? [])
    }

    // Sources/InferenceCore/Package/ModelPackage.swift
    static func modelPackage(graph: ModelGraph, run: RunHandle) throws -> CompiledModel {
        let package = ModelPackage(
            graph: graph, metadata: ["owner": "fraud-team"],
            lineage: ModelLineage(runId: run.runID))
        try package.write(to: "model.mlpkg")
        let loaded = try ModelPackage(contentsOf: "model.mlpkg")
        let model = try loaded.compile()
        return model
    }
}

@Suite struct InferenceCoreSnippetTests {
    @Test func kernelsRun() throws {
        #expect(try InferenceCoreSnippets.matrix()[1, 1] == 77)
        #expect(InferenceCoreSnippets.workerPool() == 0 + 1 + 2 + 3)
        let x = [Float](repeating: 1, count: 32 * 64)
        let w = [Float](repeating: 0.5, count: 64 * 256)
        let b = [Float](repeating: -40, count: 256)
        var y = [Float](repeating: .nan, count: 32 * 256)
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                b.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { y in
                        InferenceCoreSnippets.kernels(
                            x: x.baseAddress!, w: w.baseAddress!, b: b.baseAddress!, y: y.baseAddress!)
                    }
                }
            }
        }
        #expect(y.allSatisfy { $0 == 0 })  // relu(64 · 0.5 − 40) = relu(−8)
    }

    @Test func theProtoReaderRefusesGarbage() {
        #expect(throws: MLOpsError.self) { try InferenceCoreSnippets.onnxModelProto(bytes: [0xFF, 0xFF, 0xFF]) }
    }
}
