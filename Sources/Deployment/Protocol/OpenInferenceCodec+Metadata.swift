import InferenceCore
import MLOpsCore

extension OpenInferenceCodec {
    // MARK: - Model metadata

    /// Encodes model metadata: `name`, `versions` (as strings), `platform`, and `inputs`/`outputs`
    /// as `{name, datatype, shape}` with `-1` for a batch or unknown dimension (and `[-1]` for an
    /// output whose rank is not declared). `ServedModelMetadata.version` has no place in the
    /// protocol's object and is not written.
    public static func encodeModelMetadata(_ metadata: ServedModelMetadata) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"name\":")
        writer.string(metadata.name)
        writer.raw(",\"versions\":[")
        for (index, version) in metadata.versions.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.byte(UInt8(ascii: "\""))
            writer.int(Int64(version))
            writer.byte(UInt8(ascii: "\""))
        }
        writer.raw("],\"platform\":")
        writer.string(metadata.platform)
        writer.raw(",\"inputs\":")
        writeValueInfos(metadata.inputs, to: &writer)
        writer.raw(",\"outputs\":")
        writeValueInfos(metadata.outputs, to: &writer)
        writer.byte(UInt8(ascii: "}"))
        return writer.bytes
    }

    private static func writeValueInfos(_ infos: [ValueInfo], to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "["))
        for (index, info) in infos.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"name\":")
            writer.string(info.name)
            writer.raw(",\"datatype\":\"")
            writer.raw(datatypeName(info.elementType))
            writer.raw("\",\"shape\":")
            let shape =
                info.shape?.map { dimension -> Int in
                    if case .fixed(let size) = dimension { return size }
                    return -1
                } ?? [-1]
            writeShape(shape, to: &writer)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.byte(UInt8(ascii: "]"))
    }

    /// Decodes model metadata (for a client). `-1` reads as `Dimension.batch` in the first
    /// dimension and `Dimension.unknown` elsewhere; ``ServedModelMetadata/version`` is the last
    /// of `versions` (0 without any).
    ///
    /// - Throws: `MLOpsError` `parseError` for malformed JSON, `invalidArgument` for a wrong field.
    public static func decodeModelMetadata(_ body: [UInt8], limits: Limits = Limits()) throws -> ServedModelMetadata {
        try scan(body, limits: limits, what: "Open Inference Protocol model metadata") { scanner in
            var name: String?
            var versions: [Int] = []
            var platform = ""
            var inputs: [ValueInfo] = []
            var outputs: [ValueInfo] = []
            try scanner.beginObject()
            var first = true
            while let key = try scanner.nextKey(first: &first) {
                switch key {
                case "name": name = try readString(&scanner, "name")
                case "platform": platform = try readString(&scanner, "platform")
                case "versions":
                    try scanner.beginArray()
                    var firstVersion = true
                    while try scanner.nextElement(first: &firstVersion) {
                        let text = try readString(&scanner, "versions[\(versions.count)]")
                        guard let version = Int(text), version >= 0 else {
                            throw invalid("versions[\(versions.count)]", "must be a version number", value: text)
                        }
                        versions.append(version)
                    }
                case "inputs": inputs = try readValueInfos(&scanner, "inputs", limits: limits)
                case "outputs": outputs = try readValueInfos(&scanner, "outputs", limits: limits)
                default: try scanner.skipValue()
                }
            }
            guard let name else { throw invalid("the model metadata", "has no \"name\"") }
            return ServedModelMetadata(
                name: name, versions: versions, version: versions.last ?? 0, platform: platform, inputs: inputs,
                outputs: outputs)
        }
    }

    private static func readValueInfos(_ scanner: inout JSONScanner, _ field: String, limits: Limits) throws
        -> [ValueInfo]
    {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            throw invalid(field, "must be an array, found \(scanner.kindAhead())")
        }
        try scanner.beginArray()
        var infos: [ValueInfo] = []
        var first = true
        while try scanner.nextElement(first: &first) {
            let place = "\(field)[\(infos.count)]"
            guard infos.count < limits.maxTensors else { throw invalid(field, "has more than \(limits.maxTensors)") }
            try scanner.beginObject()
            var name: String?
            var datatype: OpenInferenceDatatype?
            var shape: [Int]?
            var firstKey = true
            while let key = try scanner.nextKey(first: &firstKey) {
                switch key {
                case "name": name = try readString(&scanner, "\(place).name")
                case "datatype":
                    let text = try readString(&scanner, "\(place).datatype")
                    guard let known = OpenInferenceDatatype(rawValue: text) else {
                        throw invalid("\(place).datatype", "unknown datatype", value: text)
                    }
                    datatype = known
                case "shape":
                    shape = try readShape(&scanner, "\(place).shape", limits: limits, allowVariable: true).shape
                default: try scanner.skipValue()
                }
            }
            guard let name, let datatype, let shape else {
                throw invalid(place, "needs \"name\", \"datatype\" and \"shape\"")
            }
            let dimensions = shape.enumerated().map { index, size -> Dimension in
                size >= 0 ? .fixed(size) : index == 0 ? .batch : .unknown
            }
            infos.append(ValueInfo(name: name, elementType: datatype.elementType, shape: dimensions))
        }
        return infos
    }

    // MARK: - Server metadata

    /// Encodes server metadata: `{"name": …, "version": …, "extensions": […]}`.
    public static func encodeServerMetadata(_ metadata: OpenInferenceServerMetadata) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"name\":")
        writer.string(metadata.name)
        writer.raw(",\"version\":")
        writer.string(metadata.version)
        writer.raw(",\"extensions\":[")
        for (index, name) in metadata.extensions.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.string(name)
        }
        writer.raw("]}")
        return writer.bytes
    }

    /// Decodes server metadata (for a client).
    ///
    /// - Throws: `MLOpsError` `parseError` for malformed JSON, `invalidArgument` for a wrong field.
    public static func decodeServerMetadata(_ body: [UInt8], limits: Limits = Limits()) throws
        -> OpenInferenceServerMetadata
    {
        try scan(body, limits: limits, what: "Open Inference Protocol server metadata") { scanner in
            var metadata = OpenInferenceServerMetadata(name: "", version: "")
            var sawName = false
            try scanner.beginObject()
            var first = true
            while let key = try scanner.nextKey(first: &first) {
                switch key {
                case "name":
                    metadata.name = try readString(&scanner, "name")
                    sawName = true
                case "version": metadata.version = try readString(&scanner, "version")
                case "extensions":
                    try scanner.beginArray()
                    var firstName = true
                    while try scanner.nextElement(first: &firstName) {
                        metadata.extensions.append(try readString(&scanner, "extensions[\(metadata.extensions.count)]"))
                    }
                default: try scanner.skipValue()
                }
            }
            guard sawName else { throw invalid("the server metadata", "has no \"name\"") }
            return metadata
        }
    }

    // MARK: - Errors

    /// Encodes an error body: `{"error": message}`.
    public static func encodeError(_ message: String) -> [UInt8] {
        var writer = JSONWriter(capacity: message.utf8.count + 16)
        writer.raw("{\"error\":")
        writer.string(message)
        writer.byte(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// Decodes an error body's message.
    ///
    /// - Throws: `MLOpsError` `parseError` for malformed JSON, `invalidArgument` without a string
    ///   `error`.
    public static func decodeError(_ body: [UInt8]) throws -> String {
        try scan(body, limits: Limits(), what: "an Open Inference Protocol error object") { scanner in
            var message: String?
            try scanner.beginObject()
            var first = true
            while let key = try scanner.nextKey(first: &first) {
                if key == "error" {
                    message = try readString(&scanner, "error")
                } else {
                    try scanner.skipValue()
                }
            }
            guard let message else { throw invalid("the error object", "has no \"error\"") }
            return message
        }
    }
}
