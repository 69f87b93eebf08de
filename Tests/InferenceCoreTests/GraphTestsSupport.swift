#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import InferenceCore
import MLOpsCore
import Testing

/// A small deterministic generator for test data (xorshift64*).
struct GraphTestRNG {
    var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }

    mutating func floats(_ count: Int, scale: Float = 1) -> [Float] { (0..<count).map { _ in float() * scale } }
}

/// Helpers shared by the graph tests.
enum GraphTestsSupport {
    static let invalid = MLOpsError(.invalidArgument, "any")

    static func f32(_ name: String, _ shape: [Dimension]?) -> ValueInfo {
        ValueInfo(name: name, elementType: .float32, shape: shape)
    }

    static func tensor(_ shape: [Int], _ values: [Float]) throws -> Tensor {
        try Tensor(shape: shape, float32: values)
    }

    /// Naive row-major [m,k]·[k,n].
    static func matmul(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
        var y = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for kk in 0..<k { s += a[i * k + kk] * b[kk * n + j] }
                y[i * n + j] = s
            }
        }
        return y
    }

    /// Transposes a row-major [r, c] matrix.
    static func transpose(_ a: [Float], rows: Int, cols: Int) -> [Float] {
        var t = [Float](repeating: 0, count: a.count)
        for i in 0..<rows { for j in 0..<cols { t[j * rows + i] = a[i * cols + j] } }
        return t
    }

    static func softmaxRows(_ x: [Float], width: Int) -> [Float] {
        var y = x
        for r in 0..<(x.count / width) {
            let row = x[(r * width)..<((r + 1) * width)]
            let mx = row.max() ?? 0
            let e = row.map { Float(exp(Double($0 - mx))) }
            let s = e.reduce(0, +)
            for j in 0..<width { y[r * width + j] = e[j] / s }
        }
        return y
    }

    /// Expects every element of `got` within `tolerance` of `want`.
    static func expectClose(
        _ got: [Float], _ want: [Float], tolerance: Float = 1e-4, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(got.count == want.count, sourceLocation: sourceLocation)
        for (i, (g, w)) in zip(got, want).enumerated() where !(abs(g - w) <= tolerance * max(1, abs(w))) {
            Issue.record("element \(i): got \(g), want \(w)", sourceLocation: sourceLocation)
            return
        }
    }

    /// Compiles `graph` (with and without fusion) and runs it on one named input.
    static func run(_ graph: ModelGraph, _ inputs: [String: Tensor], fuse: Bool = true) throws -> [String: Tensor] {
        try graph.compile(options: CompileOptions(fuse: fuse)).predict(inputs)
    }

    /// Builds a single-node graph over float32 inputs and returns its compiled model.
    static func single(
        _ op: GraphOp, inputs: [ValueInfo], initializers: [String: Tensor] = [:], outputs: [ValueInfo]
    ) -> ModelGraph {
        ModelGraph(
            inputs: inputs, outputs: outputs, initializers: initializers,
            nodes: [
                GraphNode(
                    name: "n0", op: op, inputs: inputs.map(\.name) + initializers.keys.sorted(),
                    outputs: outputs.map(\.name))
            ])
    }
}
