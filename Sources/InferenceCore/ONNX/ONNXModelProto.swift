import MLOpsCore

/// A decoded ONNX `ModelProto`: the top-level message of a `.onnx` file.
///
/// Decoding reads the protobuf wire format by hand (no dependencies) and keeps the fields the
/// importer needs; unknown fields are skipped. It never executes anything and never traps on bad
/// input: truncated, corrupt or hostile bytes throw `MLOpsError` (`parseError`, or
/// `limitExceeded` when a size or nesting bound is hit).
///
/// ```swift
/// let model = try ONNXModelProto(serializedBytes: bytes)
/// print(model.opsetImports, model.graph?.nodes.map(\.opType) ?? [])
/// ```
struct ONNXModelProto: Sendable, Hashable {
    /// One `opset_import` entry: an operator-set domain and its version.
    struct OperatorSetID: Sendable, Hashable, CustomStringConvertible {
        /// The domain: `""` (or `ai.onnx`) for the standard operators, `ai.onnx.ml`, ...
        var domain: String
        /// The operator-set version.
        var version: Int64

        /// Creates an entry.
        init(domain: String, version: Int64) {
            self.domain = domain
            self.version = version
        }

        /// `domain v<version>`, with the default domain written `ai.onnx`.
        var description: String { "\(domain.isEmpty ? "ai.onnx" : domain) v\(version)" }
    }

    /// The IR version of the file format.
    var irVersion: Int64 = 0
    /// The operator sets the graph uses; duplicates are kept as written.
    var opsetImports: [OperatorSetID] = []
    /// The tool that wrote the file, e.g. `skl2onnx`.
    var producerName: String = ""
    /// The version of that tool.
    var producerVersion: String = ""
    /// The model's domain (reverse-DNS, free-form).
    var domain: String = ""
    /// The model's own version number.
    var modelVersion: Int64 = 0
    /// Free-form documentation.
    var docString: String = ""
    /// The main graph, or `nil` if the file has none.
    var graph: ONNXGraphProto?
    /// Free-form key/value metadata.
    var metadataProps: [ONNXStringEntry] = []
    /// How many model-local functions were present (not decoded).
    var functionCount = 0

    /// Creates an empty model; set the fields you need.
    init() {}

    /// Decodes a serialised `ModelProto`.
    ///
    /// - Throws: `MLOpsError` (`parseError`) for malformed bytes, (`limitExceeded`) for inputs
    ///   over 2 GiB or nested deeper than 64 messages.
    init(serializedBytes bytes: [UInt8]) throws {
        try self.init(serializedBytes: bytes, limits: ProtobufReader.Limits())
    }

    /// Decodes a serialised `ModelProto` with explicit reader limits.
    init(serializedBytes bytes: [UInt8], limits: ProtobufReader.Limits) throws {
        self = try bytes.withUnsafeBytes { buffer in
            var reader = try ProtobufReader(buffer, limits: limits)
            return try ONNXModelProto(from: &reader)
        }
    }

    /// Decodes a `ModelProto` message.
    init(from reader: inout ProtobufReader) throws {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1: irVersion = try reader.readInt64(tag, "ModelProto.ir_version")
            case 2: producerName = try reader.readString(tag, "ModelProto.producer_name")
            case 3: producerVersion = try reader.readString(tag, "ModelProto.producer_version")
            case 4: domain = try reader.readString(tag, "ModelProto.domain")
            case 5: modelVersion = try reader.readInt64(tag, "ModelProto.model_version")
            case 6: docString = try reader.readString(tag, "ModelProto.doc_string")
            case 7:
                var message = try reader.readMessage(tag, "ModelProto.graph")
                graph = try ONNXGraphProto(from: &message)
            case 8:
                var message = try reader.readMessage(tag, "ModelProto.opset_import")
                var entry = OperatorSetID(domain: "", version: 0)
                while !message.isAtEnd {
                    let inner = try message.readTag()
                    switch inner.field {
                    case 1: entry.domain = try message.readString(inner, "OperatorSetIdProto.domain")
                    case 2: entry.version = try message.readInt64(inner, "OperatorSetIdProto.version")
                    default: try message.skip(inner.wireType)
                    }
                }
                opsetImports.append(entry)
            case 14:
                var message = try reader.readMessage(tag, "ModelProto.metadata_props")
                metadataProps.append(try ONNXStringEntry(from: &message))
            case 25:
                try reader.expect(tag, .lengthDelimited, "ModelProto.functions")
                try reader.skip(tag.wireType)
                functionCount += 1
            default: try reader.skip(tag.wireType)
            }
        }
    }

    /// The versions imported for `domain` (`""` and `ai.onnx` are the same domain), deduplicated and sorted.
    ///
    /// Usually one version; skl2onnx lists the default domain twice with the same version.
    func opsetVersions(for domain: String) -> [Int64] {
        let wanted = ONNXModelProto.canonicalDomain(domain)
        let versions = opsetImports.filter { ONNXModelProto.canonicalDomain($0.domain) == wanted }.map(\.version)
        return Array(Set(versions)).sorted()
    }

    /// `""` for the default domain (`""` or `ai.onnx`), otherwise the domain unchanged.
    static func canonicalDomain(_ domain: String) -> String {
        domain == "ai.onnx" ? "" : domain
    }
}
