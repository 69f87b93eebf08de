import MLOpsCore
import Testing

@testable import InferenceCore

private typealias M = MLOpsTestSupport
private typealias S = GraphTestsSupport

/// `ai.onnx.ml` SVMClassifier and SVMRegressor against onnxruntime 1.31.1 (expected numbers from
/// small `onnx.helper` graphs run there): every kernel, the vote rule and its ties, Platt scaling
/// with pairwise coupling, the binary score layouts, linear mode, one-class, and malformed attributes.
@Suite struct SVMOpTests {
    static let x: [Float] = [0.5, -1.0, 1.5, 0.25, -0.75, 2.0, 0.0, 0.0]
    static let supportVectors: [Float] = [1.0, 0.0, 0.0, 1.0, 2.0, 2.0, -1.0, 0.5, 0.5, -0.5]
    static let coefficients: [Float] = [0.5, -0.25, 1.0, -0.75, 0.3, -0.4, 0.6, -1.2, 0.8, 0.9]

    static func input(rows: Int = 4) throws -> Tensor {
        try Tensor(shape: [rows, 2], float32: Array(x.prefix(rows * 2)))
    }

    /// A three-class SVC (vectors per class 2, 1, 2) with the shared support vectors.
    static func classifier(
        kernel: String, params: [Float], rho: [Float] = [0.1, -0.2, 0.05], coefficients: [Float] = coefficients,
        labelType: Int64 = 7, extra: (inout TestProtobufWriter) -> Void = { _ in }
    ) -> [UInt8] {
        M.model(op: "SVMClassifier", outputs: [("L", labelType), ("S", 1)]) { n in
            n.attribute("kernel_type", string: kernel)
            n.attribute("kernel_params", floats: params)
            n.attribute("vectors_per_class", ints: [2, 1, 2])
            n.attribute("support_vectors", floats: supportVectors)
            n.attribute("coefficients", floats: coefficients)
            n.attribute("rho", floats: rho)
            if labelType == 7 { n.attribute("classlabels_ints", ints: [10, 20, 30]) }
            extra(&n)
        }
    }

    /// A binary SVC (vectors per class 2, 3).
    static func binary(extra: (inout TestProtobufWriter) -> Void = { _ in }) -> [UInt8] {
        M.model(op: "SVMClassifier", outputs: [("L", 7), ("S", 1)]) { n in
            n.attribute("kernel_type", string: "RBF")
            n.attribute("kernel_params", floats: [0.5, 0, 3])
            n.attribute("vectors_per_class", ints: [2, 3])
            n.attribute("support_vectors", floats: supportVectors)
            n.attribute("coefficients", floats: Array(coefficients.prefix(5)))
            n.attribute("rho", floats: [0.1])
            n.attribute("classlabels_ints", ints: [0, 1])
            extra(&n)
        }
    }

    @Test(arguments: [
        (
            "RBF", [Float](arrayLiteral: 0.5, 0, 3), [Int64](arrayLiteral: 10, 10, 10, 10),
            [Float](
                arrayLiteral: 0.34137905, -0.15674514, 0.92423868, 0.65726089, -0.28969067, 0.26709411,
                0.02297, -0.16697054, 0.29248235, 0.2699483, -0.24649972, 1.1571511)
        ),
        (
            "POLY", [0.7, 0.3, 3], [10, 30, 10, 10],
            [
                0.1893125, -0.13179532, 0.58096397, 22.100269, -0.78142619, -24.777853, 7.4811792, 0.0051902337,
                -7.7125854, 0.13375001, -0.20675001, 0.063500002,
            ]
        ),
        (
            "SIGMOID", [0.4, -0.1, 3], [20, 10, 30, 20],
            [
                -0.19675387, -0.11133707, 0.41248468, 1.1927818, 0.088571124, -1.3074074, 0.47523153, -0.25968793,
                -0.89442098, -0.024584984, -0.17508301, 0.00016601011,
            ]
        ),
        (
            "LINEAR", [0, 0, 0], [20, 10, 30, 10],
            [
                -0.40000001, -0.025000021, 1.125, 4.2874999, 0.56874996, -4.6875005, 1.725, -0.42499995, -2.7874999,
                0.1, -0.2, 0.050000001,
            ]
        ),
    ])
    func multiclassDecisionValuesAndVotes(kernel: String, params: [Float], labels: [Int64], scores: [Float]) throws {
        let out = try M.run(Self.classifier(kernel: kernel, params: params), Self.input())
        #expect(out["L"]?.int64Values == labels)
        #expect(out["S"]?.shape == [4, 3])
        S.expectClose(out["S"]?.float32Values ?? [], scores, tolerance: 1e-5)
    }

    @Test func plattScalingCouplesPairwiseProbabilities() throws {
        let bytes = Self.classifier(kernel: "RBF", params: [0.5, 0, 3], labelType: 8) { n in
            n.attribute("prob_a", floats: [-1.5, -2.0, -0.7])
            n.attribute("prob_b", floats: [0.1, -0.2, 0.3])
            n.attribute("classlabels_strings", strings: ["a", "b", "c"])
        }
        let out = try M.run(bytes, Self.input())
        #expect(out["L"]?.stringValues == ["a", "a", "a", "a"])
        #expect(out["S"]?.shape == [4, 3])
        S.expectClose(
            out["S"]?.float32Values ?? [],
            [
                0.36766911, 0.32067585, 0.31165495, 0.35718408, 0.23913409, 0.40368187, 0.31094158, 0.3298201,
                0.35923836, 0.34006667, 0.35159966, 0.30833372,
            ], tolerance: 1e-5)
    }

    @Test func softmaxAppliesToTheDecisionValues() throws {
        let bytes = Self.classifier(kernel: "RBF", params: [0.5, 0, 3]) { n in
            n.attribute("post_transform", string: "SOFTMAX")
        }
        let out = try M.run(bytes, Self.input())
        S.expectClose(
            out["S"]?.float32Values ?? [],
            [
                0.29421952, 0.17878821, 0.52699226, 0.48429295, 0.18786779, 0.3278392, 0.31884357, 0.2636863,
                0.41747013, 0.24844946, 0.14823391, 0.60331666,
            ], tolerance: 1e-5)
    }

    @Test func votesTieToTheFirstClassAndAZeroDecisionVotesForTheSecond() throws {
        let zero = [Float](repeating: 0, count: 10)
        let tie = try M.run(
            Self.classifier(kernel: "RBF", params: [0.5, 0, 3], rho: [1, -1, 1], coefficients: zero),
            Self.input(rows: 1))
        #expect(tie["L"]?.int64Values == [10])
        #expect(tie["S"]?.float32Values == [1, -1, 1])
        let zeros = try M.run(
            Self.classifier(kernel: "RBF", params: [0.5, 0, 3], rho: [0, 0, 0], coefficients: zero), Self.input(rows: 1)
        )
        #expect(zeros["L"]?.int64Values == [30])
    }

    @Test func binaryScoreLayouts() throws {
        let none = try M.run(Self.binary(), Self.input())
        #expect(none["L"]?.int64Values == [0, 0, 1, 0])
        #expect(none["S"]?.shape == [4, 2])
        S.expectClose(
            none["S"]?.float32Values ?? [],
            [-0.52707869, 0.52707869, -0.76267201, 0.76267201, 0.20699322, -0.20699322, -0.10214244, 0.10214244],
            tolerance: 1e-5)
        // onnxruntime's layouts of the one decision value d: [1 - σ(d), σ(d)], [probit(d), d], [1 - d, d].
        for (transform, want) in [
            (
                "LOGISTIC",
                [0.37119853, 0.62880147, 0.31806642, 0.68193358, 0.55156428, 0.44843572, 0.47448659, 0.52551341]
            ),
            ("PROBIT", [0.06792552, 0.52707869, 0.71502054, 0.76267201, .nan, -0.20699322, -1.2696034, 0.10214244]),
            (
                "SOFTMAX",
                [0.47292131, 0.52707869, 0.23732799, 0.76267201, 1.2069932, -0.20699322, 0.89785755, 0.10214244]
            ),
        ] as [(String, [Float])] {
            let got = try M.run(Self.binary { $0.attribute("post_transform", string: transform) }, Self.input())["S"]
            let values = got?.float32Values ?? []
            #expect(values.count == 8 && values[4].isNaN == want[4].isNaN, "\(transform)")
            S.expectClose(values.map { $0.isNaN ? 0 : $0 }, want.map { $0.isNaN ? 0 : $0 }, tolerance: 1e-5)
        }
        let proba = try M.run(
            Self.binary {
                $0.attribute("prob_a", floats: [-1.5])
                $0.attribute("prob_b", floats: [0.2])
            }, Self.input())
        #expect(proba["L"]?.int64Values == [0, 0, 1, 0])
        S.expectClose(
            proba["S"]?.float32Values ?? [],
            [0.64150959, 0.35849038, 0.71990871, 0.28009149, 0.37290841, 0.62709153, 0.48830542, 0.51169461],
            tolerance: 1e-5)
    }

    @Test func linearModeUsesTheCoefficientsAsWeights() throws {
        let three = M.model(op: "SVMClassifier", outputs: [("L", 7), ("S", 1)]) { n in
            n.attribute("kernel_type", string: "RBF")
            n.attribute("kernel_params", floats: [0.5, 0, 3])
            n.attribute("coefficients", floats: [0.5, -1.0, 1.0, 0.25, -0.3, 0.8])
            n.attribute("rho", floats: [0.2])
            n.attribute("classlabels_ints", ints: [1, 2, 3])
        }
        let out = try M.run(three, Self.input())
        #expect(out["L"]?.int64Values == [1, 2, 3, 1])
        S.expectClose(
            out["S"]?.float32Values ?? [],
            [1.45, 0.45, -0.75, 0.7, 1.7625, -0.05, -2.175, -0.05, 2.025, 0.2, 0.2, 0.2], tolerance: 1e-5)
        // Two labels, mixed-sign weights: label 1 when the best score is positive.
        let mixed = M.model(op: "SVMClassifier", outputs: [("L", 7), ("S", 1)]) { n in
            n.attribute("kernel_params", floats: [0, 0, 0])
            n.attribute("coefficients", floats: [0.5, -1.0, 1.0, 0.25])
            n.attribute("rho", floats: [-0.1])
            n.attribute("classlabels_ints", ints: [4, 7])
        }
        #expect(try M.run(mixed, Self.input())["L"]?.int64Values == [7, 7, 7, 4])
        // Non-negative weights: label 1 when the best score is ≥ 0.5; LOGISTIC per score.
        let positive = M.model(op: "SVMClassifier", outputs: [("L", 7), ("S", 1)]) { n in
            n.attribute("kernel_params", floats: [0, 0, 0])
            n.attribute("coefficients", floats: [0.5, 0.1, 0.2, 0.25])
            n.attribute("rho", floats: [0.1])
            n.attribute("classlabels_ints", ints: [4, 7])
            n.attribute("post_transform", string: "LOGISTIC")
        }
        let p = try M.run(positive, Self.input())
        #expect(p["L"]?.int64Values == [4, 7, 7, 4])
        S.expectClose(
            p["S"]?.float32Values ?? [],
            [0.56217647, 0.4875026, 0.70578504, 0.61360705, 0.48125878, 0.61063921, 0.52497917, 0.52497917],
            tolerance: 1e-5)
    }

    @Test(arguments: [
        (
            "RBF", [Float](arrayLiteral: 0.5, 0, 3), false,
            [Float](arrayLiteral: 0.52707869, 0.76267207, -0.20699325, 0.10214247)
        ),
        ("POLY", [0.7, 0.3, 2], false, [0.51543748, 8.3513365, 1.9927657, 0.172]),
        ("SIGMOID", [0.4, -0.1, 3], false, [0.20904657, 1.6661998, -0.099056669, 0.020265609]),
        ("RBF", [0.5, 0, 3], true, [1, 1, -1, 1]),
    ])
    func regressorKernelsAndOneClass(kernel: String, params: [Float], oneClass: Bool, want: [Float]) throws {
        let bytes = M.model(op: "SVMRegressor", outputs: [("Y", 1)]) { n in
            n.attribute("kernel_type", string: kernel)
            n.attribute("kernel_params", floats: params)
            n.attribute("n_supports", int: 5)
            n.attribute("support_vectors", floats: Self.supportVectors)
            n.attribute("coefficients", floats: Array(Self.coefficients.prefix(5)))
            n.attribute("rho", floats: [0.1])
            n.attribute("one_class", int: oneClass ? 1 : 0)
        }
        let y = try M.run(bytes, Self.input())["Y"]
        #expect(y?.shape == [4, 1])
        S.expectClose(y?.float32Values ?? [], want, tolerance: 1e-5)
    }

    @Test func regressorWithoutSupportVectorsIsLinear() throws {
        let bytes = M.model(op: "SVMRegressor", outputs: [("Y", 1)]) { n in
            n.attribute("kernel_params", floats: [0, 0, 0])
            n.attribute("n_supports", int: 0)
            n.attribute("coefficients", floats: [0.5, -2.0])
            n.attribute("rho", floats: [0.25])
        }
        #expect(try M.run(bytes, Self.input())["Y"]?.float32Values == [2.5, 0.5, -4.125, 0.25])
    }

    @Test func largeBatchesAndChunksMatchSingleRows() throws {
        // 600 rows run as row chunks; each row must match the row run alone.
        var values: [Float] = []
        for i in 0..<1200 { values.append(Float((i * 37) % 101) / 25 - 2) }
        let graph = try ONNXImporter.importGraph(
            serializedBytes: Self.classifier(kernel: "RBF", params: [0.5, 0, 3]) { n in
                n.attribute("prob_a", floats: [-1.5, -2.0, -0.7])
                n.attribute("prob_b", floats: [0.1, -0.2, 0.3])
            })
        let model = try graph.compile()
        let all = try model.predict(["X": try Tensor(shape: [600, 2], float32: values)])
        for row in [0, 1, 299, 599] {
            let one = try model.predict([
                "X": try Tensor(shape: [1, 2], float32: Array(values[(row * 2)..<(row * 2 + 2)]))
            ])
            #expect(one["L"]?.int64Values?.first == all["L"]?.int64Values?[row])
            S.expectClose(
                one["S"]?.float32Values ?? [], Array((all["S"]?.float32Values ?? [])[(row * 3)..<(row * 3 + 3)]))
        }
    }

    @Test func float64AndInt64InputsAreComputedInFloat32() throws {
        let bytes = M.model(op: "SVMRegressor", inputType: 11, outputs: [("Y", 1)]) { n in
            n.attribute("kernel_type", string: "RBF")
            n.attribute("kernel_params", floats: [0.5, 0, 3])
            n.attribute("n_supports", int: 5)
            n.attribute("support_vectors", floats: Self.supportVectors)
            n.attribute("coefficients", floats: Array(Self.coefficients.prefix(5)))
            n.attribute("rho", floats: [0.1])
        }
        let y = try M.run(bytes, try Tensor(shape: [4, 2], float64: Self.x.map { Double($0) }))["Y"]
        S.expectClose(y?.float32Values ?? [], [0.52707869, 0.76267207, -0.20699325, 0.10214247], tolerance: 1e-5)
    }

    @Test func malformedAttributesNameTheAttribute() throws {
        func error(_ edit: (inout TestProtobufWriter) -> Void) -> MLOpsError? {
            M.importError(
                M.model(op: "SVMClassifier", outputs: [("L", 7), ("S", 1)]) { n in
                    edit(&n)
                    n.attribute("classlabels_ints", ints: [0, 1, 2])
                })
        }
        let base: (inout TestProtobufWriter) -> Void = { n in
            n.attribute("support_vectors", floats: Self.supportVectors)
            n.attribute("coefficients", floats: Self.coefficients)
        }
        let kernel = error { n in
            base(&n)
            n.attribute("vectors_per_class", ints: [2, 1, 2])
            n.attribute("rho", floats: [0, 0, 0])
            n.attribute("kernel_type", string: "CUBIC")
        }
        #expect(kernel?.code == .unsupported && kernel?.value == "kernel_type")
        let params = error { n in
            base(&n)
            n.attribute("vectors_per_class", ints: [2, 1, 2])
            n.attribute("rho", floats: [0, 0, 0])
            n.attribute("kernel_params", floats: [1, 2])
        }
        #expect(params?.value == "kernel_params")
        let negative = error { n in
            base(&n)
            n.attribute("vectors_per_class", ints: [2, -1, 2])
            n.attribute("rho", floats: [0, 0, 0])
        }
        #expect(negative?.value == "vectors_per_class")
        let probabilities = error { n in
            base(&n)
            n.attribute("vectors_per_class", ints: [2, 1, 2])
            n.attribute("rho", floats: [0, 0, 0])
            n.attribute("prob_a", floats: [1, 2, 3])
        }
        #expect(probabilities?.value == "prob_a")
        let noRho = error { n in
            base(&n)
            n.attribute("vectors_per_class", ints: [2, 1, 2])
        }
        #expect(noRho?.value == "rho")
        // Sizes that disagree are refused by shape inference, naming the node and the count.
        let shortRho = error { n in
            base(&n)
            n.attribute("vectors_per_class", ints: [2, 1, 2])
            n.attribute("rho", floats: [0])
        }
        #expect(shortRho?.message.contains("rho has 1 values") == true)
        let wrongCount = error { n in
            base(&n)
            n.attribute("vectors_per_class", ints: [2, 1, 1])
            n.attribute("rho", floats: [0, 0, 0])
        }
        #expect(wrongCount?.message.contains("support vector values") == true)
        let hugeCounts = error { n in
            base(&n)
            n.attribute("vectors_per_class", ints: [Int64(Int32.max), Int64(Int32.max), Int64(Int32.max)])
            n.attribute("rho", floats: [0, 0, 0])
        }
        #expect(hugeCounts != nil)
        let regressor = M.importError(
            M.model(op: "SVMRegressor", outputs: [("Y", 1)]) { n in
                n.attribute("n_supports", int: -3)
                n.attribute("coefficients", floats: [1, 2])
                n.attribute("rho", floats: [0])
            })
        #expect(regressor?.value == "n_supports")
    }

    @Test func hostileValuesDoNotCrash() throws {
        let bytes = Self.classifier(kernel: "POLY", params: [.infinity, -.infinity, 2.5]) { n in
            n.attribute("prob_a", floats: [.nan, 0, .infinity])
            n.attribute("prob_b", floats: [0, .nan, 1])
        }
        let x = try Tensor(shape: [3, 2], float32: [.nan, 1, .infinity, -.infinity, 1e30, -1e30])
        let out = try M.run(bytes, x)
        #expect(out["L"]?.int64Values?.count == 3)
        #expect(out["S"]?.shape == [3, 3])
    }

    @Test func packagesRoundTripBothOps() throws {
        for bytes in [
            Self.classifier(kernel: "SIGMOID", params: [0.4, -0.1, 3]) { n in
                n.attribute("prob_a", floats: [-1.5, -2.0, -0.7])
                n.attribute("prob_b", floats: [0.1, -0.2, 0.3])
            },
            M.model(op: "SVMRegressor", outputs: [("Y", 1)]) { n in
                n.attribute("kernel_type", string: "POLY")
                n.attribute("kernel_params", floats: [0.7, 0.3, 2])
                n.attribute("n_supports", int: 5)
                n.attribute("support_vectors", floats: Self.supportVectors)
                n.attribute("coefficients", floats: Array(Self.coefficients.prefix(5)))
                n.attribute("rho", floats: [0.1])
                n.attribute("one_class", int: 1)
            },
        ] {
            let model = try Model(graph: try ONNXImporter.importGraph(serializedBytes: bytes))
            let loaded = try Model(bytes: try model.package.encoded())
            #expect(loaded.graph.nodes.map(\.op.kindName) == model.graph.nodes.map(\.op.kindName))
            let a = try model.graph.compile().predict(["X": try Self.input()])
            let b = try loaded.graph.compile().predict(["X": try Self.input()])
            for (name, tensor) in a {
                #expect(b[name]?.float32Values == tensor.float32Values)
                #expect(b[name]?.int64Values == tensor.int64Values)
            }
        }
    }
}
