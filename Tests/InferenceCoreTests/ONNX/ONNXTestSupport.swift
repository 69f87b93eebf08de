import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// Builds protobuf bytes by hand for tests (the inverse of `ProtobufReader`).
struct TestProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: Int, _ wireType: UInt8) {
        varint(UInt64(field) << 3 | UInt64(wireType))
    }

    mutating func int(_ field: Int, _ value: Int64) {
        tag(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func float(_ field: Int, _ value: Float) {
        tag(field, 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bytesField(_ field: Int, _ value: [UInt8]) {
        tag(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ field: Int, _ value: String) {
        bytesField(field, Array(value.utf8))
    }

    mutating func message(_ field: Int, _ build: (inout TestProtobufWriter) -> Void) {
        var inner = TestProtobufWriter()
        build(&inner)
        bytesField(field, inner.bytes)
    }

    mutating func packedFloats(_ field: Int, _ values: [Float]) {
        var payload: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        bytesField(field, payload)
    }

    /// NodeProto.attribute helpers (field 5 of NodeProto).
    mutating func attribute(_ name: String, float value: Float) {
        message(5) { a in
            a.string(1, name)
            a.float(2, value)
            a.int(20, 1)
        }
    }

    mutating func attribute(_ name: String, int value: Int64) {
        message(5) { a in
            a.string(1, name)
            a.int(3, value)
            a.int(20, 2)
        }
    }

    mutating func attribute(_ name: String, string value: String) {
        message(5) { a in
            a.string(1, name)
            a.string(4, value)
            a.int(20, 3)
        }
    }

    mutating func attribute(_ name: String, floats values: [Float]) {
        message(5) { a in
            a.string(1, name)
            for v in values { a.float(7, v) }
            a.int(20, 6)
        }
    }

    mutating func attribute(_ name: String, ints values: [Int64]) {
        message(5) { a in
            a.string(1, name)
            for v in values { a.int(8, v) }
            a.int(20, 7)
        }
    }

    mutating func attribute(_ name: String, strings values: [String]) {
        message(5) { a in
            a.string(1, name)
            for v in values { a.string(9, v) }
            a.int(20, 8)
        }
    }

    mutating func attribute(_ name: String, tensor build: (inout TestProtobufWriter) -> Void) {
        message(5) { a in
            a.string(1, name)
            a.message(5, build)
            a.int(20, 4)
        }
    }

    mutating func packedInts(_ field: Int, _ values: [Int64]) {
        var inner = TestProtobufWriter()
        for v in values { inner.varint(UInt64(bitPattern: v)) }
        bytesField(field, inner.bytes)
    }
}

/// Hand-built ONNX models for tests.
enum ONNXTestModels {
    /// The error importing `bytes` gives (and compiling, when `compile`), or `nil` if it is accepted;
    /// an error that is not an `MLOpsError` is recorded as an issue.
    static func importError(_ bytes: [UInt8], compile: Bool = false) -> MLOpsError? {
        do {
            let graph = try ONNXImporter.importGraph(serializedBytes: bytes)
            if compile { _ = try graph.compile() }
            return nil
        } catch let error as MLOpsError {
            return error
        } catch {
            Issue.record("not an MLOpsError: \(error)")
            return nil
        }
    }

    /// A ValueInfoProto for a float tensor with the given dims (`nil` = unspecified dimension).
    static func valueInfo(
        _ writer: inout TestProtobufWriter, field: Int, name: String, elemType: Int64 = 1, dims: [Int64?]?
    ) {
        writer.message(field) { v in
            v.string(1, name)
            v.message(2) { t in
                t.message(1) { tt in
                    tt.int(1, elemType)
                    if let dims {
                        tt.message(2) { s in
                            for d in dims {
                                s.message(1) { dim in if let d { dim.int(1, d) } }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A node message.
    static func node(
        _ writer: inout TestProtobufWriter, op: String, domain: String = "", name: String = "",
        inputs: [String], outputs: [String], attributes: (inout TestProtobufWriter) -> Void = { _ in }
    ) {
        writer.message(1) { n in
            for i in inputs { n.string(1, i) }
            for o in outputs { n.string(2, o) }
            if !name.isEmpty { n.string(3, name) }
            n.string(4, op)
            attributes(&n)
            if !domain.isEmpty { n.string(7, domain) }
        }
    }

    /// A float tensor message body (raw_data when `raw`, else float_data).
    static func floatTensor(_ t: inout TestProtobufWriter, name: String, dims: [Int64], values: [Float], raw: Bool) {
        for d in dims { t.int(1, d) }
        t.int(2, 1)
        if raw {
            var payload: [UInt8] = []
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
            t.string(8, name)
            t.bytesField(9, payload)
        } else {
            t.packedFloats(4, values)
            t.string(8, name)
        }
    }

    /// An int64 tensor message body (packed int64_data).
    static func int64Tensor(_ t: inout TestProtobufWriter, name: String, dims: [Int64], values: [Int64]) {
        for d in dims { t.int(1, d) }
        t.int(2, 7)
        t.packedInts(7, values)
        t.string(8, name)
    }

    /// A model with one float input `X` [N, width] and the given outputs (name, elem type, dims).
    static func simple(
        opsets: [(String, Int64)] = [("", 17)], width: Int64,
        outputs: [(String, Int64, [Int64?]?)],
        body: (inout TestProtobufWriter) -> Void
    ) -> [UInt8] {
        model(opsets: opsets) { g in
            body(&g)
            valueInfo(&g, field: 11, name: "X", dims: [nil, width])
            for (name, type, dims) in outputs { valueInfo(&g, field: 12, name: name, elemType: type, dims: dims) }
        }
    }

    /// A whole model around a graph body, with the given opsets.
    static func model(
        opsets: [(String, Int64)] = [("", 17)], irVersion: Int64 = 8,
        graph: (inout TestProtobufWriter) -> Void
    ) -> [UInt8] {
        var w = TestProtobufWriter()
        w.int(1, irVersion)
        w.string(2, "tests")
        w.message(7) { g in
            graph(&g)
            g.string(2, "g")
        }
        for (domain, version) in opsets {
            w.message(8) { o in
                if !domain.isEmpty { o.string(1, domain) }
                o.int(2, version)
            }
        }
        return w.bytes
    }
}

/// Access to the interop fixtures copied into the test bundle.
enum ONNXFixtures {
    static var directory: URL {
        get throws {
            // `.copy("Resources")` keeps the folder; where it lands differs between platforms'
            // bundle layouts, so look in the candidate places.
            let bundle = Bundle.module
            let candidates = [bundle.resourceURL, bundle.bundleURL].compactMap { $0 }.flatMap {
                [$0.appendingPathComponent("Interop"), $0.appendingPathComponent("Resources/Interop")]
            }
            let found = candidates.first { FileManager.default.fileExists(atPath: $0.path) }
            return try #require(found, "Interop fixtures not found in \(candidates)")
        }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try directory.appendingPathComponent(name)))
    }

    /// Parses a fixture CSV (header + rows; empty field = NaN) into column names and rows of Doubles.
    static func csv(_ name: String) throws -> (header: [String], rows: [[Double]]) {
        let text = String(decoding: try bytes(name), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = try lines.map { line in
            try line.split(separator: ",", omittingEmptySubsequences: false).map { field -> Double in
                if field.isEmpty { return .nan }
                return try #require(Double(field))
            }
        }
        return (header, rows)
    }
}
