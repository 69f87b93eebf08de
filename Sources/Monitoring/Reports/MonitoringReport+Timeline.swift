extension MonitoringReport {
    /// A named series of values over time, with an optional threshold line.
    public struct Timeline: Sendable, Hashable, Codable {
        /// One point.
        public struct Point: Sendable, Hashable, Codable {
            /// When, in milliseconds since 1970 (UTC).
            public var timeMilliseconds: Int64
            /// The value; a non-finite value leaves a gap in the line.
            public var value: Double

            /// A point.
            public init(timeMilliseconds: Int64, value: Double) {
                self.timeMilliseconds = timeMilliseconds
                self.value = value
            }
        }

        /// The series' name, e.g. `window_auc`.
        public var name: String
        /// The points; drawn in time order.
        public var points: [Point]
        /// A threshold to draw as a dashed line, if any.
        public var threshold: Double?

        /// A timeline.
        ///
        /// - Parameters:
        ///   - name: The series' name.
        ///   - points: The points.
        ///   - threshold: A threshold line, if any.
        public init(name: String, points: [Point], threshold: Double? = nil) {
            self.name = name
            self.points = points
            self.threshold = threshold
        }
    }
}
