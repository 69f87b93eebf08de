#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import InferenceCore
import MLOpsCore
import Testing

private typealias S = GraphTestsSupport

/// Hand-built graphs checked against naive computations.
struct GraphOpsTests {
    /// An MLP in the shape torch/skl2onnx export: MatMul+Add+Relu, Gemm(transB), Softmax.
    static func mlp(inputs: Int, hidden: Int, classes: Int, seed: UInt64) throws -> (
        ModelGraph, [Float], [Float], [Float], [Float]
    ) {
        var rng = GraphTestRNG(seed: seed)
        let w1 = rng.floats(inputs * hidden, scale: 0.5)
        let b1 = rng.floats(hidden, scale: 0.1)
        let w2 = rng.floats(classes * hidden, scale: 0.5)  // [out, in] for transB
        let b2 = rng.floats(classes, scale: 0.1)
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(inputs)])],
            outputs: [S.f32("P", [.batch, .fixed(classes)])],
            initializers: [
                "W1": try S.tensor([inputs, hidden], w1), "B1": try S.tensor([hidden], b1),
                "W2": try S.tensor([classes, hidden], w2), "B2": try S.tensor([classes], b2),
            ],
            nodes: [
                GraphNode(name: "mm", op: .matMul, inputs: ["X", "W1"], outputs: ["h0"]),
                GraphNode(name: "bias", op: .add, inputs: ["h0", "B1"], outputs: ["h1"]),
                GraphNode(name: "act", op: .relu, inputs: ["h1"], outputs: ["h2"]),
                GraphNode(
                    name: "out", op: .gemm(GraphOp.Gemm(transB: true)), inputs: ["h2", "W2", "B2"], outputs: ["z"]),
                GraphNode(name: "sm", op: .softmax(axis: -1), inputs: ["z"], outputs: ["P"]),
            ])
        return (graph, w1, b1, w2, b2)
    }

    static func naiveMLP(
        _ x: [Float], rows: Int, inputs: Int, hidden: Int, classes: Int,
        _ w1: [Float], _ b1: [Float], _ w2: [Float], _ b2: [Float]
    ) -> [Float] {
        var h = S.matmul(x, w1, m: rows, k: inputs, n: hidden)
        for r in 0..<rows { for j in 0..<hidden { h[r * hidden + j] = max(0, h[r * hidden + j] + b1[j]) } }
        var z = S.matmul(h, S.transpose(w2, rows: classes, cols: hidden), m: rows, k: hidden, n: classes)
        for r in 0..<rows { for j in 0..<classes { z[r * classes + j] += b2[j] } }
        return S.softmaxRows(z, width: classes)
    }

    @Test(arguments: [1, 3, 17])
    func mlpMatchesNaive(rows: Int) throws {
        let (graph, w1, b1, w2, b2) = try Self.mlp(inputs: 20, hidden: 70, classes: 5, seed: 7)
        var rng = GraphTestRNG(seed: 99)
        let x = rng.floats(rows * 20)
        let want = Self.naiveMLP(x, rows: rows, inputs: 20, hidden: 70, classes: 5, w1, b1, w2, b2)
        for fuse in [true, false] {
            let out = try S.run(graph, ["X": try S.tensor([rows, 20], x)], fuse: fuse)
            let p = try #require(out["P"])
            #expect(p.shape == [rows, 5])
            S.expectClose(try #require(p.float32Values), want, tolerance: 1e-5)
        }
    }

    @Test(arguments: [false, true], [false, true])
    func gemmHonoursAlphaBetaAndTransposes(transA: Bool, transB: Bool) throws {
        let (m, k, n) = (3, 4, 5)
        var rng = GraphTestRNG(seed: 3)
        let a = rng.floats(m * k)
        let b = rng.floats(k * n)
        let storedA = transA ? S.transpose(a, rows: m, cols: k) : a
        let storedB = transB ? S.transpose(b, rows: k, cols: n) : b
        let product = S.matmul(a, b, m: m, k: k, n: n)
        let cShapes: [[Int]] = [[], [1], [n], [1, n], [m, 1], [m, n]]
        for cShape in cShapes {
            let cCount = cShape.reduce(1, *)
            let c = rng.floats(cCount)
            let g = GraphOp.Gemm(alpha: 1.5, beta: 2.0, transA: transA, transB: transB)
            for constantB in [true, false] {
                var inputs = [S.f32("A", transA ? [.fixed(k), .fixed(m)] : [.fixed(m), .fixed(k)])]
                var initializers = ["C": try S.tensor(cShape, c)]
                if constantB {
                    initializers["B"] = try S.tensor(transB ? [n, k] : [k, n], storedB)
                } else {
                    inputs.append(S.f32("B", transB ? [.fixed(n), .fixed(k)] : [.fixed(k), .fixed(n)]))
                }
                let graph = ModelGraph(
                    inputs: inputs, outputs: [S.f32("Y", [.fixed(m), .fixed(n)])], initializers: initializers,
                    nodes: [GraphNode(name: "g", op: .gemm(g), inputs: ["A", "B", "C"], outputs: ["Y"])])
                var feed = ["A": try S.tensor(transA ? [k, m] : [m, k], storedA)]
                if !constantB { feed["B"] = try S.tensor(transB ? [n, k] : [k, n], storedB) }
                let y = try #require(try S.run(graph, feed)["Y"]?.float32Values)
                var want = [Float](repeating: 0, count: m * n)
                for i in 0..<m {
                    for j in 0..<n {
                        let ci =
                            (cShape.count == 2 ? (cShape[0] == 1 ? 0 : i) * cShape[1] : 0)
                            + ((cShape.last ?? 1) == 1 ? 0 : j)
                        want[i * n + j] = 1.5 * product[i * n + j] + 2.0 * c[ci]
                    }
                }
                S.expectClose(y, want)
            }
        }
    }

    @Test func gemmWithoutCAndFusedActivations() throws {
        var rng = GraphTestRNG(seed: 11)
        let w = rng.floats(6 * 4)
        let x = rng.floats(2 * 6)
        for (op, f) in [
            (GraphOp.sigmoid, { (v: Float) in 1 / (1 + exp(-v)) }), (.tanh, { tanh($0) }), (.relu, { max(0, $0) }),
        ] {
            let graph = ModelGraph(
                inputs: [S.f32("X", [.batch, .fixed(6)])], outputs: [S.f32("Y", [.batch, .fixed(4)])],
                initializers: ["W": try S.tensor([6, 4], w)],
                nodes: [
                    GraphNode(name: "g", op: .gemm(GraphOp.Gemm()), inputs: ["X", "W"], outputs: ["z"]),
                    GraphNode(name: "a", op: op, inputs: ["z"], outputs: ["Y"]),
                ])
            let y = try #require(try S.run(graph, ["X": try S.tensor([2, 6], x)])["Y"]?.float32Values)
            S.expectClose(y, S.matmul(x, w, m: 2, k: 6, n: 4).map(f))
        }
    }

    @Test func matMulPromotesRanksAndRunsFloat64() throws {
        // [2,3,4] x [4,2] (rank-3 A stays a matMul), [4] x [4,2], and float64.
        var rng = GraphTestRNG(seed: 5)
        let a = rng.floats(24)
        let b = rng.floats(8)
        let g3 = S.single(
            .matMul, inputs: [S.f32("A", [.fixed(2), .fixed(3), .fixed(4)]), S.f32("B", [.fixed(4), .fixed(2)])],
            outputs: [S.f32("Y", [.fixed(2), .fixed(3), .fixed(2)])])
        let y3 = try #require(try S.run(g3, ["A": try S.tensor([2, 3, 4], a), "B": try S.tensor([4, 2], b)])["Y"])
        #expect(y3.shape == [2, 3, 2])
        S.expectClose(try #require(y3.float32Values), S.matmul(a, b, m: 6, k: 4, n: 2))

        let g1 = S.single(
            .matMul, inputs: [S.f32("A", [.fixed(4)])], initializers: ["B": try S.tensor([4, 2], b)],
            outputs: [S.f32("Y", [.fixed(2)])])
        let y1 = try #require(try S.run(g1, ["A": try S.tensor([4], Array(a[0..<4]))])["Y"])
        #expect(y1.shape == [2])
        S.expectClose(try #require(y1.float32Values), S.matmul(Array(a[0..<4]), b, m: 1, k: 4, n: 2))

        let gd = ModelGraph(
            inputs: [ValueInfo(name: "A", elementType: .float64, shape: [.batch, .fixed(4)])],
            outputs: [ValueInfo(name: "Y", elementType: .float64, shape: [.batch, .fixed(2)])],
            initializers: ["B": try Tensor(shape: [4, 2], float64: b.map(Double.init))],
            nodes: [GraphNode(name: "mm", op: .matMul, inputs: ["A", "B"], outputs: ["Y"])])
        let yd = try #require(
            try S.run(gd, ["A": try Tensor(shape: [6, 4], float64: a.map(Double.init))])["Y"]?.float64Values)
        S.expectClose(yd.map(Float.init), S.matmul(a, b, m: 6, k: 4, n: 2))
    }

    /// numpy broadcasting, computed naively with explicit index arithmetic.
    static func naiveBroadcast(_ a: [Float], _ sa: [Int], _ b: [Float], _ sb: [Int], _ f: (Float, Float) -> Float) -> (
        [Float], [Int]
    ) {
        let rank = max(sa.count, sb.count)
        let pa = Array(repeating: 1, count: rank - sa.count) + sa
        let pb = Array(repeating: 1, count: rank - sb.count) + sb
        let out = zip(pa, pb).map { max($0, $1) }
        let count = out.reduce(1, *)
        var y = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var rem = i
            var ia = 0
            var ib = 0
            var mulA = 1
            var mulB = 1
            for d in stride(from: rank - 1, through: 0, by: -1) {
                let idx = rem % out[d]
                rem /= out[d]
                ia += (pa[d] == 1 ? 0 : idx) * mulA
                ib += (pb[d] == 1 ? 0 : idx) * mulB
                mulA *= pa[d]
                mulB *= pb[d]
            }
            y[i] = f(a[ia], b[ib])
        }
        return (y, out)
    }

    @Test(
        arguments: [
            ([2, 3], [3]), ([2, 3], [2, 3]), ([2, 1], [1, 3]), ([4, 1, 3], [2, 1]), ([], [2, 2]), ([3], []),
            ([2, 3, 4], [3, 1]), ([1, 5], [4, 1]), ([2, 1, 4, 1], [3, 1, 5]), ([6, 7], [1, 7]),
        ] as [([Int], [Int])])
    func broadcastingMatchesNumpyRules(shapes: ([Int], [Int])) throws {
        let (sa, sb) = shapes
        var rng = GraphTestRNG(seed: 21)
        let a = rng.floats(sa.reduce(1, *))
        let b = rng.floats(sb.reduce(1, *)).map { $0 + 2 }  // keep divisors away from 0
        let ops: [(GraphOp, (Float, Float) -> Float)] = [(.add, (+)), (.sub, (-)), (.mul, (*)), (.div, (/))]
        for (op, f) in ops {
            let (want, outShape) = Self.naiveBroadcast(a, sa, b, sb, f)
            let graph = S.single(
                op, inputs: [S.f32("A", sa.map { .fixed($0) }), S.f32("B", sb.map { .fixed($0) })],
                outputs: [S.f32("Y", outShape.map { .fixed($0) })])
            let y = try #require(try S.run(graph, ["A": try S.tensor(sa, a), "B": try S.tensor(sb, b)])["Y"])
            #expect(y.shape == outShape)
            S.expectClose(try #require(y.float32Values), want, tolerance: 1e-6)
        }
    }

    @Test func integerArithmeticAndDivisionByZero() throws {
        let i64 = { (name: String, shape: [Int]) in
            ValueInfo(name: name, elementType: .int64, shape: shape.map { .fixed($0) })
        }
        let graph = S.single(.div, inputs: [i64("A", [2, 2]), i64("B", [2])], outputs: [i64("Y", [2, 2])])
        let model = try graph.compile()
        let y = try model.predict([
            "A": try Tensor(shape: [2, 2], int64: [7, -7, 9, Int64.min]),
            "B": try Tensor(shape: [2], int64: [2, -1]),
        ])
        #expect(y["Y"]?.int64Values == [3, 7, 4, Int64.min])
        #expect(throws: S.invalid) {
            _ = try model.predict([
                "A": try Tensor(shape: [2, 2], int64: [1, 2, 3, 4]), "B": try Tensor(shape: [2], int64: [1, 0]),
            ])
        }
    }

    @Test func softmaxAndLogSoftmaxAlongAnyAxis() throws {
        var rng = GraphTestRNG(seed: 8)
        let x = rng.floats(2 * 3 * 4, scale: 3)
        for axis in [0, 1, 2, -1] {
            let a = (axis + 3) % 3
            let shape = [2, 3, 4]
            var want = [Float](repeating: 0, count: 24)
            var wantLog = want
            let outer = shape[..<a].reduce(1, *)
            let len = shape[a]
            let inner = shape[(a + 1)...].reduce(1, *)
            for o in 0..<outer {
                for i in 0..<inner {
                    let idx = (0..<len).map { o * len * inner + $0 * inner + i }
                    let mx = idx.map { x[$0] }.max() ?? 0
                    let s = idx.map { exp(Double(x[$0] - mx)) }.reduce(0, +)
                    for j in idx {
                        want[j] = Float(exp(Double(x[j] - mx)) / s)
                        wantLog[j] = Float(Double(x[j] - mx) - log(s))
                    }
                }
            }
            for (op, expected) in [(GraphOp.softmax(axis: axis), want), (.logSoftmax(axis: axis), wantLog)] {
                let graph = S.single(
                    op, inputs: [S.f32("X", shape.map { .fixed($0) })], outputs: [S.f32("Y", shape.map { .fixed($0) })])
                S.expectClose(
                    try #require(try S.run(graph, ["X": try S.tensor(shape, x)])["Y"]?.float32Values), expected,
                    tolerance: 1e-5)
            }
        }
    }

    @Test func concatReshapeFlattenTranspose() throws {
        let x = (0..<6).map(Float.init)
        let y = (10..<14).map(Float.init)
        let concat = S.single(
            .concat(axis: 1), inputs: [S.f32("A", [.fixed(2), .fixed(3)]), S.f32("B", [.fixed(2), .fixed(2)])],
            outputs: [S.f32("Y", [.fixed(2), .fixed(5)])])
        let c = try S.run(concat, ["A": try S.tensor([2, 3], x), "B": try S.tensor([2, 2], y)])
        #expect(c["Y"]?.float32Values == [0, 1, 2, 10, 11, 3, 4, 5, 12, 13])

        let concat0 = S.single(
            .concat(axis: 0), inputs: [S.f32("A", [.batch, .fixed(2)]), S.f32("B", [.batch, .fixed(2)])],
            outputs: [S.f32("Y", [.unknown, .fixed(2)])])
        let c0 = try S.run(concat0, ["A": try S.tensor([1, 2], [1, 2]), "B": try S.tensor([1, 2], [3, 4])])
        #expect(c0["Y"]?.shape == [2, 2])

        let reshape = S.single(
            .reshape(shape: [0, -1, 2]), inputs: [S.f32("X", [.batch, .fixed(6)])],
            outputs: [S.f32("Y", [.batch, .fixed(3), .fixed(2)])])
        let r = try S.run(reshape, ["X": try S.tensor([2, 6], x + x)])
        #expect(r["Y"]?.shape == [2, 3, 2])
        #expect(r["Y"]?.float32Values == x + x)

        let flatten = S.single(
            .flatten(axis: 1), inputs: [S.f32("X", [.fixed(1), .fixed(2), .fixed(3)])],
            outputs: [S.f32("Y", [.fixed(1), .fixed(6)])])
        #expect(try S.run(flatten, ["X": try S.tensor([1, 2, 3], x)])["Y"]?.shape == [1, 6])
        let flatten0 = S.single(
            .flatten(axis: 0), inputs: [S.f32("X", [.fixed(2), .fixed(3)])], outputs: [S.f32("Y", nil)])
        #expect(try S.run(flatten0, ["X": try S.tensor([2, 3], x)])["Y"]?.shape == [1, 6])

        let transpose = S.single(
            .transpose(perm: [1, 0]), inputs: [S.f32("X", [.fixed(2), .fixed(3)])],
            outputs: [S.f32("Y", [.fixed(3), .fixed(2)])])
        #expect(try S.run(transpose, ["X": try S.tensor([2, 3], x)])["Y"]?.float32Values == [0, 3, 1, 4, 2, 5])
        let x24 = (0..<24).map(Float.init)
        let t3 = S.single(
            .transpose(perm: [2, 0, 1]), inputs: [S.f32("X", [.fixed(2), .fixed(3), .fixed(4)])],
            outputs: [S.f32("Y", [.fixed(4), .fixed(2), .fixed(3)])])
        let t = try #require(try S.run(t3, ["X": try S.tensor([2, 3, 4], x24)])["Y"]?.float32Values)
        for i in 0..<4 {
            for j in 0..<2 { for k in 0..<3 { #expect(t[i * 6 + j * 3 + k] == x24[j * 12 + k * 4 + i]) } }
        }
    }

    @Test func castBetweenTypes() throws {
        let graph = ModelGraph(
            inputs: [S.f32("X", [.fixed(4)])],
            outputs: [
                ValueInfo(name: "I", elementType: .int64, shape: [.fixed(4)]),
                ValueInfo(name: "D", elementType: .float64, shape: [.fixed(4)]),
                ValueInfo(name: "B", elementType: .bool, shape: [.fixed(4)]),
                ValueInfo(name: "S", elementType: .string, shape: [.fixed(4)]),
                ValueInfo(name: "F", elementType: .float32, shape: [.fixed(4)]),
            ],
            nodes: [
                GraphNode(name: "i", op: .cast(to: .int64), inputs: ["X"], outputs: ["I"]),
                GraphNode(name: "d", op: .cast(to: .float64), inputs: ["X"], outputs: ["D"]),
                GraphNode(name: "b", op: .cast(to: .bool), inputs: ["X"], outputs: ["B"]),
                GraphNode(name: "s", op: .cast(to: .string), inputs: ["I"], outputs: ["S"]),
                GraphNode(name: "f", op: .cast(to: .float32), inputs: ["S"], outputs: ["F"]),
            ])
        let out = try S.run(graph, ["X": try S.tensor([4], [1.9, -2.7, 0, 3])])
        #expect(out["I"]?.int64Values == [1, -2, 0, 3])
        #expect(out["D"]?.float64Values == [Double(Float(1.9)), Double(Float(-2.7)), 0, 3])
        #expect(out["B"]?.boolValues == [true, true, false, true])
        #expect(out["S"]?.stringValues == ["1", "-2", "0", "3"])
        #expect(out["F"]?.float32Values == [1, -2, 0, 3])
        let bad = S.single(
            .cast(to: .int64), inputs: [S.f32("X", [.fixed(1)])],
            outputs: [ValueInfo(name: "Y", elementType: .int64, shape: [.fixed(1)])])
        #expect(throws: S.invalid) { _ = try S.run(bad, ["X": try S.tensor([1], [.nan])]) }
    }

    @Test func argMaxAxesTiesAndNaN() throws {
        let x: [Float] = [1, 3, 3, 0, 5, -1]
        func run(_ a: GraphOp.ArgMax, _ x: [Float]) throws -> Tensor? {
            let graph = S.single(
                .argMax(a), inputs: [S.f32("X", [.fixed(2), .fixed(3)])],
                outputs: [ValueInfo(name: "Y", elementType: .int64, shape: nil)])
            return try S.run(graph, ["X": try S.tensor([2, 3], x)])["Y"]
        }
        let first = try run(GraphOp.ArgMax(axis: 1), x)
        #expect(first?.int64Values == [1, 1])
        #expect(first?.shape == [2, 1])
        #expect(try run(GraphOp.ArgMax(axis: 1, keepDims: false, selectLastIndex: true), x)?.int64Values == [2, 1])
        #expect(try run(GraphOp.ArgMax(axis: 1, keepDims: false), x)?.shape == [2])
        #expect(try run(GraphOp.ArgMax(axis: 0), x)?.int64Values == [0, 1, 0])
        // As onnxruntime: a later NaN never wins, a leading one does.
        #expect(try run(GraphOp.ArgMax(axis: -1), [1, .nan, 9, .nan, 0, 5])?.int64Values == [2, 0])
    }

    @Test func scalerNormalizerAndEncoders() throws {
        let scaler = S.single(
            .scaler(GraphOp.Scaler(offset: [1, 2], scale: [0.5, 4])), inputs: [S.f32("X", [.batch, .fixed(2)])],
            outputs: [S.f32("Y", [.batch, .fixed(2)])])
        #expect(try S.run(scaler, ["X": try S.tensor([2, 2], [3, 3, 1, 0])])["Y"]?.float32Values == [1, 4, 0, -8])
        let scalarScaler = S.single(
            .scaler(GraphOp.Scaler(offset: [1], scale: [2])),
            inputs: [ValueInfo(name: "X", elementType: .int64, shape: [.fixed(3)])],
            outputs: [S.f32("Y", [.fixed(3)])])
        #expect(
            try S.run(scalarScaler, ["X": try Tensor(shape: [3], int64: [1, 2, 3])])["Y"]?.float32Values == [0, 2, 4])

        let x: [Float] = [3, -4, 0, 0, 1, 2]
        let expectations: [(GraphOp.Normalization, [Float])] = [
            (.l1, [3 / 7, -4 / 7, 0, 0, 1 / 3, 2 / 3]),
            (.l2, [0.6, -0.8, 0, 0, 1 / Float(5).squareRoot(), 2 / Float(5).squareRoot()]),
            (.max, [1, -4 / 3, 0, 0, 0.5, 1]),
        ]
        for (norm, want) in expectations {
            let graph = S.single(
                .normalizer(norm), inputs: [S.f32("X", [.fixed(2), .fixed(3)])],
                outputs: [S.f32("Y", [.fixed(2), .fixed(3)])])
            S.expectClose(
                try #require(try S.run(graph, ["X": try S.tensor([2, 3], x)])["Y"]?.float32Values), want,
                tolerance: 1e-6)
        }

        let oneHot = S.single(
            .oneHot(GraphOp.OneHot(depth: 3, axis: -1, offValue: -1, onValue: 5)),
            inputs: [ValueInfo(name: "I", elementType: .int64, shape: [.fixed(4)])],
            outputs: [S.f32("Y", [.fixed(4), .fixed(3)])])
        #expect(
            try S.run(oneHot, ["I": try Tensor(shape: [4], int64: [0, 2, -1, 7])])["Y"]?.float32Values
                == [5, -1, -1, -1, -1, 5, -1, -1, 5, -1, -1, -1])
        let oneHot0 = S.single(
            .oneHot(GraphOp.OneHot(depth: 2, axis: 0)),
            inputs: [ValueInfo(name: "I", elementType: .int64, shape: [.fixed(3)])],
            outputs: [S.f32("Y", [.fixed(2), .fixed(3)])])
        #expect(
            try S.run(oneHot0, ["I": try Tensor(shape: [3], int64: [1, 0, 1])])["Y"]?.float32Values == [
                0, 1, 0, 1, 0, 1,
            ])

        let encoder = S.single(
            .oneHotEncoder(GraphOp.OneHotEncoder(categories: .string(["a", "b", "c"]))),
            inputs: [ValueInfo(name: "S", elementType: .string, shape: [.batch, .fixed(1)])],
            outputs: [S.f32("Y", [.batch, .fixed(1), .fixed(3)])])
        #expect(
            try S.run(encoder, ["S": try Tensor(shape: [3, 1], strings: ["c", "zz", "a"])])["Y"]?.float32Values
                == [0, 0, 1, 0, 0, 0, 1, 0, 0])
        let strict = S.single(
            .oneHotEncoder(GraphOp.OneHotEncoder(categories: .int64([4, 8]), zeros: false)),
            inputs: [ValueInfo(name: "S", elementType: .int64, shape: [.fixed(2)])],
            outputs: [S.f32("Y", [.fixed(2), .fixed(2)])])
        #expect(try S.run(strict, ["S": try Tensor(shape: [2], int64: [8, 4])])["Y"]?.float32Values == [0, 1, 1, 0])
        #expect(throws: S.invalid) { _ = try S.run(strict, ["S": try Tensor(shape: [2], int64: [8, 5])]) }
    }

    @Test func arrayFeatureExtractorAsSkl2onnxUsesIt() throws {
        // ArgMax → ArrayFeatureExtractor(classes, idx) → Reshape([-1]) → Cast(int64), as in MLPClassifier exports.
        let graph = ModelGraph(
            inputs: [S.f32("P", [.batch, .fixed(3)])],
            outputs: [ValueInfo(name: "label", elementType: .int64, shape: [.batch])],
            initializers: ["classes": try Tensor(shape: [3], int64: [10, 20, 30])],
            nodes: [
                GraphNode(name: "am", op: .argMax(GraphOp.ArgMax(axis: 1)), inputs: ["P"], outputs: ["idx"]),
                GraphNode(name: "afe", op: .arrayFeatureExtractor, inputs: ["classes", "idx"], outputs: ["lab"]),
                GraphNode(name: "rs", op: .reshape(shape: [-1]), inputs: ["lab"], outputs: ["flat"]),
                GraphNode(name: "cast", op: .cast(to: .int64), inputs: ["flat"], outputs: ["label"]),
            ])
        let out = try S.run(graph, ["P": try S.tensor([4, 3], [0, 1, 0, 1, 0, 0, 0, 0, 1, 0.2, 0.2, 0.1])])
        #expect(out["label"]?.int64Values == [20, 10, 30, 10])

        let pick = S.single(
            .arrayFeatureExtractor, inputs: [S.f32("X", [.batch, .fixed(4)])],
            initializers: ["i": try Tensor(shape: [2], int64: [3, 1])], outputs: [S.f32("Y", [.batch, .fixed(2)])])
        #expect(
            try S.run(pick, ["X": try S.tensor([2, 4], [0, 1, 2, 3, 4, 5, 6, 7])])["Y"]?.float32Values == [3, 1, 7, 5])
        let outOfRange = S.single(
            .arrayFeatureExtractor, inputs: [S.f32("X", [.batch, .fixed(4)])],
            initializers: ["i": try Tensor(shape: [1], int64: [4])], outputs: [S.f32("Y", [.batch, .fixed(1)])])
        #expect(throws: S.invalid) { _ = try S.run(outOfRange, ["X": try S.tensor([1, 4], [0, 1, 2, 3])]) }
    }

    @Test func linearClassifierAndRegressor() throws {
        // skl2onnx binary logistic regression layout: rows [-w, +w], intercepts [-b, b], LOGISTIC.
        let w: [Float] = [0.5, -1, 2]
        let b: Float = 0.25
        let clf = GraphOp.LinearClassifier(
            coefficients: w.map { -$0 } + w, intercepts: [-b, b], labels: .int64([0, 1]),
            postTransform: .logistic)
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])],
            outputs: [
                ValueInfo(name: "label", elementType: .int64, shape: [.batch]),
                S.f32("probabilities", [.batch, .fixed(2)]),
            ],
            nodes: [
                GraphNode(name: "lc", op: .linearClassifier(clf), inputs: ["X"], outputs: ["label", "probabilities"])
            ])
        let x: [Float] = [1, 1, 1, -1, 2, 0]
        let out = try S.run(graph, ["X": try S.tensor([2, 3], x)])
        let s = [Float(0.5 - 1 + 2 + 0.25), Float(-0.5 - 2 + 0.25)]
        let sig = { (v: Float) in 1 / (1 + exp(-v)) }
        #expect(out["label"]?.int64Values == [1, 0])
        S.expectClose(
            try #require(out["probabilities"]?.float32Values), [sig(-s[0]), sig(s[0]), sig(-s[1]), sig(s[1])],
            tolerance: 1e-6)

        // Multiclass softmax with string labels.
        let multi = GraphOp.LinearClassifier(
            coefficients: [1, 0, 0, 1, -1, -1], intercepts: [0, 0.5, 0],
            labels: .string(["a", "b", "c"]), postTransform: .softmax)
        let g2 = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(2)])],
            outputs: [
                ValueInfo(name: "label", elementType: .string, shape: [.batch]), S.f32("scores", [.batch, .fixed(3)]),
            ],
            nodes: [GraphNode(name: "lc", op: .linearClassifier(multi), inputs: ["X"], outputs: ["label", "scores"])])
        let o2 = try S.run(g2, ["X": try S.tensor([2, 2], [3, 0, -2, -2])])
        #expect(o2["label"]?.stringValues == ["a", "c"])
        S.expectClose(
            try #require(o2["scores"]?.float32Values), S.softmaxRows([3, 0.5, -3, -2, -1.5, 4], width: 3),
            tolerance: 1e-6)

        // One coefficient row, two labels, no transform: scores [-s, s].
        let one = GraphOp.LinearClassifier(coefficients: [1, 1], intercepts: [-1], labels: .int64([3, 7]))
        let g3 = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(2)])],
            outputs: [
                ValueInfo(name: "label", elementType: .int64, shape: [.batch]), S.f32("scores", [.batch, .fixed(2)]),
            ],
            nodes: [GraphNode(name: "lc", op: .linearClassifier(one), inputs: ["X"], outputs: ["label", "scores"])])
        let o3 = try S.run(g3, ["X": try S.tensor([2, 2], [1, 1, 0, 0])])
        #expect(o3["label"]?.int64Values == [7, 3])
        #expect(o3["scores"]?.float32Values == [-1, 1, 1, -1])

        let reg = GraphOp.LinearRegressor(coefficients: [1, 2, 3, -1, 0, 1], intercepts: [0.5, -0.5], targets: 2)
        let g4 = S.single(
            .linearRegressor(reg), inputs: [S.f32("X", [.batch, .fixed(3)])],
            outputs: [S.f32("Y", [.batch, .fixed(2)])])
        #expect(try S.run(g4, ["X": try S.tensor([1, 3], [1, 1, 1])])["Y"]?.float32Values == [6.5, -0.5])
    }

    @Test func outputsCanBeInputsConstantsAndIntermediates() throws {
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(2)])],
            outputs: [
                S.f32("X", [.batch, .fixed(2)]), S.f32("K", [.fixed(2)]), S.f32("H", [.batch, .fixed(2)]),
                S.f32("Y", [.batch, .fixed(2)]),
            ],
            initializers: ["K": try S.tensor([2], [1, 2])],
            nodes: [
                GraphNode(name: "h", op: .add, inputs: ["X", "K"], outputs: ["H"]),
                GraphNode(name: "y", op: .relu, inputs: ["H"], outputs: ["Y"]),
            ])
        let model = try graph.compile()
        let out = try model.predict(["X": try S.tensor([1, 2], [-5, 3])])
        #expect(out["X"]?.float32Values == [-5, 3])
        #expect(out["K"]?.float32Values == [1, 2])
        #expect(out["H"]?.float32Values == [-4, 5])
        #expect(out["Y"]?.float32Values == [0, 5])
        // The buffer path fills the same four outputs.
        var (b0, b1, b2, b3): ([Float], [Float], [Float], [Float]) = ([0, 0], [0, 0], [0, 0], [0, 0])
        let input: [Float] = [-5, 3]
        try input.withUnsafeBytes { inRaw in
            try b0.withUnsafeMutableBytes { o0 in
                try b1.withUnsafeMutableBytes { o1 in
                    try b2.withUnsafeMutableBytes { o2 in
                        try b3.withUnsafeMutableBytes { o3 in
                            try model.predict(batchSize: 1, inputs: [inRaw], outputs: [o0, o1, o2, o3])
                        }
                    }
                }
            }
        }
        let buffers = [b0, b1, b2, b3]
        #expect(buffers == [[-5, 3], [1, 2], [-4, 5], [0, 5]])
    }

    @Test func treeEnsembleOutputsLabelsAndPrecision() throws {
        // Three one-leaf-per-class trees (softmax) keyed on feature 0, with string labels.
        func stump(_ low: Double, _ high: Double, output: Int) -> TreeEnsemble.Tree {
            TreeEnsemble.Tree(
                nodes: [
                    .branch(
                        feature: 0, threshold: 0, comparison: .lessThan, trueChild: 1, falseChild: 2,
                        missing: .nanTakesTrueBranch),
                    .leaf(low), .leaf(high),
                ], output: output)
        }
        let ensemble = try TreeEnsemble(
            trees: [stump(1, -1, output: 0), stump(0, 0, output: 1), stump(-1, 1, output: 2)], featureCount: 2,
            outputCount: 3, precision: .float64, postTransform: .softmax)
        let node = GraphOp.TreeEnsembleNode(
            ensemble: ensemble, outputs: [.label, .scores, .margin], labels: .string(["neg", "zero", "pos"]),
            scoreType: .float64)
        let graph = ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .float64, shape: [.batch, .fixed(2)])],
            outputs: [
                ValueInfo(name: "L", elementType: .string, shape: [.batch]),
                ValueInfo(name: "P", elementType: .float64, shape: [.batch, .fixed(3)]),
                ValueInfo(name: "M", elementType: .float64, shape: [.batch, .fixed(3)]),
            ],
            nodes: [GraphNode(name: "t", op: .treeEnsemble(node), inputs: ["X"], outputs: ["L", "P", "M"])])
        let out = try S.run(graph, ["X": try Tensor(shape: [3, 2], float64: [-2, 0, 5, 0, .nan, 1])])
        #expect(out["L"]?.stringValues == ["neg", "pos", "neg"])
        #expect(out["M"]?.float64Values == [1, 0, -1, -1, 0, 1, 1, 0, -1])
        let p = try #require(out["P"]?.float64Values)
        let e = [exp(1.0), 1, exp(-1.0)]
        let sum = e.reduce(0, +)
        for (i, v) in [e[0] / sum, e[1] / sum, e[2] / sum].enumerated() { #expect(abs(p[i] - v) < 1e-12) }
        // A wrong feature count or a label output without labels is a validation error.
        var bad = node
        bad.labels = nil
        let noLabels = ModelGraph(
            inputs: graph.inputs, outputs: graph.outputs,
            nodes: [GraphNode(name: "t", op: .treeEnsemble(bad), inputs: ["X"], outputs: ["L", "P", "M"])])
        #expect(throws: S.invalid) { try noLabels.validate() }
        let wide = ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .float64, shape: [.batch, .fixed(3)])], outputs: graph.outputs,
            nodes: [GraphNode(name: "t", op: .treeEnsemble(node), inputs: ["X"], outputs: ["L", "P", "M"])])
        #expect(throws: S.invalid) { try wide.validate() }
    }
}
