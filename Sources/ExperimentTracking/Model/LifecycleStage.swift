/// Whether an experiment or run is live or soft-deleted.
///
/// Deleting marks a record ``deleted``; restoring marks it ``active`` again.
/// Nothing is erased. Searches show active records unless asked otherwise
/// (``ViewType``).
public enum LifecycleStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Live.
    case active
    /// Soft-deleted; restorable.
    case deleted

    /// A one-byte code for the binary run record.
    var code: UInt8 { self == .active ? 0 : 1 }

    /// The stage stored under `code`, or `nil` for an unknown byte.
    init?(code: UInt8) {
        switch code {
        case 0: self = .active
        case 1: self = .deleted
        default: return nil
        }
    }
}

/// Which lifecycle stages a listing or search includes (MLflow's `run_view_type`).
public enum ViewType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Only active records (the default everywhere).
    case activeOnly = "ACTIVE_ONLY"
    /// Only deleted records.
    case deletedOnly = "DELETED_ONLY"
    /// Both.
    case all = "ALL"

    /// Whether a record in `stage` is included.
    public func includes(_ stage: LifecycleStage) -> Bool {
        switch self {
        case .activeOnly: stage == .active
        case .deletedOnly: stage == .deleted
        case .all: true
        }
    }
}
