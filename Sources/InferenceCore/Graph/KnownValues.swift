/// Plan-time values of small `int64` tensors: shape arithmetic evaluated while shapes are
/// inferred for one batch size, so ops that size their output from a tensor's value
/// (``GraphOp/constantOfShape(value:)``) can be planned.
///
/// Known are the `int64` initialisers of at most ``maxElements`` elements, every
/// ``GraphOp/shape(_:)`` output (shapes are concrete once the batch size is), and the outputs
/// of the ops listed in ``evaluatedOps`` whose inputs are all known. Anything else (a value
/// computed from a graph input's elements, a float tensor) is unknown; an op that needs it
/// refuses the graph with an error naming the tensor. `Gather` and `GatherElements` pick
/// dimensions out of a shape (`Shape → Gather → Concat → Reshape`); an index outside the data
/// leaves the value unknown (the gather step reports it when it runs). Another op that shape
/// arithmetic commonly passes through (e.g. `Unsqueeze`) becomes usable there by adding a case to
/// ``evaluate(_:inputs:values:outputs:)`` and its name to ``evaluatedOps``.
enum KnownValues {
    /// The most elements a known value may have (shape vectors are short).
    static let maxElements = 64

    /// The ops evaluated at plan time, for messages.
    static let evaluatedOps =
        "Shape, Identity, Reshape, Flatten, Concat, Gather, GatherElements, Add, Sub, Mul, Div, Max, Min and "
        + "ConstantOfShape on int64"

    /// The known value of an initialiser, if it is a small `int64` tensor.
    static func value(of tensor: Tensor) -> [Int64]? {
        guard let v = tensor.int64Values, v.count <= maxElements else { return nil }
        return v
    }

    /// The values of `node`'s outputs given its inputs' specs and known values (`nil` where unknown).
    static func evaluate(
        _ node: GraphNode, inputs: [TensorSpec?], values: [[Int64]?], outputs: [TensorSpec]
    ) -> [[Int64]?] {
        let unknown = [[Int64]?](repeating: nil, count: outputs.count)
        guard let out = outputs.first, out.elementType == .int64, out.count <= maxElements else { return unknown }
        func known(_ i: Int) -> [Int64]? { i < values.count ? values[i] : nil }
        func shape(_ i: Int) -> [Int] { i < inputs.count ? inputs[i]?.shape ?? [] : [] }
        let result: [Int64]?
        switch node.op {
        case .shape(let slice):
            let dims = shape(0)
            result = dims[slice.range(rank: dims.count)].map { Int64($0) }
        case .identity, .reshape, .flatten:
            result = known(0)
        case .concat(let axis):
            result = concat(values: (0..<inputs.count).map(known), shapes: (0..<inputs.count).map(shape), axis: axis)
        case .add, .sub, .mul, .div:
            guard let a = known(0), let b = known(1) else { return unknown }
            let layout = BroadcastLayout([shape(0), shape(1)], out: out.shape)
            let (ia, ib) = (layout.indices(of: 0), layout.indices(of: 1))
            var v: [Int64] = []
            for (i, j) in zip(ia, ib) {
                guard i < a.count, j < b.count else { return unknown }
                switch node.op {
                case .add: v.append(a[i] &+ b[j])
                case .sub: v.append(a[i] &- b[j])
                case .mul: v.append(a[i] &* b[j])
                default:
                    guard b[j] != 0 else { return unknown }  // the step reports the division by zero
                    v.append(b[j] == -1 ? 0 &- a[i] : a[i] / b[j])
                }
            }
            result = v
        case .variadic(let f) where f == .max || f == .min:
            var v: [Int64]?
            var vShape: [Int] = []
            for i in 0..<inputs.count {
                guard let x = known(i) else { return unknown }
                guard let acc = v else {
                    v = x
                    vShape = shape(i)
                    continue
                }
                guard let s = TensorSpec.broadcast(vShape, shape(i)) else { return unknown }
                let layout = BroadcastLayout([vShape, shape(i)], out: s)
                let (ia, ib) = (layout.indices(of: 0), layout.indices(of: 1))
                v = zip(ia, ib).map { f == .max ? Swift.max(acc[$0], x[$1]) : Swift.min(acc[$0], x[$1]) }
                vShape = s
            }
            guard vShape == out.shape, v?.count == out.count else { return unknown }
            result = v
        case .gather(let g):
            guard let data = known(0), let indices = known(1) else { return unknown }
            switch g.mode {
            case .slices: result = gather(data, shape(0), indices, axis: g.axis)
            case .elements: result = gatherElements(data, shape(0), indices, shape(1), axis: g.axis)
            }
        case .constantOfShape(let value):
            result = value.int64Values.flatMap { $0.first }.map { [Int64](repeating: $0, count: out.count) }
        default:
            return unknown
        }
        guard let result, result.count == out.count else { return unknown }
        return [result] + unknown.dropFirst()
    }

    /// Concatenation of known values along `axis` (every input known, int64).
    private static func concat(values: [[Int64]?], shapes: [[Int]], axis: Int) -> [Int64]? {
        guard let first = shapes.first, let ax = TensorSpec.normalizedAxis(axis, rank: first.count) else { return nil }
        let outer = first[..<ax].reduce(1, *)
        var blocks: [(values: [Int64], width: Int)] = []
        for (v, s) in zip(values, shapes) {
            guard let v, s.count == first.count else { return nil }
            let width = s[ax...].reduce(1, *)
            guard outer * width == v.count else { return nil }
            blocks.append((v, width))
        }
        var result: [Int64] = []
        for o in 0..<outer {
            for block in blocks { result += block.values[(o * block.width)..<((o + 1) * block.width)] }
        }
        return result
    }

    /// `Gather` of known values: whole slices of `data` (of shape `dataShape`) along `axis`, in the
    /// order of `indices` (negative counts from the end); `nil` for an index outside the axis.
    private static func gather(_ data: [Int64], _ dataShape: [Int], _ indices: [Int64], axis: Int) -> [Int64]? {
        guard let ax = TensorSpec.normalizedAxis(axis, rank: dataShape.count),
            dataShape.reduce(1, *) == data.count
        else { return nil }
        let outer = dataShape[..<ax].reduce(1, *)
        let extent = dataShape[ax]
        let inner = dataShape[(ax + 1)...].reduce(1, *)
        var result: [Int64] = []
        for o in 0..<outer {
            for index in indices {
                let i = index < 0 ? index + Int64(extent) : index
                guard i >= 0, i < Int64(extent) else { return nil }
                let start = (o * extent + Int(i)) * inner
                result += data[start..<(start + inner)]
            }
        }
        return result
    }

    /// `GatherElements` of known values: for each position of `indices` (shape `indicesShape`,
    /// the data's rank), the element of `data` at that position with the `axis` coordinate
    /// replaced by the index; `nil` for an index outside the axis.
    private static func gatherElements(
        _ data: [Int64], _ dataShape: [Int], _ indices: [Int64], _ indicesShape: [Int], axis: Int
    ) -> [Int64]? {
        let rank = dataShape.count
        guard let ax = TensorSpec.normalizedAxis(axis, rank: rank), indicesShape.count == rank,
            dataShape.reduce(1, *) == data.count, indicesShape.reduce(1, *) == indices.count
        else { return nil }
        var strides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * dataShape[d + 1] }
        var result: [Int64] = []
        for (flat, index) in indices.enumerated() {
            let i = index < 0 ? index + Int64(dataShape[ax]) : index
            guard i >= 0, i < Int64(dataShape[ax]) else { return nil }
            var rest = flat
            var offset = 0
            for d in stride(from: rank - 1, through: 0, by: -1) {
                let coordinate = rest % indicesShape[d]
                rest /= indicesShape[d]
                guard coordinate < dataShape[d] else { return nil }
                offset += (d == ax ? Int(i) : coordinate) * strides[d]
            }
            result.append(data[offset])
        }
        return result
    }
}
