import Foundation
import MLOps
import Testing

@testable import MLOpsCLI

/// Issue 9, item 4: `mlops predict` writes its CSV chunk by chunk, and refuses a model whose
/// outputs do not have one row per input row before predicting anything.
@Suite struct PredictCommandStreamingTests {
    func resource(_ name: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL)
        let nested = base.appendingPathComponent("Resources/\(name)").path
        return FileManager.default.fileExists(atPath: nested) ? nested : base.appendingPathComponent(name).path
    }

    /// Predicting and writing in chunks of 7 rows gives exactly the CSV of the whole table.
    @Test func chunkedOutputEqualsTheWholeTable() throws {
        let model = try Model(contentsOf: try resource("xgb_binary.json"))
        let table = try Table.readCSV(path: try resource("xgb_binary_inputs.csv"))
        #expect(table.rowCount > 20)
        let whole = try CSVWriter.encode(try model.predict(table))
        let path = "/tmp/mlops-predict-chunks-\(SortableID()).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var chunks = 0
        try PredictCommand.write(to: path) { writer in
            try PredictCommand.predictChunks(model, table, rowsPerChunk: 7) { predictions in
                #expect(predictions.rowCount <= 7)
                chunks += 1
                try writer.write(predictions)
            }
        }
        #expect(chunks == (table.rowCount + 6) / 7)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == whole)
        // A table without rows still gives its header.
        var empty = 0
        try PredictCommand.predictChunks(model, try table.rows([]), rowsPerChunk: 7) { predictions in
            #expect(predictions.columnNames == ["probability", "margin"])
            empty += 1
        }
        #expect(empty == 1)
    }

    /// Chunks hold at most 65,536 rows, fewer when a row has many output values.
    @Test func chunkSizeFollowsTheOutputWidth() throws {
        let model = try Model(contentsOf: try resource("xgb_binary.json"))
        #expect(try PredictCommand.chunkRows(model) == PredictCommand.maxRowsPerChunk)
        let width = 1000
        let graph = ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .float32, shape: [.batch, .fixed(width)])],
            outputs: [ValueInfo(name: "Y", elementType: .float32, shape: [.batch, .fixed(width)])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        let wide = try Model(graph: graph)
        #expect(try PredictCommand.chunkRows(wide) == PredictCommand.maxValuesPerChunk / width)
    }

    /// The reproduction: `Y = X[N, 6] + C[262144, 1, 1]` (shape [262144, N, 6]) used to take
    /// 7–10 GB in `predict`; now it is refused at load, naming the output and its shape.
    @Test func broadcastingModelIsRefusedBeforePredicting() async throws {
        let graph = ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .float32, shape: [.batch, .fixed(6)])],
            outputs: [ValueInfo(name: "Y", elementType: .float32, shape: nil)],
            initializers: [
                "C": try Tensor(shape: [262_144, 1, 1], float32: [Float](repeating: 1, count: 262_144))
            ],
            nodes: [GraphNode(name: "add", op: .add, inputs: ["X", "C"], outputs: ["Y"])])
        let model = "/tmp/mlops-broadcast-\(SortableID()).mlpkg"
        let input = "/tmp/mlops-broadcast-\(SortableID()).csv"
        let output = "/tmp/mlops-broadcast-\(SortableID()).out.csv"
        defer {
            for path in [model, input, output] { try? FileManager.default.removeItem(atPath: path) }
        }
        try ModelPackage(graph: graph).write(to: model)
        let rows = (0..<200).map { i in (0..<6).map { "\(i + $0)" }.joined(separator: ",") }
        try ("a,b,c,d,e,f\n" + rows.joined(separator: "\n") + "\n").write(
            toFile: input, atomically: true, encoding: .utf8)
        let result = await runCLI(["predict", "--model", model, "--input", input, "--output", output])
        #expect(result.status == 1)
        let text = result.err.joined(separator: "\n")
        #expect(text.contains("output Y has shape [262144, N, 6]"), "\(text)")
        #expect(text.contains("not one row per input row"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
