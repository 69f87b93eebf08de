// The swift-mlops side of compare/profile_vs_whylogs.py: reads the table the script wrote, profiles it
// `--reps` times after one warm-up (timing only `DatasetProfile(table)`, not the file reading or the
// building of the Table), and prints one JSON line with the seconds of each rep, the profile's quantiles
// and distinct-count estimates per column, and its serialised size.
//
//     ProfileCompare FILE [--reps N]
//
// File layout (little-endian): u64 rows, u32 numeric columns, u32 categorical columns; per numeric
// column: u32 name length, name, rows float64; per categorical column: u32 name length, name, u32
// category count, per category u32 length + UTF-8, then rows u32 codes.
import CompareSupport
import Foundation
import MLOpsCore
import Monitoring

var arguments = Array(CommandLine.arguments.dropFirst())
var reps = 5
if let index = arguments.firstIndex(of: "--reps"), index + 1 < arguments.count, let value = Int(arguments[index + 1]) {
    reps = value
    arguments.removeSubrange(index...(index + 1))
}
guard let path = arguments.first, let data = FileManager.default.contents(atPath: path) else {
    fail("usage: ProfileCompare FILE [--reps N]", code: 2)
}
struct Reader {
    let bytes: [UInt8]
    var offset = 0

    mutating func u32() -> Int {
        defer { offset += 4 }
        return bytes[offset..<(offset + 4)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    }

    mutating func u64() -> Int {
        defer { offset += 8 }
        return bytes[offset..<(offset + 8)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    }

    mutating func text() -> String {
        let length = u32()
        defer { offset += length }
        return String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
    }
}

let bytes = [UInt8](data)
var reader = Reader(bytes: bytes)
let rows = reader.u64()
let numeric = reader.u32()
let categorical = reader.u32()
var columns: [Column] = []
for _ in 0..<numeric {
    let name = reader.text()
    var values = [Double](repeating: 0, count: rows)
    values.withUnsafeMutableBytes { target in
        bytes.withUnsafeBytes { source in
            target.copyMemory(
                from: UnsafeRawBufferPointer(rebasing: source[reader.offset..<(reader.offset + 8 * rows)]))
        }
    }
    reader.offset += 8 * rows
    columns.append(.double(name, values))
}
for _ in 0..<categorical {
    let name = reader.text()
    let categories = (0..<reader.u32()).map { _ in reader.text() }
    var values: [String] = []
    values.reserveCapacity(rows)
    bytes.withUnsafeBytes { raw in
        for row in 0..<rows {
            let code = Int(
                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: reader.offset + 4 * row, as: UInt32.self)))
            values.append(categories[code])
        }
    }
    reader.offset += 4 * rows
    columns.append(.string(name, values))
}
let table: Table
do { table = try Table(columns: columns) } catch { fail("\(error)", code: 2) }

var seconds: [Double] = []
var profile = DatasetProfile(table)  // warm-up
for _ in 0..<reps {
    let start = ContinuousClock.now
    profile = DatasetProfile(table)
    seconds.append(CompareSupport.seconds(start.duration(to: .now)))
}
let fractions = DatasetProfile.summaryQuantiles
var quantiles: [String] = []
var cardinality: [String] = []
var items: [String] = []
for column in profile.columns {
    if let values = column.quantiles?.quantiles(fractions) {
        quantiles.append("\"\(column.name)\": [\(values.map { String($0 ?? .nan) }.joined(separator: ", "))]")
    }
    cardinality.append("\"\(column.name)\": \(column.cardinality.estimate)")
    if let frequent = column.frequentItems {
        let top = frequent.items().prefix(5).map {
            "[\"\($0.value)\", \($0.estimate), \($0.lowerBound), \($0.upperBound)]"
        }
        items.append("\"\(column.name)\": [\(top.joined(separator: ", "))]")
    }
}
let rankError = profile.columns.first?.quantiles?.normalizedRankError ?? 0
print(
    "{\"seconds\": [\(seconds.map { String($0) }.joined(separator: ", "))], \"rows\": \(rows), "
        + "\"columns\": \(columns.count), \"serialized_bytes\": \(profile.serialized().count), "
        + "\"rank_error\": \(rankError), "
        + "\"hll_standard_error\": \(profile.columns.first?.cardinality.relativeStandardError ?? 0), "
        + "\"quantiles\": {\(quantiles.joined(separator: ", "))}, "
        + "\"cardinality\": {\(cardinality.joined(separator: ", "))}, "
        + "\"frequent_items\": {\(items.joined(separator: ", "))}}")
