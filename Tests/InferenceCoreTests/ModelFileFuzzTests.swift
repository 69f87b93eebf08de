import Foundation
import MLOpsCore
import Testing

@testable import InferenceCore

/// Mutations of every model fixture (Interop and Trees): byte flips, truncations, insertions,
/// duplicated regions and numbers replaced by extreme ones. Each mutation either loads — and
/// then predicting the fixture's inputs succeeds or throws `MLOpsError` — or throws
/// `MLOpsError`; never another error, never a crash, and with the compile-time bounds on,
/// never an absurd allocation.
///
/// The default budget is a few hundred mutations; `MLOPS_LONG_TESTS=1` runs 10,000. The seed
/// is printed; `MLOPS_FUZZ_SEED=<n>` replays a run.
struct ModelFileFuzzTests {
    /// One fixture: the model's bytes and, when the fixture has them, inputs to predict.
    struct Fixture {
        var name: String
        var bytes: [UInt8]
        var inputs: Table?
    }

    /// Every model file of the two fixture folders, with its inputs.
    static func fixtures() throws -> [Fixture] {
        var result: [Fixture] = []
        for folder in ["Interop", "Trees"] {
            let directory = try TreeFixtures.url(folder, "README.md").deletingLastPathComponent()
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            for name in names where name != "manifest.json" {
                guard name.hasSuffix(".json") || name.hasSuffix(".txt") || name.hasSuffix(".onnx") else { continue }
                let stem = String(name[..<(name.lastIndex(of: ".") ?? name.endIndex)])
                let candidates = ["\(stem)_inputs.csv"] + (name.hasSuffix(".onnx") ? ["onnx_inputs.csv"] : [])
                let inputs = try candidates.first { names.contains($0) }.map {
                    try Table.readCSV(path: directory.appendingPathComponent($0).path)
                }
                let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
                result.append(Fixture(name: "\(folder)/\(name)", bytes: bytes, inputs: inputs))
            }
        }
        return result
    }

    /// Numbers a mutation may put in place of one in the text: bounds, overflows and nonsense.
    static let extremeNumbers = [
        "0", "-1", "1", "4294967296", "2147483648", "9223372036854775807", "99999999999999999999999", "1e308",
        "-1e308", "1e-320", "nan", "inf", "16777217", "65537", "",
    ]

    /// Applies one random mutation to `bytes` and says what it did.
    static func mutate(_ bytes: [UInt8], _ random: inout SeededRandom) -> ([UInt8], String) {
        var out = bytes
        let count = bytes.count
        switch random.int(in: 0..<6) {
        case 0:
            let flips = random.int(in: 1...8)
            var offsets: [Int] = []
            for _ in 0..<flips where count > 0 {
                let offset = random.int(in: 0..<count)
                out[offset] ^= UInt8(random.int(in: 1...255))
                offsets.append(offset)
            }
            return (out, "flip bytes at \(offsets)")
        case 1:
            let length = random.int(in: 0..<max(count, 1))
            return (Array(out.prefix(length)), "truncate to \(length) bytes")
        case 2:
            let offset = random.int(in: 0...count)
            let inserted = (0..<random.int(in: 1...64)).map { _ in UInt8(random.int(in: 0...255)) }
            out.insert(contentsOf: inserted, at: offset)
            return (out, "insert \(inserted.count) random bytes at \(offset)")
        case 3:
            guard count > 1 else { return (out, "unchanged") }
            let start = random.int(in: 0..<count)
            let length = random.int(in: 1...min(4096, count - start))
            let target = random.int(in: 0...count)
            out.insert(contentsOf: bytes[start..<(start + length)], at: target)
            return (out, "duplicate \(length) bytes from \(start) at \(target)")
        case 4:
            // Replace a run of digits with an extreme number (sizes, counts, indices, dims).
            let digits = bytes.indices.filter { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
            guard let pick = digits.isEmpty ? nil : digits[random.int(in: 0..<digits.count)] else {
                return (out, "unchanged")
            }
            var start = pick
            var end = pick + 1
            while start > 0, bytes[start - 1] >= 0x30, bytes[start - 1] <= 0x39 { start -= 1 }
            while end < count, bytes[end] >= 0x30, bytes[end] <= 0x39 { end += 1 }
            let number = extremeNumbers[random.int(in: 0..<extremeNumbers.count)]
            out.replaceSubrange(start..<end, with: Array(number.utf8))
            return (out, "replace the number at \(start)..<\(end) with \"\(number)\"")
        default:
            // Protobuf-minded: a run of 0xFF (an overlong varint or a huge length) at a random place.
            guard count > 0 else { return (out, "unchanged") }
            let offset = random.int(in: 0..<count)
            let length = min(random.int(in: 1...10), count - offset)
            for i in offset..<(offset + length) { out[i] = 0xFF }
            return (out, "set \(length) bytes at \(offset) to 0xFF")
        }
    }

    /// Options for hostile files: the defaults, with a smaller arena so a prediction cannot
    /// plan gigabytes.
    static var options: Model.Options {
        var options = Model.Options()
        options.compile = CompileOptions(prepareBatchSizes: [1], maxArenaBytes: 1 << 28)
        return options
    }

    @Test func mutatedModelFilesFailCleanly() throws {
        let environment = ProcessInfo.processInfo.environment
        let long = environment["MLOPS_LONG_TESTS"] == "1"
        let seed = environment["MLOPS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x4D4C_4F50_5339
        let fixtures = try Self.fixtures()
        #expect(fixtures.count >= 28, "\(fixtures.map(\.name))")
        let total = long ? 10_000 : 600
        print(
            "model-file fuzz: seed \(seed), \(total) mutations of \(fixtures.count) fixtures (MLOPS_FUZZ_SEED=\(seed) replays)"
        )
        var random = SeededRandom(seed: seed)
        var loaded = 0
        var predicted = 0
        for index in 0..<total {
            let fixture = fixtures[index % fixtures.count]
            let (bytes, mutation) = Self.mutate(fixture.bytes, &random)
            let context = "seed \(seed), case \(index): \(fixture.name), \(mutation)"
            let model: Model
            do {
                model = try Model(bytes: bytes, source: fixture.name, options: Self.options)
            } catch let error as MLOpsError {
                #expect(!error.message.isEmpty, "\(context): an error without a message")
                continue
            } catch {
                Issue.record("\(context): loading threw \(type(of: error)), not MLOpsError: \(error)")
                continue
            }
            loaded += 1
            guard let inputs = fixture.inputs else { continue }
            do {
                let output = try model.predict(inputs)
                #expect(output.rowCount == inputs.rowCount, "\(context)")
                predicted += 1
            } catch is MLOpsError {
                continue
            } catch {
                Issue.record("\(context): predicting threw \(type(of: error)), not MLOpsError: \(error)")
            }
        }
        print("model-file fuzz: \(loaded) of \(total) mutations loaded, \(predicted) predicted")
    }

    /// The mutations themselves are reproducible from the seed.
    @Test func mutationsReplayFromTheSeed() {
        let bytes = Array("tree\nversion=v4\nnum_class=1\n".utf8)
        var a = SeededRandom(seed: 7)
        var b = SeededRandom(seed: 7)
        for _ in 0..<50 {
            let (x, what) = Self.mutate(bytes, &a)
            let (y, same) = Self.mutate(bytes, &b)
            #expect(x == y && what == same)
        }
    }
}
