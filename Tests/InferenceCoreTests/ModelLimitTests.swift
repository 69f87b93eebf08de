#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// Issue 9, item 4: a model's outputs must have one row per input row (checked at load), and a
/// model file over its format's size limit is refused before it is read.
struct ModelLimitTests {
    /// The ONNX model of the report: `Y = Add(X[N, 6], C[c, 1, 1])`, which broadcasts to [c, N, 6].
    static func broadcastModel(constantRows c: Int64) -> [UInt8] {
        ONNXTestModels.simple(width: 6, outputs: [("Y", 1, nil)]) { g in
            ONNXTestModels.node(&g, op: "Add", inputs: ["X", "C"], outputs: ["Y"])
            g.message(5) { t in
                ONNXTestModels.floatTensor(
                    &t, name: "C", dims: [c, 1, 1], values: [Float](repeating: 1, count: Int(c)), raw: true)
            }
        }
    }

    /// The reproduction: a 1 MB model whose output has 262,144 × N × 6 values is refused at load
    /// time, with an error naming the output and its shape.
    @Test func outputThatBroadcastsOverTheBatchIsRefusedAtLoad() throws {
        let bytes = Self.broadcastModel(constantRows: 262_144)
        #expect(bytes.count > 1 << 20)
        do {
            _ = try Model(bytes: bytes)
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .unsupported)
            #expect(error.message.contains("output Y has shape [262144, N, 6]"), "\(error.message)")
            #expect(error.message.contains("not one row per input row"), "\(error.message)")
        }
    }

    /// An output whose other dimensions grow with the batch (an outer product, [N, N]) is
    /// refused as well.
    @Test func outputsNotLinearInTheBatchAreRefused() throws {
        let x = GraphTestsSupport.f32("X", [.batch, .fixed(1)])
        let outer = ModelGraph(
            inputs: [x], outputs: [GraphTestsSupport.f32("Y", nil)],
            nodes: [
                GraphNode(name: "t", op: .transpose(perm: [1, 0]), inputs: ["X"], outputs: ["T"]),
                GraphNode(name: "outer", op: .mul, inputs: ["X", "T"], outputs: ["Y"]),
            ])
        #expect(throws: MLOpsError.unsupported) { _ = try Model(graph: outer) }
        do {
            _ = try Model(graph: outer)
        } catch let error as MLOpsError {
            #expect(error.message.contains("shape [N, N]"), "\(error.message)")
            #expect(error.value == "Y [N, N]")
        }
        // The same graph compiles: the rule is Model's (row-by-row prediction), not the runtime's.
        _ = try outer.compile()
    }

    /// A row-wise model still loads, and the outputs' per-row size is bounded by
    /// `CompileOptions.maxElementsPerRow` (outputs included, not only intermediate tensors).
    @Test func rowwiseOutputsLoadAndAreBoundedPerRow() throws {
        let x = GraphTestsSupport.f32("X", [.batch, .fixed(6)])
        let wide = ModelGraph(
            inputs: [x], outputs: [GraphTestsSupport.f32("Y", [.batch, .fixed(6 * 1000)])],
            initializers: ["C": try Tensor(shape: [1000, 1], float32: [Float](repeating: 2, count: 1000))],
            nodes: [
                GraphNode(name: "flat", op: .reshape(shape: [0, 1, -1]), inputs: ["X"], outputs: ["X3"]),
                GraphNode(name: "add", op: .add, inputs: ["X3", "C"], outputs: ["S"]),
                GraphNode(name: "back", op: .reshape(shape: [0, -1]), inputs: ["S"], outputs: ["Y"]),
            ])
        let model = try Model(graph: wide)
        #expect(try model.outputElementCounts(rowCount: 3) == [3 * 6000])
        do {
            _ = try Model(graph: wide, options: CompileOptions(maxElementsPerRow: 5000))
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .limitExceeded)
            #expect(error.value == "S" || error.value == "Y", "\(error)")
        }
    }

    /// The class of the reproduction: `Add(X[N, 3], C)` for random constant shapes C of rank 1
    /// to 3. Every model either loads and predicts one row per input row, or is refused with
    /// `MLOpsError` at load; a constant of rank 3 (which puts its own axis before N) never loads.
    @Test func randomBroadcastsLoadOnlyWhenRowwise() throws {
        let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"
        let seed: UInt64 = 0x0009_0004
        var random = SeededRandom(seed: seed)
        let table = try Table(columns: (0..<3).map { j in .float("x\(j)", (0..<4).map { Float($0 * 3 + j) }) })
        for index in 0..<(long ? 2_000 : 200) {
            let rank = random.int(in: 1...3)
            let shape = (0..<rank).map { _ in [1, 2, 3, 4, 64][random.int(in: 0..<5)] }
            let context = "seed \(seed), case \(index): C \(shape)"
            let count = shape.reduce(1, *)
            let graph = ModelGraph(
                inputs: [GraphTestsSupport.f32("X", [.batch, .fixed(3)])], outputs: [GraphTestsSupport.f32("Y", nil)],
                initializers: ["C": try Tensor(shape: shape, float32: [Float](repeating: 1, count: count))],
                nodes: [GraphNode(name: "add", op: .add, inputs: ["X", "C"], outputs: ["Y"])])
            let model: Model
            do {
                model = try Model(graph: graph)
            } catch let error as MLOpsError {
                #expect([.unsupported, .invalidArgument].contains(error.code), "\(context): \(error)")
                continue
            }
            #expect(rank < 3, "\(context): loaded")
            let predictions = try model.predict(table)
            #expect(predictions.rowCount == 4, "\(context)")
            #expect(predictions.columnCount == 3, "\(context): \(predictions.columnNames)")
        }
    }

    // MARK: - File sizes

    /// A sparse file of `size` bytes that starts with `head` (no disk blocks are used).
    static func sparseFile(_ head: [UInt8], size: Int) throws -> String {
        let path = "/tmp/mlops-sparse-\(SortableID()).bin"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        _ = head.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        try #require(ftruncate(fd, off_t(size)) == 0)
        return path
    }

    /// Files over their format's limit are refused from their size alone, before a byte past
    /// the head is read (a 3 GB ONNX file used to take 3.1 GB of memory before being refused).
    @Test(arguments: [
        ([UInt8]([0x08, 0x07, 0x12, 0x04]), 3 << 30, "ONNX"),
        (Array("tree\nversion=v4\n".utf8), 2 << 30, "LightGBM text"),
        (Array("{\"learner\":".utf8), 2 << 30, "XGBoost JSON"),
        (Array("MLOPSPKG".utf8), 3 << 30, "model packages"),
    ])
    func oversizeFilesAreRefusedBeforeReading(head: [UInt8], size: Int, format: String) throws {
        let path = try Self.sparseFile(head, size: size)
        defer { unlink(path) }
        do {
            _ = try Model(contentsOf: path)
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .limitExceeded, "\(error)")
            #expect(error.message.contains("\(size) bytes"), "\(error.message)")
            #expect(error.message.contains(format), "\(error.message)")
            #expect(error.message.contains("was not read"), "\(error.message)")
        }
    }

    /// The limits are options: a smaller one refuses a genuine fixture, and a format given
    /// explicitly is judged by that format's limit.
    @Test func perFormatLimitsAreOptions() throws {
        let path = try TreeFixtures.path("Interop", "lgb_binary.txt")
        var options = Model.Options()
        options.treeLimits.maxInputBytes = 100
        #expect(throws: MLOpsError(.limitExceeded, "")) { _ = try Model(contentsOf: path, options: options) }
        #expect(options.maxFileBytes(for: .lightgbm) == 100)
        #expect(Model.Options().maxFileBytes(for: .xgboost) == 1 << 30)
        #expect(Model.Options().maxFileBytes(for: .package) == 1 << 31)
        #expect(Model.Options().maxFileBytes(for: .onnx) == Int(Int32.max))
        var onnxOnly = Model.Options()
        onnxOnly.onnx.maxModelBytes = 100
        _ = try Model(contentsOf: path, options: onnxOnly)
        #expect(throws: MLOpsError(.limitExceeded, "")) {
            _ = try Model(contentsOf: path, format: .onnx, options: onnxOnly)
        }
    }

    /// A large LightGBM text without an `end of trees` line fails in one pass over its bytes,
    /// before any line is parsed (a 2 GiB one used to take 148 s and 4.2 GB).
    @Test func lightGBMWithoutEndOfTreesFailsFast() throws {
        var text = Array("tree\nversion=v4\nnum_class=1\nmax_feature_idx=0\n\nTree=0\nnum_leaves=1\n".utf8)
        text += [UInt8](repeating: UInt8(ascii: "x"), count: 16 << 20)
        do {
            _ = try LightGBMImporter.ensemble(text: text)
            Issue.record("the model loaded")
        } catch let error as MLOpsError {
            #expect(error.code == .parseError)
            #expect(error.message.contains("end of trees"), "\(error.message)")
        }
        // The same from a sparse file through Model, with the limit raised to let it be read.
        let path = try Self.sparseFile(Array("tree\nversion=v4\n".utf8), size: 16 << 20)
        defer { unlink(path) }
        #expect(throws: MLOpsError.parseError) { _ = try Model(contentsOf: path) }
        // The marker is found only at the start of a line.
        let marker = Array("tree\nx end of trees\n".utf8)
        #expect(!marker.withUnsafeBufferPointer { LightGBMImporter.hasEndOfTreesLine($0) })
        let ok = Array("tree\nend of trees\n\nparameters:\n".utf8)
        #expect(ok.withUnsafeBufferPointer { LightGBMImporter.hasEndOfTreesLine($0) })
    }
}
