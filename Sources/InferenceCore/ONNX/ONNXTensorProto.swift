import MLOpsCore

/// A decoded ONNX `TensorProto`: a constant tensor (initialiser, `Constant` value, tensor attribute).
///
/// The fields mirror onnx.proto. Exactly one storage is normally used: ``rawData`` (little-endian,
/// row-major) or the typed field that matches ``dataType`` (``floatData``, ``int32Data`` — which also
/// carries 8/16-bit integers and booleans — ``int64Data``, ``doubleData``, ``uint64Data``,
/// ``stringData``). A tensor whose data lives in an external file has ``isExternal`` set; the
/// importer rejects it. Convert to a runtime ``Tensor`` with ``ONNXImporter``.
struct ONNXTensorProto: Sendable, Hashable {
    /// The dimensions (no dimensions = a scalar).
    var dims: [Int64] = []
    /// The element type.
    var dataType: ONNXDataType = .undefined
    /// `FLOAT` values (and, widened, `COMPLEX64` parts).
    var floatData: [Float] = []
    /// `INT32`, `INT16`, `INT8`, `UINT16`, `UINT8`, `BOOL`, `FLOAT16`/`BFLOAT16` bit patterns.
    var int32Data: [Int32] = []
    /// `STRING` values as raw bytes.
    var stringData: [[UInt8]] = []
    /// `INT64` values.
    var int64Data: [Int64] = []
    /// The tensor's name (initialisers are referenced by it).
    var name: String = ""
    /// Little-endian, row-major element bytes, or `nil` when the field is absent.
    var rawData: [UInt8]?
    /// `DOUBLE` (and `COMPLEX128`) values.
    var doubleData: [Double] = []
    /// `UINT32` and `UINT64` values.
    var uint64Data: [UInt64] = []
    /// The `external_data` key/value pairs (`location`, `offset`, `length`, `checksum`).
    var externalData: [ONNXStringEntry] = []
    /// `data_location`: 0 = in this message, 1 = external.
    var dataLocation: Int32 = 0
    /// Whether a `segment` field was present (segmented tensors are not supported).
    var hasSegment = false

    /// Creates an empty tensor description; set the fields you need.
    init() {}

    /// Whether the data lives outside the model file.
    var isExternal: Bool { dataLocation == 1 || !externalData.isEmpty }

    /// Decodes a `TensorProto` message.
    init(from reader: inout ProtobufReader) throws {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.field {
            case 1: try reader.readRepeatedInt64(tag, into: &dims, "TensorProto.dims")
            case 2: dataType = ONNXDataType(rawValue: try reader.readInt32(tag, "TensorProto.data_type"))
            case 3:
                _ = try reader.readMessage(tag, "TensorProto.segment")
                hasSegment = true
            case 4: try reader.readRepeatedFloat(tag, into: &floatData, "TensorProto.float_data")
            case 5: try reader.readRepeatedInt32(tag, into: &int32Data, "TensorProto.int32_data")
            case 6: stringData.append(try reader.readBytes(tag, "TensorProto.string_data"))
            case 7: try reader.readRepeatedInt64(tag, into: &int64Data, "TensorProto.int64_data")
            case 8: name = try reader.readString(tag, "TensorProto.name")
            case 9: rawData = try reader.readBytes(tag, "TensorProto.raw_data")
            case 10: try reader.readRepeatedDouble(tag, into: &doubleData, "TensorProto.double_data")
            case 11: try reader.readRepeatedUInt64(tag, into: &uint64Data, "TensorProto.uint64_data")
            case 13:
                var entry = try reader.readMessage(tag, "TensorProto.external_data")
                externalData.append(try ONNXStringEntry(from: &entry))
            case 14: dataLocation = try reader.readInt32(tag, "TensorProto.data_location")
            default: try reader.skip(tag.wireType)
            }
        }
    }
}
