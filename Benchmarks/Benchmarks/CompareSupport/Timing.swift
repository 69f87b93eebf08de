// The clock and the statistics the compare executables report with.
import Foundation

/// Monotonic nanoseconds (CLOCK_MONOTONIC); inlined into the caller, so timing a short call adds no
/// call across modules.
@inlinable @inline(__always)
public func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// `duration` in seconds.
public func seconds(_ duration: Duration) -> Double {
    let (s, a) = duration.components
    return Double(s) + Double(a) / 1e18
}

/// The median of `values` (mean of the middle two for an even count; NaN when empty).
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Nearest-rank percentile `q` (0–100) of `sorted` (ascending), as shared/anchors/_common.py's
/// `percentile`; NaN when empty.
public func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((q / 100 * Double(sorted.count) + 0.5).rounded(.toNearestOrEven)) - 1
    return sorted[max(0, min(sorted.count - 1, rank))]
}
