import MLOpsCore

/// Converts a decoded ONNX model into a ``ModelGraph``: opset checks, inputs and outputs,
/// initialisers, then one or more ``GraphNode``s per ONNX node.
struct ONNXGraphConverter {
    let model: ONNXModelProto
    let graph: ONNXGraphProto
    let options: ONNXImporter.Options
    /// Imported opset version by canonical domain (`""` for the default domain).
    let opsets: [String: Int64]

    var inputs: [ValueInfo] = []
    var initializers: [String: Tensor] = [:]
    var nodes: [GraphNode] = []
    /// What the import accepted but a user should know (e.g. an output declared with another shape
    /// than the graph computes).
    var warnings: [String] = []
    /// Every tensor name seen in the ONNX graph or generated, for fresh names.
    var usedNames: Set<String> = []
    private var freshCounter = 0
    /// The nesting level of the graph converted: 1 for the model's graph, 2 for a body in it, ...
    var depth = 1
    /// For a subgraph: the constants of the enclosing graphs it may read by name.
    var outerConstants: [String: Tensor] = [:]
    /// For a subgraph: the types of the enclosing graphs' values it may read by name (batch size 1).
    var outerSpecs: [String: TensorSpec] = [:]
    /// For a subgraph: the types its inputs receive (batch size 1), when the enclosing graph knows them.
    var inputSpecs: [String: TensorSpec] = [:]
    /// For a subgraph: the names it defines itself (inputs and node outputs), which shadow outer names.
    var localNames: Set<String> = []

    init(model: ONNXModelProto, options: ONNXImporter.Options) throws {
        guard let graph = model.graph else {
            throw MLOpsError(.parseError, "The ONNX model has no graph.", value: model.producerName)
        }
        self.model = model
        self.graph = graph
        self.options = options
        var opsets: [String: Int64] = [:]
        for entry in model.opsetImports {
            let domain = ONNXModelProto.canonicalDomain(entry.domain)
            if let existing = opsets[domain], existing != entry.version {
                throw MLOpsError(
                    .parseError,
                    "The ONNX model imports domain '\(entry.domain.isEmpty ? "ai.onnx" : entry.domain)' twice with "
                        + "different versions (\(existing) and \(entry.version)).",
                    value: entry.domain)
            }
            opsets[domain] = entry.version
        }
        self.opsets = opsets
    }

    /// A converter for `subgraph`, a graph-valued attribute of a node of `parent`'s graph.
    ///
    /// - Parameters:
    ///   - constants: The constants of the enclosing graphs visible to the subgraph.
    ///   - specs: The types of the enclosing graphs' values visible to the subgraph.
    ///   - inputSpecs: The types the subgraph's inputs receive, by name (when known).
    init(
        subgraph: ONNXGraphProto, parent: ONNXGraphConverter, constants: [String: Tensor],
        specs: [String: TensorSpec], inputSpecs: [String: TensorSpec]
    ) {
        model = parent.model
        graph = subgraph
        options = parent.options
        opsets = parent.opsets
        depth = parent.depth + 1
        outerConstants = constants
        outerSpecs = specs
        self.inputSpecs = inputSpecs
        localNames = Set(subgraph.inputs.map(\.name))
        for node in subgraph.nodes { localNames.formUnion(node.outputs) }
    }

    // MARK: - Whole graph

    mutating func convert() throws -> ModelGraph {
        try loadInitializers()
        inputs = try graph.runtimeInputs.map(convertInput)
        for (index, node) in graph.nodes.enumerated() {
            try convertNode(node, index: index)
        }
        var outputs: [ValueInfo] = []
        for output in graph.outputs {
            outputs.append(try convertOutput(output))
        }
        try followComputedOutputShapes(&outputs)
        let result = ModelGraph(
            name: graph.name.isEmpty ? "onnx" : graph.name, inputs: inputs, outputs: outputs,
            initializers: initializers, nodes: nodes)
        try result.validate()
        return result
    }

    /// Decodes the graph's initialisers and records every name the graph uses.
    private mutating func loadInitializers() throws {
        guard graph.sparseInitializerCount == 0 else {
            throw MLOpsError(
                .unsupported, "The ONNX graph has sparse initializers, which are not supported.",
                value: String(graph.sparseInitializerCount))
        }
        for tensor in graph.initializers {
            guard !tensor.name.isEmpty else {
                throw MLOpsError(.parseError, "An ONNX initializer has no name.", value: "\(tensor.dims)")
            }
            guard initializers[tensor.name] == nil else {
                throw MLOpsError(.parseError, "Two ONNX initializers are named '\(tensor.name)'.", value: tensor.name)
            }
            initializers[tensor.name] = try tensor.makeTensor()
        }
        usedNames.formUnion(initializers.keys)
        usedNames.formUnion(graph.inputs.map(\.name))
        usedNames.formUnion(graph.outputs.map(\.name))
        for node in graph.nodes {
            usedNames.formUnion(node.inputs)
            usedNames.formUnion(node.outputs)
        }
    }

    /// Converts the graph as a subgraph (a `Scan` body): inputs and outputs keep the declared
    /// types with any unknown dimension left open, and every name the body reads but does not
    /// define is resolved in the enclosing graphs — a constant is copied into the body's
    /// initialisers, any other value becomes an extra body input.
    ///
    /// - Returns: The body, and the enclosing-graph names of its extra inputs, in order.
    mutating func convertSubgraph() throws -> (body: ModelGraph, captured: [String]) {
        try loadInitializers()
        inputs = try graph.runtimeInputs.map { try subgraphValue($0, role: "input") }
        for (index, node) in graph.nodes.enumerated() {
            try convertNode(node, index: index)
        }
        var outputs: [ValueInfo] = []
        for output in graph.outputs {
            outputs.append(try subgraphValue(output, role: "output"))
        }
        var defined = Set(inputs.map(\.name)).union(initializers.keys)
        for node in nodes { defined.formUnion(node.outputs) }
        var captured: [String] = []
        let read = nodes.flatMap(\.inputs) + outputs.map(\.name)
        for name in read where !name.isEmpty && !defined.contains(name) {
            defined.insert(name)
            if let constant = outerConstants[name] {
                initializers[name] = constant
            } else if let spec = outerSpecs[name] {
                captured.append(name)
                inputs.append(ValueInfo(name: name, elementType: spec.elementType, shape: nil))
            } else {
                throw MLOpsError(
                    .parseError,
                    "ONNX subgraph '\(graph.name)' reads '\(name)', which neither it nor an enclosing graph defines.",
                    value: name)
            }
        }
        let body = ModelGraph(
            name: graph.name.isEmpty ? "body" : graph.name, inputs: inputs, outputs: outputs,
            initializers: initializers, nodes: nodes)
        return (body, captured)
    }

    /// A subgraph input or output: its declared type (or, without one, the type it receives or
    /// computes) and its declared shape with unknown dimensions left open.
    private func subgraphValue(_ value: ONNXValueInfoProto, role: String) throws -> ValueInfo {
        guard value.type != nil else {
            let spec = role == "input" ? inputSpecs[value.name] : try? inferredSpec(of: value.name)
            guard let spec else {
                throw MLOpsError(
                    .parseError,
                    "ONNX subgraph '\(graph.name)' \(role) '\(value.name)' has no type and none can be "
                        + "inferred.", value: value.name)
            }
            return ValueInfo(name: value.name, elementType: spec.elementType, shape: nil)
        }
        let (elementType, onnxShape) = try tensorType(of: value, role: role)
        let shape = onnxShape.map { dims in
            dims.map { dim -> Dimension in
                if case .value(let n) = dim, n >= 0, n <= Int64(Int32.max) { return .fixed(Int(n)) }
                return .unknown
            }
        }
        return ValueInfo(name: value.name, elementType: elementType, shape: shape)
    }

    // MARK: - Inputs and outputs

    private func tensorType(of value: ONNXValueInfoProto, role: String) throws -> (
        ElementType, [ONNXTypeProto.ShapeDimension]?
    ) {
        guard let type = value.type else {
            throw MLOpsError(.parseError, "ONNX graph \(role) '\(value.name)' has no type.", value: value.name)
        }
        guard case .tensor(let dataType, let shape) = type else {
            var message = "ONNX graph \(role) '\(value.name)' has type \(type); only tensors are supported."
            if case .sequence(let element?) = type, case .map = element {
                message +=
                    " A sequence of maps is what skl2onnx's ZipMap produces: convert the classifier with "
                    + "zipmap=False (skl2onnx: options={id(model): {'zipmap': False}})."
            }
            throw MLOpsError(.unsupported, message, value: value.name)
        }
        guard let elementType = dataType.elementType else {
            throw MLOpsError(
                .unsupported,
                "ONNX graph \(role) '\(value.name)' has element type \(dataType), which the runtime does not support.",
                value: value.name)
        }
        return (elementType, shape)
    }

    private func convertInput(_ value: ONNXValueInfoProto) throws -> ValueInfo {
        let (elementType, onnxShape) = try tensorType(of: value, role: "input")
        guard let onnxShape else {
            throw MLOpsError(
                .unsupported,
                "ONNX graph input '\(value.name)' has no declared shape; the runtime needs the input's rank.",
                value: value.name)
        }
        var shape: [Dimension] = []
        for (position, dim) in onnxShape.enumerated() {
            switch dim {
            case .value(let n) where n > 0:
                guard n <= Int64(Int32.max) else {
                    throw MLOpsError(
                        .unsupported, "ONNX graph input '\(value.name)' has dimension \(n), which is too large.",
                        value: value.name)
                }
                shape.append(.fixed(Int(n)))
            case .value(0) where position > 0:
                shape.append(.fixed(0))
            case _ where position == 0:
                shape.append(.batch)
            default:
                throw MLOpsError(
                    .unsupported,
                    "ONNX graph input '\(value.name)' has a symbolic or unknown dimension '\(dim)' at position "
                        + "\(position); only the leading (batch) dimension may be symbolic.",
                    value: value.name)
            }
        }
        var perRow = 1
        for case .fixed(let n) in shape {
            let (product, overflow) = perRow.multipliedReportingOverflow(by: n)
            guard !overflow, product <= options.maxInputElementsPerRow else {
                throw MLOpsError(
                    .limitExceeded,
                    "ONNX graph input '\(value.name)' declares more than \(options.maxInputElementsPerRow) elements "
                        + "per row (ONNXImporter.Options.maxInputElementsPerRow).",
                    value: "\(onnxShape)")
            }
            perRow = product
        }
        return ValueInfo(name: value.name, elementType: elementType, shape: shape)
    }

    private func convertOutput(_ value: ONNXValueInfoProto) throws -> ValueInfo {
        if value.type == nil {
            // No declared type: take what the graph computes.
            guard let spec = try? inferredSpec(of: value.name) else {
                throw MLOpsError(
                    .parseError, "ONNX graph output '\(value.name)' has no type and none can be inferred.",
                    value: value.name)
            }
            return ValueInfo(name: value.name, elementType: spec.elementType, shape: nil)
        }
        let (elementType, onnxShape) = try tensorType(of: value, role: "output")
        let batched = inputs.contains { $0.shape?.first == .batch }
        let shape = onnxShape.map { dims in
            dims.enumerated().map { position, dim -> Dimension in
                switch dim {
                case .value(let n) where n >= 0 && n <= Int64(Int32.max): .fixed(Int(n))
                case .param, .unspecified: position == 0 && batched ? .batch : .unknown
                default: .unknown
                }
            }
        }
        return ValueInfo(name: value.name, elementType: elementType, shape: shape)
    }

    /// Replaces a declared output shape that the graph does not compute with the computed one,
    /// and records a warning, as onnxruntime does (it runs the model and logs the mismatch).
    ///
    /// skl2onnx, for one, declares `[N, 1]` for a multi-target regressor that computes `[N, 2]`.
    /// The shapes are compared at batch sizes 1 and 2; a dimension that equals the batch size at
    /// both becomes ``Dimension/batch``, one that stays the same ``Dimension/fixed(_:)``. A
    /// declared element type that differs from the computed one is still an error (validation).
    private mutating func followComputedOutputShapes(_ outputs: inout [ValueInfo]) throws {
        guard outputs.contains(where: { $0.shape != nil }) else { return }
        let undeclared = outputs.map { ValueInfo(name: $0.name, elementType: $0.elementType, shape: nil) }
        let probe = ModelGraph(
            name: "probe", inputs: inputs, outputs: undeclared, initializers: initializers, nodes: nodes)
        let structure = try GraphStructure(probe)
        let one = try structure.specs(batch: 1)
        let two = try structure.specs(batch: 2)
        for (i, output) in outputs.enumerated() {
            guard let declared = output.shape, let v = structure.index[output.name] else { continue }
            let (a, b) = (one[v].shape, two[v].shape)
            let fits = { (shape: [Int], batch: Int) in
                shape.count == declared.count && zip(declared, shape).allSatisfy { $0.matches($1, batch: batch) }
            }
            guard !(fits(a, 1) && fits(b, 2)), a.count == b.count else { continue }
            let computed = zip(a, b).map { x, y -> Dimension in
                if x == y { return .fixed(x) }
                return x == 1 && y == 2 ? .batch : .unknown
            }
            outputs[i].shape = computed
            warnings.append(
                "ONNX graph output '\(output.name)' is declared \(Self.shapeText(declared)) but the graph computes "
                    + "\(Self.shapeText(computed)); the computed shape is used, as onnxruntime does.")
        }
    }

    /// A shape as text, e.g. `[N, 2]` (`?` for an unknown dimension).
    static func shapeText(_ shape: [Dimension]) -> String {
        let dims = shape.map { dimension -> String in
            switch dimension {
            case .fixed(let n): "\(n)"
            case .batch: "N"
            case .unknown: "?"
            }
        }
        return "[" + dims.joined(separator: ", ") + "]"
    }

    // MARK: - Helpers for op converters

    /// A tensor name that appears nowhere in the model, starting with `base`.
    mutating func freshName(_ base: String) -> String {
        while true {
            freshCounter += 1
            let name = "\(base)__onnx\(freshCounter)"
            if !usedNames.contains(name) {
                usedNames.insert(name)
                return name
            }
        }
    }

    /// Appends a converted node.
    mutating func emit(
        _ context: ONNXNodeContext, _ op: GraphOp, inputs: [String], outputs: [String], suffix: String = ""
    ) {
        nodes.append(GraphNode(name: context.displayName + suffix, op: op, inputs: inputs, outputs: outputs))
    }

    /// The node's outputs with omitted (empty) names replaced by fresh ones.
    mutating func outputNames(_ context: ONNXNodeContext, count: Int) -> [String] {
        (0..<count).map { i in
            i < context.node.outputs.count && !context.node.outputs[i].isEmpty
                ? context.node.outputs[i] : freshName("\(context.node.opType)_unused")
        }
    }

    /// The constant value of tensor `name` (an initializer or a `Constant` output, of this graph
    /// or — unless this graph defines the name itself — of an enclosing one), if it is one.
    func constant(_ name: String) -> Tensor? {
        if let tensor = initializers[name] { return tensor }
        guard depth > 1, !localNames.contains(name) else { return nil }
        return outerConstants[name]
    }

    /// The type and shape of `name` at batch size 1, inferred from the nodes converted so far.
    func inferredSpec(of name: String) throws -> TensorSpec? {
        try inferredSpecs()[name]
    }

    /// The types and shapes of every value converted so far (at batch size 1), by name; for a
    /// subgraph also the enclosing graphs' values it can read.
    func inferredSpecs() throws -> [String: TensorSpec] {
        guard depth > 1 else {
            // The structure check wants at least one output; a graph input is one whose declared
            // type and shape always match.
            guard let anchor = inputs.first else { return [:] }
            let partial = ModelGraph(
                name: "partial", inputs: inputs, outputs: [anchor], initializers: initializers, nodes: nodes)
            let structure = try GraphStructure(partial)
            let specs = try structure.specs(batch: 1)
            return Dictionary(uniqueKeysWithValues: zip(structure.names, specs))
        }
        // A subgraph: its inputs' types come from the enclosing node; names it reads from the
        // enclosing graphs become inputs (or constants) as in `convertSubgraph`.
        var partialInputs = inputs
        var partialSpecs: [TensorSpec] = []
        for info in inputs {
            guard let spec = inputSpecs[info.name] else { return [:] }
            partialSpecs.append(spec)
        }
        var partialConstants = initializers
        var defined = Set(inputs.map(\.name)).union(initializers.keys)
        for node in nodes { defined.formUnion(node.outputs) }
        for name in nodes.flatMap(\.inputs) where !name.isEmpty && !defined.contains(name) {
            defined.insert(name)
            if let constant = outerConstants[name] {
                partialConstants[name] = constant
            } else if let spec = outerSpecs[name] {
                partialInputs.append(ValueInfo(name: name, elementType: spec.elementType, shape: nil))
                partialSpecs.append(spec)
            }
        }
        guard
            let anchor = partialInputs.first
                ?? partialConstants.keys.sorted().first.map({ name in
                    ValueInfo(name: name, elementType: partialConstants[name]?.elementType ?? .float32, shape: nil)
                })
        else { return outerSpecs }
        let partial = ModelGraph(
            name: "partial", inputs: partialInputs,
            outputs: [ValueInfo(name: anchor.name, elementType: anchor.elementType, shape: nil)],
            initializers: partialConstants, nodes: nodes)
        let structure = try GraphStructure(partial, depth: depth)
        let specs = try structure.subgraphSpecs(inputs: partialSpecs, batch: 1, maxElements: ShapeBounds.maxExtent)
        var result = outerSpecs.filter { !localNames.contains($0.key) }
        for (name, spec) in zip(structure.names, specs) { result[name] = spec }
        return result
    }

    /// The opset version of `domain`, or an `unsupported` error naming the node.
    func opsetVersion(for node: ONNXNodeProto, index: Int) throws -> Int64 {
        let domain = ONNXModelProto.canonicalDomain(node.domain)
        let display = domain.isEmpty ? "ai.onnx" : domain
        let label = "ONNX node '\(node.name.isEmpty ? "#\(index)" : node.name)' (\(node.qualifiedOpType))"
        guard domain.isEmpty || domain == "ai.onnx.ml" else {
            throw MLOpsError(
                .unsupported,
                "\(label) uses domain '\(display)'; only ai.onnx and ai.onnx.ml operators are supported.",
                value: node.opType)
        }
        guard let version = opsets[domain] else {
            throw MLOpsError(
                .parseError, "\(label) uses domain '\(display)', which the model does not import (opset_import).",
                value: display)
        }
        let maximum = domain.isEmpty ? ONNXImporter.maxDefaultOpset : ONNXImporter.maxMLOpset
        guard version >= 1, version <= maximum else {
            throw MLOpsError(
                .unsupported, "\(label): opset \(display) v\(version) is not supported (1...\(maximum)).",
                value: String(version))
        }
        return version
    }

    // MARK: - Dispatch

    private mutating func convertNode(_ node: ONNXNodeProto, index: Int) throws {
        let version = try opsetVersion(for: node, index: index)
        let context = ONNXNodeContext(node: node, index: index, opsetVersion: version)
        guard node.overload.isEmpty else {
            throw context.unsupported("function overloads are not supported.", value: node.overload)
        }
        if ONNXModelProto.canonicalDomain(node.domain).isEmpty {
            try convertStandardOp(context)
        } else {
            try convertMLOp(context)
        }
    }
}
