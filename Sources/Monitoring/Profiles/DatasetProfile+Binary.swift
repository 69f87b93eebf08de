import MLOpsCore

/// The compact binary form of a profile.
///
/// Layout (little-endian): magic `MLPF`, version `u16` (1), flags `u16` (0); the configuration (KLL k
/// `u32`, HyperLogLog precision `u8`, frequent-items capacity `u32`, seed `u64`, kind overrides as `u32`
/// count of `(string, u8)`); `u32` column count, then per column: name, six counts `u64`,
/// the statistics (three counts `u64`, mean, M2, minimum, maximum `f64`), a KLL sketch (flag `u8`, count
/// `u64`, minimum, maximum `f64`, coin state `u64`, `u32` levels of `u32`-counted doubles), the
/// HyperLogLog registers (`u8` 0 = dense `2^p` bytes, 1 = sparse `u32` count of `(u32 index, u8 rank)`),
/// and frequent items (flag `u8`, total and maximum error `u64`, `u32` count of `(string, u64)`).
/// Strings are a `u32` byte length and UTF-8.
extension DatasetProfile {
    static let magic: [UInt8] = Array("MLPF".utf8)
    /// The binary format version this build writes and reads.
    public static let binaryFormatVersion: UInt16 = 1

    /// The profile in its compact, versioned binary form; the same profile always gives the same bytes.
    public func serialized() -> [UInt8] {
        var writer = ProfileBinaryWriter()
        for byte in Self.magic { writer.u8(byte) }
        writer.u16(Self.binaryFormatVersion)
        writer.u16(0)
        writer.u32(UInt32(clamping: configuration.quantileK))
        writer.u8(UInt8(clamping: configuration.cardinalityPrecision))
        writer.u32(UInt32(clamping: configuration.frequentItemsCapacity))
        writer.u64(configuration.seed)
        let kinds = configuration.kinds.sorted { $0.key < $1.key }
        writer.u32(UInt32(clamping: kinds.count))
        for (name, kind) in kinds {
            writer.string(name)
            writer.u8(kind == .numerical ? 0 : 1)
        }
        writer.u32(UInt32(clamping: columns.count))
        for column in columns { Self.write(column, to: &writer) }
        return writer.bytes
    }

    private static func write(_ column: ColumnProfile, to writer: inout ProfileBinaryWriter) {
        writer.string(column.name)
        for value in [
            column.count, column.missingCount, column.typeCounts.integral, column.typeCounts.fractional,
            column.typeCounts.boolean, column.typeCounts.string,
        ] {
            writer.count(value)
        }
        let stats = column.statistics
        writer.count(stats.count)
        writer.count(stats.missingCount)
        writer.count(stats.infiniteCount)
        writer.f64(stats.mean)
        writer.f64(stats.m2)
        writer.f64(stats.minimum ?? 0)
        writer.f64(stats.maximum ?? 0)
        if let sketch = column.quantiles {
            writer.u8(1)
            writer.count(sketch.count)
            writer.f64(sketch.minimum ?? 0)
            writer.f64(sketch.maximum ?? 0)
            writer.u64(sketch.randomState)
            writer.u32(UInt32(clamping: sketch.levels.count))
            for level in sketch.levels { writer.doubles(level) }
        } else {
            writer.u8(0)
        }
        let registers = column.cardinality.registers
        let nonZero = registers.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        if nonZero * 5 < registers.count {
            writer.u8(1)
            writer.u32(UInt32(clamping: nonZero))
            for (index, rank) in registers.enumerated() where rank != 0 {
                writer.u32(UInt32(clamping: index))
                writer.u8(rank)
            }
        } else {
            writer.u8(0)
            for rank in registers { writer.u8(rank) }
        }
        if let items = column.frequentItems {
            writer.u8(1)
            writer.count(items.totalWeight)
            writer.count(items.maximumError)
            let counters = items.sortedCounters
            writer.u32(UInt32(clamping: counters.count))
            for (value, count) in counters {
                writer.string(value)
                writer.count(count)
            }
        } else {
            writer.u8(0)
        }
    }

    /// Reads a profile written by ``serialized()``.
    ///
    /// - Throws: `MLOpsError.corruptData` for bytes that are not a valid profile (bad magic, truncation,
    ///   lengths past the end, values that break a sketch's invariants, trailing bytes);
    ///   `MLOpsError.unsupported` for another format version.
    public init(serialized bytes: [UInt8]) throws {
        var reader = ProfileBinaryReader(bytes)
        guard bytes.count >= 8, Array(bytes[0..<4]) == Self.magic else {
            throw MLOpsError(.corruptData, "not a swift-mlops profile: the bytes do not start with 'MLPF'")
        }
        _ = try reader.rawBytes(4, "magic")
        let version = try reader.u16()
        guard version == Self.binaryFormatVersion else {
            throw MLOpsError(
                .unsupported,
                "profile format version \(version) is not supported; this build reads version "
                    + "\(Self.binaryFormatVersion)",
                value: String(version))
        }
        guard try reader.u16() == 0 else { throw reader.corrupt("unknown flags") }
        let k = Int(try reader.u32())
        let precision = Int(try reader.u8())
        let capacity = Int(try reader.u32())
        let seed = try reader.u64()
        let kindCount = try reader.length(width: 5, "kind overrides")
        var kinds: [String: ColumnKind] = [:]
        for _ in 0..<kindCount {
            let name = try reader.string("kind override name")
            let raw = try reader.u8()
            guard raw <= 1 else { throw reader.corrupt("unknown column kind \(raw)") }
            kinds[name] = raw == 0 ? .numerical : .categorical
        }
        let configuration: ProfileConfiguration
        do {
            configuration = try ProfileConfiguration(
                quantileK: k, cardinalityPrecision: precision, frequentItemsCapacity: capacity, seed: seed,
                kinds: kinds)
        } catch {
            throw reader.corrupt("invalid configuration: \(error)")
        }
        let columnCount = try reader.length(width: 60, "column list")
        var columns: [ColumnProfile] = []
        var names = Set<String>()
        for _ in 0..<columnCount {
            let column = try Self.readColumn(&reader, configuration: configuration)
            guard names.insert(column.name).inserted else { throw reader.corrupt("column '\(column.name)' repeats") }
            columns.append(column)
        }
        guard reader.remaining == 0 else { throw reader.corrupt("\(reader.remaining) trailing bytes") }
        self.init(configuration: configuration, columns: columns)
    }

    private static func readColumn(
        _ reader: inout ProfileBinaryReader, configuration: ProfileConfiguration
    ) throws -> ColumnProfile {
        let name = try reader.string("column name")
        let count = try reader.count("row count")
        let missing = try reader.count("missing count")
        var types = ColumnProfile.TypeCounts()
        types.integral = try reader.count("integral count")
        types.fractional = try reader.count("fractional count")
        types.boolean = try reader.count("boolean count")
        types.string = try reader.count("string count")
        let statsCount = try reader.count("statistics count")
        let statsMissing = try reader.count("statistics missing count")
        let statsInfinite = try reader.count("statistics infinite count")
        let mean = try reader.f64()
        let m2 = try reader.f64()
        let low = try reader.f64()
        let high = try reader.f64()
        guard statsCount == 0 || (low.isFinite && high.isFinite && low <= high && m2 >= 0) else {
            throw reader.corrupt("statistics of column '\(name)' are inconsistent")
        }
        let statistics = RunningStatistics(
            count: statsCount, missingCount: statsMissing, infiniteCount: statsInfinite, mean: mean, m2: m2,
            minimum: low, maximum: high)
        var quantiles: KLLSketch?
        if try flag(&reader) {
            quantiles = try readKLL(&reader, k: configuration.quantileK)
        }
        let cardinality = try readHLL(&reader, precision: configuration.cardinalityPrecision)
        var frequentItems: FrequentItems?
        if try flag(&reader) {
            frequentItems = try readItems(&reader, capacity: configuration.frequentItemsCapacity)
        }
        return ColumnProfile(
            name: name, configuration: configuration, count: count, missingCount: missing, typeCounts: types,
            statistics: statistics, quantiles: quantiles, cardinality: cardinality, frequentItems: frequentItems)
    }

    private static func flag(_ reader: inout ProfileBinaryReader) throws -> Bool {
        let value = try reader.u8()
        guard value <= 1 else { throw reader.corrupt("flag \(value) is neither 0 nor 1") }
        return value == 1
    }

    private static func readKLL(_ reader: inout ProfileBinaryReader, k: Int) throws -> KLLSketch {
        let count = try reader.count("KLL count")
        let low = try reader.f64()
        let high = try reader.f64()
        let state = try reader.u64()
        let levelCount = try reader.length(width: 4, "KLL levels")
        guard levelCount >= 1, levelCount <= 60 else { throw reader.corrupt("KLL has \(levelCount) levels") }
        var levels: [[Double]] = []
        var weight = 0
        for level in 0..<levelCount {
            let values = try reader.doubles("KLL level \(level)")
            for (index, value) in values.enumerated() {
                guard value.isFinite, value >= low, value <= high else {
                    throw reader.corrupt("KLL value \(value) is outside the sketch's range")
                }
                if level > 0, index > 0, values[index - 1] > value {
                    throw reader.corrupt("KLL level \(level) is not sorted")
                }
            }
            let (product, overflow) = values.count.multipliedReportingOverflow(by: 1 << level)
            let (sum, overflow2) = weight.addingReportingOverflow(product)
            guard !overflow, !overflow2 else { throw reader.corrupt("KLL weights overflow") }
            weight = sum
            levels.append(values)
        }
        guard weight == count else { throw reader.corrupt("KLL weights sum to \(weight), not its count \(count)") }
        guard count == 0 || (low.isFinite && high.isFinite && low <= high) else {
            throw reader.corrupt("KLL minimum and maximum are invalid")
        }
        return KLLSketch(
            k: k, count: count, minimum: count == 0 ? nil : low, maximum: count == 0 ? nil : high, levels: levels,
            randomState: state)
    }

    private static func readHLL(_ reader: inout ProfileBinaryReader, precision: Int) throws -> HyperLogLog {
        let size = 1 << precision
        let maximumRank = 64 - precision + 1
        let mode = try reader.u8()
        var registers: [UInt8]
        switch mode {
        case 0:
            registers = try reader.rawBytes(size, "HyperLogLog registers")
        case 1:
            let count = try reader.length(width: 5, "sparse HyperLogLog")
            registers = [UInt8](repeating: 0, count: size)
            var previous = -1
            for _ in 0..<count {
                let index = Int(try reader.u32())
                let rank = try reader.u8()
                guard index > previous, index < size, rank != 0 else {
                    throw reader.corrupt("sparse HyperLogLog entry \(index) is invalid")
                }
                previous = index
                registers[index] = rank
            }
        default:
            throw reader.corrupt("unknown HyperLogLog encoding \(mode)")
        }
        guard registers.allSatisfy({ Int($0) <= maximumRank }) else {
            throw reader.corrupt("a HyperLogLog register exceeds \(maximumRank)")
        }
        return HyperLogLog(precision: precision, registers: registers)
    }

    private static func readItems(_ reader: inout ProfileBinaryReader, capacity: Int) throws -> FrequentItems {
        let total = try reader.count("frequent-items total")
        let maximumError = try reader.count("frequent-items error")
        let count = try reader.length(width: 12, "frequent items")
        guard count <= 2 * capacity else { throw reader.corrupt("\(count) frequent items exceed the capacity") }
        var counters: [String: Int] = [:]
        for _ in 0..<count {
            let value = try reader.string("frequent item")
            let weight = try reader.count("frequent-item count")
            guard weight > 0, weight <= total, counters.updateValue(weight, forKey: value) == nil else {
                throw reader.corrupt("frequent item '\(value)' is invalid")
            }
        }
        return FrequentItems(capacity: capacity, totalWeight: total, maximumError: maximumError, counters: counters)
    }
}
