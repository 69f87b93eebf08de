extension ShapeInference {
    /// The output of ``GraphOp/reduce(_:)`` over `x`.
    static func reduce(_ r: GraphOp.Reduce, _ x: TensorSpec, fail: (String) -> any Error) throws -> TensorSpec {
        guard x.elementType.isNumeric else {
            throw fail("input has element type \(x.elementType); expected float32/float64/int64.")
        }
        guard let mask = r.reducedMask(rank: x.shape.count) else {
            throw fail("axes \(r.axes) are out of range for shape \(x.shape).")
        }
        var out: [Int] = []
        for (d, size) in x.shape.enumerated() {
            if !mask[d] {
                out.append(size)
            } else if r.keepDims {
                out.append(1)
            }
        }
        return TensorSpec(elementType: x.elementType, shape: out)
    }

    /// The outputs of ``GraphOp/topK(_:)`` over `x`: values and indices.
    static func topK(_ t: GraphOp.TopK, _ x: TensorSpec, fail: (String) -> any Error) throws -> [TensorSpec] {
        guard x.elementType.isNumeric else {
            throw fail("input has element type \(x.elementType); expected float32/float64/int64.")
        }
        guard let ax = TensorSpec.normalizedAxis(t.axis, rank: x.shape.count) else {
            throw fail("axis \(t.axis) is out of range for shape \(x.shape).")
        }
        guard t.k >= 0, t.k <= x.shape[ax] else {
            throw fail("k = \(t.k) is outside 0...\(x.shape[ax]) (the size of axis \(t.axis) of \(x.shape)).")
        }
        var out = x.shape
        out[ax] = t.k
        return [TensorSpec(elementType: x.elementType, shape: out), TensorSpec(elementType: .int64, shape: out)]
    }

    /// The output of ``GraphOp/gather(_:)`` for `data` and `indices`.
    static func gather(
        _ g: GraphOp.Gather, _ data: TensorSpec, _ indices: TensorSpec, fail: (String, Int) -> any Error
    ) throws -> TensorSpec {
        guard indices.elementType == .int64 else {
            throw fail("indices have element type \(indices.elementType); expected int64.", 1)
        }
        guard let ax = TensorSpec.normalizedAxis(g.axis, rank: data.shape.count) else {
            throw fail("axis \(g.axis) is out of range for data of shape \(data.shape).", 0)
        }
        switch g.mode {
        case .slices:
            let shape = Array(data.shape[..<ax]) + indices.shape + Array(data.shape[(ax + 1)...])
            return TensorSpec(elementType: data.elementType, shape: shape)
        case .elements:
            guard indices.shape.count == data.shape.count else {
                throw fail("indices have rank \(indices.shape.count) but data has rank \(data.shape.count).", 1)
            }
            for d in 0..<data.shape.count where d != ax && indices.shape[d] > data.shape[d] {
                throw fail(
                    "indices of shape \(indices.shape) exceed data of shape \(data.shape) in dimension \(d).", 1)
            }
            return TensorSpec(elementType: data.elementType, shape: indices.shape)
        }
    }

    /// The output of ``GraphOp/cumSum(_:)`` over `x`.
    static func cumSum(_ c: GraphOp.CumSum, _ x: TensorSpec, fail: (String) -> any Error) throws -> TensorSpec {
        guard x.elementType.isNumeric else {
            throw fail("input has element type \(x.elementType); expected float32/float64/int64.")
        }
        guard TensorSpec.normalizedAxis(c.axis, rank: x.shape.count) != nil else {
            throw fail("axis \(c.axis) is out of range for shape \(x.shape).")
        }
        return x
    }
}

extension GraphOp.Reduce {
    /// Whether each of `rank` axes is reduced, or `nil` if an axis is out of range. Repeated
    /// axes count once (as onnxruntime); with ``noopWithEmptyAxes`` and no axes, none is.
    func reducedMask(rank: Int) -> [Bool]? {
        if axes.isEmpty { return [Bool](repeating: !noopWithEmptyAxes, count: rank) }
        var mask = [Bool](repeating: false, count: rank)
        for axis in axes {
            guard let a = TensorSpec.normalizedAxis(axis, rank: rank) else { return nil }
            mask[a] = true
        }
        return mask
    }

    /// Whether the node reduces nothing and only applies the kind's elementwise part.
    var isNoop: Bool { axes.isEmpty && noopWithEmptyAxes }
}
