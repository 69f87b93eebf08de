import Deployment
import Foundation
import InferenceCore
import MLOpsCore
import Testing

/// The Open Inference Protocol codec: the protocol's own example payloads, round trips of every
/// message and datatype, exact number conversion, and malformed input.
@Suite struct OpenInferenceCodecTests {
    static var longTests: Bool { ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1" }

    /// The request example of the protocol's REST section, as the spec prints it.
    static let specRequest = """
        {
          "id" : "42",
          "inputs" : [
            {
              "name" : "input0",
              "shape" : [ 2, 2 ],
              "datatype" : "UINT32",
              "data" : [ 1, 2, 3, 4 ]
            },
            {
              "name" : "input1",
              "shape" : [ 3 ],
              "datatype" : "BOOL",
              "data" : [ true ]
            }
          ],
          "outputs" : [
            {
              "name" : "output0"
            }
          ]
        }
        """

    /// The response example of the protocol's REST section, as the spec prints it.
    static let specResponse = """
        {
          "id" : "42"
          "outputs" : [
            {
              "name" : "output0",
              "shape" : [ 3, 2 ],
              "datatype"  : "FP32",
              "data" : [ 1.0, 1.1, 2.0, 2.1, 3.0, 3.1 ]
            }
          ]
        }
        """

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func decode(_ text: String, types: [String: ElementType] = [:]) throws -> InferenceRequest {
        try OpenInferenceCodec.decodeInferenceRequest(bytes(text), model: "m", inputTypes: types)
    }

    /// Runs `body`, expecting an `MLOpsError` of `code` whose description contains every string of
    /// `mentions`.
    static func expectError(
        _ code: MLOpsError.Code, mentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as MLOpsError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            for mention in mentions {
                #expect(
                    error.description.contains(mention), "\(error) lacks \(mention)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("expected MLOpsError \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - The spec's examples

    @Test func theSpecsRequestExampleIsRejectedForItsShapeAndAcceptedOnceItsDataFits() throws {
        // The spec's own example gives BOOL shape [3] one element: a count mismatch, named.
        Self.expectError(.invalidArgument, mentions: ["input1", "[3]", "3 elements", "1"]) {
            _ = try Self.decode(Self.specRequest)
        }
        let fixed = Self.specRequest.replacingOccurrences(of: "[ true ]", with: "[ true, false, true ]")
        let request = try Self.decode(fixed)
        #expect(request.id == "42")
        #expect(request.model == "m")
        #expect(request.outputs == ["output0"])
        #expect(request.inputs.map(\.name) == ["input0", "input1"])
        #expect(request.inputs[0].tensor == (try Tensor(shape: [2, 2], int64: [1, 2, 3, 4])))
        #expect(request.inputs[1].tensor == (try Tensor(shape: [3], bool: [true, false, true])))
        // Round trip: encode, decode, same request.
        let again = try OpenInferenceCodec.decodeInferenceRequest(
            OpenInferenceCodec.encodeInferenceRequest(request), model: "m")
        #expect(again.id == request.id && again.outputs == request.outputs && again.inputs == request.inputs)
    }

    @Test func theSpecsResponseExampleIsRejectedForItsMissingCommaAndAcceptedWithIt() throws {
        Self.expectError(.parseError, mentions: ["byte", "expected ',' or '}'"]) {
            _ = try OpenInferenceCodec.decodeInferenceResponse(Self.bytes(Self.specResponse))
        }
        let fixed = Self.specResponse.replacingOccurrences(of: "\"42\"\n", with: "\"42\",\n")
        let response = try OpenInferenceCodec.decodeInferenceResponse(Self.bytes(fixed))
        #expect(response.id == "42")
        #expect(response.model == "")
        #expect(response.outputs.count == 1)
        #expect(response.outputs[0].tensor == (try Tensor(shape: [3, 2], float32: [1.0, 1.1, 2.0, 2.1, 3.0, 3.1])))
        let encoded = OpenInferenceCodec.encodeInferenceResponse(response)
        #expect(try OpenInferenceCodec.decodeInferenceResponse(encoded) == response)
    }

    // MARK: - Round trips

    @Test func responsesRoundTripWithRowErrorsAndNaNAsNull() throws {
        let response = InferenceResponse(
            model: "churn \"v\"\n", version: 7, id: "req-1",
            outputs: [
                NamedTensor(
                    name: "probability", tensor: try Tensor(shape: [2, 2], float32: [0.25, 0.75, .nan, .nan])),
                NamedTensor(name: "score", tensor: try Tensor(shape: [2], float64: [1e-300, .nan])),
                NamedTensor(name: "label", tensor: try Tensor(shape: [2], int64: [Int64.min, 0])),
                NamedTensor(name: "flag", tensor: try Tensor(shape: [2], bool: [true, false])),
                NamedTensor(name: "class", tensor: try Tensor(shape: [2], strings: ["yes\u{2028}", ""])),
            ],
            rowErrors: [RowError(row: 1, field: "x[3]", message: "NaN is not allowed")])
        let bytes = OpenInferenceCodec.encodeInferenceResponse(response)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"model_version\":\"7\""))
        #expect(text.contains("\"row_errors\":[{\"row\":1,\"field\":\"x[3]\",\"message\":\"NaN is not allowed\"}]"))
        #expect(text.contains("[0.25,0.75,null,null]"))
        // Valid JSON for Foundation's reader too.
        #expect((try? JSONSerialization.jsonObject(with: Data(bytes))) != nil)
        let decoded = try OpenInferenceCodec.decodeInferenceResponse(bytes)
        #expect(decoded.model == response.model && decoded.version == 7 && decoded.id == "req-1")
        #expect(decoded.rowErrors == response.rowErrors)
        #expect(decoded.outputs.count == 5)
        #expect(decoded.outputs[0].tensor.float32Values?.prefix(2) == [0.25, 0.75])
        #expect(decoded.outputs[0].tensor.float32Values?.suffix(2).allSatisfy(\.isNaN) == true)
        #expect(decoded.outputs[1].tensor.float64Values?.first == 1e-300)
        #expect(decoded.outputs[2...] == response.outputs[2...])
    }

    @Test func metadataServerMetadataAndErrorsRoundTrip() throws {
        let metadata = ServedModelMetadata(
            name: "mlp", versions: [1, 3], version: 3, platform: "onnx",
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(64)])],
            outputs: [
                ValueInfo(name: "y", elementType: .float32, shape: [.batch, .fixed(10)]),
                ValueInfo(name: "label", elementType: .string, shape: [.batch, .unknown]),
            ])
        let bytes = OpenInferenceCodec.encodeModelMetadata(metadata)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"name":"mlp","versions":["1","3"],"platform":"onnx","inputs":[{"name":"x","datatype":"FP32","shape":[-1,64]}],"#
                + #""outputs":[{"name":"y","datatype":"FP32","shape":[-1,10]},{"name":"label","datatype":"BYTES","shape":[-1,-1]}]}"#
        )
        #expect(try OpenInferenceCodec.decodeModelMetadata(bytes) == metadata)

        let server = OpenInferenceServerMetadata(name: "swift-mlops", version: "0.1.0", extensions: ["a"])
        #expect(try OpenInferenceCodec.decodeServerMetadata(OpenInferenceCodec.encodeServerMetadata(server)) == server)
        let message = "no model \"x\"\t\u{1}"
        #expect(try OpenInferenceCodec.decodeError(OpenInferenceCodec.encodeError(message)) == message)
    }

    @Test func everyDatatypeDecodesToItsElementTypeAndChecksItsRange() throws {
        for datatype in OpenInferenceDatatype.allCases {
            let data: String
            switch datatype {
            case .bool: data = "[true, false]"
            case .bytes: data = #"["a", "b"]"#
            case .fp16, .fp32, .fp64: data = "[1.5, -2]"
            default: data = "[0, 7]"
            }
            let request = try Self.decode(
                #"{"inputs":[{"name":"x","shape":[2],"datatype":"\#(datatype)","data":\#(data)}]}"#)
            #expect(request.inputs[0].tensor.elementType == datatype.elementType, "\(datatype)")
        }
        let outOfRange: [(OpenInferenceDatatype, String)] = [
            (.int8, "128"), (.int8, "-129"), (.uint8, "256"), (.uint8, "-1"), (.int16, "32768"), (.uint16, "65536"),
            (.int32, "2147483648"), (.uint32, "4294967296"), (.int64, "9223372036854775808"),
            (.uint64, "18446744073709551615"), (.fp16, "65520"), (.fp32, "3.5e38"), (.fp64, "1e309"),
            (.int32, "1.5"), (.int64, "1e3"),
        ]
        for (datatype, value) in outOfRange {
            Self.expectError(.invalidArgument, mentions: [value, "\(datatype)"]) {
                _ = try Self.decode(
                    #"{"inputs":[{"name":"x","shape":[1],"datatype":"\#(datatype)","data":[\#(value)]}]}"#)
            }
        }
        // The extremes that fit.
        let extremes = try Self.decode(
            #"{"inputs":[{"name":"a","shape":[2],"datatype":"INT64","data":[-9223372036854775808,9223372036854775807]}]}"#
        )
        #expect(extremes.inputs[0].tensor.int64Values == [Int64.min, Int64.max])
    }

    @Test func numbersAreConvertedToTheTypesTheModelWants() throws {
        let body = #"""
            {"inputs":[{"name":"a","shape":[3],"datatype":"FP64","data":[0.1, 1e-50, 16777217]},
                       {"name":"b","shape":[2],"datatype":"INT32","data":[3, -4]},
                       {"name":"c","shape":[1],"datatype":"FP32","data":[2.5]},
                       {"name":"d","shape":[1],"datatype":"BOOL","data":[true]}]}
            """#
        let request = try Self.decode(body, types: ["a": .float32, "b": .float64, "c": .int64, "d": .float32])
        #expect(request.inputs[0].tensor.float32Values == [0.1, 0, 16777216])
        #expect(request.inputs[1].tensor.float64Values == [3, -4])
        // No lossy conversion to integers, and none from BOOL: the service judges those.
        #expect(request.inputs[2].tensor.float32Values == [2.5])
        #expect(request.inputs[3].tensor.boolValues == [true])
        // A one-input model's type applies to an input of any name.
        let single = try Self.decode(
            #"{"inputs":[{"name":"features","shape":[1],"datatype":"INT64","data":[5]}]}"#, types: ["x": .float32])
        #expect(single.inputs[0].tensor.float32Values == [5])
    }

    @Test func nestedDataKeyOrderParametersAndNullAreRead() throws {
        let nested = try Self.decode(
            #"""
            {"parameters":{"routing_key":"user-7","timeout":250000,"other":true},
             "outputs":[{"name":"y","parameters":{"binary_data":false}}],
             "inputs":[{"data":[[1,2,3],[4,null,6]],"parameters":{"content_type":"np"},"datatype":"FP32","shape":[2,3],"name":"x"}],
             "unknown":{"nested":[1,{"a":null}]}}
            """#)
        #expect(nested.routingKey == "user-7")
        #expect(nested.deadline != nil)
        #expect(nested.outputs == ["y"])
        let values = try #require(nested.inputs[0].tensor.float32Values)
        #expect(values[0..<4] == [1, 2, 3, 4] && values[4].isNaN && values[5] == 6)
        #expect(nested.inputs[0].tensor.shape == [2, 3])
    }

    // MARK: - Numbers

    @Test func floatsAreRoundedOnceFromTheirDecimalText() throws {
        var random = SeededRandom(seed: 13)
        var texts: [String] = [
            "0.1", "1e-45", "1.4e-45", "3.4028235e38", "1.17549435e-38", "16777217", "0.000001", "-0",
            // Decimals whose correctly rounded double lies halfway between two floats.
            "1.00000005960464477539062500000001", "16777217.000000001", "0.30000001192092896",
        ]
        for _ in 0..<(Self.longTests ? 200_000 : 5_000) {
            switch random.int(in: 0..<3) {
            case 0: texts.append(String(Float(bitPattern: UInt32(truncatingIfNeeded: random.next())).magnitude))
            case 1: texts.append(String(random.normal(standardDeviation: 10)))
            default:
                let digits = random.int(in: 1...17)
                let mantissa =
                    String(random.int(in: 1..<10)) + (1..<digits).map { _ in String(random.int(in: 0..<10)) }.joined()
                texts.append("\(mantissa)e\(random.int(in: -30...20))")
            }
        }
        texts = texts.filter { text in Float(text).map { $0.isFinite } ?? false }
        let body =
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[\(texts.count)],\"datatype\":\"FP32\",\"data\":["
            + texts.joined(separator: ",") + "]}]}"
        let values = try #require(try Self.decode(body).inputs[0].tensor.float32Values)
        for (text, value) in zip(texts, values) {
            #expect(value.bitPattern == Float(text)?.bitPattern, "\(text)")
        }
        let doubles = try #require(
            try Self.decode(body, types: ["x": .float64]).inputs[0].tensor.float64Values)
        for (text, value) in zip(texts, doubles) {
            #expect(value.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    // MARK: - Malformed input

    @Test func everyWrongFieldIsNamed() {
        let cases: [(String, MLOpsError.Code, [String])] = [
            ("", .parseError, ["byte 0"]),
            ("[]", .parseError, ["expected an object"]),
            (#"{"inputs":[]}"#, .invalidArgument, ["inputs", "empty"]),
            (#"{"id":"1"}"#, .invalidArgument, ["no \"inputs\""]),
            (#"{"id":42,"inputs":[]}"#, .invalidArgument, ["id", "string"]),
            (#"{"inputs":{}}"#, .invalidArgument, ["inputs", "array"]),
            (#"{"inputs":[1]}"#, .invalidArgument, ["inputs[0]", "object"]),
            (#"{"inputs":[{"shape":[1],"datatype":"FP32","data":[1]}]}"#, .invalidArgument, ["no \"name\""]),
            (#"{"inputs":[{"name":"x","datatype":"FP32","data":[1]}]}"#, .invalidArgument, ["\"x\"", "no \"shape\""]),
            (#"{"inputs":[{"name":"x","shape":[1],"data":[1]}]}"#, .invalidArgument, ["no \"datatype\""]),
            (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32"}]}"#, .invalidArgument, ["no \"data\""]),
            (
                #"{"inputs":[{"name":7,"shape":[1],"datatype":"FP32","data":[1]}]}"#, .invalidArgument,
                ["name", "string"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP8","data":[1]}]}"#, .invalidArgument,
                ["FP8", "datatype"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[-1],"datatype":"FP32","data":[1]}]}"#, .invalidArgument,
                ["shape[0]", "-1"]
            ),
            (#"{"inputs":[{"name":"x","shape":[1.5],"datatype":"FP32","data":[1]}]}"#, .invalidArgument, ["shape[0]"]),
            (#"{"inputs":[{"name":"x","shape":"1","datatype":"FP32","data":[1]}]}"#, .invalidArgument, ["shape"]),
            (
                #"{"inputs":[{"name":"x","shape":[4294967296,4294967296],"datatype":"FP32","data":[1]}]}"#,
                .invalidArgument, ["more than", "elements"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[100000000],"datatype":"FP32","data":[1]}]}"#, .invalidArgument,
                ["more than"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1]}]}"#, .invalidArgument,
                ["needs 2", "has 1"]
            ),
            (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1,2]}]}"#, .invalidArgument, ["more than"]),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":1}]}"#, .invalidArgument,
                ["data", "array"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":["1"]}]}"#, .invalidArgument,
                ["data[0]", "string"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":[null]}]}"#, .invalidArgument,
                ["data[0]", "null"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"BOOL","data":[1]}]}"#, .invalidArgument,
                ["true or false"]
            ),
            (#"{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":[1]}]}"#, .invalidArgument, ["string"]),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[NaN]}]}"#, .invalidArgument,
                ["data[0]", "numbers"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[Infinity]}]}"#, .invalidArgument,
                ["data[0]"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1e39]}]}"#, .invalidArgument,
                ["1e39", "range"]
            ),
            (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[01]}]}"#, .parseError, ["leading zero"]),
            (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1,]}]}"#, .parseError, ["trailing"]),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]},{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}"#,
                .invalidArgument, ["second input named \"x\""]
            ),
            (
                #"{"inputs":[{"name":"x","name":"y","shape":[1],"datatype":"FP32","data":[1]}]}"#, .invalidArgument,
                ["two \"name\""]
            ),
            (#"{"id":"a","id":"b"}"#, .invalidArgument, ["two \"id\""]),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"parameters":{"binary_data_size":4}}]}"#,
                .unsupported, ["binary"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}"#,
                .unsupported, ["binary"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y"},{"name":"y"}]}"#,
                .invalidArgument, ["twice"]
            ),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{}]}"#, .invalidArgument,
                ["outputs[0]"]
            ),
            (
                #"{"parameters":{"timeout":-1},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}"#,
                .invalidArgument, ["timeout"]
            ),
            (
                #"{"parameters":{"a":{}},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}"#,
                .invalidArgument, ["parameters.a"]
            ),
            (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]} x"#, .parseError, ["after the end"]),
            (#"{"inputs":[{"name":"x\u00"}]}"#, .parseError, ["hex"]),
            (String(repeating: "[", count: 100), .parseError, ["expected an object"]),
            (
                #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":"# + String(repeating: "[", count: 100)
                    + "1"
                    + String(repeating: "]", count: 100) + "}]}", .parseError, ["nest deeper"]
            ),
        ]
        for (body, code, mentions) in cases {
            Self.expectError(code, mentions: mentions) { _ = try Self.decode(body) }
        }
    }

    @Test func everyTruncationOfARequestIsAnError() throws {
        let body = Self.bytes(
            #"{"id":"a\"b","parameters":{"routing_key":"k"},"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[[1.5,-2e3],[0,null]]}],"outputs":[{"name":"y"}]}"#
        )
        _ = try OpenInferenceCodec.decodeInferenceRequest(body, model: "m")
        for length in 0..<body.count {
            #expect(throws: MLOpsError.self) {
                _ = try OpenInferenceCodec.decodeInferenceRequest(Array(body[..<length]), model: "m")
            }
        }
    }

    @Test func randomDamageNeverCrashesAndOnlyThrowsMLOpsErrors() throws {
        let valid = Self.bytes(
            #"{"id":"7","inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[[1,2.5,-3e-2],[4,5,6]]},{"name":"s","shape":[1],"datatype":"BYTES","data":["h\u00e9"]}],"outputs":[{"name":"y"}]}"#
        )
        let alphabet = Array(#"{}[],:"\ -+.0123456789eEtruefalsnl"#.utf8) + [0, 0x7F, 0xC3, 0xFF]
        var random = SeededRandom(seed: 2026)
        var accepted = 0
        for _ in 0..<(Self.longTests ? 200_000 : 4_000) {
            var body = valid
            for _ in 0...random.int(in: 0..<4) {
                let position = random.int(in: 0..<body.count)
                switch random.int(in: 0..<3) {
                case 0: body[position] = alphabet[random.int(in: 0..<alphabet.count)]
                case 1: body.remove(at: position)
                default: body.insert(alphabet[random.int(in: 0..<alphabet.count)], at: position)
                }
            }
            do {
                _ = try OpenInferenceCodec.decodeInferenceRequest(body, model: "m", inputTypes: ["x": .float32])
                accepted += 1
            } catch is MLOpsError {
            } catch {
                Issue.record("not an MLOpsError: \(error)")
            }
        }
        // Some damage is harmless (a digit changed), most is not.
        #expect(accepted > 0)
    }
}
