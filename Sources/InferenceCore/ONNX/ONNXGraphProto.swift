/// A decoded ONNX `GraphProto`: nodes, constant tensors and the declared inputs and outputs.
///
/// ``inputs`` may also list initialisers (as default values); the real inputs are the ones whose
/// names are not initialisers (see ``runtimeInputs``). Sparse initialisers are counted, not decoded.
struct ONNXGraphProto: Sendable, Hashable {
    /// The nodes, in file order (ONNX requires topological order, the importer does not).
    var nodes: [ONNXNodeProto] = []
    /// The graph's name.
    var name: String = ""
    /// Constant tensors, referenced by name.
    var initializers: [ONNXTensorProto] = []
    /// The declared inputs (possibly including initialisers).
    var inputs: [ONNXValueInfoProto] = []
    /// The declared outputs, in order.
    var outputs: [ONNXValueInfoProto] = []
    /// Types of intermediate values, when the producer recorded them.
    var valueInfo: [ONNXValueInfoProto] = []
    /// How many `sparse_initializer` entries were present (not supported).
    var sparseInitializerCount = 0
    /// The graph's metadata properties.
    var metadataProps: [ONNXStringEntry] = []

    /// Creates an empty graph; set the fields you need.
    init() {}

    /// The inputs a caller must feed: declared inputs that are not initialisers.
    var runtimeInputs: [ONNXValueInfoProto] {
        let constants = Set(initializers.map(\.name))
        return inputs.filter { !constants.contains($0.name) }
    }

    /// Decodes a `GraphProto` message.
    init(from reader: inout ProtobufReader) throws {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1:
                var message = try reader.readMessage(tag, "GraphProto.node")
                nodes.append(try ONNXNodeProto(from: &message))
            case 2: name = try reader.readString(tag, "GraphProto.name")
            case 5:
                var message = try reader.readMessage(tag, "GraphProto.initializer")
                initializers.append(try ONNXTensorProto(from: &message))
            case 11, 12, 13:
                var message = try reader.readMessage(tag, "GraphProto.input/output/value_info")
                let value = try ONNXValueInfoProto(from: &message)
                switch tag.field {
                case 11: inputs.append(value)
                case 12: outputs.append(value)
                default: valueInfo.append(value)
                }
            case 15:
                _ = try reader.readMessage(tag, "GraphProto.sparse_initializer")
                sparseInitializerCount += 1
            case 16:
                var message = try reader.readMessage(tag, "GraphProto.metadata_props")
                metadataProps.append(try ONNXStringEntry(from: &message))
            default: try reader.skip(tag.wireType)
            }
        }
    }
}
