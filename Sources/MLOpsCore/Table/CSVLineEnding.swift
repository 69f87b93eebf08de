/// The line terminator ``CSVWriter`` puts after each record.
public enum CSVLineEnding: String, Sendable, Hashable, Codable {
    /// `\n`, the default.
    case lf
    /// `\r\n`, as RFC 4180 specifies.
    case crlf

    var bytes: [UInt8] {
        switch self {
        case .lf: [0x0A]
        case .crlf: [0x0D, 0x0A]
        }
    }
}
