import MLOpsCore

/// MLflow's limits on names, values and batches, and the checks that enforce
/// them.
///
/// Every check throws `MLOpsError` — `invalidArgument` for a malformed name,
/// `limitExceeded` for something too long or too many — with a message that
/// quotes the limit, in MLflow's words where MLflow has them:
///
/// - metric, param and tag **names**: only letters, digits, `_`, `-`, `.`,
///   space and `/` (regex `^[/\w.\- ]*$`), at most ``maxKeyLength`` characters,
///   and a normalised relative path — not empty, no leading or trailing `/`,
///   no `//`, no `.` or `..` segment — because names may become file names;
/// - **param values** ≤ ``maxParamValueLength`` characters, **tag values** ≤
///   ``maxTagValueLength``, **run names** ≤ ``maxRunNameLength``;
/// - one **batch** carries at most ``maxMetricsPerBatch`` metrics,
///   ``maxParamsPerBatch`` params and ``maxTagsPerBatch`` tags;
/// - **dataset inputs**: name ≤ ``maxDatasetNameLength``, digest ≤
///   ``maxDatasetDigestLength``.
public enum TrackingLimits {
    /// The longest metric, param or tag name (250).
    public static let maxKeyLength = 250
    /// The longest param value (6000).
    public static let maxParamValueLength = 6_000
    /// The longest tag value (5000).
    public static let maxTagValueLength = 5_000
    /// The longest run name (250).
    public static let maxRunNameLength = 250
    /// The longest experiment name (256).
    public static let maxExperimentNameLength = 256
    /// The most metrics in one batch (1000).
    public static let maxMetricsPerBatch = 1_000
    /// The most params in one batch (100).
    public static let maxParamsPerBatch = 100
    /// The most tags in one batch (100).
    public static let maxTagsPerBatch = 100
    /// The longest dataset name (500).
    public static let maxDatasetNameLength = 500
    /// The longest dataset digest (36).
    public static let maxDatasetDigestLength = 36
    /// The longest dataset context, source or source type (5000, a tag value).
    public static let maxDatasetFieldLength = 5_000

    /// Checks a metric, param or tag name. `kind` is `"metric"`, `"param"` or `"tag"`.
    public static func validateKey(_ key: String, kind: String) throws {
        if isValidASCIIKey(key) { return }
        try validateKeySlow(key, kind: kind)
    }

    /// The fast path: a short ASCII name made of allowed characters with no bad segments.
    @inline(__always)
    static func isValidASCIIKey(_ key: String) -> Bool {
        let result = key.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let count = bytes.count
            if count == 0 || count > maxKeyLength { return false }
            if bytes[0] == UInt8(ascii: "/") || bytes[count - 1] == UInt8(ascii: "/") { return false }
            var segmentStart = 0
            var i = 0
            while i <= count {
                if i == count || bytes[i] == UInt8(ascii: "/") {
                    let length = i - segmentStart
                    if length == 0 { return false }
                    if bytes[segmentStart] == UInt8(ascii: "."),
                        length == 1 || (length == 2 && bytes[segmentStart + 1] == UInt8(ascii: "."))
                    {
                        return false
                    }
                    segmentStart = i + 1
                } else if !allowedASCII[Int(bytes[i])] {
                    return false
                }
                i += 1
            }
            return true
        }
        return result ?? false
    }

    private static let allowedASCII: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: " "), UInt8(ascii: "/"): true
        default: false
        }
    }

    private static func validateKeySlow(_ key: String, kind: String) throws {
        let length = key.unicodeScalars.count
        if length > maxKeyLength {
            throw MLOpsError(
                .limitExceeded,
                "\(kind) name had length \(length), which exceeded length limit of \(maxKeyLength)",
                value: key)
        }
        for scalar in key.unicodeScalars {
            let properties = scalar.properties
            let word = properties.isAlphabetic || properties.numericType == .decimal || scalar == "_"
            if !(word || scalar == "/" || scalar == "." || scalar == "-" || scalar == " ") {
                throw MLOpsError(
                    .invalidArgument,
                    "invalid \(kind) name: names may only contain alphanumerics, underscores (_), dashes (-), "
                        + "periods (.), spaces ( ), and slashes (/)",
                    value: key)
            }
        }
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        if key.isEmpty || segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw MLOpsError(
                .invalidArgument,
                "invalid \(kind) name: names may be treated as files, so they must be normalised relative paths "
                    + "(not empty, no leading, trailing or double '/', no '.' or '..' segments)",
                value: key)
        }
    }

    /// Checks that `value` has at most `limit` characters; `what` names it in the message
    /// (e.g. `"Param value"`).
    public static func validateLength(_ value: String, limit: Int, what: String) throws {
        // Most values are short: count bytes first, characters only if needed.
        if value.utf8.count <= limit { return }
        let length = value.count
        if length > limit {
            throw MLOpsError(
                .limitExceeded,
                "\(what) had length \(length), which exceeded length limit of \(limit)",
                value: value)
        }
    }

    /// Checks a batch's sizes against MLflow's per-request limits.
    public static func validateBatch(metrics: Int = 0, params: Int = 0, tags: Int = 0) throws {
        func tooMany(
            _ count: Int, _ limit: Int, _ what: String, fileID: String = #fileID, line: Int = #line
        ) -> MLOpsError {
            MLOpsError(
                .limitExceeded,
                "a batch can contain at most \(limit) \(what); got \(count) \(what). Split them across several "
                    + "calls and try again",
                value: String(count), fileID: fileID, line: line)
        }
        if metrics > maxMetricsPerBatch { throw tooMany(metrics, maxMetricsPerBatch, "metrics") }
        if params > maxParamsPerBatch { throw tooMany(params, maxParamsPerBatch, "params") }
        if tags > maxTagsPerBatch { throw tooMany(tags, maxTagsPerBatch, "tags") }
    }

    /// Checks a metric timestamp: milliseconds since 1970, not negative (MLflow's rule).
    @inline(__always)
    public static func validateTimestamp(_ timestamp: Int64, key: String) throws {
        if timestamp < 0 {
            throw MLOpsError(
                .invalidArgument,
                "invalid timestamp \(timestamp) for metric '\(key)': a timestamp must be a non-negative 64-bit "
                    + "integer (milliseconds since 1970)",
                value: String(timestamp))
        }
    }

    /// Checks a param: its name and the length of its value.
    public static func validateParam(key: String, value: String) throws {
        try validateKey(key, kind: "param")
        try validateLength(value, limit: maxParamValueLength, what: "Param value for '\(key)'")
    }

    /// Checks a tag: its name and the length of its value.
    public static func validateTag(key: String, value: String) throws {
        try validateKey(key, kind: "tag")
        try validateLength(value, limit: maxTagValueLength, what: "Tag value for '\(key)'")
    }

    /// Checks a dataset input's fields.
    public static func validateDataset(_ input: DatasetInput) throws {
        if input.name.isEmpty {
            throw MLOpsError(.invalidArgument, "a dataset input needs a name", value: input.name)
        }
        try validateLength(input.name, limit: maxDatasetNameLength, what: "Dataset name")
        try validateLength(input.digest, limit: maxDatasetDigestLength, what: "Dataset digest")
        try validateLength(input.context, limit: maxDatasetFieldLength, what: "Dataset context")
        try validateLength(input.source, limit: maxDatasetFieldLength, what: "Dataset source")
        try validateLength(input.sourceType, limit: maxDatasetFieldLength, what: "Dataset source type")
    }

    /// Checks an experiment name: not empty, at most ``maxExperimentNameLength`` characters.
    public static func validateExperimentName(_ name: String) throws {
        if name.isEmpty || name.allSatisfy(\.isWhitespace) {
            throw MLOpsError(.invalidArgument, "an experiment name must not be empty", value: name)
        }
        try validateLength(name, limit: maxExperimentNameLength, what: "Experiment name")
    }

    /// Checks a run name's length.
    public static func validateRunName(_ name: String) throws {
        try validateLength(name, limit: maxRunNameLength, what: "Run name")
    }
}
