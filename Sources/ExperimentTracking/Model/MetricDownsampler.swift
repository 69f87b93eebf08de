import MLOpsCore

/// Thins a long metric series for plotting while keeping its shape: the first
/// and last points always, and in each of evenly sized buckets between them
/// the point with the smallest and the one with the largest value.
///
/// The result keeps the input's order and has at most `maxPoints` points.
/// NaN values are never chosen as a bucket's minimum or maximum; a bucket of
/// only NaN keeps its first point, so gaps stay visible.
public enum MetricDownsampler {
    /// Downsamples `points` to at most `maxPoints` (at least 2).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` if `maxPoints` is below 2.
    public static func downsample(_ points: [Metric], maxPoints: Int) throws -> [Metric] {
        guard maxPoints >= 2 else {
            throw MLOpsError(.invalidArgument, "maxPoints must be at least 2", value: String(maxPoints))
        }
        if points.count <= maxPoints { return points }
        let interior = points.count - 2
        let room = maxPoints - 2
        // Two points (min and max) per bucket, or one bucket of one point when only one fits.
        let buckets = room >= 2 ? room / 2 : room
        var chosen: [Int] = [0]
        chosen.reserveCapacity(maxPoints)
        for bucket in 0..<buckets {
            let start = 1 + bucket * interior / buckets
            let end = 1 + (bucket + 1) * interior / buckets
            if start >= end { continue }
            var low = -1
            var high = -1
            for i in start..<end {
                let value = points[i].value
                if value.isNaN { continue }
                if low < 0 || value < points[low].value { low = i }
                if high < 0 || value > points[high].value { high = i }
            }
            if low < 0 {
                chosen.append(start)
            } else if room < 2 {
                chosen.append(high)  // Room for one point per bucket only.
            } else if low == high {
                chosen.append(low)
            } else {
                chosen.append(Swift.min(low, high))
                chosen.append(Swift.max(low, high))
            }
        }
        chosen.append(points.count - 1)
        return chosen.map { points[$0] }
    }
}
