import MLOps

/// Per-call latencies of one benchmark thread, in nanoseconds, in a bounded buffer.
///
/// The buffer is reserved up front, so recording never allocates. Once `capacity` calls are
/// recorded, each further call replaces a random earlier sample with probability
/// `capacity / calls` (reservoir sampling), so the kept samples stay a uniform sample of all
/// calls. ``percentiles(_:of:)`` merges several samplers, weighting each sample by the calls it
/// stands for.
struct LatencySampler: Sendable {
    /// The most samples kept.
    let capacity: Int
    /// The kept samples, in nanoseconds.
    private(set) var samples: [Int]
    /// Every call recorded, kept or not.
    private(set) var callCount = 0
    /// Picks the sample a call replaces once the buffer is full.
    private var random: SeededRandom

    /// A sampler that keeps at most `capacity` samples (at least 1); `seed` drives the reservoir.
    init(capacity: Int, seed: UInt64) {
        self.capacity = max(1, capacity)
        samples = []
        samples.reserveCapacity(self.capacity)
        random = SeededRandom(seed: seed)
    }

    /// Records one call that took `nanoseconds`.
    mutating func record(_ nanoseconds: Int) {
        callCount += 1
        if samples.count < capacity {
            samples.append(nanoseconds)
        } else {
            let slot = random.int(in: 0..<callCount)
            if slot < capacity { samples[slot] = nanoseconds }
        }
    }

    /// The latencies at the fractions `levels` (each in `[0, 1]`) over all calls of `samplers`, in
    /// nanoseconds, in the order of `levels`; `nil` when no call was recorded.
    ///
    /// A level's value is the smallest sample whose cumulative weight reaches that fraction of
    /// the total (nearest rank), so a higher level never gives a smaller value. A sample of a
    /// sampler that recorded `c` calls in `k` kept samples weighs `c / k`.
    static func percentiles(_ levels: [Double], of samplers: [LatencySampler]) -> [Double]? {
        var weighted: [(value: Int, weight: Double)] = []
        weighted.reserveCapacity(samplers.reduce(0) { $0 + $1.samples.count })
        for sampler in samplers where !sampler.samples.isEmpty {
            let weight = Double(sampler.callCount) / Double(sampler.samples.count)
            for value in sampler.samples { weighted.append((value, weight)) }
        }
        guard !weighted.isEmpty else { return nil }
        weighted.sort { $0.value < $1.value }
        let total = weighted.reduce(0) { $0 + $1.weight }
        return levels.map { level in
            let target = min(max(level, 0), 1) * total
            var cumulative = 0.0
            for entry in weighted {
                cumulative += entry.weight
                if cumulative >= target { return Double(entry.value) }
            }
            return Double(weighted[weighted.count - 1].value)
        }
    }
}
