import MLOpsCore

/// Infers the concrete output types of one node from the concrete types of its inputs.
///
/// Used by validation (at two batch sizes) and by the compiler (once per batch size a plan
/// is resolved for). Every failure names the node and the tensor.
enum ShapeInference {
    /// The output specs of `node`, given its input specs (`nil` for an omitted optional input)
    /// and the plan-time values of its small `int64` inputs where known (see ``KnownValues``;
    /// empty or `nil` entries when not known).
    static func infer(_ node: GraphNode, _ inputs: [TensorSpec?], values: [[Int64]?] = []) throws -> [TensorSpec] {
        func input(_ i: Int) throws -> TensorSpec {
            guard i < inputs.count, let spec = inputs[i] else {
                throw GraphError.node(node, "input #\(i) is required but was omitted.")
            }
            return spec
        }
        func name(_ i: Int) -> String { i < node.inputs.count ? node.inputs[i] : "#\(i)" }
        func fail(_ message: String, _ i: Int, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
            GraphError.node(node, message, tensor: name(i), fileID: fileID, line: line)
        }
        func requireType(_ i: Int, _ allowed: Set<ElementType>) throws -> TensorSpec {
            let spec = try input(i)
            guard allowed.contains(spec.elementType) else {
                let names = allowed.map(\.rawValue).sorted().joined(separator: "/")
                throw fail("input '\(name(i))' has element type \(spec.elementType); expected \(names).", i)
            }
            return spec
        }
        let floats: Set<ElementType> = [.float32, .float64]
        let numeric: Set<ElementType> = [.float32, .float64, .int64]

        switch node.op {
        case .gemm(let g):
            let a = try requireType(0, [.float32])
            let b = try requireType(1, [.float32])
            guard a.shape.count == 2 else { throw fail("A must be 2-D, got shape \(a.shape).", 0) }
            guard b.shape.count == 2 else { throw fail("B must be 2-D, got shape \(b.shape).", 1) }
            let (m, k) = g.transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
            let (kb, n) = g.transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
            guard k == kb else {
                throw fail("inner dimensions differ: A' is [\(m), \(k)] but B' is [\(kb), \(n)].", 1)
            }
            if inputs.count > 2, let c = inputs[2] {
                guard c.elementType == .float32 else { throw fail("C must be float32, got \(c.elementType).", 2) }
                guard c.shape.count <= 2, TensorSpec.broadcast(c.shape, [m, n]) == [m, n] else {
                    throw fail("C of shape \(c.shape) does not broadcast to [\(m), \(n)].", 2)
                }
            }
            return [TensorSpec(elementType: .float32, shape: [m, n])]

        case .matMul:
            let a = try requireType(0, floats)
            let b = try requireType(1, [a.elementType])
            guard !a.shape.isEmpty, !b.shape.isEmpty else { throw fail("matMul operands must not be scalars.", 0) }
            guard b.shape.count <= 2 else {
                throw fail("B must be 1-D or 2-D (batched B is not supported), got \(b.shape).", 1)
            }
            let k = a.shape[a.shape.count - 1]
            let kb = b.shape[0]
            guard k == kb else { throw fail("inner dimensions differ: A is \(a.shape), B is \(b.shape).", 1) }
            var out = Array(a.shape.dropLast())
            if b.shape.count == 2 { out.append(b.shape[1]) }
            return [TensorSpec(elementType: a.elementType, shape: out)]

        case .add, .sub, .mul, .div:
            let a = try requireType(0, numeric)
            let b = try input(1)
            guard b.elementType == a.elementType else {
                throw fail("operands differ in element type: \(a.elementType) and \(b.elementType); add a cast.", 1)
            }
            guard let shape = TensorSpec.broadcast(a.shape, b.shape) else {
                throw fail("shapes \(a.shape) and \(b.shape) do not broadcast.", 1)
            }
            return [TensorSpec(elementType: a.elementType, shape: shape)]

        case .relu, .sigmoid, .tanh:
            return [try requireType(0, floats)]

        case .unary, .binary, .variadic, .where, .shape, .constantOfShape:
            return try inferElementwise(node, inputs, values: values)

        case .identity:
            return [try input(0)]

        case .softmax(let axis), .logSoftmax(let axis):
            let x = try requireType(0, floats)
            guard TensorSpec.normalizedAxis(axis, rank: x.shape.count) != nil else {
                throw fail("axis \(axis) is out of range for shape \(x.shape).", 0)
            }
            return [x]

        case .concat(let axis):
            let first = try input(0)
            guard let ax = TensorSpec.normalizedAxis(axis, rank: first.shape.count) else {
                throw fail("axis \(axis) is out of range for shape \(first.shape).", 0)
            }
            var out = first.shape
            for i in 1..<max(1, inputs.count) {
                let x = try input(i)
                guard x.elementType == first.elementType else {
                    throw fail("input '\(name(i))' is \(x.elementType) but the first input is \(first.elementType).", i)
                }
                guard x.shape.count == first.shape.count else {
                    throw fail("input '\(name(i))' has rank \(x.shape.count), expected \(first.shape.count).", i)
                }
                for d in 0..<out.count where d != ax && x.shape[d] != out[d] {
                    throw fail("input '\(name(i))' has shape \(x.shape), incompatible with \(first.shape).", i)
                }
                guard let total = ShapeBounds.sum(out[ax], x.shape[ax]) else {
                    throw ShapeBounds.overflow(node, "the concatenated size along axis \(axis)", tensor: name(i))
                }
                out[ax] = total
            }
            return [TensorSpec(elementType: first.elementType, shape: out)]

        case .reshape(let attribute):
            let x = try input(0)
            var target = attribute
            if inputs.count > 1 {
                // The target is a tensor whose value is known when the plan is resolved.
                guard let value = values.count > 1 ? values[1] : nil else {
                    throw unknownValue(node, tensor: name(1))
                }
                let s = try requireType(1, [.int64])
                guard s.shape.count == 1 else { throw fail("the shape input must be 1-D, got shape \(s.shape).", 1) }
                guard value.allSatisfy({ $0 >= -1 && $0 <= Int64(Int32.max) }) else {
                    throw fail("reshape target \(value) has a negative entry other than -1 or a too large one.", 1)
                }
                target = value.map { Int($0) }
            }
            var out = [Int]()
            var inferAt: Int?
            for (i, d) in target.enumerated() {
                if d == 0 {
                    guard i < x.shape.count else {
                        throw fail("shape entry 0 at position \(i) copies a dimension the input \(x.shape) lacks.", 0)
                    }
                    out.append(x.shape[i])
                } else if d == -1 {
                    guard inferAt == nil else { throw fail("reshape target \(target) has more than one -1.", 0) }
                    inferAt = i
                    out.append(1)
                } else if d > 0 {
                    out.append(d)
                } else {
                    throw fail("reshape target \(target) has a negative entry other than -1.", 0)
                }
            }
            guard let known = Tensor.elementCount(of: out) else {
                throw ShapeBounds.overflow(node, "the size of reshape target \(target)", tensor: name(0))
            }
            if let at = inferAt {
                guard known > 0, x.count % known == 0 else {
                    throw fail("cannot infer -1 in \(target) for input of shape \(x.shape).", 0)
                }
                out[at] = x.count / known
            }
            guard Tensor.elementCount(of: out) == x.count else {
                throw fail("cannot reshape \(x.shape) (\(x.count) elements) to \(out).", 0)
            }
            return [TensorSpec(elementType: x.elementType, shape: out)]

        case .flatten(let axis):
            let x = try input(0)
            let r = x.shape.count
            let ax = axis < 0 ? axis + r : axis
            guard ax >= 0, ax <= r else { throw fail("axis \(axis) is out of range for shape \(x.shape).", 0) }
            guard let outer = Tensor.elementCount(of: Array(x.shape[..<ax])),
                let inner = Tensor.elementCount(of: Array(x.shape[ax...]))
            else { throw ShapeBounds.overflow(node, "flattening \(x.shape)", tensor: name(0)) }
            return [TensorSpec(elementType: x.elementType, shape: [outer, inner])]

        case .transpose(let perm):
            let x = try input(0)
            let r = x.shape.count
            let p = perm.isEmpty ? Array((0..<r).reversed()) : perm
            guard p.count == r, Set(p) == Set(0..<r) else {
                throw fail("perm \(perm) is not a permutation of the \(r) axes of \(x.shape).", 0)
            }
            guard x.elementType != .string else { throw fail("transpose of string tensors is not supported.", 0) }
            return [TensorSpec(elementType: x.elementType, shape: p.map { x.shape[$0] })]

        case .cast(let to):
            let x = try input(0)
            return [TensorSpec(elementType: to, shape: x.shape)]

        case .argMax(let a), .argMin(let a):
            let x = try requireType(0, numeric)
            guard let ax = TensorSpec.normalizedAxis(a.axis, rank: x.shape.count) else {
                throw fail("axis \(a.axis) is out of range for shape \(x.shape).", 0)
            }
            guard x.shape[ax] > 0 else { throw fail("\(node.op.kindName) over an empty axis.", 0) }
            var out = x.shape
            if a.keepDims { out[ax] = 1 } else { out.remove(at: ax) }
            return [TensorSpec(elementType: .int64, shape: out)]

        case .reduce(let r):
            return [try reduce(r, try input(0), fail: { fail($0, 0) })]

        case .topK(let t):
            return try topK(t, try input(0), fail: { fail($0, 0) })

        case .gather(let g):
            return [try gather(g, try input(0), try input(1), fail: { fail($0, $1) })]

        case .cumSum(let c):
            return [try cumSum(c, try input(0), fail: { fail($0, 0) })]

        case .scaler(let s):
            let x = try requireType(0, numeric)
            guard let c = x.shape.last else { throw fail("scaler input must have rank ≥ 1.", 0) }
            for (label, arr) in [("offset", s.offset), ("scale", s.scale)] where arr.count != 1 && arr.count != c {
                throw fail("\(label) has \(arr.count) values; expected 1 or \(c) (the last dimension).", 0)
            }
            return [TensorSpec(elementType: .float32, shape: x.shape)]

        case .imputer(let m):
            let x = try requireType(0, numeric)
            guard let c = x.shape.last else { throw fail("imputer input must have rank ≥ 1.", 0) }
            let (label, count) =
                x.elementType == .int64 ? ("int64Values", m.int64Values.count) : ("values", m.values.count)
            guard count == 1 || count == c else {
                throw fail("\(label) has \(count) entries; expected 1 or \(c) (the last dimension).", 0)
            }
            return [x]

        case .binarizer:
            return [try requireType(0, numeric)]

        case .svmClassifier(let c):
            let x = try requireType(0, numeric)
            let (n, f) = try rowsAndFeatures(x, node: node, fail: { fail($0, 0) })
            try checkSVMClassifier(c, features: f, fail: { fail($0, 0) })
            return [
                TensorSpec(elementType: c.labels.elementType, shape: [n]),
                TensorSpec(elementType: .float32, shape: [n, c.scoreWidth]),
            ]

        case .svmRegressor(let r):
            let x = try requireType(0, numeric)
            let (n, f) = try rowsAndFeatures(x, node: node, fail: { fail($0, 0) })
            try checkSVMRegressor(r, features: f, fail: { fail($0, 0) })
            return [TensorSpec(elementType: .float32, shape: [n, 1])]

        case .labelEncoder(let e):
            let x = try input(0)
            try checkLabelEncoder(e, input: x.elementType, fail: { fail($0, 0) })
            return [TensorSpec(elementType: e.values.elementType, shape: x.shape)]

        case .normalizer:
            let x = try requireType(0, numeric)
            guard x.shape.count == 1 || x.shape.count == 2 else {
                throw fail("normalizer input must be 1-D or 2-D, got \(x.shape).", 0)
            }
            return [TensorSpec(elementType: .float32, shape: x.shape)]

        case .oneHot(let o):
            let x = try requireType(0, numeric)
            guard o.depth > 0 else { throw fail("depth must be positive, got \(o.depth).", 0) }
            guard o.elementType.isNumeric || o.elementType == .bool else {
                throw fail("output element type \(o.elementType) is not numeric.", 0)
            }
            let r = x.shape.count + 1
            guard let ax = TensorSpec.normalizedAxis(o.axis, rank: r) else {
                throw fail("axis \(o.axis) is out of range for output rank \(r).", 0)
            }
            var out = x.shape
            out.insert(o.depth, at: ax)
            return [TensorSpec(elementType: o.elementType, shape: out)]

        case .oneHotEncoder(let e):
            let x = try input(0)
            guard e.categories.count > 0 else { throw fail("oneHotEncoder has no categories.", 0) }
            switch e.categories {
            case .string:
                guard x.elementType == .string else {
                    throw fail("string categories need a string input, got \(x.elementType).", 0)
                }
            case .int64:
                guard x.elementType.isNumeric else {
                    throw fail("integer categories need a numeric input, got \(x.elementType).", 0)
                }
            }
            return [TensorSpec(elementType: .float32, shape: x.shape + [e.categories.count])]

        case .arrayFeatureExtractor:
            let x = try input(0)
            let idx = try requireType(1, [.int64])
            guard !x.shape.isEmpty else { throw fail("X must have rank ≥ 1.", 0) }
            guard idx.count > 0 else { throw fail("indices are empty.", 1) }
            let out = x.shape.count == 1 ? [1, idx.count] : Array(x.shape.dropLast()) + [idx.count]
            return [TensorSpec(elementType: x.elementType, shape: out)]

        case .linearClassifier(let c):
            let x = try requireType(0, numeric)
            let (n, f) = try rowsAndFeatures(x, node: node, fail: { fail($0, 0) })
            guard f > 0, !c.coefficients.isEmpty, c.coefficients.count % f == 0 else {
                throw fail("\(c.coefficients.count) coefficients do not split into rows of \(f) features.", 0)
            }
            let k = c.coefficients.count / f
            guard c.intercepts.isEmpty || c.intercepts.count == k else {
                throw fail("\(c.intercepts.count) intercepts for \(k) classes.", 0)
            }
            guard c.labels.count == k || (k == 1 && c.labels.count == 2) else {
                throw fail("\(c.labels.count) labels for \(k) coefficient rows.", 0)
            }
            let width = k == 1 && c.labels.count == 2 ? 2 : k
            return [
                TensorSpec(elementType: c.labels.elementType, shape: [n]),
                TensorSpec(elementType: .float32, shape: [n, width]),
            ]

        case .linearRegressor(let r):
            let x = try requireType(0, numeric)
            let (n, f) = try rowsAndFeatures(x, node: node, fail: { fail($0, 0) })
            guard r.targets > 0, ShapeBounds.product(r.targets, f) == r.coefficients.count else {
                throw fail("\(r.coefficients.count) coefficients for \(r.targets) targets × \(f) features.", 0)
            }
            guard r.intercepts.isEmpty || r.intercepts.count == r.targets else {
                throw fail("\(r.intercepts.count) intercepts for \(r.targets) targets.", 0)
            }
            return [TensorSpec(elementType: .float32, shape: [n, r.targets])]

        case .treeEnsemble(let t):
            let x = try requireType(0, floats)
            let (n, f) = try rowsAndFeatures(x, node: node, fail: { fail($0, 0) })
            guard f == t.ensemble.featureCount else {
                throw fail("input has \(f) features but the ensemble reads \(t.ensemble.featureCount).", 0)
            }
            guard t.scoreType == .float32 || t.scoreType == .float64 else {
                throw fail("scoreType must be float32 or float64, got \(t.scoreType).", 0)
            }
            guard !t.outputs.isEmpty else { throw fail("the node requests no outputs.", 0) }
            let k = t.ensemble.outputCount
            if let labels = t.labels {
                guard labels.count == k || (k == 1 && labels.count == 2) else {
                    throw fail("\(labels.count) labels for an ensemble with \(k) outputs.", 0)
                }
            }
            return try t.outputs.map { output in
                switch output {
                case .margin: return TensorSpec(elementType: t.scoreType, shape: [n, k])
                case .scores: return TensorSpec(elementType: t.scoreType, shape: [n, t.isBinaryWithLabels ? 2 : k])
                case .label:
                    guard let labels = t.labels else { throw fail("a label output needs labels.", 0) }
                    return TensorSpec(elementType: labels.elementType, shape: [n])
                }
            }

        case .scan(let scan):
            // Graph structures infer scans with their checked body; this path checks the body anew.
            let body = try ScanShapeInference.checkStructure(node, scan, depth: 1)
            return try ScanShapeInference.infer(
                node, scan, body: body, inputs: inputs, batch: 1, maxElements: ShapeBounds.maxExtent
            ).outputs
        }
    }

    /// Rows and features of a [F] or [N, F] input.
    static func rowsAndFeatures(
        _ x: TensorSpec, node: GraphNode, fail: (String) -> MLOpsError
    ) throws -> (Int, Int) {
        switch x.shape.count {
        case 1: return (1, x.shape[0])
        case 2: return (x.shape[0], x.shape[1])
        default: throw fail("input must be [N, F] or [F], got \(x.shape).")
        }
    }
}
