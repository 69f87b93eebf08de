import Foundation
import Synchronization
import Testing

@testable import MLOpsCore

@Suite("SortableID")
struct SortableIDTests {
    @Test("known encodings (ULID reference timestamp)")
    func knownEncodings() throws {
        // 1469918176385 ms encodes as "01ARYZ6S41" in the ULID reference implementation's tests.
        let zero = try SortableID(timestamp: 1_469_918_176_385, randomness: 0)
        #expect(zero.description == "01ARYZ6S410000000000000000")
        let mixed = try SortableID(timestamp: 1_469_918_176_385, randomness: 0x123_4567_89ab_cdef_0123)
        #expect(mixed.description == "01ARYZ6S4104HMASW9NF6YY093")
        #expect(mixed.timestampMilliseconds == 1_469_918_176_385)
        #expect(mixed.randomness == 0x123_4567_89ab_cdef_0123)

        let spec = try SortableID(parsing: "01ARZ3NDEKTSV4RRFFQ69G5FAV")
        #expect(spec.timestampMilliseconds == 1_469_922_850_259)
        #expect(spec.randomness == 0xd676_4c61_efb9_9302_bd5b)

        let max = try SortableID(timestamp: SortableID.maxTimestamp, randomness: SortableID.maxRandomness)
        #expect(max.description == "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
        #expect(max.rawValue == UInt128.max)
        #expect(try SortableID(timestamp: 0, randomness: 0).description == String(repeating: "0", count: 26))
    }

    @Test("round-trips through text, lower-case text, raw value and Codable")
    func roundTrip() throws {
        var random = SeededRandom(seed: 4)
        for _ in 0..<1000 {
            let timestamp = UInt64(random.int(in: 0...Int(SortableID.maxTimestamp)))
            let randomness = UInt128(random.next() & 0xFFFF) << 64 | UInt128(random.next())
            let id = try SortableID(timestamp: timestamp, randomness: randomness)
            #expect(id.timestampMilliseconds == timestamp)
            #expect(id.randomness == randomness)
            let text = id.description
            #expect(text.count == 26)
            #expect(try SortableID(parsing: text) == id)
            #expect(SortableID(text) == id)
            #expect(try SortableID(parsing: text.lowercased()) == id)
            #expect(SortableID(rawValue: id.rawValue) == id)
        }
        let ids = [SortableID(), SortableID()]
        let json = try JSONEncoder().encode(ids)
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(ids[0])\",\"\(ids[1])\"]")
        #expect(try JSONDecoder().decode([SortableID].self, from: json) == ids)
    }

    @Test("orders by time, then randomness, and the text sorts the same way")
    func ordering() throws {
        let earlier = try SortableID(timestamp: 1000, randomness: SortableID.maxRandomness)
        let later = try SortableID(timestamp: 1001, randomness: 0)
        #expect(earlier < later)
        #expect(try SortableID(timestamp: 5, randomness: 1) < SortableID(timestamp: 5, randomness: 2))

        var random = SeededRandom(seed: 9)
        let ids = try (0..<500).map { _ in
            try SortableID(
                timestamp: UInt64(random.int(in: 0...1_000_000)),
                randomness: UInt128(random.next() & 0xFFFF) << 64 | UInt128(random.next())
            )
        }
        #expect(ids.sorted().map(\.description) == ids.map(\.description).sorted())
        #expect(ids.sorted().map(\.timestampMilliseconds) == ids.map(\.timestampMilliseconds).sorted())
    }

    @Test("new IDs carry the current time")
    func currentTime() {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let id = SortableID()
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        // The generator may run a few ms ahead if earlier tests used up a millisecond; allow slack.
        #expect(id.timestampMilliseconds + 5 >= before)
        #expect(id.timestampMilliseconds <= after + 1000)
    }

    @Test("monotonic in a tight loop of 100k")
    func monotonicLoop() {
        var previous = SortableID()
        for _ in 0..<100_000 {
            let next = SortableID()
            #expect(previous < next)
            previous = next
        }
    }

    @Test("monotonic and unique across concurrent tasks")
    func monotonicConcurrent() async {
        let taskCount = 8
        let perTask = 5_000
        let sequences = await withTaskGroup(of: [SortableID].self) { group in
            for _ in 0..<taskCount {
                group.addTask { (0..<perTask).map { _ in SortableID() } }
            }
            var all: [[SortableID]] = []
            for await sequence in group { all.append(sequence) }
            return all
        }
        #expect(sequences.count == taskCount)
        for sequence in sequences {
            #expect(zip(sequence, sequence.dropFirst()).allSatisfy { $0 < $1 })
        }
        #expect(Set(sequences.joined()).count == taskCount * perTask)
    }

    @Test("a generator increments the randomness within a millisecond and redraws after it")
    func generatorSameMillisecond() throws {
        let now = Mutex<UInt64>(1_700_000_000_000)
        let generator = SortableIDGenerator(random: SeededRandom(seed: 1), clock: { now.withLock { $0 } })
        let first = generator.next()
        let second = generator.next()
        #expect(first.timestampMilliseconds == 1_700_000_000_000)
        #expect(second.timestampMilliseconds == first.timestampMilliseconds)
        #expect(second.randomness == first.randomness + 1)

        // The clock steps back: the timestamp holds, the order is kept.
        now.withLock { $0 -= 10_000 }
        let third = generator.next()
        #expect(third.timestampMilliseconds == 1_700_000_000_000)
        #expect(third.randomness == second.randomness + 1)

        // The clock moves on: fresh randomness.
        now.withLock { $0 = 1_700_000_000_500 }
        let fourth = generator.next()
        #expect(fourth.timestampMilliseconds == 1_700_000_000_500)
        #expect(third < fourth)

        // Same seed and clock give the same IDs.
        let replay = SortableIDGenerator(random: SeededRandom(seed: 1), clock: { 1_700_000_000_000 })
        #expect(replay.next() == first)
        #expect(replay.next() == second)
    }

    @Test("randomness overflow within a millisecond moves to the next millisecond")
    func generatorOverflow() {
        let generator = SortableIDGenerator(random: SeededRandom(seed: 2), clock: { 42 })
        generator.prime(lastTimestamp: 42, lastRandomness: SortableID.maxRandomness - 1)
        let last = generator.next()
        #expect(last.timestampMilliseconds == 42)
        #expect(last.randomness == SortableID.maxRandomness)
        let borrowed = generator.next()
        #expect(borrowed.timestampMilliseconds == 43)
        #expect(last < borrowed)
        let following = generator.next()  // the clock is still behind: keep 43 and increment
        #expect(following.timestampMilliseconds == 43)
        #expect(following.randomness == borrowed.randomness + 1)

        // Clocks beyond the 48-bit range are clamped rather than wrapped.
        let future = SortableIDGenerator(random: SeededRandom(seed: 3), clock: { UInt64.max })
        #expect(future.next().timestampMilliseconds == SortableID.maxTimestamp)
        // At the very end of time, the generator still returns IDs instead of trapping.
        future.prime(lastTimestamp: SortableID.maxTimestamp, lastRandomness: SortableID.maxRandomness)
        _ = future.next()
    }

    @Test(
        "malformed text is rejected with invalidArgument naming the value",
        arguments: [
            "",
            "01ARZ3NDEKTSV4RRFFQ69G5FA",  // 25 characters
            "01ARZ3NDEKTSV4RRFFQ69G5FAVX",  // 27 characters
            "01ARZ3NDEKTSV4RRFFQ69G5FAI",  // I
            "01ARZ3NDEKTSV4RRFFQ69G5FAL",  // L
            "01ARZ3NDEKTSV4RRFFQ69G5FAO",  // O
            "01ARZ3NDEKTSV4RRFFQ69G5FAU",  // U
            "01arz3ndektsv4rrffq69g5fau",  // u
            "01ARZ3NDEKTSV4RRFFQ69G5FA-",
            "01ARZ3NDEKTSV4RRFFQ69G5FA ",
            "01ARZ3NDEKTSV4RRFFQ69G5FAÉ",
            "80000000000000000000000000",  // overflows 128 bits
            "ZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        ]
    )
    func parseErrors(text: String) {
        let error = #expect(throws: MLOpsError.self) { try SortableID(parsing: text) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.value == text)
        #expect(SortableID(text) == nil)
    }

    @Test("decoding malformed text throws the parse error")
    func decodingErrors() {
        let json = Data("[\"01ARZ3NDEKTSV4RRFFQ69G5FAU\"]".utf8)
        let error = #expect(throws: MLOpsError.self) { try JSONDecoder().decode([SortableID].self, from: json) }
        #expect(error?.code == .invalidArgument)
    }

    @Test("parts that do not fit are rejected")
    func partErrors() {
        let timestamp = #expect(throws: MLOpsError.self) {
            try SortableID(timestamp: SortableID.maxTimestamp + 1, randomness: 0)
        }
        #expect(timestamp?.code == .invalidArgument)
        let randomness = #expect(throws: MLOpsError.self) {
            try SortableID(timestamp: 0, randomness: SortableID.maxRandomness + 1)
        }
        #expect(randomness?.code == .invalidArgument)
    }
}
