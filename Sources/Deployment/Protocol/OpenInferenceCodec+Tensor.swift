import InferenceCore
import MLOpsCore

extension OpenInferenceCodec {
    /// Finite numbers only; overflow is checked by the caller (to name the field), underflow rounds.
    private static let numberPolicy = CSVNumberParsing.Policy(allowNonFinite: false, allowOutOfRange: true)

    /// Reads one tensor object (`{name, shape, datatype, parameters, data}`) of `inputs` or `outputs`.
    ///
    /// - Parameters:
    ///   - field: The object's place, for messages (`inputs[0]`).
    ///   - wanted: The element type the model wants for a tensor of that name, if it says.
    ///   - parameter: Reads a parameter it knows (returns `true`), else the value is skipped.
    static func readTensor(
        _ scanner: inout JSONScanner, field: String, limits: Limits, wanted: (String) -> ElementType?,
        parameter: (String, String, inout JSONScanner) throws -> Bool
    ) throws -> NamedTensor {
        guard try scanner.peek() == UInt8(ascii: "{") else {
            throw invalid(field, "must be an object, found \(scanner.kindAhead())")
        }
        try scanner.beginObject()
        var name: String?
        var shape: [Int]?
        var count = 0
        var datatype: OpenInferenceDatatype?
        var storage: Tensor.Storage?
        var deferredData: Int?
        var seenParameters = false
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            switch key {
            case "name":
                guard name == nil else { throw invalid(field, "has two \"name\" keys") }
                name = try readString(&scanner, "\(field).name")
            case "shape":
                guard shape == nil else { throw invalid(field, "has two \"shape\" keys") }
                (shape, count) = try readShape(&scanner, "\(field).shape", limits: limits)
            case "datatype":
                guard datatype == nil else { throw invalid(field, "has two \"datatype\" keys") }
                let text = try readString(&scanner, "\(field).datatype")
                guard let known = OpenInferenceDatatype(rawValue: text) else {
                    throw invalid(
                        "\(field).datatype",
                        "unknown datatype; expected one of "
                            + OpenInferenceDatatype.allCases.map(\.rawValue).joined(separator: ", "), value: text)
                }
                datatype = known
            case "parameters":
                guard !seenParameters else { throw invalid(field, "has two \"parameters\" keys") }
                seenParameters = true
                let place = name.map { "input \"\($0)\"" } ?? field
                try readParameters(&scanner, "\(field).parameters") { key, scanner in
                    try parameter(place, key, &scanner)
                }
            case "data":
                guard storage == nil, deferredData == nil else { throw invalid(field, "has two \"data\" keys") }
                if let name, let shape, let datatype {
                    storage = try readData(
                        &scanner, field: "\(field) (\"\(name)\").data", name: name, shape: shape, count: count,
                        datatype: datatype,
                        target: target(datatype, wanted(name)))
                } else {
                    deferredData = scanner.position
                    try scanner.skipValue()
                }
            default:
                try scanner.skipValue()
            }
        }
        guard let name else { throw invalid(field, "has no \"name\"") }
        let place = "\(field) (\"\(name)\")"
        guard let shape else { throw invalid(place, "has no \"shape\"") }
        guard let datatype else { throw invalid(place, "has no \"datatype\"") }
        if let deferredData {
            let end = scanner.position
            scanner.position = deferredData
            storage = try readData(
                &scanner, field: "\(field) (\"\(name)\").data", name: name, shape: shape, count: count,
                datatype: datatype,
                target: target(datatype, wanted(name)))
            scanner.position = end
        }
        guard let storage else { throw invalid(place, "has no \"data\"") }
        do {
            return NamedTensor(name: name, tensor: try Tensor(shape: shape, storage: storage))
        } catch let error as MLOpsError {
            throw invalid(place, error.message, value: "\(shape)")
        }
    }

    /// The element type data of `datatype` is read as, for a model that wants `wanted`.
    static func target(_ datatype: OpenInferenceDatatype, _ wanted: ElementType?) -> ElementType {
        guard let wanted else { return datatype.elementType }
        switch wanted {
        case .float32, .float64:
            return datatype.isInteger || datatype.isFloatingPoint ? wanted : datatype.elementType
        case .int64, .bool, .string:
            return datatype.elementType
        }
    }

    /// Reads `data`: nested or flat arrays holding exactly `count` elements of `datatype`, converted
    /// to `target`.
    static func readData(
        _ scanner: inout JSONScanner, field: String, name: String, shape: [Int], count: Int,
        datatype: OpenInferenceDatatype, target: ElementType
    ) throws -> Tensor.Storage {
        let place = field
        switch target {
        case .float32:
            if datatype.isInteger {
                return .float32(
                    try readNested(&scanner, field, shape: shape, count: count) { scanner, index in
                        Float(try readInteger(&scanner, place, index, datatype))
                    })
            }
            let limit: Float = datatype == .fp16 ? 65504 : .greatestFiniteMagnitude
            return .float32(
                try readNested(&scanner, field, shape: shape, count: count) { scanner, index in
                    if try scanner.consumeNull() { return .nan }
                    let bytes = try numberBytes(&scanner, place, index, datatype)
                    guard let value = CSVNumberParsing.parseFloat(bytes, policy: numberPolicy), value.magnitude <= limit
                    else {
                        throw invalid(
                            "\(place)[\(index)]", "the number is outside the range of \(datatype)",
                            value: String(decoding: bytes, as: UTF8.self))
                    }
                    return value
                })
        case .float64:
            if datatype.isInteger {
                return .float64(
                    try readNested(&scanner, field, shape: shape, count: count) { scanner, index in
                        Double(try readInteger(&scanner, place, index, datatype))
                    })
            }
            // FP32 text is in range when it rounds to a finite float, even a little above the
            // largest float in double precision (3.4028235e38).
            let limit: Double =
                switch datatype {
                case .fp16: 65504
                case .fp32: Double(3.4028235677973366e38).nextDown
                default: .greatestFiniteMagnitude
                }
            return .float64(
                try readNested(&scanner, field, shape: shape, count: count) { scanner, index in
                    if try scanner.consumeNull() { return .nan }
                    let bytes = try numberBytes(&scanner, place, index, datatype)
                    guard let value = CSVNumberParsing.parseDouble(bytes, policy: numberPolicy),
                        value.magnitude <= limit
                    else {
                        throw invalid(
                            "\(place)[\(index)]", "the number is outside the range of \(datatype)",
                            value: String(decoding: bytes, as: UTF8.self))
                    }
                    return value
                })
        case .int64:
            return .int64(
                try readNested(&scanner, field, shape: shape, count: count) { scanner, index in
                    try readInteger(&scanner, place, index, datatype)
                })
        case .bool:
            return .bool(
                try readNested(&scanner, field, shape: shape, count: count) { scanner, index in
                    let byte = try scanner.peek()
                    guard byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") else {
                        throw invalid(
                            "\(place)[\(index)]", "BOOL data must be true or false, found \(scanner.kindAhead())")
                    }
                    return try scanner.bool()
                })
        case .string:
            return .string(
                try readNested(&scanner, field, shape: shape, count: count) { scanner, index in
                    try readString(&scanner, "\(place)[\(index)]")
                })
        }
    }

    /// The bytes of the number at `index`, or an error naming what stands there instead.
    @inline(__always)
    private static func numberBytes(
        _ scanner: inout JSONScanner, _ place: String, _ index: Int, _ datatype: OpenInferenceDatatype
    ) throws -> UnsafeBufferPointer<UInt8> {
        let byte = try scanner.peek()
        guard byte == UInt8(ascii: "-") || (byte &- 0x30) < 10 else {
            throw invalid("\(place)[\(index)]", "\(datatype) data must be numbers, found \(scanner.kindAhead())")
        }
        return try scanner.numberBytes()
    }

    /// An integer of `datatype`'s range.
    @inline(__always)
    private static func readInteger(
        _ scanner: inout JSONScanner, _ place: String, _ index: Int, _ datatype: OpenInferenceDatatype
    ) throws -> Int64 {
        let bytes = try numberBytes(&scanner, place, index, datatype)
        guard let value = CSVNumberParsing.parseInt64(bytes), datatype.integerRange.contains(value) else {
            throw invalid(
                "\(place)[\(index)]", "\(datatype) data must be integers in \(datatype.integerRange)",
                value: String(decoding: bytes, as: UTF8.self))
        }
        return value
    }

    /// Reads flat or nested arrays of exactly `count` elements.
    @inline(__always)
    private static func readNested<Element>(
        _ scanner: inout JSONScanner, _ field: String, shape: [Int], count: Int,
        _ element: (inout JSONScanner, Int) throws -> Element
    ) throws -> [Element] {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            throw invalid(field, "must be an array, found \(scanner.kindAhead())")
        }
        var values: [Element] = []
        // A hostile shape cannot reserve more than the input could fill (two bytes an element).
        values.reserveCapacity(min(count, scanner.bytes.count / 2 + 1))
        try readLevel(&scanner, &values, field, shape: shape, count: count, element)
        guard values.count == count else {
            throw MLOpsError(
                .invalidArgument,
                "\(field): the shape \(shape) needs \(count) elements but the data has \(values.count)",
                value: "\(shape)")
        }
        return values
    }

    private static func readLevel<Element>(
        _ scanner: inout JSONScanner, _ values: inout [Element], _ field: String, shape: [Int], count: Int,
        _ element: (inout JSONScanner, Int) throws -> Element
    ) throws {
        try scanner.beginArray()
        var first = true
        while try scanner.nextElement(first: &first) {
            if try scanner.peek() == UInt8(ascii: "[") {
                try readLevel(&scanner, &values, field, shape: shape, count: count, element)
                continue
            }
            guard values.count < count else {
                throw MLOpsError(
                    .invalidArgument, "\(field): the data has more than the \(count) elements the shape \(shape) needs",
                    value: "\(shape)")
            }
            values.append(try element(&scanner, values.count))
        }
    }

    // MARK: - Writing

    /// Writes `{"name":…,"datatype":…,"shape":[…],"data":[…]}`.
    static func writeTensor(_ named: NamedTensor, to writer: inout JSONWriter) {
        let tensor = named.tensor
        writer.raw("{\"name\":")
        writer.string(named.name)
        writer.raw(",\"datatype\":\"")
        writer.raw(datatypeName(tensor.elementType))
        writer.raw("\",\"shape\":")
        writeShape(tensor.shape, to: &writer)
        writer.raw(",\"data\":[")
        switch tensor.storage {
        case .float32(let values):
            for (index, value) in values.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.float(value)
            }
        case .float64(let values):
            for (index, value) in values.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.double(value)
            }
        case .int64(let values):
            for (index, value) in values.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.int(value)
            }
        case .bool(let values):
            for (index, value) in values.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.bool(value)
            }
        case .string(let values):
            for (index, value) in values.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.string(value)
            }
        }
        writer.raw("]}")
    }

    /// The datatype name of an element type, as a static string.
    static func datatypeName(_ type: ElementType) -> StaticString {
        switch type {
        case .float32: "FP32"
        case .float64: "FP64"
        case .int64: "INT64"
        case .bool: "BOOL"
        case .string: "BYTES"
        }
    }
}
