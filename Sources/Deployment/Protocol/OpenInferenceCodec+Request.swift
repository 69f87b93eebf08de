public import InferenceCore
import MLOpsCore

extension OpenInferenceCodec {
    /// Decodes an inference request body (`{id, parameters, inputs, outputs}`) for the model the
    /// URL names.
    ///
    /// - Parameters:
    ///   - body: The JSON bytes.
    ///   - model: The model name from the URL.
    ///   - version: The version from the URL, if it has one.
    ///   - inputTypes: The element types the model wants, by input name (a model with one input
    ///     also has its type applied to a single input of another name); numbers are converted to
    ///     them as the type notes say. Empty keeps every datatype's own element type.
    ///   - limits: Bounds on shapes, tensor counts and nesting.
    /// - Throws: `MLOpsError` `parseError` for malformed JSON, `invalidArgument` for a wrong
    ///   field (named in the message, with the offending value), `unsupported` for the binary-data
    ///   extension.
    public static func decodeInferenceRequest(
        _ body: [UInt8], model: String, version: Int? = nil, inputTypes: [String: ElementType] = [:],
        limits: Limits = Limits()
    ) throws -> InferenceRequest {
        let single = inputTypes.count == 1 ? inputTypes.first?.value : nil
        let wanted: (String) -> ElementType? = { name in inputTypes[name] ?? single }
        return try scan(body, limits: limits, what: "an Open Inference Protocol inference request") { scanner in
            var request = InferenceRequest(model: model, version: version, inputs: [])
            var seen = Set<String>()
            var sawInputs = false
            try scanner.beginObject()
            var first = true
            while let key = try scanner.nextKey(first: &first) {
                guard seen.insert(key).inserted else {
                    throw invalid("the request", "has two \"\(key)\" keys", value: key)
                }
                switch key {
                case "id":
                    request.id = try readString(&scanner, "id")
                case "parameters":
                    try readParameters(&scanner, "parameters") { key, scanner in
                        switch key {
                        case "routing_key":
                            request.routingKey = try readString(&scanner, "parameters.routing_key")
                            return true
                        case "timeout":
                            let microseconds = try readCount(&scanner, "parameters.timeout")
                            request.deadline = ContinuousClock.now.advanced(by: .microseconds(microseconds))
                            return true
                        default:
                            return false
                        }
                    }
                case "inputs":
                    sawInputs = true
                    request.inputs = try readInputs(&scanner, limits: limits, wanted: wanted)
                case "outputs":
                    request.outputs = try readRequestedOutputs(&scanner, limits: limits)
                default:
                    try scanner.skipValue()
                }
            }
            guard sawInputs else { throw invalid("the request", "has no \"inputs\"") }
            return request
        }
    }

    private static func readInputs(
        _ scanner: inout JSONScanner, limits: Limits, wanted: (String) -> ElementType?
    ) throws -> [NamedTensor] {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            throw invalid("inputs", "must be an array of tensors, found \(scanner.kindAhead())")
        }
        try scanner.beginArray()
        var inputs: [NamedTensor] = []
        var first = true
        while try scanner.nextElement(first: &first) {
            guard inputs.count < limits.maxTensors else {
                throw invalid("inputs", "has more than \(limits.maxTensors) tensors")
            }
            let field = "inputs[\(inputs.count)]"
            let input = try readTensor(&scanner, field: field, limits: limits, wanted: wanted) { place, key, scanner in
                if key == "binary_data_size" {
                    throw MLOpsError(
                        .unsupported,
                        "\(place): binary tensor data (parameter binary_data_size) is not supported; send JSON data",
                        value: key)
                }
                return false
            }
            if inputs.contains(where: { $0.name == input.name }) {
                throw invalid(field, "a second input named \"\(input.name)\"", value: input.name)
            }
            inputs.append(input)
        }
        guard !inputs.isEmpty else { throw invalid("inputs", "is empty; a request needs at least one input") }
        return inputs
    }

    private static func readRequestedOutputs(_ scanner: inout JSONScanner, limits: Limits) throws -> [String] {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            throw invalid("outputs", "must be an array of {\"name\": …} objects, found \(scanner.kindAhead())")
        }
        try scanner.beginArray()
        var names: [String] = []
        var first = true
        while try scanner.nextElement(first: &first) {
            guard names.count < limits.maxTensors else {
                throw invalid("outputs", "has more than \(limits.maxTensors) tensors")
            }
            let field = "outputs[\(names.count)]"
            guard try scanner.peek() == UInt8(ascii: "{") else {
                throw invalid(field, "must be an object, found \(scanner.kindAhead())")
            }
            try scanner.beginObject()
            var name: String?
            var firstKey = true
            while let key = try scanner.nextKey(first: &firstKey) {
                switch key {
                case "name":
                    guard name == nil else { throw invalid(field, "has two \"name\" keys") }
                    name = try readString(&scanner, "\(field).name")
                case "parameters":
                    try readParameters(&scanner, "\(field).parameters") { key, scanner in
                        guard key == "binary_data" else { return false }
                        let byte = try scanner.peek()
                        if byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f"), try scanner.bool() == false {
                            return true
                        }
                        throw MLOpsError(
                            .unsupported,
                            "\(field).parameters.binary_data: binary tensor data is not supported; ask for JSON data",
                            value: key)
                    }
                default:
                    try scanner.skipValue()
                }
            }
            guard let name else { throw invalid(field, "has no \"name\"") }
            guard !names.contains(name) else { throw invalid(field, "asks for \"\(name)\" twice", value: name) }
            names.append(name)
        }
        return names
    }

    /// Encodes an inference request (for a client): `id`, `parameters` (`routing_key`, and
    /// `timeout` in microseconds from now when the request has a deadline), `inputs`, `outputs`.
    /// The model and version belong in the URL and are not written.
    public static func encodeInferenceRequest(_ request: InferenceRequest) -> [UInt8] {
        var writer = JSONWriter(capacity: 128 + request.inputs.reduce(0) { $0 + $1.tensor.count * 12 })
        writer.byte(UInt8(ascii: "{"))
        if let id = request.id {
            writer.raw("\"id\":")
            writer.string(id)
            writer.byte(UInt8(ascii: ","))
        }
        if request.routingKey != nil || request.deadline != nil {
            writer.raw("\"parameters\":{")
            if let key = request.routingKey {
                writer.raw("\"routing_key\":")
                writer.string(key)
            }
            if let deadline = request.deadline {
                if request.routingKey != nil { writer.byte(UInt8(ascii: ",")) }
                let left = max(.zero, deadline - ContinuousClock.now)
                let microseconds = left.components.seconds * 1_000_000 + left.components.attoseconds / 1_000_000_000_000
                writer.raw("\"timeout\":")
                writer.int(microseconds)
            }
            writer.raw("},")
        }
        writer.raw("\"inputs\":[")
        for (index, input) in request.inputs.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writeTensor(input, to: &writer)
        }
        writer.byte(UInt8(ascii: "]"))
        if let outputs = request.outputs {
            writer.raw(",\"outputs\":[")
            for (index, name) in outputs.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.raw("{\"name\":")
                writer.string(name)
                writer.byte(UInt8(ascii: "}"))
            }
            writer.byte(UInt8(ascii: "]"))
        }
        writer.byte(UInt8(ascii: "}"))
        return writer.bytes
    }
}
