/// The protobuf content of TensorBoard's hparams plugin (`HParamsPluginData`,
/// version 0), so event files can feed the HParams dashboard.
///
/// TensorBoard reads three summaries, each a ``TensorBoardEvent/Content/plugin(tag:pluginName:content:)``
/// value with plugin name ``pluginName``:
///
/// - ``experimentTag`` (`_hparams_/experiment`), once for the whole log
///   directory (TensorBoard uses the first it finds): the hyperparameters
///   and metrics the dashboard shows as columns — ``experiment(hparams:metrics:timeCreatedSeconds:)``.
/// - ``sessionStartTag`` (`_hparams_/session_start_info`), in each run's
///   directory: the run's values and its group — ``sessionStart(hparams:groupName:startTimeSeconds:)``.
/// - ``sessionEndTag`` (`_hparams_/session_end_info`): how the run ended —
///   ``sessionEnd(status:endTimeSeconds:)``.
///
/// A metric of a session is a scalar tag of the session's run directory
/// (``MetricInfo/group`` empty) or of a subdirectory (the group is its
/// relative path). The bytes equal those of TensorBoard's own
/// `summary_v2.hparams_pb` / `hparams_config_pb` for the same input, except
/// that map entries are written in key order.
enum TensorBoardHParams {
    /// The plugin name in the summary metadata.
    static let pluginName = "hparams"
    /// The tag of the experiment summary.
    static let experimentTag = "_hparams_/experiment"
    /// The tag of a session's start summary.
    static let sessionStartTag = "_hparams_/session_start_info"
    /// The tag of a session's end summary.
    static let sessionEndTag = "_hparams_/session_end_info"

    /// A hyperparameter value (`google.protobuf.Value`).
    enum Value: Sendable, Hashable {
        /// A number (`number_value`).
        case number(Double)
        /// A string (`string_value`).
        case string(String)
        /// A boolean (`bool_value`).
        case bool(Bool)
    }

    /// The type of a hyperparameter (`DataType`).
    enum DataType: UInt64, Sendable, Hashable {
        /// Not given.
        case unset = 0
        /// Strings.
        case string = 1
        /// Booleans.
        case bool = 2
        /// Numbers (doubles).
        case float64 = 3
    }

    /// How a session ended (`Status`).
    enum Status: UInt64, Sendable, Hashable {
        /// Unknown.
        case unknown = 0
        /// Finished successfully.
        case success = 1
        /// Failed (or was stopped).
        case failure = 2
        /// Still running.
        case running = 3
    }

    /// The values a hyperparameter ranges over, if known.
    enum Domain: Sendable, Hashable {
        /// These values (`domain_discrete`).
        case discrete([Value])
        /// Numbers from `min` to `max` (`domain_interval`).
        case interval(min: Double, max: Double)
    }

    /// One hyperparameter of the experiment (`HParamInfo`).
    struct HParamInfo: Sendable, Hashable {
        /// Its name, the key in each session's values.
        var name: String
        /// Its type.
        var type: DataType
        /// Its domain, or `nil`.
        var domain: Domain?

        /// Creates a hyperparameter description.
        init(name: String, type: DataType, domain: Domain? = nil) {
            self.name = name
            self.type = type
            self.domain = domain
        }
    }

    /// One metric of the experiment (`MetricInfo`): a scalar tag, in the
    /// session's run directory (`group` empty) or a subdirectory of it.
    struct MetricInfo: Sendable, Hashable {
        /// The scalar's tag.
        var tag: String
        /// The run subdirectory relative to the session's, or empty.
        var group: String

        /// Creates a metric description.
        init(tag: String, group: String = "") {
            self.tag = tag
            self.group = group
        }
    }

    /// `HParamsPluginData { experiment }`: the experiment's hyperparameters and metrics.
    static func experiment(hparams: [HParamInfo], metrics: [MetricInfo], timeCreatedSeconds: Double)
        -> [UInt8]
    {
        var writer = ProtobufWriter()
        writer.message(2) { experiment in
            if timeCreatedSeconds.bitPattern != 0 { experiment.double(3, timeCreatedSeconds) }
            for info in hparams {
                experiment.message(4) { message in
                    if !info.name.isEmpty { message.string(1, info.name) }
                    if info.type != .unset { message.uint64(4, info.type.rawValue) }
                    switch info.domain {
                    case .discrete(let values)?:
                        message.message(5) { list in
                            for value in values { list.message(1) { encode(value, into: &$0) } }
                        }
                    case .interval(let min, let max)?:
                        message.message(6) { interval in
                            if min.bitPattern != 0 { interval.double(1, min) }
                            if max.bitPattern != 0 { interval.double(2, max) }
                        }
                    case nil: break
                    }
                }
            }
            for metric in metrics {
                experiment.message(5) { message in
                    message.message(1) { name in
                        if !metric.group.isEmpty { name.string(1, metric.group) }
                        if !metric.tag.isEmpty { name.string(2, metric.tag) }
                    }
                }
            }
        }
        return writer.bytes
    }

    /// `HParamsPluginData { session_start_info }`: one session's values (in
    /// key order), its group (sessions of one group are aggregated; a unique
    /// name keeps it alone) and its start time.
    static func sessionStart(hparams: [String: Value], groupName: String, startTimeSeconds: Double)
        -> [UInt8]
    {
        var writer = ProtobufWriter()
        writer.message(3) { start in
            for key in hparams.keys.sorted() {
                guard let value = hparams[key] else { continue }
                start.message(1) { entry in
                    entry.string(1, key)
                    entry.message(2) { encode(value, into: &$0) }
                }
            }
            if !groupName.isEmpty { start.string(4, groupName) }
            if startTimeSeconds.bitPattern != 0 { start.double(5, startTimeSeconds) }
        }
        return writer.bytes
    }

    /// `HParamsPluginData { session_end_info }`: how and when a session ended
    /// (`endTimeSeconds` `nil`: not recorded).
    static func sessionEnd(status: Status, endTimeSeconds: Double?) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.message(4) { end in
            if status != .unknown { end.uint64(1, status.rawValue) }
            if let endTimeSeconds, endTimeSeconds.bitPattern != 0 { end.double(2, endTimeSeconds) }
        }
        return writer.bytes
    }

    /// A `google.protobuf.Value`: the oneof field is written even when it holds a default.
    private static func encode(_ value: Value, into writer: inout ProtobufWriter) {
        switch value {
        case .number(let number): writer.double(2, number)
        case .string(let text): writer.string(3, text)
        case .bool(let flag): writer.uint64(4, flag ? 1 : 0)
        }
    }
}
