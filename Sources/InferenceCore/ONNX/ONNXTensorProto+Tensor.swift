import MLOpsCore

extension ONNXTensorProto {
    /// Converts the tensor to a runtime ``Tensor``.
    ///
    /// `FLOAT` becomes `float32`, `DOUBLE` `float64`, every integer type up to 64 bits `int64`
    /// (widened), `BOOL` `bool`, `STRING` `string`. Data is read from ``rawData`` when present
    /// (little-endian), otherwise from the typed field.
    ///
    /// - Throws: `MLOpsError` `unsupported` for external or segmented data and for types the
    ///   runtime cannot hold (half precision, complex, float8...); `parseError` when the element
    ///   count does not match the dimensions or a dimension is negative.
    func makeTensor() throws -> Tensor {
        let label = name.isEmpty ? "an unnamed tensor" : "tensor '\(name)'"
        guard !isExternal else {
            throw MLOpsError(
                .unsupported,
                "ONNX \(label) stores its data in an external file; external data is not supported. "
                    + "Re-save the model with all tensors inside the file (onnx.save_model(..., save_as_external_data=False)).",
                value: name)
        }
        guard !hasSegment else {
            throw MLOpsError(
                .unsupported, "ONNX \(label) is segmented; segmented tensors are not supported.", value: name)
        }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        var count = 1
        for dim in dims {
            guard dim >= 0, dim <= Int64(Int32.max) else {
                throw MLOpsError(.parseError, "ONNX \(label) has an invalid dimension \(dim).", value: "\(dims)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow, product <= Int(Int32.max) else {
                throw MLOpsError(.parseError, "ONNX \(label) has too many elements.", value: "\(dims)")
            }
            shape.append(Int(dim))
            count = product
        }

        func mismatch(_ got: Int, _ what: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
            MLOpsError(
                .parseError,
                "ONNX \(label) of type \(dataType) and shape \(shape) needs \(count) elements but \(what) holds \(got).",
                value: name, fileID: fileID, line: line)
        }

        func raw<Word: FixedWidthInteger, Element>(
            _ bytes: [UInt8], _: Word.Type, _ convert: (Word) -> Element
        ) throws -> [Element] {
            let size = MemoryLayout<Word>.size
            guard bytes.count == count * size else { throw mismatch(bytes.count / size, "raw_data") }
            var values: [Element] = []
            bytes.withUnsafeBytes { ProtobufReader.appendLittleEndian($0, as: Word.self, into: &values, convert) }
            return values
        }

        func typed<Element>(_ values: [Element], _ field: String) throws -> [Element] {
            guard values.count == count else { throw mismatch(values.count, field) }
            return values
        }

        let storage: Tensor.Storage
        switch dataType {
        case .float:
            storage = .float32(
                try rawData.map { try raw($0, UInt32.self) { Float(bitPattern: $0) } } ?? typed(floatData, "float_data")
            )
        case .double:
            storage = .float64(
                try rawData.map { try raw($0, UInt64.self) { Double(bitPattern: $0) } }
                    ?? typed(doubleData, "double_data"))
        case .int64:
            storage = .int64(
                try rawData.map { try raw($0, UInt64.self) { Int64(bitPattern: $0) } } ?? typed(int64Data, "int64_data")
            )
        case .int32, .int16, .int8, .uint16, .uint8:
            if let rawData {
                let values: [Int64]
                switch dataType {
                case .int32: values = try raw(rawData, UInt32.self) { Int64(Int32(bitPattern: $0)) }
                case .int16: values = try raw(rawData, UInt16.self) { Int64(Int16(bitPattern: $0)) }
                case .uint16: values = try raw(rawData, UInt16.self) { Int64($0) }
                case .int8: values = try raw(rawData, UInt8.self) { Int64(Int8(bitPattern: $0)) }
                default: values = try raw(rawData, UInt8.self) { Int64($0) }
                }
                storage = .int64(values)
            } else {
                storage = .int64(try typed(int32Data, "int32_data").map { Int64($0) })
            }
        case .uint32, .uint64:
            let values: [UInt64]
            if let rawData {
                values =
                    dataType == .uint32
                    ? try raw(rawData, UInt32.self) { UInt64($0) } : try raw(rawData, UInt64.self) { $0 }
            } else {
                values = try typed(uint64Data, "uint64_data")
            }
            var converted: [Int64] = []
            converted.reserveCapacity(values.count)
            for value in values {
                guard let exact = Int64(exactly: value) else {
                    throw MLOpsError(
                        .unsupported, "ONNX \(label) holds the UINT64 value \(value), which does not fit in int64.",
                        value: name)
                }
                converted.append(exact)
            }
            storage = .int64(converted)
        case .bool:
            storage = .bool(
                try rawData.map { try raw($0, UInt8.self) { $0 != 0 } }
                    ?? typed(int32Data, "int32_data").map { $0 != 0 })
        case .string:
            guard rawData == nil else {
                throw MLOpsError(
                    .parseError, "ONNX \(label) is a STRING tensor with raw_data, which is invalid.", value: name)
            }
            var strings: [String] = []
            strings.reserveCapacity(stringData.count)
            for bytes in try typed(stringData, "string_data") {
                guard let string = String(validating: bytes, as: UTF8.self) else {
                    throw MLOpsError(.parseError, "ONNX \(label) holds a string that is not valid UTF-8.", value: name)
                }
                strings.append(string)
            }
            storage = .string(strings)
        default:
            throw MLOpsError(
                .unsupported,
                "ONNX \(label) has element type \(dataType), which the runtime does not support "
                    + "(supported: FLOAT, DOUBLE, integer types, BOOL, STRING).",
                value: dataType.description)
        }
        return try Tensor(shape: shape, storage: storage)
    }
}
