/// A decoded ONNX `TypeProto`: the type of a graph input, output or intermediate value.
///
/// Only tensors run on the runtime; sequences and maps are decoded so that the importer can
/// name them in its errors (a `ZipMap` output is a sequence of maps).
enum ONNXTypeProto: Sendable, Hashable, CustomStringConvertible {
    /// One dimension of a tensor shape.
    enum ShapeDimension: Sendable, Hashable, CustomStringConvertible {
        /// A fixed size (`dim_value`).
        case value(Int64)
        /// A named symbolic size (`dim_param`), e.g. `N`.
        case param(String)
        /// Neither is set (skl2onnx writes the batch dimension this way).
        case unspecified

        /// The size, the parameter name, or `?`.
        var description: String {
            switch self {
            case .value(let n): String(n)
            case .param(let p): p
            case .unspecified: "?"
            }
        }
    }

    /// A dense tensor; `shape == nil` when the rank is not declared.
    case tensor(elementType: ONNXDataType, shape: [ShapeDimension]?)
    /// A sparse tensor.
    case sparseTensor(elementType: ONNXDataType, shape: [ShapeDimension]?)
    /// A sequence of values of the element type (`nil` when not declared).
    indirect case sequence(ONNXTypeProto?)
    /// A map from a scalar key type to values.
    indirect case map(keyType: ONNXDataType, valueType: ONNXTypeProto?)
    /// An optional value.
    indirect case optional(ONNXTypeProto?)
    /// No type set, or a kind this version does not know.
    case undefined

    /// E.g. `tensor(FLOAT)[?, 6]`, `seq(map(INT64, tensor(FLOAT)))`.
    var description: String {
        func render(_ shape: [ShapeDimension]?) -> String {
            shape.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? ""
        }
        switch self {
        case .tensor(let type, let shape): return "tensor(\(type.name))\(render(shape))"
        case .sparseTensor(let type, let shape): return "sparse_tensor(\(type.name))\(render(shape))"
        case .sequence(let element): return "seq(\(element?.description ?? "?"))"
        case .map(let key, let value): return "map(\(key.name), \(value?.description ?? "?"))"
        case .optional(let element): return "optional(\(element?.description ?? "?"))"
        case .undefined: return "undefined"
        }
    }

    /// Decodes a `TypeProto` message (nesting is bounded by the reader's depth limit).
    init(from reader: inout ProtobufReader) throws {
        self = .undefined
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1, 8:
                let name = tag.field == 1 ? "TypeProto.tensor_type" : "TypeProto.sparse_tensor_type"
                var message = try reader.readMessage(tag, name)
                let (type, shape) = try ONNXTypeProto.decodeTensorType(&message)
                self =
                    tag.field == 1
                    ? .tensor(elementType: type, shape: shape) : .sparseTensor(elementType: type, shape: shape)
            case 4, 9:
                let name = tag.field == 4 ? "TypeProto.sequence_type" : "TypeProto.optional_type"
                var message = try reader.readMessage(tag, name)
                var element: ONNXTypeProto?
                while !message.isAtEnd {
                    let inner = try message.readTag()
                    if inner.field == 1 {
                        var elementReader = try message.readMessage(inner, "\(name).elem_type")
                        element = try ONNXTypeProto(from: &elementReader)
                    } else {
                        try message.skip(inner.wireType)
                    }
                }
                self = tag.field == 4 ? .sequence(element) : .optional(element)
            case 5:
                var message = try reader.readMessage(tag, "TypeProto.map_type")
                var key = ONNXDataType.undefined
                var value: ONNXTypeProto?
                while !message.isAtEnd {
                    let inner = try message.readTag()
                    switch inner.field {
                    case 1: key = ONNXDataType(rawValue: try message.readInt32(inner, "TypeProto.Map.key_type"))
                    case 2:
                        var valueReader = try message.readMessage(inner, "TypeProto.Map.value_type")
                        value = try ONNXTypeProto(from: &valueReader)
                    default: try message.skip(inner.wireType)
                    }
                }
                self = .map(keyType: key, valueType: value)
            default: try reader.skip(tag.wireType)
            }
        }
    }

    private static func decodeTensorType(
        _ reader: inout ProtobufReader
    ) throws -> (ONNXDataType, [ShapeDimension]?) {
        var type = ONNXDataType.undefined
        var shape: [ShapeDimension]?
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1: type = ONNXDataType(rawValue: try reader.readInt32(tag, "TypeProto.Tensor.elem_type"))
            case 2:
                var shapeReader = try reader.readMessage(tag, "TypeProto.Tensor.shape")
                var dims: [ShapeDimension] = []
                while !shapeReader.isAtEnd {
                    let dimTag = try shapeReader.readTag()
                    guard dimTag.field == 1 else {
                        try shapeReader.skip(dimTag.wireType)
                        continue
                    }
                    var dimReader = try shapeReader.readMessage(dimTag, "TensorShapeProto.dim")
                    var dim = ShapeDimension.unspecified
                    while !dimReader.isAtEnd {
                        let inner = try dimReader.readTag()
                        switch inner.field {
                        case 1: dim = .value(try dimReader.readInt64(inner, "TensorShapeProto.Dimension.dim_value"))
                        case 2: dim = .param(try dimReader.readString(inner, "TensorShapeProto.Dimension.dim_param"))
                        default: try dimReader.skip(inner.wireType)
                        }
                    }
                    dims.append(dim)
                }
                shape = dims
            default: try reader.skip(tag.wireType)
            }
        }
        return (type, shape)
    }
}
