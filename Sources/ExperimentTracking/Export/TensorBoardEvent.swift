/// One TensorBoard `Event` protobuf message, encoded by hand.
///
/// What scalar and hparams logging need: the file's first event
/// (`file_version` `"brain.Event:2"`, optionally with
/// `source_metadata.writer`), events carrying `Summary.Value`s with a
/// `simple_value`, and plugin summaries such as the hparams plugin's
/// (``TensorBoardHParams``). Fields are written in
/// field-number order and a zero step is left out, as the protobuf runtime
/// does, so the bytes match TensorBoard's own writer for the same input.
///
/// ```swift
/// var file: [UInt8] = []
/// TFRecord.append(TensorBoardEvent.fileVersion(wallTime: 1.7e9).encoded(), to: &file)
/// let event = TensorBoardEvent(wallTime: 1.7e9, step: 3, scalars: [.init(tag: "loss", value: 0.25)])
/// TFRecord.append(event.encoded(), to: &file)
/// ```
struct TensorBoardEvent: Sendable, Hashable {
    /// One `Summary.Value`: a tag and its float32 `simple_value`.
    struct Scalar: Sendable, Hashable {
        /// The series name (`loss`, `train/acc`…).
        var tag: String
        /// The value; TensorBoard stores scalars as float32.
        var value: Float

        /// Creates a scalar.
        init(tag: String, value: Float) {
            self.tag = tag
            self.value = value
        }

        /// Equal tags and bit-identical values (so a NaN scalar equals itself).
        static func == (lhs: Scalar, rhs: Scalar) -> Bool {
            lhs.tag == rhs.tag && lhs.value.bitPattern == rhs.value.bitPattern
        }

        /// Hashes the tag and the value's bits.
        func hash(into hasher: inout Hasher) {
            hasher.combine(tag)
            hasher.combine(value.bitPattern)
        }
    }

    /// What an event carries besides its time and step.
    enum Content: Sendable, Hashable {
        /// The header event: `file_version` and, if not `nil`, `source_metadata.writer`.
        case fileVersion(String, writer: String?)
        /// A `summary` with one `simple_value` per scalar.
        case scalars([Scalar])
        /// A `summary` with one value: `tag`, metadata naming the plugin and
        /// carrying its `content` bytes (`plugin_data`), and an empty float
        /// tensor (shape `[0]`) — the form of TensorBoard's hparams summaries.
        case plugin(tag: String, pluginName: String, content: [UInt8])
    }

    /// The version string TensorBoard expects in the first event of a file.
    static let currentFileVersion = "brain.Event:2"

    /// Seconds since 1970 (`wall_time`, field 1).
    var wallTime: Double
    /// The training step (`step`, field 2).
    var step: Int64
    /// The payload.
    var content: Content

    /// Creates an event.
    init(wallTime: Double, step: Int64 = 0, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// Creates an event carrying scalars.
    init(wallTime: Double, step: Int64, scalars: [Scalar]) {
        self.init(wallTime: wallTime, step: step, content: .scalars(scalars))
    }

    /// The header event every event file starts with.
    static func fileVersion(wallTime: Double, writer: String? = "swift-mlops") -> TensorBoardEvent {
        TensorBoardEvent(wallTime: wallTime, content: .fileVersion(currentFileVersion, writer: writer))
    }

    /// The event's protobuf encoding (the payload of one TFRecord).
    func encoded() -> [UInt8] {
        var writer = ProtobufWriter()
        writer.double(1, wallTime)
        if step != 0 { writer.int64(2, step) }
        switch content {
        case .fileVersion(let version, let source):
            writer.string(3, version)
            if let source {
                writer.message(10) { $0.string(1, source) }
            }
        case .scalars(let scalars):
            writer.message(5) { summary in
                for scalar in scalars {
                    summary.message(1) { value in
                        value.string(1, scalar.tag)
                        value.float(2, scalar.value)
                    }
                }
            }
        case .plugin(let tag, let pluginName, let content):
            writer.message(5) { summary in
                summary.message(1) { value in
                    value.string(1, tag)
                    // tensor (8): dtype DT_FLOAT (1), tensor_shape { dim { size: 0 } }.
                    value.message(8) { tensor in
                        tensor.int64(1, 1)
                        tensor.message(2) { shape in shape.message(2) { _ in } }
                    }
                    // metadata (9): plugin_data { plugin_name, content }.
                    value.message(9) { metadata in
                        metadata.message(1) { plugin in
                            plugin.string(1, pluginName)
                            if !content.isEmpty { plugin.bytesField(2, content) }
                        }
                    }
                }
            }
        }
        return writer.bytes
    }

    /// Equal steps and contents and bit-identical wall times.
    static func == (lhs: TensorBoardEvent, rhs: TensorBoardEvent) -> Bool {
        lhs.wallTime.bitPattern == rhs.wallTime.bitPattern && lhs.step == rhs.step && lhs.content == rhs.content
    }

    /// Hashes the wall time's bits, the step and the content.
    func hash(into hasher: inout Hasher) {
        hasher.combine(wallTime.bitPattern)
        hasher.combine(step)
        hasher.combine(content)
    }
}
