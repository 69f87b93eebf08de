import MLOpsCore
import Testing

@Suite("SeededRandom")
struct SeededRandomTests {
    // Expected values computed with a direct Python transcription of the reference
    // splitmix64.c and xoshiro256starstar.c (Blackman & Vigna).
    @Test(
        "first outputs match the reference algorithm",
        arguments: [
            (
                UInt64(0),
                [
                    0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0,
                    0x6aa5_94f1_262d_2d2c, 0xbba5_ad4a_1f84_2e59, 0xffef_8375_d9eb_caca,
                ] as [UInt64]
            ),
            (
                UInt64(42),
                [
                    0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1,
                    0xecb8_ad47_03b3_60a1, 0xfde6_dc7f_e2ec_5e64, 0xc50d_a531_0179_5238,
                ]
            ),
            (
                UInt64.max,
                [
                    0x8f55_20d5_2a7e_ad08, 0xc476_a018_caa1_802d, 0x81de_31c0_d260_469e,
                    0xbf65_8d7e_065f_3c2f, 0x9135_93fd_a1bc_a32a, 0xbb53_5e93_941b_a525,
                ]
            ),
        ]
    )
    func referenceOutputs(seed: UInt64, expected: [UInt64]) {
        var random = SeededRandom(seed: seed)
        #expect((0..<expected.count).map { _ in random.next() } == expected)
    }

    @Test("jump matches the reference jump polynomial")
    func referenceJump() {
        var random = SeededRandom(seed: 42)
        random.jump()
        let expected: [UInt64] = [0x5008_6ef8_3cbf_4f4a, 0xba28_5ec2_1347_d703, 0x5ea1_247b_4dc6_452a]
        #expect([random.next(), random.next(), random.next()] == expected)
    }

    @Test("derived values are pinned: nextDouble, int(in:), shuffle, sample, normal")
    func pinnedDerivedValues() throws {
        var random = SeededRandom(seed: 42)
        let doubles = [random.nextDouble(), random.nextDouble(), random.nextDouble()]
        #expect(doubles == [0.08386297105988216, 0.3789802506626686, 0.6800434110281394])

        random = SeededRandom(seed: 42)
        #expect((0..<8).map { _ in random.int(in: 0..<10) } == [0, 3, 6, 9, 9, 7, 7, 8])
        random = SeededRandom(seed: 42)
        #expect((0..<8).map { _ in random.int(in: -5..<5) } == [-5, -2, 1, 4, 4, 2, 2, 3])

        random = SeededRandom(seed: 7)
        var values = Array(0..<10)
        random.shuffle(&values)
        #expect(values == [1, 8, 3, 0, 4, 5, 9, 6, 2, 7])

        random = SeededRandom(seed: 99)
        #expect(try random.sample(k: 5, from: 0..<20) == [6, 11, 8, 17, 16])

        random = SeededRandom(seed: 2024)
        let normals = (0..<4).map { _ in random.normal() }
        let expected = [0.7877704987458325, -0.7344488490158809, -0.6355328318708062, -1.4615153259586555]
        for (value, reference) in zip(normals, expected) {
            #expect(abs(value - reference) < 1e-14)  // `log` may differ in the last bit between C libraries
        }
    }

    @Test("same seed, same sequence; different seeds, different sequences; copies fork")
    func determinism() {
        var a = SeededRandom(seed: 123)
        var b = SeededRandom(seed: 123)
        var c = SeededRandom(seed: 124)
        let sequenceA = (0..<1000).map { _ in a.next() }
        #expect(sequenceA == (0..<1000).map { _ in b.next() })
        #expect(sequenceA != (0..<1000).map { _ in c.next() })

        var copy = a
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in copy.next() })
    }

    @Test("values stay in their ranges and reach both ends")
    func rangeBounds() {
        var random = SeededRandom(seed: 5)
        var seen = Set<Int>()
        for _ in 0..<10_000 {
            let double = random.nextDouble()
            #expect(double >= 0 && double < 1)
            let float = random.nextFloat()
            #expect(float >= 0 && float < 1)
            let value = random.int(in: -3..<4)
            #expect((-3..<4).contains(value))
            seen.insert(value)
            let closed = random.int(in: 10...12)
            #expect((10...12).contains(closed))
            let uniform = random.uniform(in: -2.5..<7.0)
            #expect(uniform >= -2.5 && uniform < 7.0)
            let uniformClosed = random.uniform(in: 1.0...2.0)
            #expect(uniformClosed >= 1.0 && uniformClosed <= 2.0)
        }
        #expect(seen == Set(-3..<4))
        #expect(random.int(in: 5..<6) == 5)
        #expect(random.int(in: 9...9) == 9)
        #expect(random.uniform(in: 3.0...3.0) == 3.0)
        // Extreme ranges do not trap and stay in bounds.
        _ = random.int(in: Int.min...Int.max)
        #expect(random.int(in: Int.min..<(Int.min + 2)) <= Int.min + 1)
        #expect(random.int(in: (Int.max - 1)...Int.max) >= Int.max - 1)
        let wide = random.int(in: Int.min..<Int.max)
        #expect(wide < Int.max)
        // Ranges wider than the largest Double still give finite values inside them.
        let huge = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
        for _ in 0..<100 {
            let value = random.uniform(in: huge)
            #expect(value.isFinite && huge.contains(value))
            let open = random.uniform(in: -Double.greatestFiniteMagnitude..<Double.greatestFiniteMagnitude)
            #expect(open.isFinite && open < Double.greatestFiniteMagnitude)
        }
        // A tiny range where rounding would hit the upper bound.
        let tiny = 1.0..<1.0.nextUp
        for _ in 0..<100 { #expect(random.uniform(in: tiny) == 1.0) }
    }

    @Test("int(in:) is unbiased: chi-square over 7 buckets")
    func intUniformity() {
        var random = SeededRandom(seed: 11)
        var counts = [Int](repeating: 0, count: 7)
        let draws = 70_000
        for _ in 0..<draws { counts[random.int(in: 0..<7)] += 1 }
        let expected = Double(draws) / 7
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 22.46)  // p = 0.001 for 6 degrees of freedom
    }

    @Test("100k normals have the requested mean and variance")
    func normalMoments() {
        var random = SeededRandom(seed: 31)
        for (mean, deviation) in [(0.0, 1.0), (5.0, 2.0), (-3.0, 0.5)] {
            let count = 100_000
            let values = (0..<count).map { _ in random.normal(mean: mean, standardDeviation: deviation) }
            let sampleMean = values.reduce(0, +) / Double(count)
            let variance = values.reduce(0) { $0 + ($1 - sampleMean) * ($1 - sampleMean) } / Double(count - 1)
            // Standard error of the mean is σ/√n ≈ 0.0032σ; of the variance ≈ 0.0045σ².
            #expect(abs(sampleMean - mean) < 0.02 * deviation)
            #expect(abs(variance - deviation * deviation) < 0.03 * deviation * deviation)
            let within1 = values.filter { abs($0 - mean) < deviation }.count
            #expect(abs(Double(within1) / Double(count) - 0.6827) < 0.01)
        }
        #expect(random.normal(mean: 4, standardDeviation: 0) == 4)
    }

    @Test("shuffle is a deterministic permutation")
    func shufflePermutation() {
        var random = SeededRandom(seed: 8)
        var values = Array(0..<1000)
        random.shuffle(&values)
        #expect(values != Array(0..<1000))
        #expect(values.sorted() == Array(0..<1000))

        var again = SeededRandom(seed: 8)
        #expect(again.shuffled(0..<1000) == values)

        var empty: [Int] = []
        random.shuffle(&empty)
        #expect(empty.isEmpty)
        var single = ["x"]
        random.shuffle(&single)
        #expect(single == ["x"])
    }

    @Test("sample draws distinct elements without replacement")
    func sampleWithoutReplacement() throws {
        var random = SeededRandom(seed: 3)
        let population = Array(100..<200)
        for k in [0, 1, 10, 50, 100] {
            let picked = try random.sample(k: k, from: population)
            #expect(picked.count == k)
            #expect(Set(picked).count == k)
            #expect(picked.allSatisfy { population.contains($0) })
        }
        let all = try random.sample(k: 100, from: population)
        #expect(all.sorted() == population)
        // A small sample from a large range needs no array of the range.
        let few = try random.sample(k: 5, from: 0..<1_000_000_000)
        #expect(Set(few).count == 5)
        // Every element is equally likely to be picked.
        var hits = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 {
            for value in try random.sample(k: 3, from: 0..<10) { hits[value] += 1 }
        }
        #expect(hits.allSatisfy { abs($0 - 3000) < 250 })
    }

    @Test("sample rejects k outside 0...count with invalidArgument")
    func sampleErrors() {
        var random = SeededRandom(seed: 3)
        let tooMany = #expect(throws: MLOpsError.self) { try random.sample(k: 4, from: [1, 2, 3]) }
        #expect(tooMany?.code == .invalidArgument)
        #expect(tooMany?.value == "4")
        let negative = #expect(throws: MLOpsError.self) { try random.sample(k: -1, from: [1, 2, 3]) }
        #expect(negative?.code == .invalidArgument)
        #expect(negative?.value == "-1")
    }

    @Test("split gives the current stream to the child and jumps the parent")
    func splitStreams() {
        var parent = SeededRandom(seed: 77)
        var reference = parent
        var jumped = parent
        jumped.jump()

        var child = parent.split()
        #expect((0..<100).map { _ in child.next() } == (0..<100).map { _ in reference.next() })
        #expect((0..<100).map { _ in parent.next() } == (0..<100).map { _ in jumped.next() })

        var root = SeededRandom(seed: 1)
        var streams = (0..<4).map { _ in root.split() }
        let firsts = streams.indices.map { streams[$0].next() }
        #expect(Set(firsts).count == 4)
        var rootAgain = SeededRandom(seed: 1)
        var streamsAgain = (0..<4).map { _ in rootAgain.split() }
        #expect(streamsAgain.indices.map { streamsAgain[$0].next() } == firsts)
    }

    @Test("drives the standard library's random APIs")
    func standardLibraryInterop() {
        var random = SeededRandom(seed: 12)
        let value = Int.random(in: 0..<100, using: &random)
        #expect((0..<100).contains(value))
        #expect([1, 2, 3].shuffled(using: &random).sorted() == [1, 2, 3])
    }
}
