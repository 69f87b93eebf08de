/// A key/value pair of strings (ONNX `StringStringEntryProto`): metadata properties and external-data keys.
struct ONNXStringEntry: Sendable, Hashable {
    /// The key.
    var key: String
    /// The value.
    var value: String

    /// Creates an entry.
    init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Decodes a `StringStringEntryProto` message.
    init(from reader: inout ProtobufReader) throws {
        key = ""
        value = ""
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1: key = try reader.readString(tag, "StringStringEntryProto.key")
            case 2: value = try reader.readString(tag, "StringStringEntryProto.value")
            default: try reader.skip(tag.wireType)
            }
        }
    }
}
