import Foundation
import MLOpsCore
import Testing

@testable import Monitoring

@Suite struct DatasetProfileTests {
    static func sampleTable(rows: Int, seed: UInt64) throws -> Table {
        var random = SeededRandom(seed: seed)
        var x: [Double?] = []
        var f: [Float?] = []
        var n: [Int64?] = []
        var s: [String?] = []
        var b: [Bool?] = []
        for row in 0..<rows {
            x.append(row % 17 == 0 ? nil : (row % 101 == 0 ? .nan : random.normal(mean: 1, standardDeviation: 3)))
            f.append(Float(random.uniform(in: 0..<10)))
            n.append(row % 13 == 0 ? nil : Int64(random.int(in: 0..<50)))
            s.append(row % 11 == 0 ? nil : "c\(min(random.int(in: 0..<30), random.int(in: 0..<30)))")
            b.append(row % 7 == 0 ? nil : random.nextDouble() < 0.3)
        }
        return try Table(columns: [
            .double("x", x), .float("f", f), .int("n", n), .string("s", s), .bool("b", b),
        ])
    }

    @Test func countsTypesAndMomentsAreExact() throws {
        let table = try Self.sampleTable(rows: 20_000, seed: 1)
        let profile = DatasetProfile(table)
        #expect(profile.columnNames == ["x", "f", "n", "s", "b"])
        #expect(profile.rowCount == 20_000)
        let x = try #require(profile["x"])
        let column = try #require(table["x"])
        let present = try column.doubles().enumerated().filter { !column.isMissing(at: $0.offset) }.map(\.element)
        let finite = present.filter { !$0.isNaN }
        #expect(x.count == 20_000)
        #expect(x.missingCount == 20_000 - finite.count)
        #expect(x.typeCounts.fractional == finite.count)
        #expect(x.statistics.count == finite.count)
        #expect(x.statistics.missingCount == present.count - finite.count)
        let exact = RunningStatistics(finite)
        #expect(abs(x.statistics.mean - exact.mean) < 1e-9)
        #expect(abs(x.statistics.variance - exact.variance) < 1e-8)
        #expect(x.statistics.minimum == exact.minimum && x.statistics.maximum == exact.maximum)
        #expect(x.frequentItems == nil)
        #expect(x.quantiles?.count == finite.count)

        let n = try #require(profile["n"])
        #expect(n.missingCount == (0..<20_000).filter { $0 % 13 == 0 }.count)
        #expect(n.typeCounts.integral == 20_000 - n.missingCount)
        #expect(n.frequentItems != nil)
        #expect(n.typeCounts.inferredType == .int)
        let s = try #require(profile["s"])
        #expect(s.typeCounts.string == 20_000 - (0..<20_000).filter { $0 % 11 == 0 }.count)
        #expect(s.quantiles == nil)
        #expect(abs(s.distinctEstimate - 30) <= 1)
        let items = try #require(s.frequentItems).items()
        #expect(items.count == 30)
        #expect(items.first?.value == "c0")
        let b = try #require(profile["b"])
        #expect(b.typeCounts.boolean + b.missingCount == 20_000)
        #expect(b.distinctEstimate == 2)
        #expect(b.typeCounts.inferredType == .bool)
    }

    @Test func rowUpdatesMatchTableUpdates() throws {
        let table = try Self.sampleTable(rows: 3_000, seed: 2)
        let whole = DatasetProfile(table)
        var rows = DatasetProfile()
        _ = try table.filter { row in
            try rows.update(with: row)
            return false
        }
        var dictionaries = DatasetProfile()
        for index in 0..<table.rowCount {
            var row: [String: TableValue] = [:]
            for column in table.columns { row[column.name] = column.value(at: index) }
            try dictionaries.update(with: row)
        }
        for name in table.columnNames {
            let a = try #require(whole[name])
            for b in [try #require(rows[name]), try #require(dictionaries[name])] {
                #expect(
                    a.count == b.count && a.missingCount == b.missingCount && a.typeCounts == b.typeCounts, "\(name)")
                #expect(a.statistics.count == b.statistics.count, "\(name)")
                #expect(a.statistics.missingCount == b.statistics.missingCount, "\(name)")
                #expect(abs(a.statistics.mean - b.statistics.mean) < 1e-9, "\(name)")
                #expect(a.cardinality == b.cardinality, "\(name)")
                #expect(a.frequentItems?.items() == b.frequentItems?.items(), "\(name)")
                #expect(a.quantiles?.quantile(0.5) == b.quantiles?.quantile(0.5), "\(name)")
            }
        }
        #expect(throws: MLOpsError.self) { try dictionaries.update(with: ["nope": .int(1)]) }
    }

    /// Merging profiles of random splits, in random orders and groupings, gives the profile of the whole.
    @Test func mergeIsAssociativeAndCommutative() throws {
        let table = try Self.sampleTable(rows: 30_000, seed: 3)
        let whole = DatasetProfile(table)
        var random = SeededRandom(seed: 4)
        for trial in 0..<4 {
            var cuts = Set<Int>()
            for _ in 0..<random.int(in: 1..<6) { cuts.insert(random.int(in: 1..<table.rowCount)) }
            let bounds = [0] + cuts.sorted() + [table.rowCount]
            var parts: [DatasetProfile] = []
            for index in 0..<(bounds.count - 1) {
                let slice = try table.rows(Array(bounds[index]..<bounds[index + 1]))
                parts.append(DatasetProfile(slice))
            }
            // Random order; left fold in one trial, pairwise tree in another.
            for index in stride(from: parts.count - 1, to: 0, by: -1) {
                parts.swapAt(index, random.int(in: 0..<(index + 1)))
            }
            while parts.count > 1 {
                let i = trial % 2 == 0 ? 0 : random.int(in: 0..<(parts.count - 1))
                var left = parts[i]
                try left.merge(parts[i + 1])
                parts.replaceSubrange(i...(i + 1), with: [left])
            }
            let merged = parts[0]
            #expect(merged.rowCount == whole.rowCount)
            for name in table.columnNames {
                let a = try #require(whole[name])
                let b = try #require(merged[name])
                #expect(a.count == b.count && a.missingCount == b.missingCount && a.typeCounts == b.typeCounts)
                #expect(a.statistics.count == b.statistics.count)
                #expect(a.statistics.minimum == b.statistics.minimum && a.statistics.maximum == b.statistics.maximum)
                #expect(abs(a.statistics.mean - b.statistics.mean) <= 1e-9 * max(1, abs(a.statistics.mean)))
                #expect(abs(a.statistics.variance - b.statistics.variance) <= 1e-9 * max(1, a.statistics.variance))
                #expect(a.cardinality == b.cardinality)
                if let truth = a.quantiles, let sketch = b.quantiles {
                    let sorted = try Self.finiteValues(table, name).sorted()
                    #expect(sketch.count == truth.count)
                    #expect(
                        KLLSketchTests.maximumRankError(sketch, sortedTruth: sorted) <= sketch.normalizedRankError)
                }
                if let items = b.frequentItems {
                    let truth = try Self.categoryCounts(table, name)
                    for item in items.items(.noFalseNegatives) {
                        let exact = truth[item.value] ?? 0
                        #expect(item.lowerBound <= exact && exact <= item.upperBound)
                    }
                }
            }
        }
    }

    static func finiteValues(_ table: Table, _ name: String) throws -> [Double] {
        let column = try #require(table[name])
        return try column.doubles().enumerated().filter { !column.isMissing(at: $0.offset) && $0.element.isFinite }
            .map(\.element)
    }

    static func categoryCounts(_ table: Table, _ name: String) throws -> [String: Int] {
        let column = try #require(table[name])
        var counts: [String: Int] = [:]
        for index in 0..<column.count where !column.isMissing(at: index) {
            counts[column.value(at: index).description, default: 0] += 1
        }
        return counts
    }

    @Test func mismatchedSchemasNameTheColumns() throws {
        var a = DatasetProfile(try Table(columns: [.double("x", [1]), .double("y", [2])]))
        let b = DatasetProfile(try Table(columns: [.double("x", [1]), .double("z", [2])]))
        do {
            try a.merge(b)
            Issue.record("merge of different columns succeeded")
        } catch let error as MLOpsError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("'y'") && error.message.contains("'z'"))
        }
        #expect(throws: MLOpsError.self) { try a.update(with: try Table(columns: [.double("q", [1])])) }
        let other = DatasetProfile(
            try Table(columns: [.double("x", [1]), .double("y", [2])]),
            configuration: try ProfileConfiguration(quantileK: 100))
        #expect(throws: MLOpsError.self) { try a.merge(other) }
        // Same columns in another order merge.
        try a.merge(DatasetProfile(try Table(columns: [.double("y", [3]), .double("x", [4])])))
        #expect(a["x"]?.count == 2)
    }

    @Test func edgeCases() throws {
        let empty = DatasetProfile()
        #expect(empty.columns.isEmpty && empty.rowCount == 0)
        #expect(try DatasetProfile(serialized: empty.serialized()) == empty)
        let table = try Table(columns: [
            .double("allMissing", [nil, nil, nil]),
            .double("constant", [4, 4, 4]),
            .double("special", [.infinity, -.infinity, .nan]),
            .string("noStrings", [nil, nil, nil]),
        ])
        let profile = DatasetProfile(table)
        let allMissing = try #require(profile["allMissing"])
        #expect(allMissing.missingCount == 3 && allMissing.statistics.count == 0)
        #expect(allMissing.statistics.missingCount == 0)
        #expect(allMissing.quantiles?.quantile(0.5) == nil)
        #expect(allMissing.histogram(bins: 10) == nil)
        #expect(allMissing.distinctEstimate == 0)
        #expect(allMissing.typeCounts.inferredType == nil)
        let constant = try #require(profile["constant"])
        #expect(constant.statistics.variance == 0)
        #expect(constant.histogram(bins: 5) == ColumnHistogram(edges: [4, 4], counts: [3], countError: 0))
        #expect(constant.quantiles?.quantile(0.3) == 4)
        let special = try #require(profile["special"])
        #expect(special.statistics.infiniteCount == 2 && special.statistics.missingCount == 1)
        #expect(special.missingCount == 1 && special.typeCounts.fractional == 2)
        #expect(special.quantiles?.count == 0)
        #expect(special.statistics.mean == 0)
        let summary = profile.jsonSummary()
        #expect(!summary.contains(": nan") && !summary.contains(": inf") && !summary.contains(": -inf"))
        _ = try JSONSerialization.jsonObject(with: Data(summary.utf8))
        #expect(try DatasetProfile(serialized: profile.serialized()) == profile)
        #expect(try DatasetProfile(serialized: profile.serialized()).serialized() == profile.serialized())
    }

    @Test func histogramCountsWithinTheirError() throws {
        var random = SeededRandom(seed: 8)
        let values = (0..<100_000).map { _ in random.normal(mean: 10, standardDeviation: 2) }
        let profile = DatasetProfile(try Table(columns: [.double("v", values)]))
        let histogram = try #require(profile["v"]?.histogram(bins: 20))
        #expect(histogram.edges.count == 21 && histogram.counts.count == 20)
        #expect(histogram.counts.reduce(0, +) == 100_000)
        for bin in 0..<20 {
            let low = histogram.edges[bin]
            let high = histogram.edges[bin + 1]
            let exact = values.filter { (bin == 0 ? $0 >= low : $0 > low) && $0 <= high }.count
            #expect(abs(Double(exact) - histogram.counts[bin]) <= histogram.countError + 1, "bin \(bin)")
        }
        #expect(histogram.countError > 0)
    }

    @Test func columnBufferUpdatesMatchTableUpdates() throws {
        var random = SeededRandom(seed: 12)
        let values = (0..<10_000).map { _ in random.normal(mean: 2, standardDeviation: 1) }
        let labels = (0..<10_000).map { "k\($0 % 37)" }
        let ids = (0..<10_000).map { Int64($0 % 101) }
        let flags = (0..<10_000).map { $0 % 3 == 0 }
        let table = try Table(columns: [
            .double("v", values), .string("l", labels), .int("i", ids), .bool("b", flags),
        ])
        var buffers = try DatasetProfile(columnNames: ["v", "l", "i", "b"])
        try buffers.updateColumn(named: "v") { column in values.withUnsafeBufferPointer { column.update(doubles: $0) } }
        try buffers.updateColumn(named: "l") { column in labels.withUnsafeBufferPointer { column.update(strings: $0) } }
        try buffers.updateColumn(named: "i") { column in ids.withUnsafeBufferPointer { column.update(integers: $0) } }
        try buffers.updateColumn(named: "b") { column in flags.withUnsafeBufferPointer { column.update(booleans: $0) } }
        #expect(buffers == DatasetProfile(table))
        #expect(buffers.rowCount == 10_000)
        #expect(throws: MLOpsError.self) { try buffers.updateColumn(named: "zz") { _ in } }
        #expect(throws: MLOpsError.self) { try DatasetProfile(columnNames: ["a", "a"]) }
    }

    @Test func parallelTableUpdateIsDeterministic() throws {
        let table = try Self.sampleTable(rows: 50_000, seed: 6)
        #expect(DatasetProfile(table).serialized() == DatasetProfile(table).serialized())
    }

    @Test func memoryIsBoundedWhateverTheRowCount() throws {
        let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"
        let rows = long ? 10_000_000 : 1_000_000
        var random = SeededRandom(seed: 9)
        let batch = 100_000
        var small = DatasetProfile()
        var large = DatasetProfile()
        var sizes: [Int] = []
        var done = 0
        while done < rows {
            let values = (0..<batch).map { _ in random.normal(mean: 0, standardDeviation: 1) }
            let labels = (0..<batch).map { _ in "id\(random.int(in: 0..<1_000_000))" }
            let table = try Table(columns: [.double("v", values), .string("id", labels)])
            if done == 0 { try small.update(with: table) }
            try large.update(with: table)
            done += batch
            sizes.append(large.serialized().count)
        }
        let retained = try #require(large["v"]?.quantiles?.retainedCount)
        #expect(retained <= KLLSketch.levelZeroCapacity + 3 * KLLSketch.defaultK + 8 * 40)
        // Bound: 16 KiB of registers, KLL as above, 256 frequent items of short strings, per column.
        let bound = 2 * (1 << 14) + 8 * (KLLSketch.levelZeroCapacity + 3 * KLLSketch.defaultK + 320) + 256 * 40 + 1_024
        #expect(small.serialized().count <= bound)
        #expect(sizes.allSatisfy { $0 <= bound }, "\(sizes.max() ?? 0) > \(bound)")
        #expect(large["v"]?.count == rows)
    }
}
