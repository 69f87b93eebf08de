import InferenceCore
import MLOpsCore

extension OpenInferenceCodec {
    /// Encodes an inference response: `model_name`, `model_version` (as a string), `id` when the
    /// request had one, `parameters.row_errors` when rows failed, and `outputs` (datatype from each
    /// tensor's element type, NaN written as `null`).
    public static func encodeInferenceResponse(_ response: InferenceResponse) -> [UInt8] {
        var writer = JSONWriter(capacity: 128 + response.outputs.reduce(0) { $0 + $1.tensor.count * 12 })
        writer.raw("{\"model_name\":")
        writer.string(response.model)
        writer.raw(",\"model_version\":\"")
        writer.int(Int64(response.version))
        writer.byte(UInt8(ascii: "\""))
        if let id = response.id {
            writer.raw(",\"id\":")
            writer.string(id)
        }
        if !response.rowErrors.isEmpty {
            writer.raw(",\"parameters\":{\"row_errors\":[")
            for (index, rowError) in response.rowErrors.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.raw("{\"row\":")
                writer.int(Int64(rowError.row))
                writer.raw(",\"field\":")
                writer.string(rowError.field)
                writer.raw(",\"message\":")
                writer.string(rowError.message)
                writer.byte(UInt8(ascii: "}"))
            }
            writer.raw("]}")
        }
        writer.raw(",\"outputs\":[")
        for (index, output) in response.outputs.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writeTensor(output, to: &writer)
        }
        writer.raw("]}")
        return writer.bytes
    }

    /// Decodes an inference response (for a client).
    ///
    /// `model_name` is required by the protocol's schema but missing from its own example: without
    /// it the model is `""`. `model_version` is optional; without it the version is 0. Outputs keep
    /// their datatype's element type; `null` in floating-point data is NaN.
    ///
    /// - Throws: `MLOpsError` `parseError` for malformed JSON, `invalidArgument` for a wrong field.
    public static func decodeInferenceResponse(_ body: [UInt8], limits: Limits = Limits()) throws
        -> InferenceResponse
    {
        try scan(body, limits: limits, what: "an Open Inference Protocol inference response") { scanner in
            var model: String?
            var version = 0
            var id: String?
            var outputs: [NamedTensor] = []
            var rowErrors: [RowError] = []
            var seen = Set<String>()
            try scanner.beginObject()
            var first = true
            while let key = try scanner.nextKey(first: &first) {
                guard seen.insert(key).inserted else {
                    throw invalid("the response", "has two \"\(key)\" keys", value: key)
                }
                switch key {
                case "model_name":
                    model = try readString(&scanner, "model_name")
                case "model_version":
                    if try scanner.consumeNull() { continue }
                    let text = try readString(&scanner, "model_version")
                    guard let number = Int(text), number >= 0 else {
                        throw invalid("model_version", "must be a version number", value: text)
                    }
                    version = number
                case "id":
                    if try scanner.consumeNull() { continue }
                    id = try readString(&scanner, "id")
                case "parameters":
                    if try scanner.consumeNull() { continue }
                    guard try scanner.peek() == UInt8(ascii: "{") else {
                        throw invalid("parameters", "must be an object, found \(scanner.kindAhead())")
                    }
                    try scanner.beginObject()
                    var firstKey = true
                    while let key = try scanner.nextKey(first: &firstKey) {
                        if key == "row_errors" {
                            rowErrors = try readRowErrors(&scanner)
                        } else {
                            try scanner.skipValue()
                        }
                    }
                case "outputs":
                    guard try scanner.peek() == UInt8(ascii: "[") else {
                        throw invalid("outputs", "must be an array of tensors, found \(scanner.kindAhead())")
                    }
                    try scanner.beginArray()
                    var firstOutput = true
                    while try scanner.nextElement(first: &firstOutput) {
                        guard outputs.count < limits.maxTensors else {
                            throw invalid("outputs", "has more than \(limits.maxTensors) tensors")
                        }
                        outputs.append(
                            try readTensor(
                                &scanner, field: "outputs[\(outputs.count)]", limits: limits, wanted: { _ in nil },
                                parameter: { _, _, _ in false }))
                    }
                default:
                    try scanner.skipValue()
                }
            }
            return InferenceResponse(
                model: model ?? "", version: version, id: id, outputs: outputs, rowErrors: rowErrors)
        }
    }

    private static func readRowErrors(_ scanner: inout JSONScanner) throws -> [RowError] {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            throw invalid("parameters.row_errors", "must be an array, found \(scanner.kindAhead())")
        }
        try scanner.beginArray()
        var errors: [RowError] = []
        var first = true
        while try scanner.nextElement(first: &first) {
            let field = "parameters.row_errors[\(errors.count)]"
            guard try scanner.peek() == UInt8(ascii: "{") else {
                throw invalid(field, "must be an object, found \(scanner.kindAhead())")
            }
            try scanner.beginObject()
            var row: Int?
            var name: String?
            var message: String?
            var firstKey = true
            while let key = try scanner.nextKey(first: &firstKey) {
                switch key {
                case "row": row = try readCount(&scanner, "\(field).row")
                case "field": name = try readString(&scanner, "\(field).field")
                case "message": message = try readString(&scanner, "\(field).message")
                default: try scanner.skipValue()
                }
            }
            guard let row, let name, let message else {
                throw invalid(field, "needs \"row\", \"field\" and \"message\"")
            }
            errors.append(RowError(row: row, field: name, message: message))
        }
        return errors
    }
}
