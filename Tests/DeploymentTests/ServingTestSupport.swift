import Deployment
import InferenceCore
import MLOpsCore
import Synchronization

/// Tiny models and helpers for the serving tests.
enum ServingModels {
    /// `y = x * factor`: x float32 [N, features], y float32 [N, features].
    static func scale(_ factor: Float, features: Int = 4, metadata: [String: String] = [:]) throws -> Model {
        let graph = ModelGraph(
            name: "scale",
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(features)])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [.batch, .fixed(features)])],
            initializers: ["c": try Tensor(shape: [features], float32: Array(repeating: factor, count: features))],
            nodes: [GraphNode(name: "mul", op: .mul, inputs: ["x", "c"], outputs: ["y"])])
        return try Model(graph: graph, metadata: metadata)
    }

    /// `sum = a + b` and `difference = a - b`: two float32 [N, 2] inputs (the general engine).
    static func twoInputs() throws -> Model {
        let graph = ModelGraph(
            name: "two",
            inputs: [
                ValueInfo(name: "a", elementType: .float32, shape: [.batch, .fixed(2)]),
                ValueInfo(name: "b", elementType: .float32, shape: [.batch, .fixed(2)]),
            ],
            outputs: [
                ValueInfo(name: "sum", elementType: .float32, shape: [.batch, .fixed(2)]),
                ValueInfo(name: "difference", elementType: .float32, shape: [.batch, .fixed(2)]),
            ],
            nodes: [
                GraphNode(name: "add", op: .add, inputs: ["a", "b"], outputs: ["sum"]),
                GraphNode(name: "sub", op: .sub, inputs: ["a", "b"], outputs: ["difference"]),
            ])
        return try Model(graph: graph)
    }

    /// A request for `model` with `rows` rows of `features` values (`row * 10 + column`).
    static func request(
        _ model: String = "m", rows: Int = 1, features: Int = 4, start: Float = 0, key: String? = nil,
        deadline: ContinuousClock.Instant? = nil
    ) throws -> InferenceRequest {
        let values = (0..<(rows * features)).map { start + Float($0) }
        return InferenceRequest(
            model: model,
            inputs: [NamedTensor(name: "x", tensor: try Tensor(shape: [rows, features], float32: values))],
            routingKey: key, deadline: deadline)
    }

    /// The float32 values of a response's first output.
    static func values(_ response: InferenceResponse) -> [Float] {
        response.outputs.first?.tensor.float32Values ?? []
    }

    /// Waits (yielding, with short sleeps) until `condition` holds, at most about `seconds`.
    static func waitUntil(seconds: Double = 600, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition() {
            // A starved test process can resume this task long after the deadline: look once more
            // before giving up, so only a condition still false then fails the wait.
            if ContinuousClock.now > deadline { return condition() }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }
}

/// A catalog in memory: aliases moved by the test, models built on request.
final class TestCatalog: ModelCatalog {
    private let aliases = Mutex<[String: Int]>([:])
    let loads = Atomic<Int>(0)
    private let build: @Sendable (Int) throws -> Model

    init(build: @escaping @Sendable (Int) throws -> Model) {
        self.build = build
    }

    func move(_ alias: String, to version: Int) {
        aliases.withLock { $0[alias] = version }
    }

    func version(of name: String, alias: String) async throws -> Int {
        guard let version = aliases.withLock({ $0[alias] }) else {
            throw MLOpsError(.notFound, "no alias \(alias)", value: alias)
        }
        return version
    }

    func model(_ name: String, version: Int) async throws -> Model {
        loads.wrappingAdd(1, ordering: .relaxed)
        return try build(version)
    }
}

/// Test-run settings.
enum ServingTestSettings {
    /// `MLOPS_LONG_TESTS=1` runs the stress variants.
    static let long = Platform.environmentValue("MLOPS_LONG_TESTS") == "1"
}
