import MLOpsCore

extension ONNXGraphConverter {
    /// Converts `ai.onnx.ml` LabelEncoder: opset 1 (`classes_strings`, string ↔ int64 by the
    /// input's type), opsets 2–3 (`keys_*` / `values_*` lists) and 4+ (also `*_tensor`).
    mutating func convertLabelEncoder(_ c: ONNXNodeContext) throws {
        let node = c.node
        try c.requireInputs(1)
        try c.requireOutputs(1)
        let encoder: GraphOp.LabelEncoder
        if c.opsetVersion < 2 {
            try c.checkAttributes(["classes_strings", "default_int64", "default_string"])
            let classes = try c.strings("classes_strings")
            guard let spec = try? inferredSpec(of: node.inputs[0]) else {
                throw c.invalid("the type of input '\(node.inputs[0])' is unknown.", value: node.inputs[0])
            }
            switch spec.elementType {
            case .string:
                // onnxruntime's table keeps the last index of a repeated class.
                var last: [String: Int64] = [:]
                for (i, s) in classes.enumerated() { last[s] = Int64(i) }
                encoder = GraphOp.LabelEncoder(
                    keys: .string(classes), values: .int64(classes.map { last[$0] ?? 0 }),
                    defaultValue: .int64([try c.int("default_int64", default: -1)]))
            case .int64:
                encoder = GraphOp.LabelEncoder(
                    keys: .int64(classes.indices.map { Int64($0) }), values: .string(classes),
                    defaultValue: .string([try c.string("default_string", default: "_Unused")]))
            case let other:
                throw c.unsupported(
                    "opset 1 maps string ↔ int64 only; input '\(node.inputs[0])' is \(other).", value: "\(other)")
            }
        } else {
            var known: Set<String> = [
                "keys_strings", "keys_int64s", "keys_floats", "values_strings", "values_int64s", "values_floats",
                "default_string", "default_int64", "default_float",
            ]
            if c.opsetVersion >= 4 { known.formUnion(["keys_tensor", "values_tensor", "default_tensor"]) }
            try c.checkAttributes(known)
            var keys = try labelEncoderColumn(c, prefix: "keys")
            var values = try labelEncoderColumn(c, prefix: "values")
            guard keys.count == values.count else {
                throw c.invalid("\(keys.count) keys but \(values.count) values.", value: "keys")
            }
            if c.opsetVersion < 4 { (keys, values) = Self.droppingNaNKeys(keys, values) }
            encoder = GraphOp.LabelEncoder(
                keys: keys, values: values, defaultValue: try labelEncoderDefault(c, type: values.elementType))
        }
        emit(c, .labelEncoder(encoder), inputs: [node.inputs[0]], outputs: outputNames(c, count: 1))
    }

    /// The one `<prefix>_strings` / `_int64s` / `_floats` / `_tensor` attribute that is set.
    private func labelEncoderColumn(_ c: ONNXNodeContext, prefix: String) throws -> GraphOp.LabelEncoder.Column {
        var found: [GraphOp.LabelEncoder.Column] = []
        var names: [String] = []
        if c.node.attribute("\(prefix)_strings") != nil {
            found.append(.string(try c.strings("\(prefix)_strings")))
            names.append("\(prefix)_strings")
        }
        if c.node.attribute("\(prefix)_int64s") != nil {
            found.append(.int64(try c.ints("\(prefix)_int64s")))
            names.append("\(prefix)_int64s")
        }
        if c.node.attribute("\(prefix)_floats") != nil {
            found.append(.float32(try c.floats("\(prefix)_floats")))
            names.append("\(prefix)_floats")
        }
        if let proto = try c.tensor("\(prefix)_tensor") {
            found.append(try column(proto.makeTensor(), c, name: "\(prefix)_tensor"))
            names.append("\(prefix)_tensor")
        }
        guard found.count == 1 else {
            let message =
                found.isEmpty
                ? "one of '\(prefix)_strings', '\(prefix)_int64s', '\(prefix)_floats' or '\(prefix)_tensor' is required."
                : "attributes \(names.map { "'\($0)'" }.joined(separator: ", ")) are all set; exactly one is allowed."
            throw c.invalid(message, value: names.first ?? "\(prefix)_strings")
        }
        return found[0]
    }

    private func column(_ t: Tensor, _ c: ONNXNodeContext, name: String) throws -> GraphOp.LabelEncoder.Column {
        switch t.storage {
        case .int64(let v): return .int64(v)
        case .float32(let v): return .float32(v)
        case .float64(let v): return .float64(v)
        case .string(let v): return .string(v)
        case .bool:
            throw c.unsupported("attribute '\(name)' holds booleans, which LabelEncoder does not map.", value: name)
        }
    }

    /// The default value: `default_tensor` (opset 4), else the typed attribute, else ONNX's default.
    private func labelEncoderDefault(
        _ c: ONNXNodeContext, type: ElementType
    ) throws -> GraphOp.LabelEncoder.Column {
        if let proto = try c.tensor("default_tensor") {
            let value = try column(proto.makeTensor(), c, name: "default_tensor")
            guard value.count == 1, value.elementType == type else {
                throw c.invalid(
                    "attribute 'default_tensor' must hold one \(type) value, got \(value.count) \(value.elementType).",
                    value: "default_tensor")
            }
            return value
        }
        switch type {
        case .int64: return .int64([try c.int("default_int64", default: -1)])
        case .string: return .string([try c.string("default_string", default: "_Unused")])
        case .float32: return .float32([try c.float("default_float", default: -0.0)])
        // onnxruntime reads a float64 default only from default_tensor.
        default: return .float64([-0.0])
        }
    }

    /// Removes NaN keys (before opset 4 a NaN key never matches) and their values.
    private static func droppingNaNKeys(
        _ keys: GraphOp.LabelEncoder.Column, _ values: GraphOp.LabelEncoder.Column
    ) -> (GraphOp.LabelEncoder.Column, GraphOp.LabelEncoder.Column) {
        guard case .float32(let k) = keys, k.contains(where: \.isNaN) else { return (keys, values) }
        let keep = k.indices.filter { !k[$0].isNaN }
        let kept: GraphOp.LabelEncoder.Column
        switch values {
        case .int64(let v): kept = .int64(keep.map { v[$0] })
        case .float32(let v): kept = .float32(keep.map { v[$0] })
        case .float64(let v): kept = .float64(keep.map { v[$0] })
        case .string(let v): kept = .string(keep.map { v[$0] })
        }
        return (.float32(keep.map { k[$0] }), kept)
    }
}
