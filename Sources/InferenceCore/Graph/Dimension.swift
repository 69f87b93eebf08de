/// One dimension of a declared tensor shape: a fixed size, the batch size, or unknown.
///
/// Graph inputs use ``fixed(_:)`` and ``batch`` only; the batch size is chosen per call
/// and every input dimension declared ``batch`` must receive the same size.
/// Graph outputs may also use ``unknown`` for a dimension that is not checked.
public enum Dimension: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A dimension of exactly this size.
    case fixed(Int)
    /// The symbolic batch dimension `N`, bound per call.
    case batch
    /// A dimension whose size is not declared (outputs only); it is inferred.
    case unknown

    /// A short human-readable form, for messages and logs.
    public var description: String {
        switch self {
        case .fixed(let n): String(n)
        case .batch: "N"
        case .unknown: "?"
        }
    }

    /// Whether `size` is acceptable for this dimension when the batch size is `batch`.
    public func matches(_ size: Int, batch: Int) -> Bool {
        switch self {
        case .fixed(let n): n == size
        case .batch: size == batch
        case .unknown: true
        }
    }
}

extension Dimension {
    /// Decodes a dimension from its compact JSON form: a size (`3`), `"batch"` or `"unknown"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let size = try? container.decode(Int.self) {
            self = .fixed(size)
            return
        }
        switch try container.decode(String.self) {
        case "batch": self = .batch
        case "unknown": self = .unknown
        case let other:
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "A dimension is a size, \"batch\" or \"unknown\", not \(other).")
        }
    }

    /// Encodes the dimension compactly: a size (`3`), `"batch"` or `"unknown"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .fixed(let n): try container.encode(n)
        case .batch: try container.encode("batch")
        case .unknown: try container.encode("unknown")
        }
    }
}
