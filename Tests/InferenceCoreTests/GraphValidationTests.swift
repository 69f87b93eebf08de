import InferenceCore
import MLOpsCore
import Testing

private typealias S = GraphTestsSupport

/// Every kind of validation error, and that each names the node and the tensor.
struct GraphValidationTests {
    private func error(_ graph: ModelGraph) -> MLOpsError? {
        do {
            try graph.validate()
            return nil
        } catch let e as MLOpsError {
            return e
        } catch {
            return nil
        }
    }

    private let x = S.f32("X", [.batch, .fixed(3)])
    private let y = S.f32("Y", [.batch, .fixed(3)])

    @Test func validGraphWithUnusedInputAndInitialiserPasses() throws {
        let graph = ModelGraph(
            inputs: [x, S.f32("unused", [.fixed(1)])], outputs: [y],
            initializers: ["spare": try S.tensor([1], [0])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        try graph.validate()
    }

    @Test func duplicateProducer() throws {
        let graph = ModelGraph(
            inputs: [x], outputs: [y], initializers: ["Y": try S.tensor([3], [0, 0, 0])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        let e = try #require(error(graph))
        #expect(e.message.contains("produced twice") && e.message.contains("node 'r'"))
        #expect(e.value == "Y")
        let twoNodes = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [
                GraphNode(name: "a", op: .relu, inputs: ["X"], outputs: ["Y"]),
                GraphNode(name: "b", op: .tanh, inputs: ["X"], outputs: ["Y"]),
            ])
        #expect(error(twoNodes)?.message.contains("node 'b'") == true)
        let inputShadow = ModelGraph(
            inputs: [x], outputs: [y], initializers: ["X": try S.tensor([3], [0, 0, 0])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(inputShadow)?.value == "X")
    }

    @Test func danglingReference() throws {
        let graph = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [GraphNode(name: "adder", op: .add, inputs: ["X", "missing"], outputs: ["Y"])])
        let e = try #require(error(graph))
        #expect(e.message.contains("Node 'adder' (add)") && e.message.contains("missing"))
        #expect(e.value == "missing")
        let noOutput = ModelGraph(
            inputs: [x], outputs: [S.f32("nowhere", nil)],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(noOutput)?.value == "nowhere")
    }

    @Test func cycle() throws {
        let graph = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [
                GraphNode(name: "first", op: .add, inputs: ["X", "b"], outputs: ["a"]),
                GraphNode(name: "second", op: .relu, inputs: ["a"], outputs: ["b"]),
                GraphNode(name: "out", op: .relu, inputs: ["b"], outputs: ["Y"]),
            ])
        let e = try #require(error(graph))
        #expect(e.message.contains("cycle"))
        #expect(e.message.contains("'first'") || e.message.contains("'second'") || e.message.contains("'out'"))
        let selfLoop = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [GraphNode(name: "loop", op: .add, inputs: ["X", "Y"], outputs: ["Y"])])
        #expect(error(selfLoop)?.message.contains("Node 'loop'") == true)
    }

    @Test func arityAndEmptyNames() throws {
        let tooMany = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X", "X"], outputs: ["Y"])])
        #expect(error(tooMany)?.message.contains("Node 'r' (relu)") == true)
        let outputs = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [GraphNode(name: "lc", op: .relu, inputs: ["X"], outputs: ["Y", "Z"])])
        #expect(error(outputs)?.message.contains("outputs") == true)
        let emptyOptional = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [GraphNode(name: "a", op: .add, inputs: ["X", ""], outputs: ["Y"])])
        #expect(error(emptyOptional)?.message.contains("not optional") == true)
        let emptyInput = ModelGraph(inputs: [S.f32("", [.fixed(1)])], outputs: [y], nodes: [])
        #expect(error(emptyInput) != nil)
        let duplicateOutput = ModelGraph(
            inputs: [x], outputs: [y, y],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(duplicateOutput)?.value == "Y")
    }

    @Test func elementTypeMismatch() throws {
        let graph = ModelGraph(
            inputs: [x, ValueInfo(name: "I", elementType: .int64, shape: [.batch, .fixed(3)])], outputs: [y],
            nodes: [GraphNode(name: "mix", op: .add, inputs: ["X", "I"], outputs: ["Y"])])
        let e = try #require(error(graph))
        #expect(e.message.contains("Node 'mix' (add)") && e.message.contains("int64"))
        #expect(e.value == "I")
        let reluOnInts = ModelGraph(
            inputs: [ValueInfo(name: "I", elementType: .int64, shape: [.fixed(3)])], outputs: [y],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["I"], outputs: ["Y"])])
        #expect(error(reluOnInts)?.value == "I")
    }

    @Test func shapeMismatch() throws {
        let gemm = ModelGraph(
            inputs: [x], outputs: [y], initializers: ["W": try S.tensor([4, 3], Array(repeating: 0, count: 12))],
            nodes: [GraphNode(name: "dense", op: .gemm(GraphOp.Gemm()), inputs: ["X", "W"], outputs: ["Y"])])
        let e = try #require(error(gemm))
        #expect(e.message.contains("Node 'dense' (gemm)") && e.message.contains("inner dimensions"))
        #expect(e.value == "W")
        let broadcast = ModelGraph(
            inputs: [x], outputs: [y], initializers: ["B": try S.tensor([2], [0, 0])],
            nodes: [GraphNode(name: "plus", op: .add, inputs: ["X", "B"], outputs: ["Y"])])
        #expect(error(broadcast)?.message.contains("do not broadcast") == true)
        let reshape = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [GraphNode(name: "rs", op: .reshape(shape: [-1, 4]), inputs: ["X"], outputs: ["Y"])])
        #expect(error(reshape)?.message.contains("Node 'rs' (reshape)") == true)
        let axis = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [GraphNode(name: "sm", op: .softmax(axis: 2), inputs: ["X"], outputs: ["Y"])])
        #expect(error(axis)?.message.contains("axis") == true)
        // A mismatch that only shows at batch sizes > 1: a fixed [1, 3] constant concatenated along axis 1.
        let batchOnly = ModelGraph(
            inputs: [x], outputs: [S.f32("Y", nil)], initializers: ["C": try S.tensor([1, 3], [0, 0, 0])],
            nodes: [GraphNode(name: "cat", op: .concat(axis: 1), inputs: ["X", "C"], outputs: ["Y"])])
        #expect(error(batchOnly)?.message.contains("Node 'cat' (concat)") == true)
    }

    @Test func declaredOutputsAreChecked() throws {
        let wrongType = ModelGraph(
            inputs: [x], outputs: [ValueInfo(name: "Y", elementType: .int64, shape: nil)],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(wrongType)?.value == "Y")
        let wrongShape = ModelGraph(
            inputs: [x], outputs: [S.f32("Y", [.batch, .fixed(4)])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(wrongShape)?.message.contains("declared") == true)
        let notBatch = ModelGraph(
            inputs: [x], outputs: [S.f32("Y", [.fixed(1), .fixed(3)])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(notBatch)?.message.contains("batch size 2") == true)
        let unknownOK = ModelGraph(
            inputs: [x], outputs: [S.f32("Y", [.unknown, .unknown])],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        try unknownOK.validate()
    }

    @Test func inputDeclarations() throws {
        let noShape = ModelGraph(
            inputs: [S.f32("X", nil)], outputs: [y],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(noShape)?.value == "X")
        let unknown = ModelGraph(
            inputs: [S.f32("X", [.unknown, .fixed(3)])], outputs: [y],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(unknown)?.message.contains("unknown dimension") == true)
        let negative = ModelGraph(
            inputs: [S.f32("X", [.fixed(-1)])], outputs: [y],
            nodes: [GraphNode(name: "r", op: .relu, inputs: ["X"], outputs: ["Y"])])
        #expect(error(negative) != nil)
    }

    @Test func badAttributes() throws {
        let scaler = ModelGraph(
            inputs: [x], outputs: [y],
            nodes: [
                GraphNode(
                    name: "sc", op: .scaler(GraphOp.Scaler(offset: [0, 0], scale: [1])),
                    inputs: ["X"], outputs: ["Y"])
            ])
        #expect(error(scaler)?.message.contains("Node 'sc' (scaler)") == true)
        let clf = ModelGraph(
            inputs: [x], outputs: [ValueInfo(name: "L", elementType: .int64, shape: nil), S.f32("P", nil)],
            nodes: [
                GraphNode(
                    name: "lc",
                    op: .linearClassifier(
                        GraphOp.LinearClassifier(
                            coefficients: [1, 2, 3, 4], intercepts: [], labels: .int64([0, 1]))), inputs: ["X"],
                    outputs: ["L", "P"])
            ])
        #expect(error(clf)?.message.contains("Node 'lc' (linearClassifier)") == true)
        let transpose = ModelGraph(
            inputs: [x], outputs: [S.f32("Y", nil)],
            nodes: [GraphNode(name: "t", op: .transpose(perm: [0, 0]), inputs: ["X"], outputs: ["Y"])])
        #expect(error(transpose)?.message.contains("perm") == true)
    }

    @Test func tensorInitialisersCheckCounts() {
        #expect(throws: S.invalid) { _ = try Tensor(shape: [2, 2], float32: [1, 2, 3]) }
        #expect(throws: S.invalid) { _ = try Tensor(shape: [-1], float32: []) }
        #expect(throws: S.invalid) { _ = try Tensor(shape: [Int.max, 3], float32: []) }
    }
}
