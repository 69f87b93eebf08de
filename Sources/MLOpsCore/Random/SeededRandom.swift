/// The one seeded random number generator of swift-mlops: xoshiro256** seeded
/// through SplitMix64.
///
/// The same seed gives the same sequence of ``next()`` values on every
/// platform and in every release, so training runs, dataset splits and
/// hyperparameter searches that take a `SeededRandom` are reproducible. Pass
/// the generator explicitly (`inout`) to the code that draws from it; derive
/// independent streams for parallel work with ``split()``.
///
/// ```swift
/// var random = SeededRandom(seed: 42)
/// let x = random.nextDouble()              // in [0, 1)
/// let i = random.int(in: 0..<10)           // unbiased
/// let z = random.normal(mean: 0, standardDeviation: 1)
/// random.shuffle(&rows)
/// let batch = try random.sample(k: 32, from: rows)
/// ```
///
/// Being a `RandomNumberGenerator`, it also drives the standard library
/// (`Int.random(in:using:)`, `array.shuffled(using:)`), but the standard
/// library does not promise that those algorithms stay the same between Swift
/// versions; the helpers here do.
///
/// Everything derived from ``next()`` by integer arithmetic is bit-for-bit
/// reproducible. ``normal(mean:standardDeviation:)`` also calls the C
/// library's `log`, whose last bit may differ between C libraries.
///
/// xoshiro256** is fast and statistically strong but not cryptographically
/// secure; use `SystemRandomNumberGenerator` for secrets.
///
/// A generator is `Codable`: its whole state round-trips, so a checkpoint that
/// stores it resumes the same sequence.
public struct SeededRandom: RandomNumberGenerator, Sendable, Hashable, Codable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    // The second value of the last polar-method pair, returned by the next `normal` call.
    private var spareNormal: Double?

    /// Creates a generator whose sequence is determined by `seed`.
    ///
    /// The 256-bit state is filled with four SplitMix64 outputs started from
    /// `seed`, as the xoshiro authors recommend, so that nearby seeds (0, 1,
    /// 2…) give unrelated sequences. Every seed, including 0, is valid.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = Self.splitMix64(&mixer)
        s1 = Self.splitMix64(&mixer)
        s2 = Self.splitMix64(&mixer)
        s3 = Self.splitMix64(&mixer)
        spareNormal = nil
    }

    /// Returns the next 64 random bits and advances the generator (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    // MARK: Floating point

    /// Returns a uniformly distributed `Double` in `[0, 1)` with 53 random bits.
    ///
    /// Every value is a multiple of 2⁻⁵³; each of the 2⁵³ values is equally likely.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns a uniformly distributed `Float` in `[0, 1)` with 24 random bits.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// Returns a uniformly distributed `Double` in `range` (`lower..<upper`).
    ///
    /// The result is never `upper`, even where rounding would produce it.
    /// - Precondition: `range` is not empty and both bounds are finite.
    public mutating func uniform(in range: Range<Double>) -> Double {
        precondition(!range.isEmpty, "SeededRandom.uniform(in:) needs a non-empty range")
        precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "the range bounds must be finite")
        let value = Self.scaled(nextDouble(), range.lowerBound, range.upperBound)
        return value < range.upperBound ? value : range.upperBound.nextDown
    }

    /// Returns a uniformly distributed `Double` in `range` (`lower...upper`).
    ///
    /// A range of one value always returns that value.
    /// - Precondition: both bounds are finite.
    public mutating func uniform(in range: ClosedRange<Double>) -> Double {
        precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "the range bounds must be finite")
        return min(Self.scaled(nextDouble(), range.lowerBound, range.upperBound), range.upperBound)
    }

    /// Maps `unit` in [0, 1) onto [lower, upper], also when `upper - lower` overflows.
    private static func scaled(_ unit: Double, _ lower: Double, _ upper: Double) -> Double {
        let width = upper - lower
        let value = width.isFinite ? lower + width * unit : lower * (1 - unit) + upper * unit
        return max(value, lower)
    }

    /// Returns a normally distributed `Double` (Marsaglia's polar method).
    ///
    /// Values come in pairs: every second call returns the spare value kept
    /// from the previous one, so the sequence depends only on the seed and the
    /// order of calls (the spare is a standard normal, scaled on return, so
    /// mixing different `mean`s and `standardDeviation`s is fine).
    ///
    /// - Parameters:
    ///   - mean: The mean of the distribution.
    ///   - standardDeviation: The standard deviation; `0` returns `mean`.
    public mutating func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return mean + standardDeviation * spare
        }
        while true {
            let u = 2 * nextDouble() - 1
            let v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = (-2 * Platform.naturalLogarithm(s) / s).squareRoot()
            spareNormal = v * factor
            return mean + standardDeviation * (u * factor)
        }
    }

    // MARK: Integers

    /// Returns a uniformly distributed integer in `range`, without modulo bias.
    ///
    /// Uses Lemire's multiply-and-reject method: one `next()` call almost
    /// always, a few more only with probability below `range.count / 2⁶⁴`.
    /// - Precondition: `range` is not empty.
    public mutating func int(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "SeededRandom.int(in:) needs a non-empty range")
        let width = UInt64(UInt(bitPattern: range.upperBound &- range.lowerBound))
        return range.lowerBound &+ Int(truncatingIfNeeded: bounded(width))
    }

    /// Returns a uniformly distributed integer in `range`, without modulo bias.
    ///
    /// `Int.min...Int.max` is allowed and returns raw 64-bit values.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(UInt(bitPattern: range.upperBound &- range.lowerBound)) &+ 1
        if width == 0 { return Int(truncatingIfNeeded: next()) }  // the full 64-bit range
        return range.lowerBound &+ Int(truncatingIfNeeded: bounded(width))
    }

    /// A uniform value in `0..<bound` (Lemire, "Fast random integer generation in an interval", 2019).
    private mutating func bounded(_ bound: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    // MARK: Collections

    /// Shuffles `array` in place (Fisher–Yates, from the back).
    ///
    /// The permutation depends only on the generator's state and the count.
    public mutating func shuffle<Element>(_ array: inout [Element]) {
        var index = array.count - 1
        while index > 0 {
            let other = int(in: 0..<(index + 1))
            array.swapAt(index, other)
            index -= 1
        }
    }

    /// Returns the elements of `elements` in a random order; see ``shuffle(_:)``.
    public mutating func shuffled<Elements: Sequence>(_ elements: Elements) -> [Elements.Element] {
        var array = Array(elements)
        shuffle(&array)
        return array
    }

    /// Returns `k` distinct elements of `elements` (by position), in random order.
    ///
    /// Runs a partial Fisher–Yates shuffle: `k` calls to `int(in:)`,
    /// O(`k`) extra memory even when `elements` is much larger than `k`.
    ///
    /// - Throws: ``MLOpsError`` with code ``MLOpsError/Code/invalidArgument``
    ///   when `k` is negative or larger than the number of elements.
    public mutating func sample<Elements: Collection>(
        k: Int,
        from elements: Elements
    ) throws -> [Elements.Element] {
        let count = elements.count
        guard k >= 0, k <= count else {
            throw MLOpsError(
                .invalidArgument,
                "cannot sample \(k) elements without replacement from \(count); k must be in 0...\(count)",
                value: String(k)
            )
        }
        // Positions that the partial shuffle has swapped away from identity.
        var moved: [Int: Int] = [:]
        moved.reserveCapacity(min(2 * k, count))
        var result: [Elements.Element] = []
        result.reserveCapacity(k)
        for position in 0..<k {
            let other = int(in: position..<count)
            let picked = moved[other] ?? other
            moved[other] = moved[position] ?? position
            result.append(elements[elements.index(elements.startIndex, offsetBy: picked)])
        }
        return result
    }

    // MARK: Independent streams

    /// Advances the generator by 2¹²⁸ steps, as if ``next()`` had been called
    /// 2¹²⁸ times.
    ///
    /// Calling `jump()` on copies of one generator 0, 1, 2… times gives
    /// streams that cannot overlap for 2¹²⁸ draws each; ``split()`` does this
    /// for you.
    public mutating func jump() {
        let polynomial: [UInt64] = [
            0x180e_c6d3_3cfd_0aba, 0xd5a6_1266_f0c9_392c, 0xa958_2618_e03f_c9aa, 0x39ab_dc45_29b1_661c,
        ]
        var t0: UInt64 = 0
        var t1: UInt64 = 0
        var t2: UInt64 = 0
        var t3: UInt64 = 0
        for word in polynomial {
            for bit in 0..<64 {
                if word & (1 << UInt64(bit)) != 0 {
                    t0 ^= s0
                    t1 ^= s1
                    t2 ^= s2
                    t3 ^= s3
                }
                _ = next()
            }
        }
        s0 = t0
        s1 = t1
        s2 = t2
        s3 = t3
        spareNormal = nil
    }

    /// Returns a generator for an independent stream and moves this one past it.
    ///
    /// The returned generator continues from this generator's current state;
    /// this generator then jumps 2¹²⁸ steps ahead. The two sequences never
    /// overlap unless one of them draws 2¹²⁸ values. Splitting again from
    /// this generator gives the next stream:
    ///
    /// ```swift
    /// var root = SeededRandom(seed: 7)
    /// let workers = (0..<4).map { _ in root.split() }  // 4 reproducible, disjoint streams
    /// ```
    public mutating func split() -> SeededRandom {
        var child = self
        child.spareNormal = nil
        jump()
        return child
    }

    private static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 &- count))
    }
}
