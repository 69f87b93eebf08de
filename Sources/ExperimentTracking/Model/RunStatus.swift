import MLOpsCore

/// The state of a run, as MLflow names it.
///
/// A run starts ``running`` (or ``scheduled`` if created ahead of time) and
/// ends ``finished``, ``failed`` or ``killed``. The raw values are MLflow's,
/// so `attributes.status = 'FAILED'` filters work unchanged.
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The run is in progress.
    case running = "RUNNING"
    /// The run was created but has not started.
    case scheduled = "SCHEDULED"
    /// The run ended normally.
    case finished = "FINISHED"
    /// The run ended with an error.
    case failed = "FAILED"
    /// The run was stopped from outside.
    case killed = "KILLED"

    /// Whether the run has ended (finished, failed or killed).
    public var isTerminal: Bool { self == .finished || self == .failed || self == .killed }

    /// The MLflow name, e.g. `FINISHED`.
    public var description: String { rawValue }

    /// A one-byte code for the binary run record.
    var code: UInt8 {
        switch self {
        case .running: 0
        case .scheduled: 1
        case .finished: 2
        case .failed: 3
        case .killed: 4
        }
    }

    /// The status stored under `code`, or `nil` for an unknown byte.
    init?(code: UInt8) {
        switch code {
        case 0: self = .running
        case 1: self = .scheduled
        case 2: self = .finished
        case 3: self = .failed
        case 4: self = .killed
        default: return nil
        }
    }

    /// Parses a status name, ignoring case (`finished`, `FAILED`…).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` listing the valid names.
    public init(parsing text: String) throws {
        guard let status = RunStatus(rawValue: text.uppercased()) else {
            throw MLOpsError(
                .invalidArgument,
                "unknown run status; expected one of " + RunStatus.allCases.map(\.rawValue).joined(separator: ", "),
                value: text)
        }
        self = status
    }
}
