import MLOpsCore

extension ShapeInference {
    /// Output specs of the elementwise ops (``GraphOp/unary(_:)``, ``GraphOp/binary(_:)``,
    /// ``GraphOp/variadic(_:)``, ``GraphOp/where``) and of ``GraphOp/shape(_:)`` and
    /// ``GraphOp/constantOfShape(value:)``; `values` holds the plan-time values of small `int64`
    /// inputs (see ``KnownValues``).
    static func inferElementwise(_ node: GraphNode, _ inputs: [TensorSpec?], values: [[Int64]?]) throws
        -> [TensorSpec]
    {
        func name(_ i: Int) -> String { i < node.inputs.count ? node.inputs[i] : "#\(i)" }
        func fail(_ message: String, _ i: Int, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
            GraphError.node(node, message, tensor: name(i), fileID: fileID, line: line)
        }
        func input(_ i: Int) throws -> TensorSpec {
            guard i < inputs.count, let spec = inputs[i] else {
                throw GraphError.node(node, "input #\(i) is required but was omitted.")
            }
            return spec
        }
        func requireType(_ i: Int, _ allowed: Set<ElementType>) throws -> TensorSpec {
            let spec = try input(i)
            guard allowed.contains(spec.elementType) else {
                let names = allowed.map(\.rawValue).sorted().joined(separator: "/")
                throw fail("input '\(name(i))' has element type \(spec.elementType); expected \(names).", i)
            }
            return spec
        }
        /// The broadcast shape of inputs `0..<count`, all of `type` unless `from` says otherwise.
        func broadcast(_ indices: Range<Int>, sameTypeAs first: Int) throws -> [Int] {
            let type = try input(first).elementType
            var shape: [Int] = []
            for i in indices {
                let x = try input(i)
                guard x.elementType == type else {
                    throw fail(
                        "input '\(name(i))' is \(x.elementType) but input '\(name(first))' is \(type); add a cast.", i)
                }
                guard let s = TensorSpec.broadcast(shape, x.shape) else {
                    throw fail("input '\(name(i))' of shape \(x.shape) does not broadcast with \(shape).", i)
                }
                shape = s
            }
            return shape
        }
        let floats: Set<ElementType> = [.float32, .float64]
        let numeric: Set<ElementType> = [.float32, .float64, .int64]

        switch node.op {
        case .unary(let f):
            let allowed: Set<ElementType> = f == .not ? [.bool] : f.acceptsInt64 ? numeric : floats
            return [try requireType(0, allowed)]

        case .binary(let f):
            switch f {
            case .pow:
                let base = try requireType(0, numeric)
                let exponent = try requireType(1, numeric)
                guard let shape = TensorSpec.broadcast(base.shape, exponent.shape) else {
                    throw fail("shapes \(base.shape) and \(exponent.shape) do not broadcast.", 1)
                }
                return [TensorSpec(elementType: base.elementType, shape: shape)]
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                _ = try requireType(0, numeric)
            case .equal:
                _ = try requireType(0, numeric.union([.bool, .string]))
            case .and, .or, .xor:
                _ = try requireType(0, [.bool])
            }
            return [TensorSpec(elementType: .bool, shape: try broadcast(0..<2, sameTypeAs: 0))]

        case .variadic(let f):
            let x = try requireType(0, f == .max || f == .min ? numeric : floats)
            return [TensorSpec(elementType: x.elementType, shape: try broadcast(0..<inputs.count, sameTypeAs: 0))]

        case .where:
            _ = try requireType(0, [.bool])
            let x = try input(1)
            let shape = try broadcast(1..<3, sameTypeAs: 1)
            guard let all = TensorSpec.broadcast(try input(0).shape, shape) else {
                throw fail("condition of shape \(try input(0).shape) does not broadcast with \(shape).", 0)
            }
            return [TensorSpec(elementType: x.elementType, shape: all)]

        case .shape(let slice):
            let x = try input(0)
            return [TensorSpec(elementType: .int64, shape: [slice.range(rank: x.shape.count).count])]

        case .constantOfShape(let value):
            guard value.count == 1, value.elementType != .string else {
                throw fail("value must be one numeric or bool element, got \(value).", 0)
            }
            guard let dims = values.count > 0 ? values[0] : nil else { throw unknownValue(node, tensor: name(0)) }
            let s = try requireType(0, [.int64])
            guard s.shape.count == 1 else { throw fail("the shape input must be 1-D, got shape \(s.shape).", 0) }
            guard dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
                throw fail("the shape \(dims) has a negative or too large dimension.", 0)
            }
            return [TensorSpec(elementType: value.elementType, shape: dims.map { Int($0) })]

        default:
            throw GraphError.node(node, "is not an elementwise op.")
        }
    }

    /// The error for a shape input whose value is not known when a plan is resolved: computing
    /// shapes from tensor elements at run time is not supported.
    static func unknownValue(_ node: GraphNode, tensor: String, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        MLOpsError(
            .unsupported,
            "Node '\(node.name)' (\(node.op.kindName)): the shape input '\(tensor)' is not known when the plan is "
                + "resolved; only constants and values computed from constants and Shape outputs (by "
                + "\(KnownValues.evaluatedOps)) are supported.", value: tensor, fileID: fileID, line: line)
    }
}
