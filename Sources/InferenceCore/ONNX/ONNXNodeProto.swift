/// A decoded ONNX `NodeProto`: one operator call in a graph.
///
/// An empty string in ``inputs`` marks an omitted optional input. ``domain`` is `""` (or
/// `ai.onnx`) for the standard operators and `ai.onnx.ml` for the classical-ML ones.
struct ONNXNodeProto: Sendable, Hashable {
    /// The tensors read, in the operator's order.
    var inputs: [String] = []
    /// The tensors written, in the operator's order.
    var outputs: [String] = []
    /// The node's name (may be empty).
    var name: String = ""
    /// The operator, e.g. `Gemm`.
    var opType: String = ""
    /// The operator set domain.
    var domain: String = ""
    /// The overload of a function operator (IR 10+); empty for ordinary operators.
    var overload: String = ""
    /// The attributes, in file order.
    var attributes: [ONNXAttributeProto] = []

    /// Creates an empty node; set the fields you need.
    init() {}

    /// The first attribute called `name`, if any.
    func attribute(_ name: String) -> ONNXAttributeProto? {
        attributes.first { $0.name == name }
    }

    /// `domain::op_type` with the default domain written `ai.onnx`, e.g. `ai.onnx.ml::Scaler`.
    var qualifiedOpType: String {
        "\(domain.isEmpty ? "ai.onnx" : domain)::\(opType)"
    }

    /// Decodes a `NodeProto` message.
    init(from reader: inout ProtobufReader) throws {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1: inputs.append(try reader.readString(tag, "NodeProto.input"))
            case 2: outputs.append(try reader.readString(tag, "NodeProto.output"))
            case 3: name = try reader.readString(tag, "NodeProto.name")
            case 4: opType = try reader.readString(tag, "NodeProto.op_type")
            case 5:
                var message = try reader.readMessage(tag, "NodeProto.attribute")
                attributes.append(try ONNXAttributeProto(from: &message))
            case 7: domain = try reader.readString(tag, "NodeProto.domain")
            case 8: overload = try reader.readString(tag, "NodeProto.overload")
            default: try reader.skip(tag.wireType)
            }
        }
    }
}
