import Foundation
@testable import InferenceCore
import MLOpsCore
import Testing

private typealias S = GraphTestsSupport

/// Reductions, ArgMin, TopK, Gather, GatherElements and CumSum on the graph IR. Expected numbers
/// come from onnxruntime 1.31 on the same inputs (small onnx.helper graphs), except where a test
/// says it pins this runtime's own documented choice.
struct ReductionOpsTests {
    /// Runs a one-node graph over input `X` and returns its outputs, whose element types are
    /// `types` (by default one output of X's type).
    static func run(
        _ op: GraphOp, _ x: Tensor, initializers: [String: Tensor] = [:], types: [ElementType]? = nil
    ) throws -> [Tensor] {
        let types = types ?? [x.elementType]
        let names = types.indices.map { "Y\($0)" }
        let graph = ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: x.elementType, shape: x.shape.map { .fixed($0) })],
            outputs: zip(names, types).map { ValueInfo(name: $0, elementType: $1, shape: nil) },
            initializers: initializers,
            nodes: [GraphNode(name: "n", op: op, inputs: ["X"] + initializers.keys.sorted(), outputs: names)])
        let result = try graph.compile().predict(["X": x])
        return try names.map { try #require(result[$0]) }
    }

    static var x23: Tensor { get throws { try Tensor(shape: [2, 3], float32: [1, -2, 3, 4, 5, -6]) } }

    static func expectClose(
        _ got: Tensor, _ shape: [Int], _ want: [Double], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(got.shape == shape, sourceLocation: sourceLocation)
        let values = got.doubleValues
        #expect(values.count == want.count, sourceLocation: sourceLocation)
        for (g, w) in zip(values, want) {
            let ok = g.isNaN ? w.isNaN : (g == w || abs(g - w) <= 1e-5 * max(1, abs(w)))
            #expect(ok, "got \(values), want \(want)", sourceLocation: sourceLocation)
            if !ok { return }
        }
    }

    // MARK: - Reduce

    @Test func everyKindOverOneAxisMatchesOnnxruntime() throws {
        // onnxruntime: axes [1] keepdims 0, and axes [0] keepdims 1.
        let expected: [(GraphOp.Reduce.Kind, [Double], [Double])] = [
            (.sum, [2, 3], [5, 3, -3]),
            (.mean, [0.6666666865348816, 1], [2.5, 1.5, -1.5]),
            (.sumSquare, [14, 77], [17, 29, 45]),
            (.prod, [-6, -120], [4, -10, -18]),
            (
                .logSumExp, [3.132845163345337, 5.313273906707764],
                [4.048587322235107, 5.000911235809326, 3.0001232624053955]
            ),
            (.max, [3, 5], [4, 5, 3]),
            (.min, [-2, -6], [1, -2, -6]),
            (.l1, [6, 15], [5, 7, 9]),
            (
                .l2, [3.7416574954986572, 8.774964332580566],
                [4.123105525970459, 5.385164737701416, 6.7082037925720215]
            ),
            (.logSum, [0.6931471824645996, 1.0986123085021973], [1.6094379425048828, 1.0986123085021973, .nan]),
        ]
        for (kind, rows, columns) in expected {
            let byRow = try Self.run(.reduce(GraphOp.Reduce(kind: kind, axes: [1], keepDims: false)), try Self.x23)[0]
            Self.expectClose(byRow, [2], rows)
            let byColumn = try Self.run(.reduce(GraphOp.Reduce(kind: kind, axes: [0])), try Self.x23)[0]
            Self.expectClose(byColumn, [1, 3], columns)
            // float64 gives the same numbers (to float precision), axis -1 keeping the dimension.
            let x64 = try Tensor(shape: [2, 3], float64: try Self.x23.doubleValues)
            let wide = try Self.run(.reduce(GraphOp.Reduce(kind: kind, axes: [-1])), x64)[0]
            #expect(wide.elementType == .float64)
            Self.expectClose(wide, [2, 1], rows)
        }
    }

    @Test func allAxesNoopAndInt64MatchOnnxruntime() throws {
        let all: [(GraphOp.Reduce.Kind, Double)] = [
            (.sum, 5), (.mean, 0.8333333134651184), (.sumSquare, 91), (.prod, 720), (.logSumExp, 5.4203267097473145),
            (.max, 5), (.min, -6), (.l1, 21), (.l2, 9.539392471313477), (.logSum, 1.6094379425048828),
        ]
        for (kind, value) in all {
            Self.expectClose(try Self.run(.reduce(GraphOp.Reduce(kind: kind)), try Self.x23)[0], [1, 1], [value])
            Self.expectClose(
                try Self.run(.reduce(GraphOp.Reduce(kind: kind, keepDims: false)), try Self.x23)[0], [], [value])
        }
        // noop_with_empty_axes: the elementwise part only (onnxruntime squares, takes |x| or log x).
        let noop: [(GraphOp.Reduce.Kind, [Double])] = [
            (.sum, [1, -2, 3, 4, 5, -6]), (.sumSquare, [1, 4, 9, 16, 25, 36]), (.l1, [1, 2, 3, 4, 5, 6]),
            (.l2, [1, 2, 3, 4, 5, 6]), (.logSumExp, [1, -2, 3, 4, 5, -6]), (.max, [1, -2, 3, 4, 5, -6]),
            (.logSum, [0, .nan, 1.0986123085021973, 1.3862943649291992, 1.6094379425048828, .nan]),
        ]
        for (kind, values) in noop {
            let out = try Self.run(.reduce(GraphOp.Reduce(kind: kind, noopWithEmptyAxes: true)), try Self.x23)[0]
            Self.expectClose(out, [2, 3], values)
        }
        // int64: mean truncates toward zero; l2, logSum and logSumExp truncate their double result.
        let ints = try Tensor(shape: [2, 3], int64: [1, -2, 3, 4, 5, -6])
        let intExpected: [(GraphOp.Reduce.Kind, [Int64])] = [
            (.sum, [2, 3]), (.mean, [0, 1]), (.sumSquare, [14, 77]), (.prod, [-6, -120]), (.logSumExp, [3, 5]),
            (.max, [3, 5]), (.min, [-2, -6]), (.l1, [6, 15]), (.l2, [3, 8]), (.logSum, [0, 1]),
        ]
        for (kind, values) in intExpected {
            let out = try Self.run(.reduce(GraphOp.Reduce(kind: kind, axes: [1], keepDims: false)), ints)[0]
            #expect(out.int64Values == values, "\(kind)")
        }
        let negative = try Tensor(shape: [2, 3], int64: [-5, 0, 0, -7, 1, 1])
        #expect(
            try Self.run(.reduce(GraphOp.Reduce(kind: .mean, axes: [1], keepDims: false)), negative)[0].int64Values
                == [-1, -1])
        // Wrapping, not trapping, on overflow.
        let huge = try Tensor(shape: [2], int64: [.max, .max])
        #expect(try Self.run(.reduce(GraphOp.Reduce(kind: .sum)), huge)[0].int64Values == [-2])
        #expect(
            try Self.run(.reduce(GraphOp.Reduce(kind: .l1)), try Tensor(shape: [1], int64: [.min]))[0].int64Values == [
                .min
            ])
        #expect(try Self.run(.reduce(GraphOp.Reduce(kind: .l2)), huge)[0].int64Values == [1])  // (2^63-1)^2 wraps to 1
    }

    @Test func multipleAxesInEveryLayoutMatchOnnxruntime() throws {
        let values = (0..<120).map { Float($0 % 7 - 3) * 0.5 }
        let x = try Tensor(shape: [2, 3, 4, 5], float32: values)
        let expected: [([Int], GraphOp.Reduce.Kind, [Int], [Double])] = [
            (
                [0, 2], .sum, [3, 5],
                [-2, 2, -1, -0.5, 0, 1, -2, 2, -1, -0.5, 0.5, 1, -2, 2, -1]
            ),
            (
                [0, 2], .max, [3, 5],
                [1, 1.5, 1.5, 1.5, 1.5, 1.5, 1, 1.5, 1.5, 1.5, 1.5, 1.5, 1, 1.5, 1.5]
            ),
            (
                [0, 2], .logSumExp, [3, 5],
                [
                    2.2519185543060303, 2.7519185543060303, 2.4430437088012695, 2.4687418937683105, 2.5097198486328125,
                    2.6712727546691895, 2.2519185543060303, 2.7519185543060303, 2.4430437088012695, 2.4687418937683105,
                    2.573817014694214, 2.6712727546691895, 2.2519185543060303, 2.7519185543060303, 2.4430437088012695,
                ]
            ),
            (
                [1, 3], .mean, [2, 4],
                [
                    -0.30000001192092896, 0.10000000149011612, 0.2666666805744171, -0.2666666805744171,
                    0.30000001192092896, 0, -0.30000001192092896, 0.10000000149011612,
                ]
            ),
            (
                [-1, -3], .logSumExp, [2, 4],
                [
                    2.940378189086914, 3.3289504051208496, 3.2909531593322754, 2.8253533840179443, 3.400088310241699,
                    3.027371406555176, 2.940378189086914, 3.3289504051208496,
                ]
            ),
            ([0, 3], .sum, [3, 4], [-2, 2, -1, -0.5, 0, 0.5, 1, -2, 2, -1, -0.5, 0]),
            (
                [0, 1, 3], .mean, [4],
                [0, 0.05000000074505806, -0.01666666753590107, -0.0833333358168602]
            ),
            (
                [0, 1, 3], .logSumExp, [4],
                [3.8895678520202637, 3.882633924484253, 3.8240976333618164, 3.801671028137207]
            ),
        ]
        for (axes, kind, shape, want) in expected {
            let out = try Self.run(.reduce(GraphOp.Reduce(kind: kind, axes: axes, keepDims: false)), x)[0]
            Self.expectClose(out, shape, want)
        }
        // Repeated axes count once (onnxruntime accepts them); keepdims keeps every reduced axis.
        let kept = try Self.run(.reduce(GraphOp.Reduce(kind: .sum, axes: [0, 2, 0, -2])), x)[0]
        #expect(kept.shape == [1, 3, 1, 5])
        #expect(kept.doubleValues == [-2, 2, -1, -0.5, 0, 1, -2, 2, -1, -0.5, 0.5, 1, -2, 2, -1])
    }

    @Test func everyLayoutMatchesANaiveReduction() throws {
        // Coalesced layouts ([outer, axis, inner] and offset tables) against a direct definition,
        // with size-1 axes that the planner drops.
        var rng = GraphTestRNG(seed: 11)
        let shape = [3, 1, 4, 2, 5]
        let values = rng.floats(120, scale: 3)
        let x = try Tensor(shape: shape, float32: values)
        let strides = [40, 40, 10, 5, 1]
        for mask in 1..<32 {
            let axes = (0..<5).filter { mask & (1 << $0) != 0 }
            let out = try Self.run(.reduce(GraphOp.Reduce(kind: .sum, axes: axes, keepDims: true)), x)[0]
            let outShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
            #expect(out.shape == outShape)
            var want = [Double](repeating: 0, count: out.count)
            for flat in 0..<120 {
                var rest = flat
                var target = 0
                for d in 0..<5 {
                    let index = rest / strides[d]
                    rest %= strides[d]
                    target = target * outShape[d] + (axes.contains(d) ? 0 : index)
                }
                want[target] += Double(values[flat])
            }
            for (g, w) in zip(out.doubleValues, want) { #expect(abs(g - w) < 1e-4, "axes \(axes)") }
        }
    }

    @Test func emptySetsNaNAndInfinitiesFollowOnnxruntime() throws {
        let empty = try Tensor(shape: [2, 0], float32: [])
        let onEmpty: [(GraphOp.Reduce.Kind, Double)] = [
            (.sum, 0), (.mean, 0), (.sumSquare, 0), (.prod, 1), (.logSumExp, -.infinity), (.max, -.infinity),
            (.min, .infinity), (.l1, 0), (.l2, 0), (.logSum, -.infinity),
        ]
        for (kind, value) in onEmpty {
            let out = try Self.run(.reduce(GraphOp.Reduce(kind: kind, axes: [1], keepDims: false)), empty)[0]
            #expect(out.doubleValues == [value, value], "\(kind)")
        }
        let emptyInts = try Tensor(shape: [2, 0], int64: [])
        #expect(
            try Self.run(.reduce(GraphOp.Reduce(kind: .max, axes: [1], keepDims: false)), emptyInts)[0].int64Values
                == [.min, .min])
        // max/min: a NaN wins only as the first element (onnxruntime), along rows, columns and all axes.
        let nan = Float.nan
        let x = try Tensor(shape: [3, 3], float32: [1, nan, 2, nan, 1, 2, 1, 2, nan])
        Self.expectClose(
            try Self.run(.reduce(GraphOp.Reduce(kind: .max, axes: [1], keepDims: false)), x)[0], [3], [2, .nan, 2])
        Self.expectClose(
            try Self.run(.reduce(GraphOp.Reduce(kind: .min, axes: [1], keepDims: false)), x)[0], [3], [1, .nan, 1])
        Self.expectClose(
            try Self.run(.reduce(GraphOp.Reduce(kind: .max, axes: [0], keepDims: false)), x)[0], [3], [1, .nan, 2])
        Self.expectClose(try Self.run(.reduce(GraphOp.Reduce(kind: .max, keepDims: false)), x)[0], [], [2])
        // log-sum-exp stays finite for large values; infinities and NaN as onnxruntime.
        let inf = Float.infinity
        let lse = try Tensor(
            shape: [6, 3],
            float32: [
                1000, 1000, -1000, inf, 1, 2, -inf, -inf, -inf, nan, 1000, 1000, inf, -inf, 0, -1000, -inf, -1000,
            ])
        Self.expectClose(
            try Self.run(.reduce(GraphOp.Reduce(kind: .logSumExp, axes: [1], keepDims: false)), lse)[0], [6],
            [1000.6931762695312, .infinity, -.infinity, .nan, .infinity, -999.3068237304688])
        // This runtime's choice: the shift is the largest finite element wherever the infinities
        // are (onnxruntime shifts by 0 when the first element is infinite, and gives -inf here).
        let leadingInfinity = try Tensor(shape: [1, 3], float32: [-inf, -1000, -1000])
        Self.expectClose(
            try Self.run(.reduce(GraphOp.Reduce(kind: .logSumExp, axes: [1], keepDims: false)), leadingInfinity)[0],
            [1], [-999.3068237304688])
    }

    @Test func longRowsTakeTheVectorAndInterleavedPathsWithTheSameResults() throws {
        // Rows of 37 (two 16-lane blocks and a tail): log-sum-exp against a double-precision
        // reference, NaN and +∞ in the vector part and in the tail, sums against a sequential sum.
        var rng = GraphTestRNG(seed: 21)
        var values = rng.floats(5 * 37, scale: 30)
        values[37 + 20] = .nan
        values[2 * 37 + 35] = .nan
        values[3 * 37 + 5] = .infinity
        values[4 * 37 + 3] = -.infinity
        let x = try Tensor(shape: [5, 37], float32: values)
        let lse = try Self.run(.reduce(GraphOp.Reduce(kind: .logSumExp, axes: [1], keepDims: false)), x)[0]
        let got = try #require(lse.float32Values)
        #expect(got[1].isNaN && got[2].isNaN && got[3] == .infinity)
        for r in [0, 4] {
            let row = values[(r * 37)..<((r + 1) * 37)].map { Double($0) }
            let m = row.filter(\.isFinite).max() ?? 0
            let want = m + log(row.reduce(0) { $0 + exp($1 - m) })
            #expect(abs(Double(got[r]) - want) <= 1e-5 * abs(want), "row \(r): \(got[r]) vs \(want)")
        }
        let doubles = try Tensor(shape: [5, 37], float64: values.map { Double($0) })
        let lse64 = try #require(
            try Self.run(.reduce(GraphOp.Reduce(kind: .logSumExp, axes: [1], keepDims: false)), doubles)[0]
                .float64Values)
        for r in [0, 4] { #expect(abs(lse64[r] - Double(got[r])) <= 1e-4 * abs(lse64[r])) }
        let intValues: [Int64] = (0..<74).map { Int64($0 * 3 - 50) }
        let ints = try Tensor(shape: [2, 37], int64: intValues)
        let sums = try Self.run(.reduce(GraphOp.Reduce(kind: .sum, axes: [-1], keepDims: false)), ints)[0]
        let firstSum: Int64 = intValues[0..<37].reduce(0, +)
        let secondSum: Int64 = intValues[37..<74].reduce(0, +)
        #expect(sums.int64Values == [firstSum, secondSum])
        let squares = try Self.run(.reduce(GraphOp.Reduce(kind: .sumSquare, axes: [1], keepDims: false)), doubles)[0]
        let row0: [Double] = values[0..<37].map { Double($0) }
        let wantSquares: Double = row0.reduce(0) { $0 + $1 * $1 }
        let gotSquares: Double = squares.float64Values?[0] ?? 0
        #expect(abs(gotSquares - wantSquares) < 1e-9 * wantSquares)
    }

    @Test func malformedReductionsAreRefused() throws {
        for axes in [[2], [-3], [Int.max], [Int.min]] {
            #expect(throws: MLOpsError.self) {
                _ = try Self.run(.reduce(GraphOp.Reduce(kind: .sum, axes: axes)), try Self.x23)
            }
        }
        do {
            _ = try Self.run(.reduce(GraphOp.Reduce(kind: .mean, axes: [5])), try Self.x23)
            Issue.record("axis 5 of a rank-2 input was accepted")
        } catch let error as MLOpsError {
            #expect(error.message.contains("axes [5]"))
            #expect(error.message.contains("(reduce)"))
        }
        let strings = try Tensor(shape: [2], strings: ["a", "b"])
        #expect(throws: MLOpsError.self) { _ = try Self.run(.reduce(GraphOp.Reduce(kind: .max)), strings) }
    }

    // MARK: - ArgMin / ArgMax

    @Test func argMinAndArgMaxTiesAndNaNMatchOnnxruntime() throws {
        let nan = Float.nan
        let x = try Tensor(shape: [5, 3], float32: [1, nan, 9, 1, 2, nan, nan, 2, 3, nan, nan, 1, 3, 3, nan])
        let cases: [(Bool, Bool, Int, [Int64])] = [
            // (argMin, selectLast, axis, onnxruntime)
            (false, false, 1, [2, 1, 0, 0, 0]), (false, true, 1, [2, 1, 0, 0, 1]),
            (true, false, 1, [0, 0, 0, 0, 0]), (true, true, 1, [0, 0, 0, 0, 1]),
            (false, false, 0, [4, 0, 0]), (true, false, 0, [0, 0, 3]), (true, true, 0, [1, 0, 3]),
        ]
        for (minimum, last, axis, want) in cases {
            let a = GraphOp.ArgMax(axis: axis, keepDims: false, selectLastIndex: last)
            let out = try Self.run(minimum ? .argMin(a) : .argMax(a), x, types: [.int64])[0]
            #expect(out.int64Values == want, "min \(minimum) last \(last) axis \(axis)")
        }
        let x64 = try Tensor(shape: [2, 3], float64: [3, 1, 1, 2, 2, 5])
        let last = try Self.run(.argMin(GraphOp.ArgMax(axis: -1, selectLastIndex: true)), x64, types: [.int64])[0]
        #expect(last.int64Values == [2, 1])
        #expect(last.shape == [2, 1])
        let ints = try Tensor(shape: [2, 3], int64: [3, 1, 1, 2, 2, 5])
        #expect(try Self.run(.argMin(GraphOp.ArgMax(axis: -1)), ints, types: [.int64])[0].int64Values == [1, 0])
        #expect(throws: MLOpsError.self) { _ = try Self.run(.argMin(GraphOp.ArgMax(axis: 2)), ints) }
        #expect(throws: MLOpsError.self) {
            _ = try Self.run(.argMin(GraphOp.ArgMax(axis: 1)), try Tensor(shape: [2, 0], int64: []))
        }
    }

    // MARK: - TopK

    @Test func topKTiesOrderAndAxesMatchOnnxruntime() throws {
        let x = try Tensor(shape: [3, 5], float32: [3, 1, 3, 2, 1, 7, 1, 6, 5, -.infinity, 0, 0, 0, 0, 0])
        let largest = try Self.run(.topK(GraphOp.TopK(k: 3, axis: 1)), x, types: [x.elementType, .int64])
        #expect(largest[0].float32Values == [3, 3, 2, 7, 6, 5, 0, 0, 0])
        #expect(largest[1].int64Values == [0, 2, 3, 0, 2, 3, 0, 1, 2])
        #expect(largest[1].shape == [3, 3])
        let smallest = try Self.run(
            .topK(GraphOp.TopK(k: 3, axis: -1, largest: false)), x, types: [x.elementType, .int64])
        #expect(smallest[0].float32Values == [1, 1, 2, -.infinity, 1, 5, 0, 0, 0])
        #expect(smallest[1].int64Values == [1, 4, 3, 4, 1, 3, 0, 1, 2])
        // sorted = false: this runtime still returns the sorted order (ONNX leaves it unspecified).
        let unsorted = try Self.run(
            .topK(GraphOp.TopK(k: 3, axis: 1, sorted: false)), x, types: [x.elementType, .int64])
        #expect(unsorted[1].int64Values == largest[1].int64Values)
        let columns = try Self.run(.topK(GraphOp.TopK(k: 2, axis: 0)), x, types: [x.elementType, .int64])
        #expect(columns[0].float32Values == [7, 1, 6, 5, 1, 3, 1, 3, 2, 0])
        #expect(columns[1].int64Values == [1, 0, 1, 1, 0, 0, 1, 0, 0, 2])
        let none = try Self.run(.topK(GraphOp.TopK(k: 0, axis: 1)), x, types: [x.elementType, .int64])
        #expect(none[0].shape == [3, 0])
        #expect(none[1].count == 0)
        let ints = try Tensor(shape: [1, 5], int64: [3, 1, 3, 2, 1])
        let intSmallest = try Self.run(
            .topK(GraphOp.TopK(k: 4, axis: 1, largest: false)), ints, types: [ints.elementType, .int64])
        #expect(intSmallest[0].int64Values == [1, 1, 2, 3])
        #expect(intSmallest[1].int64Values == [1, 4, 3, 0])
        let descending = try Tensor(shape: [1, 20], float64: (1...20).reversed().map { Double($0) })
        let top5 = try Self.run(
            .topK(GraphOp.TopK(k: 5, axis: 1)), descending, types: [descending.elementType, .int64])
        #expect(top5[0].float64Values == [20, 19, 18, 17, 16])
        #expect(top5[1].int64Values == [0, 1, 2, 3, 4])
    }

    @Test func topKMatchesASortOnLongSlicesAndRanksNaNFirst() throws {
        var rng = GraphTestRNG(seed: 3)
        // Values from a small set, so there are many ties; k from 1 to the whole axis.
        let values = (0..<(4 * 50)).map { _ in Float(Int(rng.next() % 9)) }
        let x = try Tensor(shape: [4, 50], float32: values)
        for k in [1, 2, 7, 25, 49, 50] {
            for largest in [true, false] {
                let out = try Self.run(
                    .topK(GraphOp.TopK(k: k, axis: 1, largest: largest)), x, types: [x.elementType, .int64])
                for r in 0..<4 {
                    let row = Array(values[(r * 50)..<((r + 1) * 50)])
                    let order = row.indices.sorted {
                        row[$0] != row[$1] ? (largest ? row[$0] > row[$1] : row[$0] < row[$1]) : $0 < $1
                    }
                    #expect(
                        out[1].int64Values.map { Array($0[(r * k)..<((r + 1) * k)]) }
                            == order.prefix(k).map { Int64($0) })
                }
            }
        }
        // NaN ranks above every number (onnxruntime's NaN order is unspecified).
        let nan = Float.nan
        let withNaN = try Tensor(shape: [1, 5], float32: [nan, 1, nan, 5, -.infinity])
        let top = try Self.run(.topK(GraphOp.TopK(k: 3, axis: 1)), withNaN, types: [withNaN.elementType, .int64])
        #expect(top[1].int64Values == [0, 2, 3])
        let bottom = try Self.run(
            .topK(GraphOp.TopK(k: 5, axis: 1, largest: false)), withNaN, types: [withNaN.elementType, .int64])
        #expect(bottom[1].int64Values == [4, 1, 3, 0, 2])
    }

    @Test func hostileTopKIsRefused() throws {
        for k in [6, -1, Int.max, Int.min] {
            #expect(throws: MLOpsError.self) {
                _ = try Self.run(.topK(GraphOp.TopK(k: k, axis: 1)), try Self.x23, types: [.float32, .int64])
            }
        }
        do {
            _ = try Self.run(.topK(GraphOp.TopK(k: 4, axis: 1)), try Self.x23, types: [.float32, .int64])
            Issue.record("k = 4 over an axis of 3 was accepted")
        } catch let error as MLOpsError {
            #expect(error.message.contains("k = 4"))
        }
        #expect(throws: MLOpsError.self) {
            _ = try Self.run(.topK(GraphOp.TopK(k: 1, axis: 2)), try Self.x23, types: [.float32, .int64])
        }
    }

    // MARK: - Gather

    @Test func gatherSlicesMatchOnnxruntime() throws {
        let data = try Tensor(shape: [3, 4], float32: (0..<12).map { Float($0) })
        let rows = try Self.run(
            .gather(GraphOp.Gather(axis: 0)), data,
            initializers: ["I": try Tensor(shape: [2, 2], int64: [2, -1, 0, 1])])[0]
        #expect(rows.shape == [2, 2, 4])
        #expect(rows.float32Values == [8, 9, 10, 11, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7])
        let scalar = try Self.run(
            .gather(GraphOp.Gather(axis: 1)), data, initializers: ["I": try Tensor(shape: [], int64: [-4])])[0]
        #expect(scalar.shape == [3])
        #expect(scalar.float32Values == [0, 4, 8])
        let columns = try Self.run(
            .gather(GraphOp.Gather(axis: -1)), data, initializers: ["I": try Tensor(shape: [2], int64: [3, 0])])[0]
        #expect(columns.float32Values == [3, 0, 7, 4, 11, 8])
        let strings = try Self.run(
            .gather(GraphOp.Gather()), try Tensor(shape: [3], strings: ["a", "b", "c"]),
            initializers: ["I": try Tensor(shape: [3], int64: [2, 2, 0])])[0]
        #expect(strings.stringValues == ["c", "c", "a"])
        let bools = try Self.run(
            .gather(GraphOp.Gather()), try Tensor(shape: [2], bool: [true, false]),
            initializers: ["I": try Tensor(shape: [2], int64: [1, 0])])[0]
        #expect(bools.boolValues == [false, true])
        let none = try Self.run(
            .gather(GraphOp.Gather(axis: 1)), data, initializers: ["I": try Tensor(shape: [0], int64: [])])[0]
        #expect(none.shape == [3, 0])
    }

    @Test func gatherElementsMatchesOnnxruntime() throws {
        let data = try Tensor(shape: [3, 4], float32: (0..<12).map { Float($0) })
        let alongColumns = try Self.run(
            .gather(GraphOp.Gather(mode: .elements, axis: 1)), data,
            initializers: ["I": try Tensor(shape: [3, 2], int64: [3, -1, 0, 0, 1, 2])])[0]
        #expect(alongColumns.shape == [3, 2])
        #expect(alongColumns.float32Values == [3, 3, 4, 4, 9, 10])
        let alongRows = try Self.run(
            .gather(GraphOp.Gather(mode: .elements, axis: 0)), data,
            initializers: ["I": try Tensor(shape: [1, 4], int64: [2, 1, 0, -1])])[0]
        #expect(alongRows.float32Values == [8, 5, 2, 11])
        let wide = try Self.run(
            .gather(GraphOp.Gather(mode: .elements, axis: 1)), data,
            initializers: ["I": try Tensor(shape: [3, 6], int64: [Int64](repeating: 0, count: 18))])[0]
        #expect(wide.float32Values == [0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8])
        let strings = try Self.run(
            .gather(GraphOp.Gather(mode: .elements, axis: 1)),
            try Tensor(shape: [2, 2], strings: ["a", "b", "c", "d"]),
            initializers: ["I": try Tensor(shape: [2, 2], int64: [1, 1, 0, 1])])[0]
        #expect(strings.stringValues == ["b", "b", "c", "d"])
        let doubles = try Self.run(
            .gather(GraphOp.Gather(mode: .elements, axis: 1)),
            try Tensor(shape: [2, 2], float64: [0.5, 1.5, 2.5, 3.5]),
            initializers: ["I": try Tensor(shape: [2, 1], int64: [1, 0])])[0]
        #expect(doubles.float64Values == [1.5, 2.5])
    }

    @Test func hostileGatherIndicesAreRefused() throws {
        let data = try Tensor(shape: [3, 4], float32: (0..<12).map { Float($0) })
        for index in [Int64(4), -5, .max, .min] {
            for mode in GraphOp.Gather.Mode.allCases {
                let shape = mode == .slices ? [1] : [3, 1]
                let values = [Int64](repeating: index, count: shape.reduce(1, *))
                do {
                    _ = try Self.run(
                        .gather(GraphOp.Gather(mode: mode, axis: 1)), data,
                        initializers: ["I": try Tensor(shape: shape, int64: values)])
                    Issue.record("index \(index) was accepted (\(mode))")
                } catch let error as MLOpsError {
                    #expect(error.code == .invalidArgument)
                    #expect(error.message.contains("index \(index)"))
                }
            }
        }
        // Shape errors: axis out of range, indices of the wrong rank or larger than the data, float indices.
        let bad: [(GraphOp.Gather, Tensor)] = [
            (GraphOp.Gather(axis: 2), try Tensor(shape: [1], int64: [0])),
            (GraphOp.Gather(mode: .elements, axis: 1), try Tensor(shape: [3], int64: [0, 0, 0])),
            (GraphOp.Gather(mode: .elements, axis: 1), try Tensor(shape: [4, 1], int64: [0, 0, 0, 0])),
            (GraphOp.Gather(axis: 0), try Tensor(shape: [1], float32: [0])),
        ]
        for (op, indices) in bad {
            #expect(throws: MLOpsError.self) { _ = try Self.run(.gather(op), data, initializers: ["I": indices]) }
        }
    }

    // MARK: - CumSum

    @Test func cumSumMatchesOnnxruntime() throws {
        let x = try Tensor(shape: [2, 3], float32: [1, 2, 3, 4, 5, 6])
        let cases: [(Bool, Bool, [Float])] = [
            (false, false, [1, 3, 6, 4, 9, 15]), (false, true, [6, 5, 3, 15, 11, 6]),
            (true, false, [0, 1, 3, 0, 4, 9]), (true, true, [5, 3, 0, 11, 6, 0]),
        ]
        for (exclusive, reverse, want) in cases {
            let out = try Self.run(.cumSum(GraphOp.CumSum(axis: 1, exclusive: exclusive, reverse: reverse)), x)[0]
            #expect(out.float32Values == want, "exclusive \(exclusive) reverse \(reverse)")
        }
        #expect(try Self.run(.cumSum(GraphOp.CumSum(axis: 0)), x)[0].float32Values == [1, 2, 3, 5, 7, 9])
        let ints = try Tensor(shape: [2, 3], int64: [1, 2, 3, 4, 5, 6])
        #expect(
            try Self.run(.cumSum(GraphOp.CumSum(axis: -2, reverse: true)), ints)[0].int64Values == [5, 7, 9, 4, 5, 6])
        let x64 = try Tensor(shape: [3], float64: [0.5, 0.25, 1])
        #expect(
            try Self.run(.cumSum(GraphOp.CumSum(axis: 0, exclusive: true)), x64)[0].float64Values == [0, 0.5, 0.75])
        #expect(throws: MLOpsError.self) { _ = try Self.run(.cumSum(GraphOp.CumSum(axis: 2)), x) }
        #expect(
            try Self.run(.cumSum(GraphOp.CumSum(axis: 0)), try Tensor(shape: [2], int64: [.max, 1]))[0].int64Values == [
                .max, .min,
            ])
    }

    // MARK: - Plans and packages

    /// A batch graph using every new op along non-batch axes: it runs in row chunks, and the
    /// chunked plan gives exactly what the whole-batch plan gives.
    static func batchGraph() throws -> ModelGraph {
        ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(6)])],
            outputs: [
                S.f32("lse", [.batch]), S.f32("sq", [.batch, .fixed(1)]),
                ValueInfo(name: "amin", elementType: .int64, shape: [.batch]),
                S.f32("top", [.batch, .fixed(3)]),
                ValueInfo(name: "topIdx", elementType: .int64, shape: [.batch, .fixed(3)]),
                S.f32("picked", [.batch, .fixed(2)]), S.f32("median", [.batch, .fixed(1)]),
                S.f32("cum", [.batch, .fixed(6)]),
                S.f32("looked", [.batch, .fixed(2)]),
            ],
            initializers: [
                "cols": try Tensor(shape: [2], int64: [5, -6]),
                "table": try Tensor(shape: [6, 2], float32: (0..<12).map { Float($0) * 0.5 }),
            ],
            nodes: [
                GraphNode(
                    name: "lse", op: .reduce(GraphOp.Reduce(kind: .logSumExp, axes: [1], keepDims: false)),
                    inputs: ["X"], outputs: ["lse"]),
                GraphNode(
                    name: "sq", op: .reduce(GraphOp.Reduce(kind: .sumSquare, axes: [-1])), inputs: ["X"],
                    outputs: ["sq"]),
                GraphNode(
                    name: "amin", op: .argMin(GraphOp.ArgMax(axis: 1, keepDims: false)), inputs: ["X"],
                    outputs: ["amin"]),
                GraphNode(
                    name: "top", op: .topK(GraphOp.TopK(k: 3, axis: 1)), inputs: ["X"], outputs: ["top", "topIdx"]),
                GraphNode(
                    name: "pick", op: .gather(GraphOp.Gather(axis: 1)), inputs: ["X", "cols"], outputs: ["picked"]),
                GraphNode(
                    name: "amin2", op: .argMin(GraphOp.ArgMax(axis: 1, keepDims: true)), inputs: ["X"],
                    outputs: ["amin2"]),
                GraphNode(
                    name: "mid", op: .gather(GraphOp.Gather(mode: .elements, axis: 1)), inputs: ["X", "amin2"],
                    outputs: ["median"]),
                GraphNode(
                    name: "cum", op: .cumSum(GraphOp.CumSum(axis: 1, reverse: true)), inputs: ["X"], outputs: ["cum"]),
                GraphNode(
                    name: "lookup", op: .gather(GraphOp.Gather(axis: 0)), inputs: ["table", "amin"], outputs: ["looked"]
                ),
            ])
    }

    @Test func chunkedPlansMatchTheWholeBatch() throws {
        let graph = try Self.batchGraph()
        let pool = WorkerPool(threadCount: 2)
        let whole = try graph.compile(options: CompileOptions(pool: pool, rowChunkSize: 0))
        let chunked = try graph.compile(options: CompileOptions(pool: pool, rowChunkSize: 16))
        #expect(chunked.rowChunkRows != nil)
        var rng = GraphTestRNG(seed: 9)
        let rows = 101
        let x = try Tensor(shape: [rows, 6], float32: rng.floats(rows * 6, scale: 4))
        let a = try whole.predict(["X": x])
        let b = try chunked.predict(["X": x])
        #expect(a == b)
        // Spot-check a row against the definitions.
        let row = Array(x.float32Values?[6..<12] ?? [])
        let amin = try #require(a["amin"]?.int64Values)[1]
        #expect(row[Int(amin)] == row.min())
        #expect(try #require(a["median"]?.float32Values)[1] == row.min())
        #expect(try #require(a["cum"]?.float32Values)[6] == row.reduce(0, +))
        #expect(try #require(a["looked"]?.float32Values)[2] == Float(amin) * 1.0)
    }

    @Test func packagesRoundTripTheNewOps() throws {
        let graph = try Self.batchGraph()
        let extra = ModelGraph(
            inputs: graph.inputs, outputs: graph.outputs + [S.f32("nothing", [.batch, .fixed(6)])],
            initializers: graph.initializers,
            nodes: graph.nodes + [
                GraphNode(
                    name: "noop",
                    op: .reduce(GraphOp.Reduce(kind: .l2, axes: [], keepDims: false, noopWithEmptyAxes: true)),
                    inputs: ["X"], outputs: ["nothing"])
            ])
        let bytes = try ModelPackage(graph: extra).encoded()
        let loaded = try ModelPackage(bytes: bytes)
        #expect(try loaded.encoded() == bytes)
        for (a, b) in zip(extra.nodes, loaded.graph.nodes) {
            #expect(a.op.kindName == b.op.kindName)
            #expect(String(describing: a.op) == String(describing: b.op))
        }
        var rng = GraphTestRNG(seed: 1)
        let x = try Tensor(shape: [5, 6], float32: rng.floats(30))
        #expect(try extra.compile().predict(["X": x]) == loaded.graph.compile().predict(["X": x]))
    }
}
