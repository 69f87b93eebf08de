import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

private typealias S = GraphTestsSupport

/// ONNX `Scan` and graph-valued attributes: small graphs built with `onnx.helper` and run by
/// onnxruntime (`Tests/Interop/scan/generate_scan_cases.py`, committed as resources), plus
/// IR-level graphs for what ONNX files cannot express (shadowed names, zero iterations) and
/// malformed scans.
struct ScanTests {
    static var directory: URL {
        get throws {
            let bundle = Bundle.module
            let candidates = [bundle.resourceURL, bundle.bundleURL].compactMap { $0 }.flatMap {
                [$0.appendingPathComponent("Scan"), $0.appendingPathComponent("Resources/Scan")]
            }
            let found = candidates.first { FileManager.default.fileExists(atPath: $0.path) }
            return try #require(found, "scan cases not found in \(candidates)")
        }
    }

    static let names = [
        "axes_and_directions", "distance_reduce_attribute", "distance_reduce_input", "nested", "outer_scope",
        "squared_distance", "state_accumulate", "swap_states",
    ]

    static func load(_ name: String) throws -> SKL2ONNXCaseTests.Case {
        let dir = try directory
        let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("\(name).onnx")))
        let data = try Data(contentsOf: dir.appendingPathComponent("\(name).json"))
        let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let inputs = try #require(record["inputs"] as? [String: Any])
        let outputs = try #require(record["outputs"] as? [String: Any])
        return SKL2ONNXCaseTests.Case(
            name: name, modelBytes: bytes,
            inputs: try inputs.mapValues { try SKL2ONNXCaseTests.tensor($0, "\(name) input") },
            outputs: try outputs.mapValues { try SKL2ONNXCaseTests.tensor($0, "\(name) output") })
    }

    @Test func theCaseListIsComplete() throws {
        let data = try Data(contentsOf: try Self.directory.appendingPathComponent("cases.json"))
        #expect(try JSONSerialization.jsonObject(with: data) as? [String] == Self.names)
    }

    /// Every case matches onnxruntime, twice on one compiled model (the nested contexts are
    /// reused), and after a package round trip.
    @Test(arguments: names)
    func matchesOnnxruntime(_ name: String) throws {
        let testCase = try Self.load(name)
        let graph = try ONNXImporter.importGraph(serializedBytes: testCase.modelBytes)
        let package = try ModelPackage(bytes: try ModelPackage(graph: graph).encoded())
        for compiled in [
            try graph.compile(), try graph.compile(options: CompileOptions(fuse: false)), try package.compile(),
        ] {
            for run in 0..<2 {
                let outputs = try compiled.predict(testCase.inputs)
                for (output, want) in testCase.outputs.sorted(by: { $0.key < $1.key }) {
                    let got = try #require(outputs[output], "\(name): no output '\(output)'")
                    SKL2ONNXCaseTests.compare(got, want, "\(name) \(output) run \(run)")
                }
            }
        }
    }

    /// After the first call at a batch size, calls allocate no arena (the body's plan and buffers
    /// are reused).
    @Test func repeatedCallsReuseBuffers() throws {
        let testCase = try Self.load("squared_distance")
        let compiled = try ONNXImporter.importGraph(serializedBytes: testCase.modelBytes).compile()
        _ = try compiled.predict(testCase.inputs)
        let before = compiled.statistics
        for _ in 0..<3 { _ = try compiled.predict(testCase.inputs) }
        #expect(compiled.statistics == before)
    }

    /// A squared-distance scan (the k-NN loop) with the points read in `inputReversed` order and the
    /// distances stacked in `outputReversed` order, `p - X` or `X - p`.
    static func distanceGraph(inputReversed: Bool, outputReversed: Bool, swapped: Bool) throws -> ModelGraph {
        let body = ModelGraph(
            name: "distance", inputs: [S.f32("x", nil), S.f32("p", nil)],
            outputs: [S.f32("x_out", nil), S.f32("d", nil)],
            initializers: ["ones": try S.tensor([3], [1, 1, 1])],
            nodes: [
                GraphNode(name: "keep", op: .identity, inputs: ["x"], outputs: ["x_out"]),
                GraphNode(name: "sub", op: .sub, inputs: swapped ? ["p", "x"] : ["x", "p"], outputs: ["diff"]),
                GraphNode(name: "sq", op: .mul, inputs: ["diff", "diff"], outputs: ["sq"]),
                GraphNode(name: "sum", op: .matMul, inputs: ["sq", "ones"], outputs: ["d"]),
            ])
        let scan = GraphOp.Scan(
            body: body, stateCount: 1, scanInputCount: 1, inputReversed: [inputReversed],
            outputReversed: [outputReversed])
        return ModelGraph(
            inputs: [S.f32("X", [.batch, .fixed(3)])], outputs: [S.f32("X2", nil), S.f32("D", nil)],
            initializers: [
                "P": try S.tensor([5, 3], [1000, 2000, -3000, 1, 2, 3, 0, 0, 0, 1e-3, 5, -7, 1000, 2000, -3000.5])
            ],
            nodes: [GraphNode(name: "scan", op: .scan(scan), inputs: ["X", "P"], outputs: ["X2", "D"])])
    }

    /// The fused distance loop gives the body's answer (directions, operand order), exact zeros for
    /// a row equal to a point, and runs only with fusion on.
    @Test(arguments: [(false, false, false), (true, false, true), (false, true, false), (true, true, true)])
    func fusedDistancesMatchTheBody(_ inputReversed: Bool, _ outputReversed: Bool, _ swapped: Bool) throws {
        let graph = try Self.distanceGraph(
            inputReversed: inputReversed, outputReversed: outputReversed, swapped: swapped)
        let x = try S.tensor([2, 3], [1000, 2000, -3000, 0.5, -1, 2])
        let fused = try graph.compile()
        let generic = try graph.compile(options: CompileOptions(fuse: false))
        func hasFusedStep(_ model: CompiledModel) throws -> Bool {
            let plan = try ResolvedPlan(
                program: model.program, batch: 2, maxElementsPerRow: 1 << 20, maxArenaBytes: 1 << 30)
            return plan.steps.contains { $0 is ScanDistanceStep }
        }
        #expect(try hasFusedStep(fused))
        #expect(try !hasFusedStep(generic))
        let a = try fused.predict(["X": x])
        let b = try generic.predict(["X": x])
        #expect(a["X2"]?.float32Values == x.float32Values)
        #expect(b["X2"]?.float32Values == x.float32Values)
        let d = try #require(a["D"]?.float32Values)
        #expect(a["D"]?.shape == [5, 2])
        S.expectClose(d, try #require(b["D"]?.float32Values), tolerance: 1e-6)
        // Row 0 equals the first point: its distance is exactly 0 (no cancellation).
        let t = (inputReversed != outputReversed) ? 4 : 0
        #expect(d[t * 2] == 0)
        #expect(d[(4 - t) * 2] == 0.25)
    }

    /// A body whose names shadow the enclosing graph's (its input is called like the graph's input,
    /// its initialiser like the graph's initialiser, with another value) sees its own values.
    @Test func bodyNamesShadowOuterNames() throws {
        let body = ModelGraph(
            name: "body", inputs: [S.f32("X", nil), S.f32("W", nil)], outputs: [S.f32("X2", nil), S.f32("Y", nil)],
            initializers: ["B": try S.tensor([2], [10, 20])],
            nodes: [
                GraphNode(name: "add", op: .add, inputs: ["X", "W"], outputs: ["X2"]),
                GraphNode(name: "mul", op: .mul, inputs: ["X2", "B"], outputs: ["Y"]),
            ])
        let graph = ModelGraph(
            inputs: [S.f32("X", [.fixed(2)]), S.f32("W", [.fixed(3), .fixed(2)])],
            outputs: [S.f32("X2", [.fixed(2)]), S.f32("Y", [.fixed(3), .fixed(2)])],
            initializers: ["B": try S.tensor([2], [1, 1])],
            nodes: [
                GraphNode(
                    name: "scan", op: .scan(GraphOp.Scan(body: body, stateCount: 1, scanInputCount: 1)),
                    inputs: ["X", "W"], outputs: ["X2", "Y"])
            ])
        let out = try graph.compile().predict([
            "X": try S.tensor([2], [1, 2]), "W": try S.tensor([3, 2], [1, 1, 2, 2, 3, 3]),
        ])
        S.expectClose(out["X2"]?.float32Values ?? [], [7, 8])
        S.expectClose(out["Y"]?.float32Values ?? [], [20, 60, 40, 100, 70, 160])
    }

    /// With zero iterations the final states are the initial ones and the scan outputs are empty.
    @Test func zeroIterations() throws {
        let body = ModelGraph(
            name: "body", inputs: [S.f32("s", nil), S.f32("x", nil)], outputs: [S.f32("s2", nil), S.f32("y", nil)],
            nodes: [
                GraphNode(name: "add", op: .add, inputs: ["s", "x"], outputs: ["s2"]),
                GraphNode(name: "relu", op: .relu, inputs: ["s2"], outputs: ["y"]),
            ])
        let graph = ModelGraph(
            inputs: [S.f32("S", [.fixed(2)]), S.f32("X", [.fixed(0), .fixed(2)])],
            outputs: [S.f32("S2", nil), S.f32("Y", nil)],
            nodes: [
                GraphNode(
                    name: "scan", op: .scan(GraphOp.Scan(body: body, stateCount: 1, scanInputCount: 1)),
                    inputs: ["S", "X"], outputs: ["S2", "Y"])
            ])
        let out = try graph.compile().predict([
            "S": try S.tensor([2], [3, -4]), "X": try Tensor(shape: [0, 2], float32: []),
        ])
        #expect(out["S2"]?.float32Values == [3, -4])
        #expect(out["Y"]?.shape == [0, 2])
    }

    // MARK: - Malformed scans

    /// A body adding its state and scan slice: the base of the malformed variants.
    static func scanGraph(_ edit: (inout GraphOp.Scan) -> Void = { _ in }) -> ModelGraph {
        let body = ModelGraph(
            name: "body", inputs: [S.f32("s", nil), S.f32("x", nil)], outputs: [S.f32("s2", nil), S.f32("y", nil)],
            nodes: [
                GraphNode(name: "add", op: .add, inputs: ["s", "x"], outputs: ["s2"]),
                GraphNode(name: "relu", op: .relu, inputs: ["s2"], outputs: ["y"]),
            ])
        var scan = GraphOp.Scan(body: body, stateCount: 1, scanInputCount: 1)
        edit(&scan)
        return ModelGraph(
            inputs: [S.f32("S", [.fixed(2)]), S.f32("X", [.fixed(4), .fixed(2)])],
            outputs: [S.f32("S2", nil), S.f32("Y", nil)],
            nodes: [GraphNode(name: "scan", op: .scan(scan), inputs: ["S", "X"], outputs: ["S2", "Y"])])
    }

    @Test func theBaseGraphIsValid() throws {
        let out = try Self.scanGraph().compile().predict([
            "S": try S.tensor([2], [0, 1]), "X": try S.tensor([4, 2], [1, -1, 1, -1, 1, -1, 1, -1]),
        ])
        #expect(out["S2"]?.float32Values == [4, -3])
        #expect(out["Y"]?.float32Values == [1, 0, 2, 0, 3, 0, 4, 0])
    }

    @Test func malformedScansAreRejected() throws {
        let cases: [(String, (inout GraphOp.Scan) -> Void)] = [
            ("stateCount", { $0.stateCount = 3 }),
            ("stateCount", { $0.stateCount = -1 }),
            ("scanInputCount", { $0.scanInputCount = 0 }),
            ("scanInputCount", { $0.scanInputCount = Int.max }),
            ("input axes", { $0.inputAxes = [0, 1] }),
            ("output axes", { $0.outputReversed = [] }),
            ("out of range", { $0.inputAxes = [2] }),
            ("out of range", { $0.outputAxes = [-3] }),
            ("keeps its type and shape", { $0.body.nodes[0].op = .concat(axis: 0) }),
            ("no graph input", { $0.body.nodes[1].inputs = ["outer"] }),
            ("produced twice", { $0.body.nodes[1].outputs = ["s2"] }),
        ]
        for (expected, edit) in cases {
            do {
                _ = try Self.scanGraph(edit).compile()
                Issue.record("accepted a scan with a bad \(expected)")
            } catch let error as MLOpsError {
                #expect(error.code == .invalidArgument, "\(error)")
                #expect(error.message.contains(expected) && error.message.contains("scan"), "\(error)")
            }
        }
    }

    @Test func scanInputsOfDifferentLengthsAreRejected() throws {
        let body = ModelGraph(
            name: "body", inputs: [S.f32("a", nil), S.f32("b", nil)], outputs: [S.f32("y", nil)],
            nodes: [GraphNode(name: "add", op: .add, inputs: ["a", "b"], outputs: ["y"])])
        let graph = ModelGraph(
            inputs: [S.f32("A", [.fixed(3), .fixed(2)]), S.f32("B", [.fixed(4), .fixed(2)])],
            outputs: [S.f32("Y", nil)],
            nodes: [
                GraphNode(
                    name: "scan", op: .scan(GraphOp.Scan(body: body, stateCount: 0, scanInputCount: 2)),
                    inputs: ["A", "B"], outputs: ["Y"])
            ])
        #expect(throws: MLOpsError(.invalidArgument, "")) { try graph.validate() }
    }

    @Test func deeplyNestedScansAreRejected() throws {
        func nest(_ levels: Int) -> ModelGraph {
            var body = ModelGraph(
                name: "leaf", inputs: [S.f32("x", nil)], outputs: [S.f32("y", nil)],
                nodes: [GraphNode(name: "relu", op: .relu, inputs: ["x"], outputs: ["y"])])
            for level in 0..<levels {
                body = ModelGraph(
                    name: "level\(level)", inputs: [S.f32("x", nil)], outputs: [S.f32("y", nil)],
                    nodes: [
                        GraphNode(
                            name: "scan\(level)", op: .scan(GraphOp.Scan(body: body, stateCount: 0, scanInputCount: 1)),
                            inputs: ["x"], outputs: ["y"])
                    ])
            }
            return ModelGraph(
                inputs: [S.f32("X", Array(repeating: .fixed(1), count: levels + 1))], outputs: [S.f32("Y", nil)],
                nodes: [
                    GraphNode(
                        name: "top", op: .scan(GraphOp.Scan(body: body, stateCount: 0, scanInputCount: 1)),
                        inputs: ["X"], outputs: ["Y"])
                ])
        }
        let ok = try nest(GraphOp.Scan.maxDepth - 2).compile()
        let x = try Tensor(shape: Array(repeating: 1, count: GraphOp.Scan.maxDepth - 1), float32: [-2])
        #expect(try ok.predict(["X": x])["Y"]?.float32Values == [0])
        #expect(throws: MLOpsError(.limitExceeded, "")) { try nest(GraphOp.Scan.maxDepth - 1).validate() }
        #expect(throws: MLOpsError(.limitExceeded, "")) { try nest(1000).validate() }
    }

    @Test func stringScanInputsAreRejected() throws {
        let body = ModelGraph(
            name: "body", inputs: [ValueInfo(name: "x", elementType: .string, shape: nil)],
            outputs: [ValueInfo(name: "y", elementType: .string, shape: nil)],
            nodes: [GraphNode(name: "id", op: .identity, inputs: ["x"], outputs: ["y"])])
        let graph = ModelGraph(
            inputs: [ValueInfo(name: "X", elementType: .string, shape: [.fixed(2)])],
            outputs: [ValueInfo(name: "Y", elementType: .string, shape: nil)],
            nodes: [
                GraphNode(
                    name: "scan", op: .scan(GraphOp.Scan(body: body, stateCount: 0, scanInputCount: 1)),
                    inputs: ["X"], outputs: ["Y"])
            ])
        #expect(throws: MLOpsError(.invalidArgument, "")) { try graph.validate() }
    }

    // MARK: - Malformed ONNX scans

    /// The `state_accumulate` case with its Scan node edited.
    static func editedModel(_ edit: (inout ONNXNodeProto, inout ONNXModelProto) -> Void) throws -> ONNXModelProto {
        var model = try ONNXModelProto(serializedBytes: try load("state_accumulate").modelBytes)
        var graph = try #require(model.graph)
        var node = graph.nodes[0]
        edit(&node, &model)
        graph.nodes[0] = node
        model.graph = graph
        return model
    }

    @Test func malformedONNXScansAreRejected() throws {
        func attribute(_ node: inout ONNXNodeProto, _ name: String, _ change: (inout ONNXAttributeProto) -> Void) {
            if let i = node.attributes.firstIndex(where: { $0.name == name }) { change(&node.attributes[i]) }
        }
        func setInts(_ name: String, _ values: [Int64]) -> (inout ONNXNodeProto, inout ONNXModelProto) -> Void {
            { node, _ in
                var a = ONNXAttributeProto()
                a.name = name
                a.type = .ints
                a.ints = values
                node.attributes.append(a)
            }
        }
        let cases: [(String, MLOpsError.Code, (inout ONNXNodeProto, inout ONNXModelProto) -> Void)] = [
            ("'body'", .parseError, { node, _ in node.attributes.removeAll { $0.name == "body" } }),
            ("num_scan_inputs", .parseError, { node, _ in attribute(&node, "num_scan_inputs") { $0.i = 0 } }),
            ("num_scan_inputs", .parseError, { node, _ in attribute(&node, "num_scan_inputs") { $0.i = 3 } }),
            ("num_scan_inputs", .parseError, { node, _ in node.attributes.removeAll { $0.name == "num_scan_inputs" } }),
            ("scan_input_directions", .parseError, setInts("scan_input_directions", [2])),
            ("scan_input_axes", .parseError, setInts("scan_input_axes", [0, 0])),
            ("scan_output_axes", .parseError, setInts("scan_output_axes", [1 << 40])),
            ("unknown_attribute", .unsupported, setInts("unknown_attribute", [1])),
            ("opset 9", .unsupported, { _, model in model.opsetImports = [.init(domain: "", version: 8)] }),
            ("inputs", .parseError, { node, _ in node.inputs.append("X") }),
            ("outputs", .parseError, { node, _ in node.outputs.removeLast() }),
            (
                "neither", .parseError,
                { node, _ in attribute(&node, "body") { $0.g?.nodes[0].inputs[1] = "nowhere" } }
            ),
            (
                "Softplus", .unsupported,
                { node, _ in attribute(&node, "body") { $0.g?.nodes[1].opType = "Softplus" } }
            ),
        ]
        for (expected, code, edit) in cases {
            let model = try Self.editedModel(edit)
            do {
                _ = try ONNXImporter.importGraph(from: model).compile()
                Issue.record("accepted a Scan with a bad \(expected)")
            } catch let error as MLOpsError {
                #expect(error.code == code, "\(expected): \(error)")
                #expect(error.message.contains(expected) || error.value?.contains(expected) == true, "\(error)")
            }
        }
    }

    /// Every truncation of a model with a scan body fails cleanly (never crashes).
    @Test func truncatedScanModelsFailCleanly() throws {
        let bytes = try Self.load("nested").modelBytes
        for length in stride(from: 0, to: bytes.count, by: 3) {
            do {
                _ = try ONNXImporter.importGraph(serializedBytes: Array(bytes[0..<length])).compile()
            } catch is MLOpsError {}
        }
    }
}
