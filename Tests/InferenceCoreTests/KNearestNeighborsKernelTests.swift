import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

private typealias S = GraphTestsSupport

/// The kernels a k-NN graph spends its time in — the fused distance loop, the 2-D transpose and
/// TopK's root-value test (16 candidates at a time for float32) — checked against plain reference
/// loops, exactly.
struct KNearestNeighborsKernelTests {
    /// Runs a one-node graph over `X` (outputs of `types`).
    static func run(_ op: GraphOp, _ x: Tensor, types: [ElementType]) throws -> [Tensor] {
        try ReductionOpsTests.run(op, x, types: types)
    }

    /// TopK on long rows with NaNs anywhere (in the first k and later), many ties and infinities,
    /// along the last axis and along axis 0 (strided): the order is value (NaN above every
    /// number), then index — as a full sort gives.
    @Test(arguments: [true, false])
    func topKWithNaNsAndTiesMatchesAFullSort(_ largest: Bool) throws {
        var rng = GraphTestRNG(seed: 11)
        let (rows, width) = (6, 90)
        let choices: [Float] = [.nan, -.infinity, .infinity, -1, 0, 2, 3, 3.5]
        var values = (0..<(rows * width)).map { _ in choices[Int(rng.next() % UInt64(choices.count))] }
        values[5 * width + width - 1] = .nan  // a NaN as the very last candidate
        for i in 0..<width { values[4 * width + i] = .nan }  // a row of NaNs only
        /// The indices of `slice` in rank order.
        func ranked(_ slice: [Float]) -> [Int64] {
            slice.indices.sorted { a, b in
                let (va, vb) = (slice[a], slice[b])
                if va.isNaN || vb.isNaN {
                    if va.isNaN != vb.isNaN { return va.isNaN == largest }
                    return a < b
                }
                if va != vb { return largest ? va > vb : va < vb }
                return a < b
            }.map { Int64($0) }
        }
        let x = try Tensor(shape: [rows, width], float32: values)
        for k in [1, 3, 5, 17, 89, 90] {
            let out = try Self.run(.topK(GraphOp.TopK(k: k, axis: 1, largest: largest)), x, types: [.float32, .int64])
            let indices = try #require(out[1].int64Values)
            let got = try #require(out[0].float32Values)
            for r in 0..<rows {
                let row = Array(values[(r * width)..<((r + 1) * width)])
                let want = Array(ranked(row).prefix(k))
                #expect(Array(indices[(r * k)..<((r + 1) * k)]) == want, "k \(k) row \(r)")
                let wantValues = want.map { row[Int($0)] }
                let gotValues = Array(got[(r * k)..<((r + 1) * k)])
                #expect(gotValues.map(\.bitPattern) == wantValues.map(\.bitPattern), "k \(k) row \(r)")
            }
        }
        // Along axis 0: the columns of the same tensor.
        let k = 4
        let out = try Self.run(.topK(GraphOp.TopK(k: k, axis: 0, largest: largest)), x, types: [.float32, .int64])
        let indices = try #require(out[1].int64Values)
        for c in 0..<width {
            let column = (0..<rows).map { values[$0 * width + c] }
            #expect((0..<k).map { indices[$0 * width + c] } == Array(ranked(column).prefix(k)), "column \(c)")
        }
    }

    /// TopK over rows of 401 distinct-ish values (a k-NN row: the block test skips most of them, and
    /// winners fall anywhere in a block), largest and smallest, as a full sort.
    @Test func topKOnLongRowsMatchesAFullSort() throws {
        var rng = GraphTestRNG(seed: 23)
        let (rows, width) = (5, 401)
        var values = rng.floats(rows * width, scale: 100)
        values[2 * width + 400] = -1000  // the best at the very end
        values[3 * width + 17] = values[3 * width + 300]  // a tie across blocks
        let x = try Tensor(shape: [rows, width], float32: values)
        for k in [1, 5, 16, 33] {
            for largest in [true, false] {
                let out = try Self.run(
                    .topK(GraphOp.TopK(k: k, axis: 1, largest: largest)), x, types: [.float32, .int64])
                let indices = try #require(out[1].int64Values)
                for r in 0..<rows {
                    let row = Array(values[(r * width)..<((r + 1) * width)])
                    let order = row.indices.sorted {
                        row[$0] != row[$1] ? (largest ? row[$0] > row[$1] : row[$0] < row[$1]) : $0 < $1
                    }
                    #expect(Array(indices[(r * k)..<((r + 1) * k)]) == order.prefix(k).map { Int64($0) })
                }
            }
        }
    }

    /// The tiled 2-D transpose gives a naive transpose's elements, for shapes around the tile size
    /// and for every element size.
    @Test(arguments: [(1, 1), (1, 37), (37, 1), (16, 16), (17, 33), (400, 3), (5, 200)])
    func matrixTransposeMatchesANaiveOne(_ rows: Int, _ columns: Int) throws {
        let count = rows * columns
        let floats = (0..<count).map { Float($0) * 0.5 - 7 }
        let ints = (0..<count).map { Int64($0) * 3 - 11 }
        let bools = (0..<count).map { $0 % 3 == 0 }
        func naive<T>(_ v: [T]) -> [T] { (0..<count).map { v[($0 % rows) * columns + $0 / rows] } }
        let op = GraphOp.transpose(perm: [1, 0])
        let f = try Self.run(op, try Tensor(shape: [rows, columns], float32: floats), types: [.float32])[0]
        #expect(f.shape == [columns, rows])
        #expect(f.float32Values == naive(floats))
        let i = try Self.run(op, try Tensor(shape: [rows, columns], int64: ints), types: [.int64])[0]
        #expect(i.int64Values == naive(ints))
        let b = try Self.run(op, try Tensor(shape: [rows, columns], bool: bools), types: [.bool])[0]
        #expect(b.boolValues == naive(bools))
    }

    /// The fused distance loop sums row by row below 16 rows and over the transposed rows above;
    /// both give the same bits: 40 rows at once equal each row alone.
    @Test func directAndTransposedDistanceLoopsGiveTheSameBits() throws {
        var rng = GraphTestRNG(seed: 5)
        let (rows, features, points) = (40, 7, 23)
        let pointValues = rng.floats(points * features, scale: 30)
        var xValues = rng.floats(rows * features, scale: 30)
        for k in 0..<features { xValues[3 * features + k] = pointValues[9 * features + k] }
        let body = ModelGraph(
            name: "distance", inputs: [S.f32("x", nil), S.f32("p", nil)],
            outputs: [S.f32("x", nil), S.f32("d", nil)],
            nodes: [
                GraphNode(name: "sub", op: .sub, inputs: ["x", "p"], outputs: ["diff"]),
                GraphNode(
                    name: "reduce", op: .reduce(GraphOp.Reduce(kind: .sumSquare, axes: [1], keepDims: false)),
                    inputs: ["diff"], outputs: ["d"]),
            ])
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(features)])], outputs: [S.f32("D", nil)],
            initializers: ["P": try S.tensor([points, features], pointValues)],
            nodes: [
                GraphNode(
                    name: "scan", op: .scan(GraphOp.Scan(body: body, stateCount: 1, scanInputCount: 1)),
                    inputs: ["X", "P"], outputs: ["X2", "D"])
            ])
        let model = try graph.compile()
        #expect(try ScanDistanceFusionTests.usesFusedStep(model, batch: rows))
        let all = try #require(try model.predict(["X": try S.tensor([rows, features], xValues)])["D"]?.float32Values)
        #expect(all.count == points * rows)
        #expect(all[9 * rows + 3] == 0)
        for r in 0..<rows {
            let row = try S.tensor([1, features], Array(xValues[(r * features)..<((r + 1) * features)]))
            let alone = try #require(try model.predict(["X": row])["D"]?.float32Values)
            #expect(alone.map(\.bitPattern) == (0..<points).map { all[$0 * rows + r].bitPattern }, "row \(r)")
        }
    }
}
