import InferenceCore
import MLOpsCore

/// The JSON of the Open Inference Protocol (KServe's "v2" data plane, also spoken by Triton), with
/// no transport: bytes in, contract values out, and back.
///
/// Both directions of every message are here, so a server (``OpenInferenceHandler``) and a client
/// use the same code: inference requests (``decodeInferenceRequest(_:model:version:inputTypes:limits:)``,
/// ``encodeInferenceRequest(_:)``), inference responses, model metadata, server metadata and
/// errors (`{"error": "…"}`).
///
/// **Tensors.** `data` may be flat or nested arrays in row-major order; nesting is flattened and
/// the element count must equal the product of `shape`. Datatypes map onto `ElementType` as
/// ``OpenInferenceDatatype`` describes; when the caller passes the element types the model wants
/// (`inputTypes`), numbers are converted while they are read: any integer or floating-point
/// datatype to `float32` or `float64`, and integer datatypes to `int64`; other combinations keep the
/// datatype's own element type, for the service's validation to judge. Numbers are rounded once,
/// from their decimal text, to the target type.
///
/// **Non-finite values.** JSON has no NaN or infinity. In floating-point data `null` stands for NaN
/// (a missing value: whether the model accepts it is the service's decision), both when decoding
/// and when encoding (a row that failed has NaN outputs, written `null`). A number that overflows
/// its type (`1e39` as `FP32`) is an error.
///
/// **Row errors.** A response's `RowError`s are written under `parameters` as
/// `"row_errors": [{"row": 0, "field": "x", "message": "…"}, …]` (the protocol's parameters hold
/// scalars; this one key is an array of objects). The key is absent when every row succeeded.
///
/// **Request parameters.** `routing_key` (a string) becomes `InferenceRequest.routingKey`;
/// `timeout` (an integer number of microseconds, Triton's name) becomes a deadline that many
/// microseconds after decoding; any other parameter must be a string, number or boolean and is
/// ignored. An input parameter `binary_data_size` or an output parameter `binary_data: true`
/// (the binary-tensor extension) is `unsupported`. Unknown keys are ignored.
///
/// **Errors.** Malformed JSON is an `MLOpsError` `parseError` naming the byte offset; a
/// well-formed document with a wrong field (a missing name, an unknown datatype, a shape that does
/// not match the data, a value out of range for its datatype, a duplicate input) is
/// `invalidArgument` naming the field and the value. Nothing in the input can crash the decoder or
/// make it allocate more than the input's size allows: shapes are bounded by ``Limits``.
public enum OpenInferenceCodec {
    /// Bounds on what a decoded document may ask for.
    public struct Limits: Sendable, Hashable {
        /// The most elements one tensor may have (by its shape).
        public var maxElements: Int
        /// The most dimensions one tensor may have.
        public var maxRank: Int
        /// The most input or output tensors one message may have.
        public var maxTensors: Int
        /// The deepest nesting of arrays and objects.
        public var maxDepth: Int

        /// Creates limits: by default 2^26 elements, rank 32, 1,024 tensors, depth 64.
        public init(maxElements: Int = 1 << 26, maxRank: Int = 32, maxTensors: Int = 1024, maxDepth: Int = 64) {
            self.maxElements = maxElements
            self.maxRank = maxRank
            self.maxTensors = maxTensors
            self.maxDepth = maxDepth
        }
    }

    /// The `Content-Type` of every message: `application/json`.
    public static let contentType = "application/json"

    // MARK: - Shared helpers

    /// Runs `body` with a scanner over `bytes`.
    static func scan<T>(
        _ bytes: [UInt8], limits: Limits, what: String, _ body: (inout JSONScanner) throws -> T
    ) throws -> T {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: buffer, maxDepth: limits.maxDepth, hint: "Expected \(what).")
            let result = try body(&scanner)
            try scanner.finish()
            return result
        }
    }

    /// An `invalidArgument` error about `field`.
    static func invalid(
        _ field: String, _ message: String, value: String? = nil, fileID: String = #fileID, line: Int = #line
    ) -> MLOpsError {
        MLOpsError(.invalidArgument, "\(field): \(message)", value: value, fileID: fileID, line: line)
    }

    /// Reads a string field.
    static func readString(_ scanner: inout JSONScanner, _ field: @autoclosure () -> String) throws -> String {
        guard try scanner.peek() == UInt8(ascii: "\"") else {
            throw invalid(field(), "must be a string, found \(scanner.kindAhead())")
        }
        return try scanner.string()
    }

    /// Reads a non-negative decimal integer that fits in `Int`, written as a JSON number.
    static func readCount(_ scanner: inout JSONScanner, _ field: @autoclosure () -> String) throws -> Int {
        let first = try scanner.peek()
        guard first == UInt8(ascii: "-") || (first &- 0x30) < 10 else {
            throw invalid(field(), "must be an integer, found \(scanner.kindAhead())")
        }
        let bytes = try scanner.numberBytes()
        guard let value = CSVNumberParsing.parseInt64(bytes), value >= 0, let count = Int(exactly: value) else {
            throw invalid(
                field(), "must be a non-negative integer", value: String(decoding: bytes, as: UTF8.self))
        }
        return count
    }

    /// Reads a `parameters` object: each key with the scanner before its value; `body` returns
    /// `true` when it read the value, else the value must be a string, number or boolean and is
    /// skipped.
    static func readParameters(
        _ scanner: inout JSONScanner, _ field: String, _ body: (String, inout JSONScanner) throws -> Bool
    ) throws {
        guard try scanner.peek() == UInt8(ascii: "{") else {
            throw invalid(field, "must be an object, found \(scanner.kindAhead())")
        }
        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            if try body(key, &scanner) { continue }
            switch try scanner.peek() {
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "n"):
                throw invalid("\(field).\(key)", "must be a string, number or boolean, found \(scanner.kindAhead())")
            default:
                try scanner.skipValue()
            }
        }
    }

    /// Reads a shape: an array of non-negative integers within the limits; returns it with its
    /// element count.
    static func readShape(
        _ scanner: inout JSONScanner, _ field: String, limits: Limits, allowVariable: Bool = false
    ) throws -> (shape: [Int], count: Int) {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            throw invalid(field, "must be an array of integers, found \(scanner.kindAhead())")
        }
        try scanner.beginArray()
        var shape: [Int] = []
        var first = true
        while try scanner.nextElement(first: &first) {
            guard shape.count < limits.maxRank else {
                throw invalid(field, "has more than \(limits.maxRank) dimensions")
            }
            if allowVariable, try scanner.peek() == UInt8(ascii: "-") {
                let bytes = try scanner.numberBytes()
                guard CSVNumberParsing.parseInt64(bytes) == -1 else {
                    throw invalid(
                        field, "a dimension must be a non-negative integer or -1",
                        value: String(decoding: bytes, as: UTF8.self))
                }
                shape.append(-1)
                continue
            }
            shape.append(try readCount(&scanner, "\(field)[\(shape.count)]"))
        }
        var count = 1
        for dimension in shape where dimension >= 0 {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= limits.maxElements else {
                throw MLOpsError(
                    .invalidArgument, "\(field): the shape has more than \(limits.maxElements) elements",
                    value: "\(shape)")
            }
            count = product
        }
        return (shape, count)
    }

    /// Writes a shape.
    static func writeShape(_ shape: [Int], to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "["))
        for (index, dimension) in shape.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.int(Int64(dimension))
        }
        writer.byte(UInt8(ascii: "]"))
    }
}
