import DataVersioning
import Foundation
import MLOpsCore
import MLOpsTestKit
import Testing

@Suite struct FastCDCTests {
    /// 2 KiB / 8 KiB / 64 KiB: many chunks from little data.
    static let small = try! ChunkingParameters(minimumSize: 2 << 10, averageSize: 8 << 10, maximumSize: 64 << 10)

    // MARK: Parameters

    @Test func defaultParameters() {
        let parameters = ChunkingParameters.default
        #expect(parameters.minimumSize == 16 << 10)
        #expect(parameters.averageSize == 64 << 10)
        #expect(parameters.maximumSize == 256 << 10)
        #expect(parameters.normalizationLevel == 2)
        #expect(FastCDC().parameters == parameters)
    }

    @Test func acceptsTheBoundaryValues() throws {
        let smallest = try ChunkingParameters(
            minimumSize: 64, averageSize: 128, maximumSize: 129, normalizationLevel: 0)
        #expect(smallest.maximumSize == 129)
        let largest = try ChunkingParameters(
            minimumSize: 32 << 20 - 1, averageSize: 32 << 20, maximumSize: 64 << 20, normalizationLevel: 3)
        #expect(largest.maximumSize == 64 << 20)
        #expect(
            try ChunkingParameters(minimumSize: 2048, averageSize: 8192, maximumSize: 65536).normalizationLevel == 2)
    }

    struct BadParameters: Sendable, CustomTestStringConvertible {
        var minimum = 2048, average = 8192, maximum = 65536, level = 2
        let name: String
        let value: Int
        var testDescription: String { "\(name) = \(value)" }
    }

    static let badParameters: [BadParameters] = [
        BadParameters(minimum: 63, name: "minimumSize", value: 63),
        BadParameters(minimum: 0, name: "minimumSize", value: 0),
        BadParameters(minimum: -4096, name: "minimumSize", value: -4096),
        BadParameters(average: 10_000, name: "averageSize", value: 10_000),
        BadParameters(average: 0, name: "averageSize", value: 0),
        BadParameters(average: -8192, name: "averageSize", value: -8192),
        BadParameters(minimum: 8192, average: 8192, name: "averageSize", value: 8192),
        BadParameters(minimum: 16384, average: 8192, name: "averageSize", value: 8192),
        BadParameters(maximum: 8192, name: "maximumSize", value: 8192),
        BadParameters(maximum: 4096, name: "maximumSize", value: 4096),
        BadParameters(maximum: 64 << 20 + 1, name: "maximumSize", value: 64 << 20 + 1),
        BadParameters(maximum: Int.max, name: "maximumSize", value: Int.max),
        BadParameters(level: -1, name: "normalizationLevel", value: -1),
        BadParameters(level: 4, name: "normalizationLevel", value: 4),
    ]

    @Test(arguments: badParameters)
    func rejectsABadValueNamingIt(_ bad: BadParameters) throws {
        let error = #expect(throws: MLOpsError.self) {
            try ChunkingParameters(
                minimumSize: bad.minimum, averageSize: bad.average, maximumSize: bad.maximum,
                normalizationLevel: bad.level)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(bad.name) == true)
        #expect(error?.value == String(bad.value))
    }

    @Test func codableRoundTrip() throws {
        for parameters in [ChunkingParameters.default, Self.small] {
            let json = try JSONEncoder().encode(parameters)
            #expect(try JSONDecoder().decode(ChunkingParameters.self, from: json) == parameters)
        }
        let text = #"{"minimumSize":64,"averageSize":128,"maximumSize":200,"normalizationLevel":0}"#
        let decoded = try JSONDecoder().decode(ChunkingParameters.self, from: Data(text.utf8))
        #expect(
            decoded
                == (try ChunkingParameters(minimumSize: 64, averageSize: 128, maximumSize: 200, normalizationLevel: 0)))
    }

    @Test(arguments: badParameters)
    func decodingRejectsABadValueNamingIt(_ bad: BadParameters) throws {
        let text = """
            {"minimumSize":\(bad.minimum),"averageSize":\(bad.average),"maximumSize":\(bad.maximum),\
            "normalizationLevel":\(bad.level)}
            """
        let error = #expect(throws: MLOpsError.self) {
            try JSONDecoder().decode(ChunkingParameters.self, from: Data(text.utf8))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(bad.name) == true)
        #expect(error?.value == String(bad.value))
    }

    @Test(arguments: [
        #"{"minimumSize":2048,"averageSize":8192,"maximumSize":65536}"#,
        #"{"minimumSize":2048,"averageSize":"8192","maximumSize":65536,"normalizationLevel":2}"#,
        #"{"minimumSize":2048,"averageSize":8192.5,"maximumSize":65536,"normalizationLevel":2}"#,
        #"{"minimumSize":null,"averageSize":8192,"maximumSize":65536,"normalizationLevel":2}"#,
        #"[2048,8192,65536,2]"#,
        #"{"minimumSize":2048,"averageSize":8192,"maximumSize":1e400,"normalizationLevel":2}"#,
        "",
    ])
    func decodingRejectsMalformedInput(_ text: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ChunkingParameters.self, from: Data(text.utf8)) }
    }

    // MARK: Chunk boundaries

    @Test func emptyInputHasNoChunks() {
        let chunker = FastCDC(parameters: Self.small)
        #expect(chunker.chunkLengths(of: UnsafeRawBufferPointer(start: nil, count: 0)).isEmpty)
        #expect([UInt8]().withUnsafeBytes { chunker.chunkLengths(of: $0) }.isEmpty)
        #expect(chunker.nextCut(in: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }

    @Test func inputShorterThanTheMinimumIsOneChunk() {
        let chunker = FastCDC(parameters: Self.small)
        for count in [1, 63, 64, 2047] {
            let bytes = TestBytes.pattern(seed: UInt64(count), count: count)
            #expect(bytes.withUnsafeBytes { chunker.chunkLengths(of: $0) } == [count])
            #expect(bytes.withUnsafeBytes { chunker.nextCut(in: $0) } == nil)
        }
    }

    @Test(arguments: [0, 1, 2, 3])
    func lengthsStayWithinBoundsAndCoverTheInput(level: Int) throws {
        let parameters = try ChunkingParameters(
            minimumSize: 2048, averageSize: 8192, maximumSize: 16384, normalizationLevel: level)
        let chunker = FastCDC(parameters: parameters)
        for (seed, count) in [(1, 3 << 20), (2, 100_001), (3, 16384), (4, 16385)] as [(UInt64, Int)] {
            let bytes = TestBytes.pattern(seed: seed, count: count)
            let lengths = bytes.withUnsafeBytes { chunker.chunkLengths(of: $0) }
            #expect(lengths.reduce(0, +) == count)
            #expect(lengths.dropLast().allSatisfy { (2048...16384).contains($0) })
            #expect((1...16384).contains(lengths.last ?? 0))
        }
    }

    @Test func uniformInputGivesEqualChunks() {
        // Every 64-byte window is the same, so every chunk is cut at the same length.
        let chunker = FastCDC(parameters: Self.small)
        for byte in [0, 0xFF, 0x5A] as [UInt8] {
            let lengths = [UInt8](repeating: byte, count: 1 << 20).withUnsafeBytes { chunker.chunkLengths(of: $0) }
            #expect(Set(lengths.dropLast()).count == 1)
            #expect(lengths.reduce(0, +) == 1 << 20)
        }
    }

    @Test func chunkingIsDeterministic() {
        let bytes = TestBytes.pattern(seed: 5, count: 2 << 20)
        let first = bytes.withUnsafeBytes { FastCDC(parameters: Self.small).chunkLengths(of: $0) }
        let second = bytes.withUnsafeBytes { FastCDC(parameters: Self.small).chunkLengths(of: $0) }
        #expect(first == second)
        #expect(first.count > 100)
        // The same bytes at another address and alignment.
        let shifted = [0, 0, 0] + bytes
        let third = shifted.withUnsafeBytes {
            FastCDC(parameters: Self.small).chunkLengths(of: .init(rebasing: $0[3...]))
        }
        #expect(third == first)
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func boundariesDoNotDependOnHowTheInputIsRead(seed: UInt64) {
        let chunker = FastCDC(parameters: Self.small)
        let bytes = TestBytes.pattern(seed: seed, count: 2 << 20)
        let whole = bytes.withUnsafeBytes { chunker.chunkLengths(of: $0) }

        var reads = SeededRandom(seed: seed &+ 100)
        var streamed: [Int] = []
        var pending: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            // Reads from 1 byte to three maximum chunks, often tiny.
            let size = reads.int(in: 0..<4) == 0 ? reads.int(in: 1...100) : reads.int(in: 1...(3 * 65536))
            let end = min(bytes.count, offset + size)
            pending += bytes[offset..<end]
            offset = end
            while let cut = pending.withUnsafeBytes({ chunker.nextCut(in: $0) }) {
                streamed.append(cut)
                pending.removeFirst(cut)
            }
            // Without a cut, nextCut asks for more only while fewer than maximumSize bytes wait.
            #expect(pending.count < 65536)
        }
        if !pending.isEmpty { streamed.append(pending.count) }
        #expect(streamed == whole)
    }

    @Test func nextCutIsTheFirstChunkOfChunkLengths() {
        let chunker = FastCDC(parameters: Self.small)
        let bytes = TestBytes.pattern(seed: 21, count: 1 << 20)
        let lengths = bytes.withUnsafeBytes { chunker.chunkLengths(of: $0) }
        bytes.withUnsafeBytes { buffer in
            #expect(chunker.nextCut(in: buffer) == lengths[0])
            // A prefix that ends exactly at the first cut point still finds it.
            #expect(chunker.nextCut(in: .init(rebasing: buffer[..<lengths[0]])) == lengths[0])
            // One byte less and it needs more input.
            #expect(chunker.nextCut(in: .init(rebasing: buffer[..<(lengths[0] - 1)])) == nil)
        }
    }

    @Test func maximumSizeIsAHardCut() {
        // Sixty-four equal bytes `b` hash to `-gear[b]`, which for most `b` fails both cut
        // conditions: such input is cut at the maximum, and only there. (Otherwise it is cut at
        // the minimum or, passing only the easier condition, at the average.)
        let chunker = FastCDC(parameters: Self.small)
        var hardCuts = 0
        for byte in 0...255 {
            let bytes = [UInt8](repeating: UInt8(byte), count: 65536)
            let first = bytes.withUnsafeBytes { chunker.nextCut(in: $0) }
            #expect([2048, 8192, 65536].contains(first))
            guard first == 65536 else { continue }
            hardCuts += 1
            #expect(bytes.withUnsafeBytes { chunker.nextCut(in: .init(rebasing: $0[..<65535])) } == nil)
            if hardCuts <= 4 {
                let longer = [UInt8](repeating: UInt8(byte), count: 3 * 65536 + 5)
                #expect(longer.withUnsafeBytes { chunker.chunkLengths(of: $0) } == [65536, 65536, 65536, 5])
            }
        }
        #expect(hardCuts > 200)
    }

    @Test func insertionChangesOnlyNearbyChunks() {
        let chunker = FastCDC(parameters: Self.small)
        let original = TestBytes.pattern(seed: 42, count: 8 << 20)
        let insertionPoint = 10_000
        let inserted = TestBytes.pattern(seed: 43, count: 100)
        let modified = Array(original[..<insertionPoint]) + inserted + original[insertionPoint...]
        let before = original.withUnsafeBytes { chunker.chunkLengths(of: $0) }
        let after = modified.withUnsafeBytes { chunker.chunkLengths(of: $0) }
        #expect(before.count > 500)

        // Chunks ending before the insertion are untouched.
        let ends = { (lengths: [Int]) in lengths.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) } }
        let beforeEnds = ends(before)
        let afterEnds = ends(after)
        let untouched = beforeEnds.prefix { $0 <= insertionPoint }.count
        #expect(Array(after.prefix(untouched)) == Array(before.prefix(untouched)))

        // The first boundary after the insertion that is also an original boundary (shifted by
        // 100 bytes) resynchronises: from there on every chunk is the same.
        let originalBoundaries = Set(beforeEnds)
        guard
            let resync = afterEnds.firstIndex(where: {
                $0 > insertionPoint + 100 && originalBoundaries.contains($0 - 100)
            }),
            let originalResync = beforeEnds.firstIndex(of: afterEnds[resync] - 100)
        else {
            Issue.record("the chunk boundaries never resynchronised after the insertion")
            return
        }
        #expect(Array(after[(resync + 1)...]) == Array(before[(originalResync + 1)...]))
        let changed = resync + 1 - untouched
        #expect((1...3).contains(changed), "\(changed) chunks changed")
        #expect(afterEnds[resync] < insertionPoint + 100 + 3 * 65536)
    }

    @Test func averageChunkSizeIsNearTheTarget() throws {
        let bytes = TestBytes.pattern(seed: 64, count: 64 << 20)
        let lengths = bytes.withUnsafeBytes { FastCDC().chunkLengths(of: $0) }
        let full = lengths.dropLast()
        let average = Double(full.reduce(0, +)) / Double(full.count)
        #expect(abs(average / Double(ChunkingParameters.default.averageSize) - 1) <= 0.3, "average \(average)")

        let smallLengths = bytes.withUnsafeBytes {
            FastCDC(parameters: Self.small).chunkLengths(of: .init(rebasing: $0[..<(8 << 20)]))
        }
        let smallAverage = Double(8 << 20) / Double(smallLengths.count)
        #expect(abs(smallAverage / 8192 - 1) <= 0.3, "average \(smallAverage)")
    }

    // MARK: The format

    /// The definition, computed the slow way: a cut after `length` bytes when the Gear hash of the
    /// 64 bytes ending there has the top `log2(average) ± level` bits clear (`+` below the
    /// average), no cut before the minimum, a hard cut at the maximum.
    static func referenceLengths(_ bytes: [UInt8], _ parameters: ChunkingParameters) -> [Int] {
        var state: UInt64 = 0x4D4C_4456_4745_4152  // "MLDVGEAR"
        let gear: [UInt64] = (0..<256).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let bits = parameters.averageSize.trailingZeroBitCount
        let hard = bits + parameters.normalizationLevel
        let easy = bits - parameters.normalizationLevel
        var lengths: [Int] = []
        var start = 0
        while start < bytes.count {
            let rest = bytes.count - start
            let limit = min(rest, parameters.maximumSize)
            var length = limit
            if rest >= parameters.minimumSize {
                for candidate in parameters.minimumSize...limit {
                    var hash: UInt64 = 0
                    for index in (start + candidate - 64)..<(start + candidate) {
                        hash = (hash &<< 1) &+ gear[Int(bytes[index])]
                    }
                    let clearBits = candidate < parameters.averageSize ? hard : easy
                    if hash >> (64 - clearBits) == 0 {
                        length = candidate
                        break
                    }
                }
            }
            lengths.append(length)
            start += length
        }
        return lengths
    }

    @Test(arguments: [(64, 128, 1000), (100, 256, 700), (200, 1024, 5000)], [0, 1, 2, 3])
    func matchesTheDefinition(sizes: (Int, Int, Int), level: Int) throws {
        let parameters = try ChunkingParameters(
            minimumSize: sizes.0, averageSize: sizes.1, maximumSize: sizes.2, normalizationLevel: level)
        let bytes = TestBytes.pattern(seed: UInt64(sizes.1 + level), count: 40_000 + level)
        let lengths = bytes.withUnsafeBytes { FastCDC(parameters: parameters).chunkLengths(of: $0) }
        #expect(lengths == Self.referenceLengths(bytes, parameters))
        #expect(lengths.count > 10)
    }

    /// Cut points are part of the storage format: these were computed once by this implementation
    /// (and agree with ``referenceLengths(_:_:)``); if they change, existing repositories stop
    /// deduplicating against new data.
    @Test func goldenCutPoints() throws {
        let bytes = TestBytes.pattern(seed: 2024, count: 4 << 20)
        let small = bytes.withUnsafeBytes { FastCDC(parameters: Self.small).chunkLengths(of: $0) }
        #expect(Array(small.prefix(8)) == [5385, 8198, 2284, 8464, 8222, 7705, 8381, 9586])
        let prefix = Array(bytes.prefix(small.prefix(8).reduce(0, +)))
        #expect(Self.referenceLengths(prefix, Self.small) == Array(small.prefix(8)))
        let levelZero = try ChunkingParameters(
            minimumSize: 2 << 10, averageSize: 8 << 10, maximumSize: 64 << 10, normalizationLevel: 0)
        let zero = bytes.withUnsafeBytes { FastCDC(parameters: levelZero).chunkLengths(of: $0) }
        #expect(Array(zero.prefix(8)) == [5385, 10482, 8578, 13806, 11714, 9568, 18816, 8955])
        let defaults = bytes.withUnsafeBytes { FastCDC().chunkLengths(of: $0) }
        #expect(Array(defaults.prefix(8)) == [101148, 73020, 105727, 72828, 68053, 90375, 80303, 48103])
        #expect(defaults.count == 55)
    }
}
