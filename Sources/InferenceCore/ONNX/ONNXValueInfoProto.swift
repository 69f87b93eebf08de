/// A decoded ONNX `ValueInfoProto`: the name and type of a graph input, output or intermediate value.
struct ONNXValueInfoProto: Sendable, Hashable, CustomStringConvertible {
    /// The tensor name.
    var name: String = ""
    /// The declared type, or `nil` when the field is absent.
    var type: ONNXTypeProto?

    /// Creates a value description.
    init(name: String = "", type: ONNXTypeProto? = nil) {
        self.name = name
        self.type = type
    }

    /// `name: type`.
    var description: String { "\(name): \(type?.description ?? "?")" }

    /// Decodes a `ValueInfoProto` message.
    init(from reader: inout ProtobufReader) throws {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1: name = try reader.readString(tag, "ValueInfoProto.name")
            case 2:
                var message = try reader.readMessage(tag, "ValueInfoProto.type")
                type = try ONNXTypeProto(from: &message)
            default: try reader.skip(tag.wireType)
            }
        }
    }
}
