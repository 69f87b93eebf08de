import MLOpsCore

/// The wall clock the tracker stamps times with.
enum TrackingClock {
    /// Milliseconds since 1970-01-01 UTC.
    @inline(__always)
    static func nowMilliseconds() -> Int64 {
        Int64(truncatingIfNeeded: Platform.wallClockMilliseconds())
    }
}
