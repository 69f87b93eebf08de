import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

private typealias S = GraphTestsSupport

/// The elementwise ops (`unary`, `binary`, `variadic`, `where`) and `shape`/`constantOfShape`:
/// semantics with numbers from onnxruntime 1.31 (single-node onnx.helper graphs), broadcasting,
/// NaN, type errors, hostile values and package round trips.
@Suite struct ElementwiseOpTests {
    // MARK: - Helpers

    /// Runs one node whose inputs are graph inputs `i0`, `i1`, … of the given tensors' shapes.
    static func eval(_ op: GraphOp, _ inputs: [Tensor], rowChunkSize: Int? = nil) throws -> Tensor {
        let infos = inputs.enumerated().map { i, t in
            ValueInfo(name: "i\(i)", elementType: t.elementType, shape: t.shape.map { .fixed($0) })
        }
        let node = GraphNode(name: "n", op: op, inputs: infos.map(\.name), outputs: ["y"])
        // The output's type, so the graph can declare it (errors name the node and tensor).
        let type = try ShapeInference.infer(
            node, inputs.map { TensorSpec(elementType: $0.elementType, shape: $0.shape) }
        )[0].elementType
        let graph = ModelGraph(
            inputs: infos, outputs: [ValueInfo(name: "y", elementType: type, shape: nil)], nodes: [node])
        let model = try graph.compile(options: CompileOptions(rowChunkSize: rowChunkSize))
        let named = Dictionary(uniqueKeysWithValues: inputs.enumerated().map { ("i\($0)", $1) })
        return try #require(try model.predict(named)["y"])
    }

    static func f32(_ values: [Float], _ shape: [Int]? = nil) throws -> Tensor {
        try Tensor(shape: shape ?? [values.count], float32: values)
    }

    static func i64(_ values: [Int64], _ shape: [Int]? = nil) throws -> Tensor {
        try Tensor(shape: shape ?? [values.count], int64: values)
    }

    static func bools(_ values: [Bool], _ shape: [Int]? = nil) throws -> Tensor {
        try Tensor(shape: shape ?? [values.count], bool: values)
    }

    /// Element-by-element: NaN matches NaN, infinities and zeros (with sign) exactly, others
    /// within `ulps` relative.
    static func expectSame(
        _ got: [Double], _ expected: [Double], relative: Double = 1e-7, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard got.count == expected.count else {
            Issue.record("\(what): \(got.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
            return
        }
        for (i, (g, e)) in zip(got, expected).enumerated() {
            let ok =
                e.isNaN
                ? g.isNaN
                : e.isInfinite || e == 0 ? g == e && g.sign == e.sign : abs(g - e) <= relative * abs(e)
            if !ok { Issue.record("\(what)[\(i)]: got \(g), expected \(e)", sourceLocation: sourceLocation) }
        }
    }

    static let probe: [Float] = [-2.5, -1, -0.0, 0, 0.3, 1.5, .nan, .infinity, -.infinity]

    // MARK: - Unary

    @Test func unaryFunctionsMatchOnnxruntimeOnFloat32() throws {
        let x = try Self.f32(Self.probe)
        let expected: [GraphOp.UnaryFunction: [Double]] = [
            .exp: [
                0.08208499848842621, 0.3678794503211975, 1, 1, 1.3498587608337402, 4.481688976287842, .nan,
                .infinity, 0,
            ],
            .log: [
                .nan, .nan, -.infinity, -.infinity, -1.2039728164672852, 0.40546509623527527, .nan, .infinity,
                .nan,
            ],
            .sqrt: [.nan, .nan, -0.0, 0, 0.547722578048706, 1.2247449159622192, .nan, .infinity, .nan],
            .neg: [2.5, 1, 0, -0.0, -0.30000001192092896, -1.5, .nan, -.infinity, .infinity],
            .abs: [2.5, 1, 0, 0, 0.30000001192092896, 1.5, .nan, .infinity, .infinity],
            .reciprocal: [
                -0.4000000059604645, -1, -.infinity, .infinity, 3.3333332538604736, 0.6666666865348816,
                .nan, 0, -0.0,
            ],
            .sign: [-1, -1, 0, 0, 1, 1, .nan, 1, -1],
            .floor: [-3, -1, -0.0, 0, 0, 1, .nan, .infinity, -.infinity],
            .ceil: [-2, -1, -0.0, 0, 1, 2, .nan, .infinity, -.infinity],
            .erf: [
                -0.9995930790901184, -0.8427007794380188, -0.0, 0, 0.3286267817020416, 0.9661051630973816, .nan,
                1, -1,
            ],
        ]
        for (f, values) in expected {
            let y = try Self.eval(.unary(f), [x])
            #expect(y.elementType == .float32)
            Self.expectSame(y.doubleValues, values, "\(f)")
        }
    }

    @Test func unaryFunctionsOnFloat64Int64AndBool() throws {
        let x = try Tensor(shape: [4], float64: [-2.5, 0.5, 2, .nan])
        Self.expectSame(
            try Self.eval(.unary(.exp), [x]).doubleValues,
            [0.0820849986238988, 1.6487212707001282, 7.38905609893065, .nan], relative: 1e-15, "exp f64")
        Self.expectSame(
            try Self.eval(.unary(.erf), [x]).doubleValues,
            [-0.999593047982555, 0.5204998778130465, 0.9953222650189527, .nan], relative: 1e-15, "erf f64")
        Self.expectSame(try Self.eval(.unary(.ceil), [x]).doubleValues, [-2, 1, 2, .nan], "ceil f64")

        let ints = try Self.i64([-3, 0, 5, .min])
        #expect(try Self.eval(.unary(.neg), [ints]).int64Values == [3, 0, -5, .min])
        #expect(try Self.eval(.unary(.abs), [ints]).int64Values == [3, 0, 5, .min])
        #expect(try Self.eval(.unary(.sign), [ints]).int64Values == [-1, 0, 1, -1])
        #expect(try Self.eval(.unary(.not), [try Self.bools([true, false])]).boolValues == [false, true])
    }

    @Test func unaryFunctionsRejectTypesTheyDoNotTake() throws {
        let ints = try Self.i64([1, 2])
        for f in [GraphOp.UnaryFunction.exp, .log, .sqrt, .reciprocal, .floor, .ceil, .erf, .not] {
            #expect(throws: MLOpsError.self, "\(f) on int64") { try Self.eval(.unary(f), [ints]) }
        }
        #expect(throws: MLOpsError.self) { try Self.eval(.unary(.neg), [try Self.bools([true])]) }
        let error = #expect(throws: MLOpsError.self) { try Self.eval(.unary(.not), [try Self.f32([1])]) }
        #expect(error?.message.contains("'i0'") == true)
        #expect(error?.value == "i0")
    }

    // MARK: - Pow

    @Test func powFollowsOnnxruntimeForEveryTypePair() throws {
        Self.expectSame(
            try Self.eval(
                .binary(.pow),
                [try Self.f32([2, -2, 0.5, -8, 0, .nan, 1]), try Self.f32([3, 0.5, -2, 1.0 / 3, 0, 0, .nan])]
            ).doubleValues, [8, .nan, 4, .nan, 1, 1, 1], "float^float")
        let square = try Self.eval(.binary(.pow), [try Self.f32([2, -2, 0.5, 3]), try Self.i64([2], [])])
        #expect(square.float32Values == [4, 4, 0.25, 9])
        let fastPath = try Self.eval(.binary(.pow), [try Self.f32([1.1, -2.3]), try Self.f32([2], [])])
        #expect(fastPath.float32Values == [1.2100000381469727, 5.289999961853027])
        let ints = try Self.eval(.binary(.pow), [try Self.i64([2, -2, 3, 0, 2]), try Self.i64([10, 3, -1, 0, 62])])
        #expect(ints.int64Values == [1024, -8, 0, 1, 4_611_686_018_427_387_904])
        let intFloat = try Self.eval(.binary(.pow), [try Self.i64([2, -2, 3]), try Self.f32([0.5, 2, 1.5])])
        #expect(intFloat.int64Values == [1, 4, 5])
        let doubleFloat = try Self.eval(
            .binary(.pow), [try Tensor(shape: [2], float64: [2.5, 3]), try Self.f32([2, 0.5])])
        #expect(doubleFloat.float64Values == [6.25, 1.7320508075688772])
    }

    @Test func powSurvivesHostileValues() throws {
        let ints = try Self.eval(
            .binary(.pow), [try Self.i64([3, -1, 0, .min, 7]), try Self.i64([.max, -7, -1, 2, .min])])
        #expect(ints.int64Values?.count == 5)
        #expect(ints.int64Values?[1] == -1)
        let saturated = try Self.eval(
            .binary(.pow), [try Self.i64([10, -10, 4]), try Tensor(shape: [3], float64: [400, 401, .nan])])
        #expect(saturated.int64Values == [.max, .min, 0])
        #expect(throws: MLOpsError.self) {
            try Self.eval(.binary(.pow), [try Self.bools([true]), try Self.f32([1])])
        }
    }

    // MARK: - Comparisons and logic

    @Test func comparisonsBroadcastAndTreatNaNAsUnordered() throws {
        let less = try Self.eval(.binary(.less), [try Self.f32([1, .nan], [2, 1]), try Self.f32([0, 1, 2])])
        #expect(less.shape == [2, 3])
        #expect(less.boolValues == [false, false, true, false, false, false])
        let le = try Self.eval(.binary(.lessOrEqual), [try Self.f32([1, .nan, 2]), try Self.f32([1])])
        #expect(le.boolValues == [true, false, false])
        let gt = try Self.eval(.binary(.greater), [try Self.i64([1, 5, -3]), try Self.i64([2], [])])
        #expect(gt.boolValues == [false, true, false])
        let ge = try Self.eval(
            .binary(.greaterOrEqual),
            [try Tensor(shape: [3], float64: [1, 2, .nan]), try Tensor(shape: [1], float64: [2])])
        #expect(ge.boolValues == [false, true, false])
        let eq = try Self.eval(.binary(.equal), [try Self.f32([2, .nan, 0]), try Self.f32([2, .nan, -0.0])])
        #expect(eq.boolValues == [true, false, true])
        let eqInts = try Self.eval(
            .binary(.equal), [try Self.i64([0, 1, 2], [3, 1]), try Self.i64([0, 1, 2], [1, 3])])
        #expect(eqInts.boolValues == [true, false, false, false, true, false, false, false, true])
    }

    @Test func equalTakesStringsAndBools() throws {
        let strings = try Self.eval(
            .binary(.equal),
            [try Tensor(shape: [2], strings: ["a", "b"]), try Tensor(shape: [2, 1], strings: ["a", "b"])])
        #expect(strings.boolValues == [true, false, false, true])
        let bools = try Self.eval(.binary(.equal), [try Self.bools([true, false]), try Self.bools([true])])
        #expect(bools.boolValues == [true, false])
        #expect(throws: MLOpsError.self) {
            try Self.eval(.binary(.less), [try Self.bools([true]), try Self.bools([true])])
        }
    }

    @Test func logicalOpsOnBools() throws {
        let a = try Self.bools([true, false])
        let b = try Self.bools([true, false], [2, 1])
        #expect(try Self.eval(.binary(.xor), [a, b]).boolValues == [false, true, true, false])
        #expect(try Self.eval(.binary(.and), [a, b]).boolValues == [true, false, false, false])
        #expect(try Self.eval(.binary(.or), [a, b]).boolValues == [true, true, true, false])
        let error = #expect(throws: MLOpsError.self) { try Self.eval(.binary(.and), [a, try Self.f32([1])]) }
        #expect(error?.value == "i1")
    }

    @Test func operandsOfDifferentTypesOrShapesAreNamed() throws {
        let mixed = #expect(throws: MLOpsError.self) {
            try Self.eval(.binary(.less), [try Self.f32([1]), try Self.i64([1])])
        }
        #expect(mixed?.message.contains("add a cast") == true)
        let shapes = #expect(throws: MLOpsError.self) {
            try Self.eval(.binary(.equal), [try Self.f32([1, 2]), try Self.f32([1, 2, 3])])
        }
        #expect(shapes?.value == "i1")
    }

    // MARK: - Variadic

    @Test func maxAndMinPropagateNaNAndBroadcast() throws {
        let a = try Self.f32([1, .nan, 3, -0.0])
        let b = try Self.f32([2, .nan], [2, 1])
        let max = try Self.eval(.variadic(.max), [a, b])
        #expect(max.shape == [2, 4])
        Self.expectSame(max.doubleValues, [2, .nan, 3, 2, .nan, .nan, .nan, .nan], "max")
        let min = try Self.eval(.variadic(.min), [try Self.f32([1, .nan, 3, 0]), b, try Self.f32([0.5], [])])
        Self.expectSame(min.doubleValues, [0.5, .nan, 0.5, 0, .nan, .nan, .nan, .nan], "min")
        Self.expectSame(
            try Self.eval(.variadic(.max), [try Self.f32([1, .nan])]).doubleValues, [1, .nan], "max of one")
        let ints = try Self.eval(.variadic(.max), [try Self.i64([1, 5, -3]), try Self.i64([2])])
        #expect(ints.int64Values == [2, 5, 2])
        let intMin = try Self.eval(.variadic(.min), [try Self.i64([1, 5, -3]), try Self.i64([2]), try Self.i64([0])])
        #expect(intMin.int64Values == [0, 0, -3])
    }

    @Test func sumAndMeanAddLeftToRight() throws {
        let mean = try Self.eval(
            .variadic(.mean), [try Self.f32([1, 2, 4]), try Self.f32([0.1, 0.2, 0.3]), try Self.f32([0.7])])
        #expect(mean.float32Values == [0.6, 0.9666667, 1.6666667])
        let sum = try Self.eval(.variadic(.sum), [try Self.f32([1, 2, 4]), try Self.f32([0.1, 0.2], [2, 1])])
        #expect(sum.shape == [2, 3])
        #expect(sum.float32Values == [1.1, 2.1, 4.1, 1.2, 2.2, 4.2])
        let one = try Self.eval(.variadic(.mean), [try Tensor(shape: [2], float64: [3, .nan])])
        Self.expectSame(one.doubleValues, [3, .nan], "mean of one")
        #expect(throws: MLOpsError.self) { try Self.eval(.variadic(.sum), [try Self.i64([1]), try Self.i64([2])]) }
        let mixed = #expect(throws: MLOpsError.self) {
            try Self.eval(.variadic(.max), [try Self.f32([1]), try Self.f32([1]), try Self.i64([2])])
        }
        #expect(mixed?.value == "i2")
    }

    // MARK: - Where

    @Test func whereBroadcastsAllThreeOperands() throws {
        let y = try Self.eval(
            .where, [try Self.bools([true, false], [2, 1]), try Self.f32([1, 2, 3]), try Self.f32([9], [])])
        #expect(y.shape == [2, 3])
        #expect(y.float32Values == [1, 2, 3, 9, 9, 9])
        let strings = try Self.eval(
            .where,
            [
                try Self.bools([true, false]), try Tensor(shape: [2], strings: ["x", "y"]),
                try Tensor(shape: [1], strings: ["z"]),
            ])
        #expect(strings.stringValues == ["x", "z"])
        let ints = try Self.eval(
            .where, [try Self.bools([false, true]), try Self.i64([1, 2]), try Self.i64([7, 8])])
        #expect(ints.int64Values == [7, 2])
        let doubles = try Self.eval(
            .where,
            [
                try Self.bools([false, true]), try Tensor(shape: [1], float64: [.pi]),
                try Tensor(shape: [2], float64: [1, 2]),
            ])
        #expect(doubles.float64Values == [1, .pi])
        let bools = try Self.eval(
            .where, [try Self.bools([false, true]), try Self.bools([true]), try Self.bools([true, false])])
        #expect(bools.boolValues == [true, true])
        let condition = #expect(throws: MLOpsError.self) {
            try Self.eval(.where, [try Self.f32([1]), try Self.f32([1]), try Self.f32([2])])
        }
        #expect(condition?.value == "i0")
        let types = #expect(throws: MLOpsError.self) {
            try Self.eval(.where, [try Self.bools([true]), try Self.f32([1]), try Self.i64([2])])
        }
        #expect(types?.value == "i2")
    }

    // MARK: - Shape and ConstantOfShape

    @Test func shapeSlicesLikeOpset15() throws {
        let x = try Tensor(shape: [2, 3, 4], float32: [Float](repeating: 0, count: 24))
        let cases: [(Int, Int?, [Int64])] = [
            (0, nil, [2, 3, 4]), (1, nil, [3, 4]), (-1, nil, [4]), (0, -1, [2, 3]), (-10, 10, [2, 3, 4]),
            (2, 1, []), (5, nil, []), (.min, .max, [2, 3, 4]), (.max, .min, []),
        ]
        for (start, end, expected) in cases {
            let y = try Self.eval(.shape(GraphOp.ShapeSlice(start: start, end: end)), [x])
            #expect(y.int64Values == expected, "start \(start), end \(String(describing: end))")
            #expect(y.shape == [expected.count])
        }
        let strings = try Self.eval(.shape(GraphOp.ShapeSlice()), [try Tensor(shape: [1, 2], strings: ["a", "b"])])
        #expect(strings.int64Values == [1, 2])
    }

    /// `X` [N, 3] → Shape → (arithmetic) → ConstantOfShape: sized per batch when the plan is resolved.
    static func shapeGraph(
        _ middle: [GraphNode], value: Tensor, initializers: [String: Tensor] = [:], output: ValueInfo
    )
        -> ModelGraph
    {
        ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])], outputs: [output], initializers: initializers,
            nodes: [GraphNode(name: "shape", op: .shape(GraphOp.ShapeSlice()), inputs: ["X"], outputs: ["s"])] + middle
                + [GraphNode(name: "fill", op: .constantOfShape(value: value), inputs: ["t"], outputs: ["Y"])])
    }

    @Test func constantOfShapeOfShapeArithmeticIsPlannedPerBatch() throws {
        let direct = Self.shapeGraph(
            [GraphNode(name: "id", op: .identity, inputs: ["s"], outputs: ["t"])],
            value: try Tensor(shape: [1], float32: [1]), output: S.f32("Y", [.batch, .fixed(3)]))
        let model = try direct.compile()
        for batch in [1, 4] {
            let y = try model.predict(["X": try S.tensor([batch, 3], [Float](repeating: 0, count: batch * 3))])["Y"]
            #expect(y?.shape == [batch, 3])
            #expect(y?.float32Values == [Float](repeating: 1, count: batch * 3))
        }
        // [N, 3] * [1, 2] → [N, 6], concatenated with [2] → [N, 6, 2], int64 value 7.
        let arithmetic = Self.shapeGraph(
            [
                GraphNode(name: "scale", op: .mul, inputs: ["s", "k"], outputs: ["m"]),
                GraphNode(name: "cat", op: .concat(axis: 0), inputs: ["m", "two"], outputs: ["c"]),
                GraphNode(name: "max", op: .variadic(.max), inputs: ["c", "one"], outputs: ["t"]),
            ], value: try Tensor(shape: [1], int64: [7]),
            initializers: [
                "k": try Tensor(shape: [2], int64: [1, 2]), "two": try Tensor(shape: [1], int64: [2]),
                "one": try Tensor(shape: [], int64: [1]),
            ],
            output: ValueInfo(name: "Y", elementType: .int64, shape: [.batch, .fixed(6), .fixed(2)]))
        let y = try arithmetic.compile().predict(["X": try S.tensor([2, 3], [Float](repeating: 0, count: 6))])["Y"]
        #expect(y?.shape == [2, 6, 2])
        #expect(y?.int64Values == [Int64](repeating: 7, count: 24))
        // A constant shape, a bool value and an empty shape (a scalar).
        let constant = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(1)])],
            outputs: [
                ValueInfo(name: "Y", elementType: .bool, shape: [.fixed(2), .fixed(0)]),
                ValueInfo(name: "Z", elementType: .float64, shape: []),
            ],
            initializers: ["s": try Tensor(shape: [2], int64: [2, 0]), "e": try Tensor(shape: [0], int64: [])],
            nodes: [
                GraphNode(
                    name: "a", op: .constantOfShape(value: try Tensor(shape: [1], bool: [true])), inputs: ["s"],
                    outputs: ["Y"]),
                GraphNode(
                    name: "b", op: .constantOfShape(value: try Tensor(shape: [1], float64: [2.5])), inputs: ["e"],
                    outputs: ["Z"]),
            ])
        let out = try constant.compile().predict(["X": try S.tensor([1, 1], [0])])
        #expect(out["Y"]?.shape == [2, 0])
        #expect(out["Z"]?.float64Values == [2.5])
    }

    @Test func constantOfShapeRefusesUnknownAndHostileShapes() throws {
        // A shape computed from the input's elements is not known at plan time.
        let runtime = Self.shapeGraph(
            [
                GraphNode(name: "cast", op: .cast(to: .int64), inputs: ["X"], outputs: ["c"]),
                GraphNode(name: "flat", op: .reshape(shape: [-1]), inputs: ["c"], outputs: ["t"]),
            ],
            value: try Tensor(shape: [1], float32: [0]), output: S.f32("Y", nil))
        let unknown = #expect(throws: MLOpsError.self) { try runtime.compile() }
        #expect(unknown?.code == .unsupported)
        #expect(unknown?.value == "t")
        #expect(unknown?.message.contains("not known when the plan is resolved") == true)

        func constant(_ dims: [Int64], value: Tensor) throws -> ModelGraph {
            ModelGraph(
                inputs: [S.f32("X", [.batch, .fixed(1)])], outputs: [S.f32("Y", nil)],
                initializers: ["s": try Tensor(shape: [dims.count], int64: dims)],
                nodes: [GraphNode(name: "fill", op: .constantOfShape(value: value), inputs: ["s"], outputs: ["Y"])])
        }
        let zero = try Tensor(shape: [1], float32: [0])
        let huge = #expect(throws: MLOpsError.self) {
            try constant([1 << 30, 1 << 30, 1 << 30], value: zero).compile()
        }
        #expect(huge?.code == .limitExceeded)
        #expect(throws: MLOpsError.self) { try constant([2, -1], value: zero).compile() }
        #expect(throws: MLOpsError.self) { try constant([.max], value: zero).compile() }
        #expect(throws: MLOpsError.self) {
            try constant([2], value: try Tensor(shape: [2], float32: [0, 1])).compile()
        }
        #expect(throws: MLOpsError.self) {
            try constant([2], value: try Tensor(shape: [1], strings: ["a"])).compile()
        }
    }

    // MARK: - Plans

    @Test func rowChunkedPlansGiveTheSameResults() throws {
        // (X < t) ? X^2 : max(X, c), all broadcasting constants along the batch.
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])], outputs: [S.f32("Y", [.batch, .fixed(3)])],
            initializers: [
                "t": try S.tensor([3], [0, 0.5, -0.5]), "two": try S.tensor([], [2]),
                "c": try S.tensor([1, 3], [0.1, 0.2, 0.3]),
            ],
            nodes: [
                GraphNode(name: "lt", op: .binary(.less), inputs: ["X", "t"], outputs: ["m"]),
                GraphNode(name: "sq", op: .binary(.pow), inputs: ["X", "two"], outputs: ["p"]),
                GraphNode(name: "mx", op: .variadic(.max), inputs: ["X", "c"], outputs: ["q"]),
                GraphNode(name: "ex", op: .unary(.exp), inputs: ["q"], outputs: ["e"]),
                GraphNode(name: "w", op: .where, inputs: ["m", "p", "e"], outputs: ["Y"]),
            ])
        var rng = GraphTestRNG(seed: 7)
        let rows = 300
        let x = try S.tensor([rows, 3], rng.floats(rows * 3, scale: 2))
        let chunked = try graph.compile(options: CompileOptions(rowChunkSize: 16))
        #expect(chunked.rowChunkRows != nil)
        let whole = try graph.compile(options: CompileOptions(rowChunkSize: 0))
        let a = try chunked.predict(["X": x])["Y"]
        let b = try whole.predict(["X": x])["Y"]
        #expect(a == b)
        let values = try #require(x.float32Values)
        let expected = (0..<(rows * 3)).map { i -> Float in
            let v = values[i]
            let t: [Float] = [0, 0.5, -0.5]
            let c: [Float] = [0.1, 0.2, 0.3]
            return v < t[i % 3] ? v * v : Float(Foundation.exp(Double(max(v, c[i % 3]))))
        }
        S.expectClose(a?.float32Values ?? [], expected, tolerance: 1e-6)
    }

    // MARK: - Packages

    @Test func everyNewOpSurvivesAPackageRoundTrip() throws {
        let graph = ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])],
            outputs: [
                S.f32("Y", [.batch, .fixed(3)]), ValueInfo(name: "Z", elementType: .int64, shape: [.batch, .fixed(3)]),
            ],
            initializers: ["t": try S.tensor([3], [0, 0.5, -0.5]), "two": try S.tensor([], [2])],
            nodes: [
                GraphNode(name: "abs", op: .unary(.abs), inputs: ["X"], outputs: ["a"]),
                GraphNode(name: "lt", op: .binary(.less), inputs: ["a", "t"], outputs: ["m"]),
                GraphNode(name: "nt", op: .unary(.not), inputs: ["m"], outputs: ["nm"]),
                GraphNode(name: "pw", op: .binary(.pow), inputs: ["X", "two"], outputs: ["p"]),
                GraphNode(name: "mean", op: .variadic(.mean), inputs: ["X", "p", "t"], outputs: ["q"]),
                GraphNode(name: "w", op: .where, inputs: ["nm", "p", "q"], outputs: ["Y"]),
                GraphNode(
                    name: "shape", op: .shape(GraphOp.ShapeSlice(start: 0, end: -1)), inputs: ["X"], outputs: ["n"]),
                GraphNode(name: "shape2", op: .shape(GraphOp.ShapeSlice(start: -1)), inputs: ["X"], outputs: ["last"]),
                GraphNode(name: "cat", op: .concat(axis: 0), inputs: ["n", "last"], outputs: ["ns"]),
                GraphNode(
                    name: "fill", op: .constantOfShape(value: try Tensor(shape: [1], int64: [-9])), inputs: ["ns"],
                    outputs: ["Z"]),
            ])
        let model = try Model(graph: graph)
        let loaded = try Model(bytes: try model.package.encoded())
        #expect(loaded.graph.nodes.map(\.op.kindName) == graph.nodes.map(\.op.kindName))
        guard case .shape(let slice)? = loaded.graph.nodes.first(where: { $0.name == "shape" })?.op,
            case .constantOfShape(let value)? = loaded.graph.nodes.last?.op
        else {
            Issue.record("shape/constantOfShape did not survive the round trip")
            return
        }
        #expect(slice == GraphOp.ShapeSlice(start: 0, end: -1))
        #expect(value.int64Values == [-9])
        let x = try S.tensor([2, 3], [-1, 0.25, 3, .nan, -0.75, 0.1])
        let before = try graph.compile().predict(["X": x])
        let after = try loaded.graph.compile().predict(["X": x])
        #expect(before["Z"] == after["Z"])
        #expect(after["Z"]?.int64Values == [Int64](repeating: -9, count: 6))
        Self.expectSame(after["Y"]?.doubleValues ?? [], before["Y"]?.doubleValues ?? [], relative: 0, "Y")
    }
}
