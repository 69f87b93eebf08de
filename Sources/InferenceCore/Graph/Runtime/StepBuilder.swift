/// Turns one node, with its tensors' concrete specs, into an ``ExecutionStep``.
struct StepBuilder {
    let program: ExecutionProgram
    let nodeIndex: Int
    let node: GraphNode
    let inputs: [Int?]
    let outputs: [Int]
    let specs: [TensorSpec]
    /// Arena byte offset of this step's scratch space (see ``scratchBytes(node:specs:inputs:)``).
    var scratchOffset: Int = 0
    /// The plan's batch size, element bound per row and arena bound (for a scan body's plan).
    var batch = 1
    var maxElementsPerRow = Int.max
    var arenaLimit = Int.max

    /// Bytes of arena scratch a node needs during its step only.
    static func scratchBytes(node: GraphNode, specs: [TensorSpec], inputs: [Int?]) -> Int {
        switch node.op {
        case .treeEnsemble(let t):
            let x = inputs.first.flatMap { $0 }.map { specs[$0] }
            let rows = x.map { $0.shape.count == 2 ? $0.shape[0] : 1 } ?? 0
            return TreeEnsembleStep.scratchBytes(t, rows: rows)
        case .scan(let scan):
            return ScanStep.scratchBytes(scan, inputSpecs: inputs.map { $0.map { specs[$0] } })
        case .topK(let t):
            // One slice's candidate indices (k ≤ the axis size, so this is at most the input's bytes).
            return t.k * MemoryLayout<Int>.stride
        case .svmClassifier, .svmRegressor:
            return svmScratchBytes(node: node, specs: specs, inputs: inputs) ?? 0
        default:
            return 0
        }
    }

    /// Scratch bytes of an SVM node, or `nil` if the count overflows (``ResolvedPlan`` checks it first).
    static func svmScratchBytes(node: GraphNode, specs: [TensorSpec], inputs: [Int?]) -> Int? {
        guard let x = inputs.first.flatMap({ $0 }).map({ specs[$0] }) else { return 0 }
        let rows = x.shape.count == 2 ? x.shape[0] : 1
        let features = x.shape.last ?? 0
        switch node.op {
        case .svmClassifier(let c):
            return SVMClassifierStep.scratchBytes(c, rows: rows, features: features, inputType: x.elementType)
        case .svmRegressor(let r):
            return SVMRegressorStep.scratchBytes(r, rows: rows, features: features, inputType: x.elementType)
        default:
            return 0
        }
    }

    func input(_ i: Int) -> Int { inputs[i] ?? 0 }
    private func spec(_ i: Int) -> TensorSpec { specs[input(i)] }
    private var out: Int { outputs[0] }
    private var outSpec: TensorSpec { specs[outputs[0]] }

    /// [outer, axis, inner] view of `shape` around `axis` (already validated).
    private func split(_ shape: [Int], axis: Int) -> (Int, Int, Int) {
        let a = TensorSpec.normalizedAxis(axis, rank: shape.count) ?? 0
        return (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
    }

    func build() throws -> any ExecutionStep {
        switch node.op {
        case .gemm(let g):
            let a = spec(0)
            let (m, k) = g.transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
            let n = outSpec.shape[1]
            var c: (value: Int, rowStride: Int, colStride: Int, beta: Float)?
            if inputs.count > 2, let cv = inputs[2] {
                let strides = GemmGeneralStep.cStrides(shape: specs[cv].shape)
                c = (cv, strides.rowStride, strides.colStride, g.beta)
            }
            if let packed = program.packedGemms[nodeIndex], !g.transA {
                return GemmStep(
                    a: input(0), y: out, m: m, packed: packed, c: packed.hasRowBias ? nil : c,
                    activation: Activation(g.activation), pool: program.pool)
            }
            return GemmGeneralStep(
                a: input(0), b: input(1), y: out, m: m, n: n, k: k, gemm: g, c: c, pool: program.pool)

        case .matMul:
            let a = spec(0)
            let b = spec(1)
            let k = a.shape.last ?? 1
            let n = b.shape.count == 2 ? b.shape[1] : 1
            return MatMulStep(
                a: input(0), b: input(1), y: out, rows: k == 0 ? 0 : a.count / k, n: n, k: k,
                elementType: a.elementType, pool: program.pool)

        case .add, .sub, .mul, .div:
            let op: BinaryStep.Op
            switch node.op {
            case .add: op = .add
            case .sub: op = .sub
            case .mul: op = .mul
            default: op = .div
            }
            return BinaryStep(
                op: op, elementType: outSpec.elementType, a: input(0), b: input(1), y: out,
                shapeA: spec(0).shape, shapeB: spec(1).shape, out: outSpec.shape, nodeName: node.name)

        case .relu, .sigmoid, .tanh:
            let activation: GraphOp.Activation
            switch node.op {
            case .relu: activation = .relu
            case .sigmoid: activation = .sigmoid
            default: activation = .tanh
            }
            return UnaryStep(
                activation: activation, elementType: outSpec.elementType, x: input(0), y: out, count: outSpec.count)

        case .unary(let f):
            return UnaryFunctionStep(
                function: f, elementType: outSpec.elementType, x: input(0), y: out, count: outSpec.count)

        case .binary(let f):
            return BinaryStep(
                op: .function(f), elementType: spec(0).elementType, typeB: spec(1).elementType, a: input(0),
                b: input(1), y: out, shapeA: spec(0).shape, shapeB: spec(1).shape, out: outSpec.shape,
                nodeName: node.name)

        case .variadic(let f):
            return VariadicStep(
                function: f, elementType: outSpec.elementType, inputs: (0..<inputs.count).map(input),
                shapes: (0..<inputs.count).map { spec($0).shape }, y: out, out: outSpec.shape, nodeName: node.name)

        case .where:
            return WhereStep(
                elementType: outSpec.elementType, condition: input(0), x: input(1), yInput: input(2), out: out,
                layout: BroadcastLayout([spec(0).shape, spec(1).shape, spec(2).shape], out: outSpec.shape))

        case .shape(let slice):
            let dims = spec(0).shape
            return ConstantFillStep(
                storage: .int64(dims[slice.range(rank: dims.count)].map { Int64($0) }), y: out, count: outSpec.count)

        case .constantOfShape(let value):
            return ConstantFillStep(storage: value.storage, y: out, count: outSpec.count)

        case .identity, .reshape, .flatten:
            return CopyStep(
                x: input(0), y: out, byteCount: outSpec.count * outSpec.elementType.byteCount,
                isString: outSpec.elementType == .string)

        case .softmax(let axis), .logSoftmax(let axis):
            let (outer, len, inner) = split(outSpec.shape, axis: axis)
            var log = false
            if case .logSoftmax = node.op { log = true }
            return SoftmaxStep(
                x: input(0), y: out, outer: outer, axis: len, inner: inner, log: log, elementType: outSpec.elementType)

        case .concat(let axis):
            let (outer, _, inner) = split(outSpec.shape, axis: axis)
            let a = TensorSpec.normalizedAxis(axis, rank: outSpec.shape.count) ?? 0
            let isString = outSpec.elementType == .string
            let unit = isString ? 1 : outSpec.elementType.byteCount
            let blocks = (0..<inputs.count).map { spec($0).shape[a] * inner * unit }
            return ConcatStep(
                inputs: (0..<inputs.count).map(input), blocks: blocks, y: out, outer: outer, isString: isString)

        case .transpose(let perm):
            let x = spec(0)
            let p = perm.isEmpty ? Array((0..<x.shape.count).reversed()) : perm
            return TransposeStep(x: input(0), y: out, inShape: x.shape, perm: p, elementSize: x.elementType.byteCount)

        case .cast(let to):
            return CastStep(
                x: input(0), y: out, from: spec(0).elementType, to: to, count: outSpec.count, nodeName: node.name)

        case .argMax(let a), .argMin(let a):
            let (outer, len, inner) = split(spec(0).shape, axis: a.axis)
            var minimum = false
            if case .argMin = node.op { minimum = true }
            return ArgMaxStep(
                x: input(0), y: out, outer: outer, axis: len, inner: inner, selectLast: a.selectLastIndex,
                minimum: minimum, elementType: spec(0).elementType)

        case .reduce(let r):
            return ReduceStep(
                x: input(0), y: out, kind: r.kind, shape: spec(0).shape,
                mask: r.reducedMask(rank: spec(0).shape.count) ?? [], elementType: spec(0).elementType)

        case .topK(let t):
            let (outer, len, inner) = split(spec(0).shape, axis: t.axis)
            return TopKStep(
                x: input(0), values: outputs[0], indices: outputs[1], outer: outer, axis: len, inner: inner, k: t.k,
                largest: t.largest, elementType: spec(0).elementType, scratchOffset: scratchOffset)

        case .gather(let g):
            let data = spec(0)
            switch g.mode {
            case .slices:
                let (outer, len, inner) = split(data.shape, axis: g.axis)
                return GatherStep(
                    data: input(0), indices: input(1), y: out, outer: outer, axis: len, inner: inner,
                    indexCount: spec(1).count, elementType: data.elementType, nodeName: node.name)
            case .elements:
                return GatherElementsStep(
                    data: input(0), indices: input(1), y: out, dataShape: data.shape, indexShape: spec(1).shape,
                    axis: TensorSpec.normalizedAxis(g.axis, rank: data.shape.count) ?? 0,
                    elementType: data.elementType, nodeName: node.name)
            }

        case .cumSum(let c):
            let (outer, len, inner) = split(spec(0).shape, axis: c.axis)
            return CumSumStep(
                x: input(0), y: out, outer: outer, axis: len, inner: inner, exclusive: c.exclusive,
                reverse: c.reverse, elementType: spec(0).elementType)

        case .scaler(let s):
            return ScalerStep(x: input(0), y: out, shape: spec(0).shape, scaler: s, elementType: spec(0).elementType)

        case .imputer(let m):
            return ImputerStep(x: input(0), y: out, shape: spec(0).shape, imputer: m, elementType: spec(0).elementType)

        case .normalizer(let norm):
            let shape = spec(0).shape
            let cols = shape.last ?? 1
            return NormalizerStep(
                x: input(0), y: out, rows: cols == 0 ? 0 : spec(0).count / cols, cols: cols, norm: norm,
                elementType: spec(0).elementType)

        case .oneHot(let o):
            let x = spec(0)
            let axis = TensorSpec.normalizedAxis(o.axis, rank: x.shape.count + 1) ?? x.shape.count
            return OneHotStep(
                x: input(0), y: out, inputType: x.elementType, outer: x.shape[..<axis].reduce(1, *),
                inner: x.shape[axis...].reduce(1, *), attributes: o)

        case .oneHotEncoder(let e):
            return OneHotEncoderStep(
                x: input(0), y: out, inputType: spec(0).elementType, count: spec(0).count, encoder: e,
                nodeName: node.name)

        case .arrayFeatureExtractor:
            let x = spec(0)
            let width = x.shape.last ?? 1
            return ArrayFeatureExtractorStep(
                x: input(0), indices: input(1), y: out, rows: width == 0 ? 0 : x.count / width, width: width,
                k: spec(1).count, elementSize: x.elementType.byteCount, isString: x.elementType == .string,
                nodeName: node.name)

        case .linearClassifier(let c):
            let x = spec(0)
            let features = x.shape.last ?? 1
            return LinearModelStep(
                x: input(0), inputType: x.elementType, label: outputs[0], scores: outputs[1],
                rows: features == 0 ? 0 : x.count / features, features: features, coefficients: c.coefficients,
                intercepts: c.intercepts, postTransform: c.postTransform, labels: c.labels)

        case .linearRegressor(let r):
            let x = spec(0)
            let features = x.shape.last ?? 1
            return LinearModelStep(
                x: input(0), inputType: x.elementType, label: nil, scores: out,
                rows: features == 0 ? 0 : x.count / features, features: features, coefficients: r.coefficients,
                intercepts: r.intercepts, postTransform: r.postTransform, labels: nil)

        case .binarizer(let threshold):
            return BinarizerStep(
                x: input(0), y: out, count: outSpec.count, threshold: threshold, elementType: outSpec.elementType,
                nodeName: node.name)

        case .svmClassifier(let c):
            let x = spec(0)
            return try SVMClassifierStep(
                attributes: c, x: input(0), inputType: x.elementType, label: outputs[0], scores: outputs[1],
                rows: x.shape.count == 2 ? x.shape[0] : 1, features: x.shape.last ?? 0, scratchOffset: scratchOffset,
                pool: program.pool)

        case .svmRegressor(let r):
            let x = spec(0)
            return try SVMRegressorStep(
                attributes: r, x: input(0), inputType: x.elementType, y: out, rows: x.shape.count == 2 ? x.shape[0] : 1,
                features: x.shape.last ?? 0, scratchOffset: scratchOffset, pool: program.pool)

        case .labelEncoder(let e):
            return LabelEncoderStep(x: input(0), y: out, count: outSpec.count, encoder: e)

        case .treeEnsemble(let t):
            let x = spec(0)
            return TreeEnsembleStep(
                node: t, x: input(0), inputType: x.elementType, outputs: outputs,
                rows: x.shape.count == 2 ? x.shape[0] : 1, scratchOffset: scratchOffset)

        case .scan:
            return try buildScan()
        }
    }
}
