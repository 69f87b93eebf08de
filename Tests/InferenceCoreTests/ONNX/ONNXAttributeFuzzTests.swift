import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// Attribute-level fuzzing of the skl2onnx cases: one node attribute at a time gets a hostile value
/// (extreme integers, NaN/∞, lists one element short or long, empty or unknown strings, dropped or
/// duplicated attributes, subgraph bodies included) and the model is re-encoded with correct
/// lengths, so the mutation reaches the operator's converter, shape inference and kernel instead of
/// stopping at the protobuf reader. Every outcome must be an `MLOpsError` or a prediction; a crash
/// fails the run.
///
/// 400 mutations by default, 3,000 with `MLOPS_LONG_TESTS=1`; `MLOPS_FUZZ_SEED` replays a run.
struct ONNXAttributeFuzzTests {
    /// A protobuf message as its fields, with the messages on the path to node attributes decoded.
    indirect enum Field {
        case varint(Int, UInt64)
        case fixed32(Int, UInt32)
        case fixed64(Int, UInt64)
        case bytes(Int, [UInt8])
        case message(Int, [Field])

        var number: Int {
            switch self {
            case .varint(let n, _), .fixed32(let n, _), .fixed64(let n, _), .bytes(let n, _), .message(let n, _): n
            }
        }
    }

    /// Which length-delimited fields are decoded as messages, by the message they are in:
    /// ModelProto.graph (7), GraphProto.node (1), NodeProto.attribute (5), AttributeProto.g (6) and
    /// .graphs (11).
    enum Kind { case model, graph, node, attribute, opaque }

    static func child(_ kind: Kind, _ field: Int) -> Kind {
        switch (kind, field) {
        case (.model, 7): .graph
        case (.graph, 1): .node
        case (.node, 5): .attribute
        case (.attribute, 6), (.attribute, 11): .graph
        default: .opaque
        }
    }

    struct Malformed: Error {}

    static func decode(_ bytes: ArraySlice<UInt8>, _ kind: Kind) throws -> [Field] {
        var fields: [Field] = []
        var i = bytes.startIndex
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < bytes.endIndex, shift < 64 else { throw Malformed() }
                let byte = bytes[i]
                i += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while i < bytes.endIndex {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append(.varint(number, try varint()))
            case 1:
                guard bytes.endIndex - i >= 8 else { throw Malformed() }
                var v: UInt64 = 0
                for k in 0..<8 { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
                i += 8
                fields.append(.fixed64(number, v))
            case 5:
                guard bytes.endIndex - i >= 4 else { throw Malformed() }
                var v: UInt32 = 0
                for k in 0..<4 { v |= UInt32(bytes[i + k]) << (8 * UInt32(k)) }
                i += 4
                fields.append(.fixed32(number, v))
            case 2:
                let length = Int(try varint())
                guard length <= bytes.endIndex - i else { throw Malformed() }
                let payload = bytes[i..<(i + length)]
                i += length
                let inner = child(kind, number)
                fields.append(
                    inner == .opaque ? .bytes(number, Array(payload)) : .message(number, try decode(payload, inner)))
            default: throw Malformed()
            }
        }
        return fields
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func encode(_ fields: [Field]) -> [UInt8] {
        var out: [UInt8] = []
        for field in fields {
            switch field {
            case .varint(let n, let v):
                appendVarint(UInt64(n) << 3, to: &out)
                appendVarint(v, to: &out)
            case .fixed32(let n, let v):
                appendVarint(UInt64(n) << 3 | 5, to: &out)
                for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) }
            case .fixed64(let n, let v):
                appendVarint(UInt64(n) << 3 | 1, to: &out)
                for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
            case .bytes(let n, let payload):
                appendVarint(UInt64(n) << 3 | 2, to: &out)
                appendVarint(UInt64(payload.count), to: &out)
                out += payload
            case .message(let n, let inner):
                let payload = encode(inner)
                appendVarint(UInt64(n) << 3 | 2, to: &out)
                appendVarint(UInt64(payload.count), to: &out)
                out += payload
            }
        }
        return out
    }

    /// The paths (field indices from the root) of every AttributeProto, subgraphs included.
    static func attributePaths(_ fields: [Field], _ kind: Kind, prefix: [Int] = []) -> [[Int]] {
        var paths: [[Int]] = []
        for (index, field) in fields.enumerated() {
            guard case .message(let number, let inner) = field else { continue }
            let innerKind = child(kind, number)
            if innerKind == .attribute { paths.append(prefix + [index]) }
            paths += attributePaths(inner, innerKind, prefix: prefix + [index])
        }
        return paths
    }

    /// Applies `change` to the message's fields at `path` (indices into nested field lists).
    static func update(_ fields: inout [Field], at path: ArraySlice<Int>, _ change: (inout [Field]) -> Void) {
        guard let first = path.first, fields.indices.contains(first) else { return change(&fields) }
        if path.count == 1 {
            guard case .message(let n, var inner) = fields[first] else { return }
            change(&inner)
            fields[first] = .message(n, inner)
            return
        }
        guard case .message(let n, var inner) = fields[first] else { return }
        update(&inner, at: path.dropFirst(), change)
        fields[first] = .message(n, inner)
    }

    static let extremeInts: [Int64] = [
        -1, 0, 1, 2, 3, -2, 1000, 65_537, Int64(Int32.max) + 1, Int64(Int32.min), 1 << 40, .max, .min,
    ]
    static let extremeFloats: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, -1, 1e30, -1e30, .leastNonzeroMagnitude]
    static let strangeStrings = ["", "BOGUS", "LINEAR\u{0}", String(repeating: "x", count: 300), "NaN"]

    static func packedVarints(_ payload: [UInt8]) -> [UInt64]? {
        var values: [UInt64] = []
        var i = 0
        while i < payload.count {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < payload.count, shift < 64 else { return nil }
                let byte = payload[i]
                i += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            values.append(value)
        }
        return values
    }

    /// One hostile change to one attribute; returns what it did.
    static func mutate(_ attribute: inout [Field], _ random: inout SeededRandom) -> String {
        var name = "?"
        for case .bytes(1, let bytes) in attribute { name = String(decoding: bytes, as: UTF8.self) }
        let candidates = attribute.indices.filter { attribute[$0].number != 1 && attribute[$0].number != 20 }
        guard let index = candidates.isEmpty ? nil : candidates[random.int(in: 0..<candidates.count)] else {
            return "\(name): nothing to change"
        }
        if random.int(in: 0..<10) == 0 {
            attribute.remove(at: index)
            return "\(name): value removed"
        }
        switch attribute[index] {
        case .varint(let n, _):
            let value = extremeInts[random.int(in: 0..<extremeInts.count)]
            attribute[index] = .varint(n, UInt64(bitPattern: value))
            return "\(name) = \(value)"
        case .fixed32(let n, _):
            let value = extremeFloats[random.int(in: 0..<extremeFloats.count)]
            attribute[index] = .fixed32(n, value.bitPattern)
            return "\(name) = \(value)"
        case .bytes(let n, var payload):
            switch n {
            case 7 where payload.count >= 4:  // packed floats
                let element = random.int(in: 0..<(payload.count / 4))
                switch random.int(in: 0..<3) {
                case 0:
                    let value = extremeFloats[random.int(in: 0..<extremeFloats.count)]
                    for k in 0..<4 {
                        payload[element * 4 + k] = UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32(k)))
                    }
                    attribute[index] = .bytes(n, payload)
                    return "\(name)[\(element)] = \(value)"
                case 1:
                    attribute[index] = .bytes(n, Array(payload.dropLast(4)))
                    return "\(name): one float short"
                default:
                    attribute[index] = .bytes(n, payload + payload.suffix(4))
                    return "\(name): one float more"
                }
            case 8:  // packed ints
                guard var values = packedVarints(payload), !values.isEmpty else { return "\(name): unreadable" }
                switch random.int(in: 0..<3) {
                case 0:
                    let element = random.int(in: 0..<values.count)
                    let value = extremeInts[random.int(in: 0..<extremeInts.count)]
                    values[element] = UInt64(bitPattern: value)
                case 1: values.removeLast()
                default: values.append(values[random.int(in: 0..<values.count)])
                }
                var out: [UInt8] = []
                for v in values { appendVarint(v, to: &out) }
                attribute[index] = .bytes(n, out)
                return "\(name): ints now \(values.prefix(8).map { Int64(bitPattern: $0) })…"
            default:  // a string (s, strings) or a tensor: replace strings, flip tensor bytes
                if n == 4 || n == 9 {
                    let value = strangeStrings[random.int(in: 0..<strangeStrings.count)]
                    attribute[index] = .bytes(n, Array(value.utf8))
                    return "\(name) = \"\(value.prefix(20))\""
                }
                guard !payload.isEmpty else { return "\(name): empty" }
                let offset = random.int(in: 0..<payload.count)
                payload[offset] ^= UInt8(random.int(in: 1...255))
                attribute[index] = .bytes(n, payload)
                return "\(name): byte \(offset) of field \(n) flipped"
            }
        case .message(let n, let inner):
            // A subgraph: drop one of its fields (a node, an input, an output, an initializer).
            guard !inner.isEmpty else { return "\(name): empty subgraph" }
            var copy = inner
            let dropped = random.int(in: 0..<copy.count)
            copy.remove(at: dropped)
            attribute[index] = .message(n, copy)
            return "\(name): subgraph field \(dropped) dropped"
        case .fixed64(let n, _):
            attribute[index] = .fixed64(n, UInt64.max)
            return "\(name): fixed64 max"
        }
    }

    @Test func hostileAttributeValuesFailCleanly() throws {
        let environment = ProcessInfo.processInfo.environment
        let long = environment["MLOPS_LONG_TESTS"] == "1"
        let seed = environment["MLOPS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x4154_5452_4655_5A5A
        let names = SKL2ONNXCaseTests.names
        try #require(!names.isEmpty)
        let cases = try names.map { try SKL2ONNXCaseTests.load($0) }
        let total = long ? 3_000 : 400
        print("attribute fuzz: seed \(seed), \(total) mutations of \(cases.count) models (MLOPS_FUZZ_SEED replays)")
        var random = SeededRandom(seed: seed)
        let options = CompileOptions(prepareBatchSizes: [1], maxArenaBytes: 1 << 28)
        var (imported, predicted, refused) = (0, 0, 0)
        for index in 0..<total {
            let testCase = cases[index % cases.count]
            var fields = try Self.decode(testCase.modelBytes[...], .model)
            let paths = Self.attributePaths(fields, .model)
            guard !paths.isEmpty else { continue }
            let path = paths[random.int(in: 0..<paths.count)]
            var what = ""
            if random.int(in: 0..<20) == 0 {
                // Duplicate the whole attribute in its node.
                Self.update(&fields, at: path.dropLast()) { node in node.append(node[path[path.count - 1]]) }
                what = "attribute duplicated"
            } else {
                Self.update(&fields, at: path[...]) { attribute in what = Self.mutate(&attribute, &random) }
            }
            let context = "seed \(seed), case \(index): \(testCase.name), \(what)"
            do {
                let graph = try ONNXImporter.importGraph(serializedBytes: Self.encode(fields))
                imported += 1
                let compiled = try graph.compile(options: options)
                _ = try compiled.predict(testCase.inputs)
                predicted += 1
            } catch let error as MLOpsError {
                refused += 1
                #expect(!error.message.isEmpty, "\(context): an error without a message")
            } catch {
                Issue.record("\(context): threw \(type(of: error)), not MLOpsError: \(error)")
            }
        }
        print("attribute fuzz: \(imported) imported, \(predicted) predicted, \(refused) refused with MLOpsError")
    }

    /// Decoding and re-encoding an unmutated model gives its bytes back.
    @Test func reencodingIsLossless() throws {
        for name in SKL2ONNXCaseTests.names.prefix(10) {
            let bytes = try SKL2ONNXCaseTests.load(name).modelBytes
            #expect(Self.encode(try Self.decode(bytes[...], .model)) == bytes, "\(name)")
        }
    }
}
