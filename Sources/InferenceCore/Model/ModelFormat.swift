/// The file formats a ``Model`` is read from.
///
/// ``Model/init(contentsOf:format:options:)`` recognises them by content, not by file name:
/// a model package starts with `MLOPSPKG`, an XGBoost JSON model with `{`, a LightGBM text
/// model with the line `tree`, and an ONNX file with a protobuf `ModelProto` field (in
/// practice `ir_version`, the byte `0x08`).
public enum ModelFormat: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A swift-mlops model package (``ModelPackage``).
    case package
    /// An XGBoost model saved as JSON (`Booster.save_model("model.json")`).
    case xgboost
    /// A LightGBM text model (`Booster.save_model("model.txt")`).
    case lightgbm
    /// An ONNX model (protobuf `ModelProto`).
    case onnx

    /// The stable name, e.g. `xgboost`.
    public var description: String { rawValue }

    /// The name used in messages, e.g. `XGBoost JSON`.
    public var displayName: String {
        switch self {
        case .package: return "model package"
        case .xgboost: return "XGBoost JSON"
        case .lightgbm: return "LightGBM text"
        case .onnx: return "ONNX"
        }
    }

    /// The format of a model file's bytes, judged by content, or `nil` when the bytes start like
    /// none of the formats.
    ///
    /// Only the first bytes are looked at, except for an ONNX file that does not start with its
    /// `ir_version` field: then the bytes are decoded to make sure. A `nil` result means the bytes
    /// are not a model this package reads; a non-`nil` one does not promise that they are valid.
    public static func detect(_ bytes: [UInt8]) -> ModelFormat? {
        if bytes.starts(with: ModelPackage.magic) { return .package }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        let text = bytes[start...]
        if text.first == UInt8(ascii: "{") { return .xgboost }
        if text.starts(with: Array("tree\n".utf8)) || text.starts(with: Array("tree\r\n".utf8)) { return .lightgbm }
        return looksLikeONNX(bytes) ? .onnx : nil
    }

    /// The format the first bytes of a file announce, judged without decoding anything: a
    /// package's magic, an XGBoost `{`, LightGBM's `tree` line, and otherwise ONNX (a file that
    /// is no model at all is refused later, by detection).
    static func announced(by head: [UInt8]) -> ModelFormat {
        if head.starts(with: ModelPackage.magic) { return .package }
        var start = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[start]) { start += 1 }
        let text = head[start...]
        if text.first == UInt8(ascii: "{") { return .xgboost }
        if text.starts(with: Array("tree".utf8)) { return .lightgbm }
        return .onnx
    }

    /// Whether `bytes` start like a serialised ONNX `ModelProto`.
    static func looksLikeONNX(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return false }
        // Writers emit fields in number order, so a model starts with ir_version (field 1, a
        // varint: tag 0x08) followed by a small version number.
        if first == 0x08, bytes.count >= 2, (1...64).contains(bytes[1]) { return true }
        // Without ir_version the first field is another ModelProto field; decode to make sure,
        // since such a first byte is also a printable character.
        let modelProtoTags: Set<UInt8> = [0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72]
        guard modelProtoTags.contains(first) else { return false }
        guard let model = try? ONNXModelProto(serializedBytes: bytes) else { return false }
        return model.graph != nil
    }
}
