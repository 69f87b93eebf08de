public import MLOpsCore

/// What an ONNX file holds, read without running it: its producer, opsets, declared signature,
/// operators and sizes, and whether the runtime can run it — with every operator it cannot, not
/// only the first.
///
/// Made by ``ONNXImporter/describe(serializedBytes:options:)``; `mlops inspect` prints it.
public struct ONNXModelDescription: Sendable {
    /// One declared graph input or output.
    public struct Value: Sendable, Hashable {
        /// Its name.
        public var name: String
        /// Its declared type as ONNX writes it, e.g. `tensor(float)[N, 8]` or `seq(map(int64, ...))`,
        /// or `undeclared`.
        public var type: String
    }

    /// One operator of the graph and how many nodes use it.
    public struct Operator: Sendable, Hashable {
        /// The domain (`ai.onnx` for the default one).
        public var domain: String
        /// The operator's type, e.g. `TreeEnsembleClassifier`.
        public var opType: String
        /// How many nodes use it (nodes of subgraphs included).
        public var count: Int
        /// Whether the importer converts it (see ``ONNXImporter/supportedOperators``).
        public var isSupported: Bool
    }

    /// The file format's IR version.
    public var irVersion: Int64
    /// The tool that wrote the file and its version, e.g. `skl2onnx 1.20.0`.
    public var producer: String
    /// The imported operator sets, e.g. `ai.onnx v21`.
    public var opsets: [String]
    /// The graph inputs a caller feeds (initialisers listed as inputs excluded).
    public var inputs: [Value]
    /// The graph outputs.
    public var outputs: [Value]
    /// Every operator used, in domain then name order.
    public var operators: [Operator]
    /// The number of nodes (nodes of subgraphs included).
    public var nodeCount: Int
    /// The number of initialisers (constant tensors) of the main graph.
    public var initializerCount: Int
    /// The bytes of the main graph's initialiser data as stored in the file.
    public var initializerBytes: Int
    /// The error importing the model gave, `nil` when it imports and compiles.
    public var importError: MLOpsError?
    /// What the import accepted but a user should know, e.g. an output declared with another
    /// shape than the graph computes (the computed shape is used, as onnxruntime does).
    public var warnings: [String]

    /// The operators the importer does not convert, as `domain::OpType`.
    public var unsupportedOperators: [String] {
        operators.filter { !$0.isSupported }.map { "\($0.domain)::\($0.opType)" }
    }

    /// Whether the runtime runs the model (it imports and compiles).
    public var isRunnable: Bool { importError == nil }
}

extension ONNXImporter {
    /// Describes a serialised ONNX model: everything ``ONNXModelDescription`` holds.
    ///
    /// Unlike ``importGraph(serializedBytes:options:)`` it does not stop at the first operator the
    /// runtime lacks: it lists them all, and keeps the import's error (or warnings) in the
    /// description.
    ///
    /// - Throws: `MLOpsError` only when the bytes are not a readable ONNX model (`parseError`,
    ///   `limitExceeded`); a model the runtime cannot run is described, not refused.
    public static func describe(serializedBytes bytes: [UInt8], options: Options = Options()) throws
        -> ONNXModelDescription
    {
        let model = try ONNXModelProto(
            serializedBytes: bytes, limits: ProtobufReader.Limits(maxBytes: options.maxModelBytes))
        guard let graph = model.graph else {
            throw MLOpsError(.parseError, "The ONNX model has no graph.", value: model.producerName)
        }
        var counts: [String: [String: Int]] = [:]
        var nodeCount = 0
        // The nodes of subgraphs (Scan bodies) too; the protobuf reader's depth bound limits nesting.
        var pending = [graph]
        while let next = pending.popLast() {
            for node in next.nodes {
                let domain = ONNXModelProto.canonicalDomain(node.domain)
                counts[domain.isEmpty ? "ai.onnx" : domain, default: [:]][node.opType, default: 0] += 1
                nodeCount += 1
                for attribute in node.attributes {
                    if let body = attribute.g { pending.append(body) }
                    pending.append(contentsOf: attribute.graphs)
                }
            }
        }
        let operators = counts.keys.sorted().flatMap { domain in
            (counts[domain] ?? [:]).keys.sorted().map { opType in
                ONNXModelDescription.Operator(
                    domain: domain, opType: opType, count: counts[domain]?[opType] ?? 0,
                    isSupported: supports(opType, domain: domain))
            }
        }
        var importError: MLOpsError?
        var warnings: [String] = []
        do {
            var converter = try ONNXGraphConverter(model: model, options: options)
            let imported = try converter.convert()
            warnings = converter.warnings
            _ = try imported.compile()
        } catch let error as MLOpsError {
            importError = error
        }
        func value(_ info: ONNXValueInfoProto) -> ONNXModelDescription.Value {
            ONNXModelDescription.Value(name: info.name, type: info.type?.description ?? "undeclared")
        }
        let initializerBytes = graph.initializers.reduce(0) { total, tensor in
            let stored =
                (tensor.rawData?.count ?? 0) + tensor.floatData.count * 4 + tensor.int32Data.count * 4
                + tensor.int64Data.count * 8 + tensor.doubleData.count * 8 + tensor.uint64Data.count * 8
                + tensor.stringData.reduce(0) { $0 + $1.count }
            return total + stored
        }
        let producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        return ONNXModelDescription(
            irVersion: model.irVersion, producer: producer, opsets: model.opsetImports.map(\.description),
            inputs: graph.runtimeInputs.map(value), outputs: graph.outputs.map(value), operators: operators,
            nodeCount: nodeCount, initializerCount: graph.initializers.count, initializerBytes: initializerBytes,
            importError: importError, warnings: warnings)
    }

    /// Reads and describes an ONNX model file (see ``describe(serializedBytes:options:)``).
    ///
    /// - Throws: `MLOpsError` `notFound`/`ioError` if the file cannot be read, `limitExceeded` if it
    ///   is larger than `options.maxModelBytes`, `parseError` if it is not a readable ONNX model.
    public static func describe(contentsOfFile path: String, options: Options = Options()) throws
        -> ONNXModelDescription
    {
        let bytes = try ModelFile.read(path, maxBytes: options.maxModelBytes, what: "ONNX file")
        return try loading(path, as: "ONNX") { try describe(serializedBytes: bytes, options: options) }
    }

    /// Imports like ``importGraph(serializedBytes:options:)`` and also returns the import's warnings.
    static func importGraphWithWarnings(serializedBytes bytes: [UInt8], options: Options = Options()) throws -> (
        graph: ModelGraph, warnings: [String]
    ) {
        let model = try ONNXModelProto(
            serializedBytes: bytes, limits: ProtobufReader.Limits(maxBytes: options.maxModelBytes))
        var converter = try ONNXGraphConverter(model: model, options: options)
        let graph = try converter.convert()
        return (graph, converter.warnings)
    }
}
