import MLOpsCore

/// Converts a ``ModelGraph`` to and from its package form (JSON document + binary weights).
///
/// Decoding checks every count, size and enum value against ``ModelPackage/Limits`` and the
/// weights' bounds, and never trusts a stored length: bad bytes become `corruptData` or
/// `limitExceeded` errors.
enum PackageGraphCodec {
    // MARK: Encoding

    static func encode(_ graph: ModelGraph, weights: inout WeightWriter) -> PackageGraphDocument {
        var initializers: [PackageGraphDocument.Initializer] = []
        for name in graph.initializers.keys.sorted() {
            guard let tensor = graph.initializers[name] else { continue }
            var record = PackageGraphDocument.Initializer(
                name: name, type: tensor.elementType, shape: tensor.shape, data: nil, strings: nil)
            switch tensor.storage {
            case .float32(let v): record.data = weights.append(v)
            case .float64(let v): record.data = weights.append(v)
            case .int64(let v): record.data = weights.append(v)
            case .bool(let v): record.data = weights.append(v)
            case .string(let v): record.strings = v
            }
            initializers.append(record)
        }
        let nodes = graph.nodes.map { node in
            PackageGraphDocument.Node(
                name: node.name, op: node.op.kindName, inputs: node.inputs, outputs: node.outputs,
                attributes: encode(node.op, weights: &weights))
        }
        return PackageGraphDocument(
            name: graph.name, inputs: graph.inputs, outputs: graph.outputs, initializers: initializers, nodes: nodes)
    }

    static func encode(_ labels: GraphOp.ClassLabels, weights: inout WeightWriter)
        -> PackageGraphDocument.Labels
    {
        switch labels {
        case .int64(let v): PackageGraphDocument.Labels(ints: weights.append(v), strings: nil)
        case .string(let v): PackageGraphDocument.Labels(ints: nil, strings: v)
        }
    }

    private static func encode(_ op: GraphOp, weights: inout WeightWriter) -> PackageGraphDocument.Attributes {
        var a = PackageGraphDocument.Attributes()
        switch op {
        case .gemm(let g):
            a.alpha = g.alpha
            a.beta = g.beta
            a.transA = g.transA
            a.transB = g.transB
            a.activation = g.activation
        case .matMul, .add, .sub, .mul, .div, .relu, .sigmoid, .tanh, .identity, .arrayFeatureExtractor, .unary,
            .binary, .variadic, .where:
            break
        case .shape(let slice):
            a.start = slice.start
            a.end = slice.end
        case .constantOfShape(let value):
            a.elementType = value.elementType
            switch value.storage {
            case .float32(let v): a.value = weights.append(v)
            case .float64(let v): a.value = weights.append(v)
            case .int64(let v): a.value = weights.append(v)
            case .bool(let v): a.value = weights.append(v)
            case .string: break  // rejected by validation
            }
        case .softmax(let axis), .logSoftmax(let axis), .concat(let axis), .flatten(let axis):
            a.axis = axis
        case .reshape(let shape): a.shape = shape
        case .transpose(let perm): a.perm = perm
        case .cast(let to): a.to = to
        case .argMax(let m), .argMin(let m):
            a.axis = m.axis
            a.keepDims = m.keepDims
            a.selectLastIndex = m.selectLastIndex
        case .reduce(let r):
            a.reduction = r.kind
            a.axes = r.axes
            a.keepDims = r.keepDims
            a.noopWithEmptyAxes = r.noopWithEmptyAxes
        case .topK(let t):
            a.k = t.k
            a.axis = t.axis
            a.largest = t.largest
            a.sorted = t.sorted
        case .gather(let g):
            a.gatherMode = g.mode
            a.axis = g.axis
        case .cumSum(let c):
            a.axis = c.axis
            a.exclusive = c.exclusive
            a.reverse = c.reverse
        case .scaler(let s):
            a.offset = weights.append(s.offset)
            a.scale = weights.append(s.scale)
        case .imputer(let m):
            a.offset = weights.append(m.values)
            a.replacedValue = m.replacedValue
            if !m.int64Values.isEmpty { a.int64Values = weights.append(m.int64Values) }
            a.replacedInt64 = m.replacedInt64
        case .binarizer(let threshold): a.threshold = threshold
        case .svmClassifier, .svmRegressor, .labelEncoder:
            ClassicalOpCodec.encode(op, into: &a, weights: &weights)
        case .normalizer(let n): a.norm = n
        case .oneHot(let o):
            a.depth = o.depth
            a.axis = o.axis
            a.offValue = o.offValue
            a.onValue = o.onValue
            a.elementType = o.elementType
        case .oneHotEncoder(let e):
            a.categories = encode(e.categories, weights: &weights)
            a.zeros = e.zeros
        case .linearClassifier(let c):
            a.coefficients = weights.append(c.coefficients)
            a.intercepts = weights.append(c.intercepts)
            a.labels = encode(c.labels, weights: &weights)
            a.postTransform = c.postTransform
            a.multiClass = c.multiClass
        case .linearRegressor(let r):
            a.coefficients = weights.append(r.coefficients)
            a.intercepts = weights.append(r.intercepts)
            a.targets = r.targets
            a.postTransform = r.postTransform
        case .treeEnsemble(let t):
            a.tree = TreeEnsembleCodec.encode(
                t, labels: t.labels.map { encode($0, weights: &weights) }, weights: &weights)
        case .scan(let s):
            a.scan = PackageGraphDocument.Scan(
                body: [encode(s.body, weights: &weights)], stateCount: s.stateCount, scanInputCount: s.scanInputCount,
                inputAxes: s.inputAxes, inputReversed: s.inputReversed, outputAxes: s.outputAxes,
                outputReversed: s.outputReversed)
        }
        return a
    }

    // MARK: Decoding

    /// Decodes a graph document; `depth` is its nesting level (1 for the model's graph, 2 for a
    /// scan body in it, ...).
    static func decode(
        _ doc: PackageGraphDocument, weights: WeightReader, limits: ModelPackage.Limits, depth: Int = 1
    ) throws -> ModelGraph {
        guard doc.nodes.count <= limits.maxNodes else {
            throw PackageError.limit("the node count", doc.nodes.count, limits.maxNodes)
        }
        let tensors = doc.inputs.count + doc.outputs.count + doc.initializers.count
        guard tensors <= limits.maxTensors else {
            throw PackageError.limit("the tensor count", tensors, limits.maxTensors)
        }
        for info in doc.inputs + doc.outputs {
            try checkString(info.name, limits)
            if let shape = info.shape, shape.count > limits.maxRank {
                throw PackageError.limit("the rank of '\(info.name)'", shape.count, limits.maxRank)
            }
        }
        var initializers: [String: Tensor] = [:]
        var treeNodes = 0
        for record in doc.initializers {
            try checkString(record.name, limits)
            guard record.shape.count <= limits.maxRank else {
                throw PackageError.limit("the rank of '\(record.name)'", record.shape.count, limits.maxRank)
            }
            guard let count = Tensor.elementCount(of: record.shape) else {
                throw PackageError.corrupt(
                    "initialiser '\(record.name)' has an invalid shape", value: "\(record.shape)")
            }
            guard count <= limits.maxElements else {
                throw PackageError.limit("the element count of '\(record.name)'", count, limits.maxElements)
            }
            let what = "initialiser '\(record.name)'"
            let storage: Tensor.Storage
            switch record.type {
            case .string:
                let strings = try record.strings.orCorrupt(what)
                for s in strings { try checkString(s, limits) }
                storage = .string(strings)
            case .float32: storage = .float32(try weights.floats(try record.data.orCorrupt(what), what: what))
            case .float64: storage = .float64(try weights.doubles(try record.data.orCorrupt(what), what: what))
            case .int64: storage = .int64(try weights.int64s(try record.data.orCorrupt(what), what: what))
            case .bool: storage = .bool(try weights.bools(try record.data.orCorrupt(what), what: what))
            }
            guard initializers[record.name] == nil else {
                throw PackageError.corrupt("initialiser '\(record.name)' is listed twice", value: record.name)
            }
            do {
                initializers[record.name] = try Tensor(shape: record.shape, storage: storage)
            } catch {
                throw PackageError.corrupt("\(what) has \(storage.count) elements for shape \(record.shape)")
            }
        }
        var nodes: [GraphNode] = []
        nodes.reserveCapacity(doc.nodes.count)
        for record in doc.nodes {
            try checkString(record.name, limits)
            for s in record.inputs + record.outputs { try checkString(s, limits) }
            guard record.inputs.count <= limits.maxTensors, record.outputs.count <= limits.maxTensors else {
                throw PackageError.limit("the inputs of node '\(record.name)'", record.inputs.count, limits.maxTensors)
            }
            let op = try decodeOp(record, weights: weights, limits: limits, treeNodes: &treeNodes, depth: depth)
            nodes.append(GraphNode(name: record.name, op: op, inputs: record.inputs, outputs: record.outputs))
        }
        return ModelGraph(
            name: doc.name, inputs: doc.inputs, outputs: doc.outputs, initializers: initializers, nodes: nodes)
    }

    static func checkString(_ s: String, _ limits: ModelPackage.Limits) throws {
        guard s.utf8.count <= limits.maxStringBytes else {
            throw PackageError.limit("a string's length", s.utf8.count, limits.maxStringBytes)
        }
    }

    static func labels(
        _ record: PackageGraphDocument.Labels?, what: String, weights: WeightReader, limits: ModelPackage.Limits
    ) throws -> GraphOp.ClassLabels {
        let record = try record.orCorrupt(what)
        if let ref = record.ints {
            guard ref.count <= limits.maxElements else { throw PackageError.limit(what, ref.count, limits.maxElements) }
            return .int64(try weights.int64s(ref, what: what))
        }
        let strings = try record.strings.orCorrupt(what)
        guard strings.count <= limits.maxElements else {
            throw PackageError.limit(what, strings.count, limits.maxElements)
        }
        for s in strings { try checkString(s, limits) }
        return .string(strings)
    }

    private static func decodeOp(
        _ record: PackageGraphDocument.Node, weights: WeightReader, limits: ModelPackage.Limits, treeNodes: inout Int,
        depth: Int
    ) throws -> GraphOp {
        let a = record.attributes
        let what = "node '\(record.name)' (\(record.op))"
        func floats(_ ref: WeightWriter.Reference?) throws -> [Float] {
            let ref = try ref.orCorrupt(what)
            guard ref.count <= limits.maxElements else { throw PackageError.limit(what, ref.count, limits.maxElements) }
            return try weights.floats(ref, what: what)
        }
        func ints(_ values: [Int]?) throws -> [Int] {
            let values = try values.orCorrupt(what)
            guard values.count <= limits.maxRank else { throw PackageError.limit(what, values.count, limits.maxRank) }
            return values
        }
        switch record.op {
        case "gemm":
            return .gemm(
                GraphOp.Gemm(
                    alpha: try a.alpha.orCorrupt(what), beta: try a.beta.orCorrupt(what),
                    transA: try a.transA.orCorrupt(what),
                    transB: try a.transB.orCorrupt(what), activation: try a.activation.orCorrupt(what)))
        case "matMul": return .matMul
        case "add": return .add
        case "sub": return .sub
        case "mul": return .mul
        case "div": return .div
        case "relu": return .relu
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "identity": return .identity
        case "arrayFeatureExtractor": return .arrayFeatureExtractor
        case "softmax": return .softmax(axis: try a.axis.orCorrupt(what))
        case "logSoftmax": return .logSoftmax(axis: try a.axis.orCorrupt(what))
        case "concat": return .concat(axis: try a.axis.orCorrupt(what))
        case "flatten": return .flatten(axis: try a.axis.orCorrupt(what))
        case "reshape": return .reshape(shape: try ints(a.shape))
        case "transpose": return .transpose(perm: try ints(a.perm))
        case "cast": return .cast(to: try a.to.orCorrupt(what))
        case "argMax", "argMin":
            let attributes = GraphOp.ArgMax(
                axis: try a.axis.orCorrupt(what), keepDims: try a.keepDims.orCorrupt(what),
                selectLastIndex: try a.selectLastIndex.orCorrupt(what))
            return record.op == "argMax" ? .argMax(attributes) : .argMin(attributes)
        case "reduce":
            return .reduce(
                GraphOp.Reduce(
                    kind: try a.reduction.orCorrupt(what), axes: try ints(a.axes),
                    keepDims: try a.keepDims.orCorrupt(what),
                    noopWithEmptyAxes: try a.noopWithEmptyAxes.orCorrupt(what)))
        case "topK":
            return .topK(
                GraphOp.TopK(
                    k: try a.k.orCorrupt(what), axis: try a.axis.orCorrupt(what),
                    largest: try a.largest.orCorrupt(what),
                    sorted: try a.sorted.orCorrupt(what)))
        case "gather":
            return .gather(GraphOp.Gather(mode: try a.gatherMode.orCorrupt(what), axis: try a.axis.orCorrupt(what)))
        case "cumSum":
            return .cumSum(
                GraphOp.CumSum(
                    axis: try a.axis.orCorrupt(what), exclusive: try a.exclusive.orCorrupt(what),
                    reverse: try a.reverse.orCorrupt(what)))
        case "scaler": return .scaler(GraphOp.Scaler(offset: try floats(a.offset), scale: try floats(a.scale)))
        case "imputer":
            var ints: [Int64] = []
            if let ref = a.int64Values {
                guard ref.count <= limits.maxElements else {
                    throw PackageError.limit(what, ref.count, limits.maxElements)
                }
                ints = try weights.int64s(ref, what: what)
            }
            return .imputer(
                GraphOp.Imputer(
                    values: try floats(a.offset), replacedValue: a.replacedValue ?? .nan, int64Values: ints,
                    replacedInt64: a.replacedInt64 ?? 0))
        case "binarizer": return .binarizer(threshold: try a.threshold.orCorrupt(what))
        case "svmClassifier", "svmRegressor", "labelEncoder":
            return try ClassicalOpCodec.decode(record, weights: weights, limits: limits)
        case "normalizer": return .normalizer(try a.norm.orCorrupt(what))
        case "oneHot":
            return .oneHot(
                GraphOp.OneHot(
                    depth: try a.depth.orCorrupt(what), axis: try a.axis.orCorrupt(what),
                    offValue: try a.offValue.orCorrupt(what),
                    onValue: try a.onValue.orCorrupt(what), elementType: try a.elementType.orCorrupt(what)))
        case "oneHotEncoder":
            return .oneHotEncoder(
                GraphOp.OneHotEncoder(
                    categories: try labels(a.categories, what: what, weights: weights, limits: limits),
                    zeros: try a.zeros.orCorrupt(what)))
        case "linearClassifier":
            return .linearClassifier(
                GraphOp.LinearClassifier(
                    coefficients: try floats(a.coefficients), intercepts: try floats(a.intercepts),
                    labels: try labels(a.labels, what: what, weights: weights, limits: limits),
                    postTransform: try a.postTransform.orCorrupt(what), multiClass: try a.multiClass.orCorrupt(what)))
        case "linearRegressor":
            return .linearRegressor(
                GraphOp.LinearRegressor(
                    coefficients: try floats(a.coefficients), intercepts: try floats(a.intercepts),
                    targets: try a.targets.orCorrupt(what), postTransform: try a.postTransform.orCorrupt(what)))
        case "treeEnsemble":
            let tree = try a.tree.orCorrupt(what)
            return .treeEnsemble(
                try TreeEnsembleCodec.decode(tree, what: what, weights: weights, limits: limits, treeNodes: &treeNodes))
        case "scan":
            let scan = try a.scan.orCorrupt(what)
            guard depth < GraphOp.Scan.maxDepth else {
                throw PackageError.limit("the nesting depth of scans at \(what)", depth + 1, GraphOp.Scan.maxDepth)
            }
            guard scan.body.count == 1 else {
                throw PackageError.corrupt("\(what) has \(scan.body.count) bodies; expected 1", value: record.name)
            }
            for array in [
                scan.inputAxes.count, scan.inputReversed.count, scan.outputAxes.count, scan.outputReversed.count,
            ]
            where array > limits.maxTensors {
                throw PackageError.limit("the scan axes of \(what)", array, limits.maxTensors)
            }
            let body = try decode(scan.body[0], weights: weights, limits: limits, depth: depth + 1)
            return .scan(
                GraphOp.Scan(
                    body: body, stateCount: scan.stateCount, scanInputCount: scan.scanInputCount,
                    inputAxes: scan.inputAxes, inputReversed: scan.inputReversed, outputAxes: scan.outputAxes,
                    outputReversed: scan.outputReversed))
        case "where": return .where
        case "shape": return .shape(GraphOp.ShapeSlice(start: try a.start.orCorrupt(what), end: a.end))
        case "constantOfShape":
            let ref = try a.value.orCorrupt(what)
            guard ref.count == 1 else { throw PackageError.corrupt("\(what) has \(ref.count) values, expected 1") }
            let storage: Tensor.Storage
            switch try a.elementType.orCorrupt(what) {
            case .float32: storage = .float32(try weights.floats(ref, what: what))
            case .float64: storage = .float64(try weights.doubles(ref, what: what))
            case .int64: storage = .int64(try weights.int64s(ref, what: what))
            case .bool: storage = .bool(try weights.bools(ref, what: what))
            case .string: throw PackageError.corrupt("\(what) has a string value", value: record.op)
            }
            return .constantOfShape(value: Tensor(unchecked: [1], storage: storage))
        default:
            if let f = GraphOp.UnaryFunction(rawValue: record.op) { return .unary(f) }
            if let f = GraphOp.BinaryFunction(rawValue: record.op) { return .binary(f) }
            if let f = GraphOp.VariadicFunction(rawValue: record.op) { return .variadic(f) }
            throw PackageError.corrupt("unknown op '\(record.op)' in node '\(record.name)'", value: record.op)
        }
    }
}

extension Optional {
    /// The wrapped value, or a `corruptData` error saying `what` lacks a required field.
    func orCorrupt(_ what: String) throws -> Wrapped {
        guard let value = self else { throw PackageError.corrupt("\(what) lacks a required field") }
        return value
    }
}
