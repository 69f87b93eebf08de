extension GraphOp {
    /// Attributes of ``GraphOp/labelEncoder(_:)`` (`ai.onnx.ml` LabelEncoder): a lookup table.
    ///
    /// Each input element equal to `keys[i]` becomes `values[i]` (the first `i` when a key is
    /// repeated); any other element becomes ``defaultValue``. The input's element type is the
    /// keys' and the output's the values'. Float keys compare as numbers (`-0` equals `0`), and
    /// a NaN key matches a NaN element (ONNX opset 4 semantics; the importer drops NaN keys of
    /// older opsets, which never match).
    public struct LabelEncoder: Sendable, Hashable, Codable {
        /// A typed list of table entries.
        public enum Column: Sendable, Hashable, Codable {
            /// `int64` entries.
            case int64([Int64])
            /// `float32` entries.
            case float32([Float])
            /// `float64` entries.
            case float64([Double])
            /// String entries.
            case string([String])

            /// The number of entries.
            public var count: Int {
                switch self {
                case .int64(let v): v.count
                case .float32(let v): v.count
                case .float64(let v): v.count
                case .string(let v): v.count
                }
            }

            /// The element type of a tensor holding these entries.
            public var elementType: ElementType {
                switch self {
                case .int64: .int64
                case .float32: .float32
                case .float64: .float64
                case .string: .string
                }
            }
        }

        /// The keys (the input's element type).
        public var keys: Column
        /// The values, aligned with ``keys`` (the output's element type).
        public var values: Column
        /// The value of an element that matches no key: one entry of the values' type.
        public var defaultValue: Column

        /// Creates label-encoder attributes.
        public init(keys: Column, values: Column, defaultValue: Column) {
            self.keys = keys
            self.values = values
            self.defaultValue = defaultValue
        }
    }
}
