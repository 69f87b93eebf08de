import MLOpsCore

/// One ONNX node being converted: typed attribute access and errors that name the node.
///
/// Every attribute getter checks the attribute's declared type; ``checkAttributes(_:)`` rejects
/// attributes the converter does not know, so no attribute is silently ignored.
struct ONNXNodeContext {
    /// The node.
    let node: ONNXNodeProto
    /// A display name: the node's name, or `#index` when it has none.
    let displayName: String
    /// The opset version in force for the node's domain.
    let opsetVersion: Int64

    init(node: ONNXNodeProto, index: Int, opsetVersion: Int64) {
        self.node = node
        self.displayName = node.name.isEmpty ? "#\(index) (unnamed)" : node.name
        self.opsetVersion = opsetVersion
    }

    /// `node 'name' (domain::Op)`.
    var label: String { "ONNX node '\(displayName)' (\(node.qualifiedOpType), opset \(opsetVersion))" }

    // MARK: - Errors

    /// An `unsupported` error: the node uses something this importer does not implement.
    func unsupported(_ message: String, value: String? = nil, fileID: String = #fileID, line: Int = #line) -> MLOpsError
    {
        MLOpsError(.unsupported, "\(label): \(message)", value: value ?? node.opType, fileID: fileID, line: line)
    }

    /// A `parseError`: the node is malformed (wrong arity, inconsistent attributes...).
    func invalid(_ message: String, value: String? = nil, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        MLOpsError(.parseError, "\(label): \(message)", value: value ?? node.opType, fileID: fileID, line: line)
    }

    // MARK: - Arity

    /// Throws unless the node has between `min` and `max` inputs (trailing empty names count as absent).
    func requireInputs(_ min: Int, _ max: Int? = nil) throws {
        var count = node.inputs.count
        while count > 0 && node.inputs[count - 1].isEmpty { count -= 1 }
        let upper = max ?? min
        guard count >= min, count <= upper else {
            let expected = min == upper ? "\(min)" : "\(min)...\(upper)"
            throw invalid("expects \(expected) input(s) but has \(count).", value: node.inputs.joined(separator: ","))
        }
        for i in 0..<min where node.inputs[i].isEmpty {
            throw invalid("required input #\(i) is empty.")
        }
    }

    /// Throws unless the node has between `min` and `max` outputs.
    func requireOutputs(_ min: Int, _ max: Int? = nil) throws {
        let upper = max ?? min
        guard node.outputs.count >= min, node.outputs.count <= upper else {
            let expected = min == upper ? "\(min)" : "\(min)...\(upper)"
            throw invalid(
                "expects \(expected) output(s) but has \(node.outputs.count).",
                value: node.outputs.joined(separator: ","))
        }
    }

    /// Input `i`, or `nil` if absent or empty.
    func input(_ i: Int) -> String? {
        i < node.inputs.count && !node.inputs[i].isEmpty ? node.inputs[i] : nil
    }

    // MARK: - Attributes

    /// Throws `unsupported` for any attribute whose name is not in `known`, or that is a
    /// reference to a function attribute.
    func checkAttributes(_ known: Set<String>) throws {
        for attribute in node.attributes {
            guard known.contains(attribute.name) else {
                throw unsupported(
                    "attribute '\(attribute.name)' is not supported by this importer.", value: attribute.name)
            }
            guard attribute.refAttrName.isEmpty else {
                throw unsupported(
                    "attribute '\(attribute.name)' refers to a function attribute, which is not supported.",
                    value: attribute.name)
            }
        }
    }

    /// The attribute called `name`, checked to have type `type`, or `nil` if absent.
    func attribute(_ name: String, _ type: ONNXAttributeProto.AttributeType) throws -> ONNXAttributeProto? {
        guard let attribute = node.attribute(name) else { return nil }
        let actual = attribute.effectiveType
        guard actual == type else {
            throw invalid("attribute '\(name)' has type \(actual); expected \(type).", value: name)
        }
        return attribute
    }

    /// An `INT` attribute, or `defaultValue` when absent.
    func int(_ name: String, default defaultValue: Int64) throws -> Int64 {
        try attribute(name, .int)?.i ?? defaultValue
    }

    /// A required `INT` attribute.
    func requiredInt(_ name: String) throws -> Int64 {
        guard let value = try attribute(name, .int)?.i else {
            throw invalid("required attribute '\(name)' is missing.", value: name)
        }
        return value
    }

    /// An `INT` attribute converted to `Int`, checked to lie in `range`.
    func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        let value = try int(name, default: Int64(defaultValue))
        guard value >= Int64(range.lowerBound), value <= Int64(range.upperBound) else {
            throw invalid(
                "attribute '\(name)' is \(value); expected \(range.lowerBound)...\(range.upperBound).",
                value: name)
        }
        return Int(value)
    }

    /// A `0`/`1` `INT` attribute as `Bool`.
    func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
        try int(name, default: defaultValue ? 1 : 0, in: 0...1) == 1
    }

    /// A `FLOAT` attribute, or `defaultValue` when absent.
    func float(_ name: String, default defaultValue: Float) throws -> Float {
        try attribute(name, .float)?.f ?? defaultValue
    }

    /// A `STRING` attribute decoded as UTF-8, or `defaultValue` when absent.
    func string(_ name: String, default defaultValue: String) throws -> String {
        guard let bytes = try attribute(name, .string)?.s else { return defaultValue }
        return try utf8(bytes, attribute: name)
    }

    /// A `FLOATS` attribute (empty when absent).
    func floats(_ name: String) throws -> [Float] {
        try attribute(name, .floats)?.floats ?? []
    }

    /// An `INTS` attribute (empty when absent).
    func ints(_ name: String) throws -> [Int64] {
        try attribute(name, .ints)?.ints ?? []
    }

    /// A `STRINGS` attribute decoded as UTF-8 (empty when absent).
    func strings(_ name: String) throws -> [String] {
        try (attribute(name, .strings)?.strings ?? []).map { try utf8($0, attribute: name) }
    }

    /// A `TENSOR` attribute, or `nil` when absent.
    func tensor(_ name: String) throws -> ONNXTensorProto? {
        try attribute(name, .tensor)?.t
    }

    /// An `INT` attribute giving an axis; checked to fit in `Int`.
    func axis(_ name: String, default defaultValue: Int) throws -> Int {
        try int(name, default: defaultValue, in: -65_536...65_536)
    }

    private func utf8(_ bytes: [UInt8], attribute: String) throws -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw invalid("attribute '\(attribute)' holds a string that is not valid UTF-8.", value: attribute)
        }
        return string
    }
}
