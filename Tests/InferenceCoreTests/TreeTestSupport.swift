import Foundation
import InferenceCore
import MLOpsCore
import Testing

/// Fixture access and comparison helpers for the tree-ensemble tests.
enum TreeFixtures {
    /// The URL of a file in the test bundle's `Resources/<folder>/`.
    ///
    /// `.copy("Resources")` keeps the folder, but where it lands differs between platforms'
    /// bundle layouts, so look in the candidate places.
    static func url(_ folder: String, _ name: String) throws -> URL {
        let bundle = Bundle.module
        let candidates = [bundle.resourceURL, bundle.bundleURL].compactMap { $0 }.flatMap {
            [$0.appendingPathComponent(folder), $0.appendingPathComponent("Resources/\(folder)")]
        }
        let found = candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(name).path) }
        return try #require(found, "\(folder)/\(name) not found in \(candidates)").appendingPathComponent(name)
    }

    /// The path of a fixture file.
    static func path(_ folder: String, _ name: String) throws -> String {
        try url(folder, name).path
    }

    /// The bytes of a fixture file.
    static func bytes(_ folder: String, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(folder, name)))
    }

    /// The text of a fixture file.
    static func text(_ folder: String, _ name: String) throws -> String {
        String(decoding: try bytes(folder, name), as: UTF8.self)
    }

    /// Reads a fixture CSV: a header line, then rows of numbers; an empty field is NaN.
    static func csv(_ folder: String, _ name: String) throws -> FixtureTable {
        try FixtureTable(text: text(folder, name))
    }
}

/// A small numeric CSV table (the fixtures' format).
struct FixtureTable {
    var header: [String]
    var rows: [[Double]]

    init(text: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        let first = try #require(lines.first, "empty CSV")
        header = first.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        lines.removeFirst()
        rows = try lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == first.split(separator: ",", omittingEmptySubsequences: false).count)
            return try fields.map { field in
                if field.isEmpty { return .nan }
                return try #require(Double(field), "not a number: \(field)")
            }
        }
    }

    /// The values of one column.
    func column(_ name: String) throws -> [Double] {
        let index = try #require(header.firstIndex(of: name), "no column \(name) in \(header)")
        return rows.map { $0[index] }
    }

    /// All rows, flattened row-major.
    var flat: [Double] { rows.flatMap { $0 } }
}

/// Checks `|got - expected| <= atol + rtol * |expected|` for every value (NaN must match NaN) and
/// reports the first few failures with their row.
func expectClose(
    _ got: [Double],
    _ expected: [Double],
    atol: Double,
    rtol: Double,
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        got.count == expected.count, "\(what): \(got.count) values, expected \(expected.count)",
        sourceLocation: sourceLocation)
    var failures = 0
    for (index, (value, target)) in zip(got, expected).enumerated() {
        let ok = target.isNaN ? value.isNaN : abs(value - target) <= atol + rtol * abs(target)
        if !ok {
            failures += 1
            if failures <= 5 {
                Issue.record("\(what)[\(index)] = \(value), expected \(target)", sourceLocation: sourceLocation)
            }
        }
    }
    #expect(failures == 0, "\(what): \(failures) value(s) out of tolerance", sourceLocation: sourceLocation)
}

/// Expects `body` to throw an ``MLOpsError`` with one of `codes`.
func expectMLOpsError<R>(
    _ codes: [MLOpsError.Code],
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) {
    do {
        _ = try body()
        Issue.record("\(what): expected an error \(codes), but it succeeded", sourceLocation: sourceLocation)
    } catch let error as MLOpsError {
        #expect(codes.contains(error.code), "\(what): got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what): expected MLOpsError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// A deterministic generator for test data.
struct TreeTestRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
