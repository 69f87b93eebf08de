/// The one error type every swift-mlops module throws.
///
/// An `MLOpsError` says what went wrong (``code``), in words a person can act
/// on (``message``), and, where there is one, which value was at fault
/// (``value``). Codes are an open set: later releases add codes without
/// breaking callers, so match on them with `==` or `~=` rather than
/// exhaustively.
///
/// ```swift
/// do {
///     try await store.put("../escape", data: bytes)
/// } catch let error as MLOpsError where error.code == .invalidArgument {
///     print(error.message)
/// }
/// ```
///
/// Two errors compare equal when their codes are equal; message, value,
/// cause and source location are ignored, so `catch MLOpsError.notFound`
/// reads naturally.
///
/// An error that wraps another (a system call's failure, a decoder's error)
/// keeps it in ``underlying`` and names it in its ``description``.
public struct MLOpsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A growable error category.
    ///
    /// New codes are added as `static let` constants; a code is identified by
    /// its ``rawValue``, which is stable across releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible, RawRepresentable {
        /// The stable, machine-readable name of the code, e.g. `"not_found"`.
        public var rawValue: String

        /// Creates a code from its stable name. Modules define their own codes
        /// as `static let` constants in an extension.
        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// A caller passed an argument that is malformed or out of range.
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// The requested key, record or object does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// The object already exists, or a compare-and-swap saw another version.
        public static let conflict = Code(rawValue: "conflict")
        /// Stored or received bytes fail a check (hash, checksum, structure).
        public static let corruptData = Code(rawValue: "corrupt_data")
        /// Input could not be parsed (CSV, JSON, model files...).
        public static let parseError = Code(rawValue: "parse_error")
        /// A format or feature that this version does not support.
        public static let unsupported = Code(rawValue: "unsupported")
        /// A bound (size, count, length) was exceeded.
        public static let limitExceeded = Code(rawValue: "limit_exceeded")
        /// The operating system or a C library reported a failure.
        public static let ioError = Code(rawValue: "io_error")
        /// The store or resource is busy; retrying later may succeed.
        public static let busy = Code(rawValue: "busy")
        /// An operation was attempted in a state that does not allow it.
        public static let invalidState = Code(rawValue: "invalid_state")
        /// An injected fault (from `MLOpsTestKit`); never thrown by production code.
        public static let injectedFault = Code(rawValue: "injected_fault")
    }

    /// What category of failure this is.
    public var code: Code
    /// What was wrong and, where it helps, what to do about it.
    public var message: String
    /// The offending value, rendered for people (truncated to a readable length).
    public var value: String?
    /// Where the error was created, as `file:line`.
    public var location: String
    /// The error that caused this one, if it wraps another (for example the
    /// `DecodingError` behind a `corruptData` record), kept for logging and
    /// for callers that want the details; `nil` otherwise.
    public var underlying: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The category.
    ///   - message: A sentence that says what was wrong and what to do.
    ///   - value: The offending value, if any; long values are truncated to 200 characters.
    ///   - cause: The error this one wraps, if any; kept in ``underlying``.
    ///   - fileID: The source file to record in ``location``; helpers that build
    ///     errors for their callers forward their own caller's `#fileID`.
    ///   - line: The source line to record in ``location``, forwarded the same way.
    public init(
        _ code: Code,
        _ message: String,
        value: String? = nil,
        cause: (any Error)? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = cause
        if let value, value.count > 200 {
            self.value = String(value.prefix(200)) + "…"
        } else {
            self.value = value
        }
        self.location = "\(fileID):\(line)"
    }

    /// `code: message`, then the offending value and the underlying cause when there are any.
    public var description: String {
        var text = "\(code): \(message)"
        if let value { text += " (value: \(value.debugDescription))" }
        if let underlying { text += " (cause: \(String(describing: underlying)))" }
        return text
    }

    public static func == (lhs: MLOpsError, rhs: MLOpsError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches an error by code: `catch MLOpsError.notFound { … }`.
    public static func ~= (pattern: MLOpsError, error: any Error) -> Bool {
        (error as? MLOpsError)?.code == pattern.code
    }

    /// Prototypes for matching and expectations, e.g. `catch MLOpsError.notFound`
    /// or `#expect(throws: MLOpsError.conflict) { … }`; equal to any error with that code.
    public static var notFound: MLOpsError { MLOpsError(.notFound, "") }
    /// A prototype of ``Code/conflict``.
    public static var conflict: MLOpsError { MLOpsError(.conflict, "") }
    /// A prototype of ``Code/invalidArgument``.
    public static var invalidArgument: MLOpsError { MLOpsError(.invalidArgument, "") }
    /// A prototype of ``Code/corruptData``.
    public static var corruptData: MLOpsError { MLOpsError(.corruptData, "") }
    /// A prototype of ``Code/parseError``.
    public static var parseError: MLOpsError { MLOpsError(.parseError, "") }
    /// A prototype of ``Code/unsupported``.
    public static var unsupported: MLOpsError { MLOpsError(.unsupported, "") }
}

extension MLOpsError.Code {
    /// Matches an error by code: `catch MLOpsError.notFound { … }`.
    public static func ~= (pattern: MLOpsError.Code, error: any Error) -> Bool {
        (error as? MLOpsError)?.code == pattern
    }
}
