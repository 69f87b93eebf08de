/// How ``PerformanceWindows`` cuts a sequence of labelled predictions into windows.
///
/// By time, windows are aligned to multiples of their length since the Unix epoch (a one-hour
/// window starts on the hour) and cover `[start, start + length)`; every window between the first
/// and the last prediction is produced, empty ones included. By count, windows hold that many
/// consecutive labelled predictions in timestamp order; the last window may be partial.
public enum WindowSpec: Sendable, Hashable, Codable {
    /// Consecutive, non-overlapping windows of `milliseconds` each.
    case tumblingTime(milliseconds: Int64)
    /// Windows of `milliseconds` starting every `stepMilliseconds` (overlapping when the step is
    /// shorter than the length).
    case slidingTime(milliseconds: Int64, stepMilliseconds: Int64)
    /// Consecutive windows of `count` labelled predictions.
    case tumblingCount(Int)
    /// Windows of `count` labelled predictions starting every `step` predictions.
    case slidingCount(Int, step: Int)
}
