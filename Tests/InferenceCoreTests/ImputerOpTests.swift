import MLOpsCore
import Testing

@testable import InferenceCore

private typealias S = GraphTestsSupport

/// The `imputer` op: NaN replaced per feature, float32 and float64, through a package.
@Suite struct ImputerOpTests {
    @Test func replacesNaNPerFeature() throws {
        let graph = S.single(
            .imputer(GraphOp.Imputer(values: [7, -1])), inputs: [S.f32("X", [.batch, .fixed(2)])],
            outputs: [S.f32("Y", [.batch, .fixed(2)])])
        let y = try S.run(graph, ["X": try S.tensor([3, 2], [.nan, 2, 3, .nan, .nan, .nan])])["Y"]
        #expect(y?.float32Values == [7, 2, 3, -1, 7, -1])

        let doubles = S.single(
            .imputer(GraphOp.Imputer(values: [0.5])),
            inputs: [ValueInfo(name: "X", elementType: .float64, shape: [.batch, .fixed(3)])],
            outputs: [ValueInfo(name: "Y", elementType: .float64, shape: [.batch, .fixed(3)])])
        let z = try S.run(doubles, ["X": try Tensor(shape: [1, 3], float64: [.nan, 1e300, -0.25])])["Y"]
        #expect(z?.float64Values == [0.5, 1e300, -0.25])
    }

    @Test func rejectsAWrongValueCountAndIntegers() throws {
        let wrongCount = S.single(
            .imputer(GraphOp.Imputer(values: [1, 2, 3])), inputs: [S.f32("X", [.batch, .fixed(2)])],
            outputs: [S.f32("Y", [.batch, .fixed(2)])])
        #expect(throws: MLOpsError.self) { try wrongCount.compile() }
        let integers = S.single(
            .imputer(GraphOp.Imputer(values: [1])),
            inputs: [ValueInfo(name: "X", elementType: .int64, shape: [.batch, .fixed(1)])],
            outputs: [ValueInfo(name: "Y", elementType: .int64, shape: [.batch, .fixed(1)])])
        #expect(throws: MLOpsError.self) { try integers.compile() }
    }

    @Test func survivesAPackageRoundTrip() throws {
        let graph = S.single(
            .imputer(GraphOp.Imputer(values: [4, 5])), inputs: [S.f32("X", [.batch, .fixed(2)])],
            outputs: [S.f32("Y", [.batch, .fixed(2)])])
        let model = try Model(graph: graph)
        let bytes = try model.package.encoded()
        let loaded = try Model(bytes: bytes)
        guard case .imputer(let op)? = loaded.graph.nodes.first?.op else {
            Issue.record("the imputer node did not survive the round trip")
            return
        }
        #expect(op.values == [4, 5])
    }
}
