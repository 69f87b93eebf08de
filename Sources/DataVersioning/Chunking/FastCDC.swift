/// Content-defined chunking (FastCDC): splits bytes into chunks whose boundaries depend
/// only on the bytes around them, so an insertion or deletion changes only the chunks near
/// it and the rest of a file still deduplicates.
///
/// The algorithm is FastCDC (Xia et al., USENIX ATC 2016; IEEE TPDS 2020): a Gear rolling
/// hash over the last 64 bytes, cut-point skipping (no cut before
/// `ChunkingParameters.minimumSize`), normalized chunking (a harder cut condition before
/// `ChunkingParameters.averageSize`, an easier one from there on) and a hard cut at
/// `ChunkingParameters.maximumSize`.
///
/// Boundaries are part of the storage format: the same bytes and parameters give the same
/// chunks in every release. They never depend on how the input is split into reads — feed
/// ``nextCut(in:)`` whatever you have buffered, and it either finds the next boundary or
/// asks for more.
public struct FastCDC: Sendable {
    /// The sizes this chunker cuts by.
    public let parameters: ChunkingParameters

    /// The cut condition below `averageSize`: these hash bits must all be zero.
    private let hardMask: UInt64
    /// The cut condition from `averageSize` on.
    private let easyMask: UInt64

    /// Creates a chunker.
    ///
    /// - Parameter parameters: The chunk sizes; ``ChunkingParameters/default`` (16 KiB /
    ///   64 KiB / 256 KiB) unless the data calls for others.
    public init(parameters: ChunkingParameters = .default) {
        self.parameters = parameters
        // averageSize is a power of two ≥ 128 (validated), so bits is in 7...26 and both
        // one-bit counts below lie in 4...29.
        let bits = parameters.averageSize.trailingZeroBitCount
        hardMask = Self.mask(oneBits: bits + parameters.normalizationLevel)
        easyMask = Self.mask(oneBits: bits - parameters.normalizationLevel)
    }

    /// The length of the first chunk at the start of `buffer`, or `nil` when more bytes are
    /// needed to decide.
    ///
    /// Returns a length in `minimumSize...maximumSize` when a cut point lies in the buffer,
    /// and `maximumSize` when the buffer holds at least `maximumSize` bytes without one.
    /// Returns `nil` when `buffer.count < maximumSize` and no cut point was found: read more
    /// and call again with the longer buffer (the answer for the bytes already seen does not
    /// change), or, at the end of the input, take the whole buffer as the last chunk.
    public func nextCut(in buffer: UnsafeRawBufferPointer) -> Int? {
        let minimum = parameters.minimumSize
        let maximum = parameters.maximumSize
        guard buffer.count >= minimum, let base = buffer.baseAddress else { return nil }
        let limit = Swift.min(buffer.count, maximum)
        let hardEnd = Swift.min(parameters.averageSize - 1, limit)
        let hardMask = self.hardMask
        let easyMask = self.easyMask
        let found = Self.gear.withUnsafeBufferPointer { gear -> Int? in
            // The table has 256 entries, so any byte indexes it.
            guard let table = gear.baseAddress else { return nil }
            // Warm-up: the 63 bytes before the first candidate fill the hash's window, so every
            // cut decision is a function of the 64 bytes ending at the candidate.
            var hash: UInt64 = 0
            var index = minimum - 64
            while index < minimum - 1 {
                hash = (hash &<< 1) &+ table[Int(base.load(fromByteOffset: index, as: UInt8.self))]
                index &+= 1
            }
            // A cut after the byte at `index` gives a chunk of `index + 1` bytes.
            if let cut = Self.scan(base, table, &index, &hash, end: hardEnd, mask: hardMask) { return cut }
            return Self.scan(base, table, &index, &hash, end: limit, mask: easyMask)
        }
        if let found { return found }
        return limit == maximum ? maximum : nil
    }

    /// The lengths of the chunks of a whole input, in order; they add up to `bytes.count`.
    ///
    /// Every length is in `minimumSize...maximumSize` except the last, which is whatever
    /// remains (possibly shorter than the minimum). An empty input has no chunks.
    public func chunkLengths(of bytes: UnsafeRawBufferPointer) -> [Int] {
        var lengths: [Int] = []
        lengths.reserveCapacity(bytes.count / parameters.averageSize + 1)
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            let length = nextCut(in: rest) ?? rest.count
            lengths.append(length)
            offset += length
        }
        return lengths
    }

    /// Rolls the hash over the bytes from `index` up to `end` and returns the length of the
    /// chunk ending at the first byte after which `hash & mask == 0`, or `nil`; on `nil`,
    /// `index == end` and `hash` covers the bytes up to it.
    ///
    /// Eight bytes per iteration, as two ``roll4(_:_:_:_:_:)`` steps; the bytes before `end`
    /// that do not fill a step are rolled one at a time.
    @inline(__always)
    private static func scan(
        _ base: UnsafeRawPointer, _ table: UnsafePointer<UInt64>, _ index: inout Int, _ hash: inout UInt64,
        end: Int, mask: UInt64
    ) -> Int? {
        var i = index
        var h = hash
        defer {
            index = i
            hash = h
        }
        while i &+ 8 <= end {
            if let cut = roll4(base, table, i, &h, mask) { return cut }
            if let cut = roll4(base, table, i &+ 4, &h, mask) { return cut }
            i &+= 8
        }
        while i < end {
            h = (h &<< 1) &+ table[Int(base.load(fromByteOffset: i, as: UInt8.self))]
            i &+= 1
            if h & mask == 0 { return i }
        }
        return nil
    }

    /// Rolls `hash` over the four bytes at `index` and returns the chunk length at the first
    /// of them after which `hash & mask == 0`, or `nil`.
    ///
    /// The hash after byte `k` is `hash << (k + 1)` plus a sum of shifted table entries that does
    /// not depend on `hash` (the idea behind FastCDC 2020's "rolling two bytes each time"), so
    /// less of the work waits on the previous bytes' hash. Of the forms tried — one byte at a
    /// time, every hash from `hash` directly, and this one (the third hash from `hash`, the
    /// fourth from the third) — this one measured fastest in a release build.
    @inline(__always)
    private static func roll4(
        _ base: UnsafeRawPointer, _ table: UnsafePointer<UInt64>, _ index: Int, _ hash: inout UInt64, _ mask: UInt64
    ) -> Int? {
        let g0 = table[Int(base.load(fromByteOffset: index, as: UInt8.self))]
        let g1 = table[Int(base.load(fromByteOffset: index &+ 1, as: UInt8.self))]
        let g2 = table[Int(base.load(fromByteOffset: index &+ 2, as: UInt8.self))]
        let g3 = table[Int(base.load(fromByteOffset: index &+ 3, as: UInt8.self))]
        // The table entries' part of the hash after the second and third bytes.
        let s1 = (g0 &<< 1) &+ g1
        let s2 = (s1 &<< 1) &+ g2
        let h = hash
        let h2 = (h &<< 3) &+ s2
        if ((h &<< 1) &+ g0) & mask == 0 { return index &+ 1 }
        if ((h &<< 2) &+ s1) & mask == 0 { return index &+ 2 }
        if h2 & mask == 0 { return index &+ 3 }
        hash = (h2 &<< 1) &+ g3
        if hash & mask == 0 { return index &+ 4 }
        return nil
    }

    // MARK: The Gear hash

    /// `oneBits` one-bits at the top of a 64-bit word.
    ///
    /// The Gear hash is `hash = hash << 1 + gear[byte]`, so bit `k` of the hash depends only on
    /// the last `k + 1` bytes, and the low bits see a tiny window. FastCDC's papers spread the
    /// mask's one-bits over the middle of the word to widen it (their 8 KiB masks, such as
    /// `0x0003590703530000`, span bits 16–49, so the lowest tested bit sees 17 bytes). Taking
    /// the highest bits instead gives every tested bit a window of at least `65 − oneBits` bytes
    /// (43 for the default hard mask of 22 bits, 36 for the largest possible mask of 29 bits)
    /// and the top bit all 64, and the test is still one `and` and one branch. The bits below
    /// the mask still feed it through the carries of the additions.
    private static func mask(oneBits: Int) -> UInt64 {
        ~UInt64(0) &<< UInt64(64 - oneBits)
    }

    /// The seed of the Gear table: the ASCII bytes of "MLDVGEAR" as a big-endian number.
    static let gearSeed: UInt64 = 0x4D4C_4456_4745_4152

    /// The Gear table: 256 pseudo-random 64-bit values, one per byte value.
    ///
    /// Entry `i` is the `(i + 1)`-th output of SplitMix64 (Steele, Lea and Flood, 2014; the
    /// constants of Vigna's reference `splitmix64.c`) started from ``gearSeed``. The table is
    /// part of the storage format: changing it moves every chunk boundary. Never change it.
    static let gear: [UInt64] = {
        var state = gearSeed
        return (0..<256).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }()
}
