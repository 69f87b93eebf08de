/// One entry of a registered model's audit log: what changed, when, by whom and why.
///
/// The log is append-only: every change to a model — its creation, a registered version, an
/// alias set, moved or deleted, a promotion attempt (passed or blocked, with each gate's
/// result), a rollback, changed tags or description, a recorded evaluation — appends exactly one
/// event in the same transaction as the change, so the log and the registry never disagree.
/// Events are numbered 1, 2, … per model (``sequence``) and are never rewritten.
public struct RegistryEvent: Sendable, Hashable, Codable {
    /// What kind of change an event records. An open set: match with `==`, not exhaustively.
    public struct Kind: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
        /// The stable name, e.g. `alias_moved`.
        public var rawValue: String

        /// A kind from its stable name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The stable name.
        public var description: String { rawValue }

        /// Decodes the stable name.
        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        /// Encodes the stable name.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        /// The model was created.
        public static let modelCreated = Kind(rawValue: "model_created")
        /// A version was registered (``RegistryEvent/version``).
        public static let versionRegistered = Kind(rawValue: "version_registered")
        /// An alias that did not exist was set to ``RegistryEvent/version``.
        public static let aliasSet = Kind(rawValue: "alias_set")
        /// An alias moved from ``RegistryEvent/previousVersion`` to ``RegistryEvent/version``.
        public static let aliasMoved = Kind(rawValue: "alias_moved")
        /// An alias that pointed at ``RegistryEvent/previousVersion`` was deleted.
        public static let aliasDeleted = Kind(rawValue: "alias_deleted")
        /// A promotion was attempted: ``RegistryEvent/passed`` says whether the alias moved,
        /// ``RegistryEvent/gates`` holds every gate's result.
        public static let promotion = Kind(rawValue: "promotion")
        /// An alias was moved back to its previous target.
        public static let rollback = Kind(rawValue: "rollback")
        /// The model's tags changed (``RegistryEvent/detail`` lists the changes).
        public static let tagsChanged = Kind(rawValue: "tags_changed")
        /// The model's description changed.
        public static let descriptionChanged = Kind(rawValue: "description_changed")
        /// Metrics of an evaluation set were recorded on ``RegistryEvent/version``.
        public static let evaluationRecorded = Kind(rawValue: "evaluation_recorded")
    }

    /// The event's number in its model's log: 1 for the first.
    public var sequence: Int
    /// The model it concerns.
    public var model: String
    /// What changed.
    public var kind: Kind
    /// When, in milliseconds since 1970 (UTC).
    public var timeMilliseconds: UInt64
    /// Who made the change, as the caller said (by default the `USER` of the process).
    public var actor: String
    /// Why, as the caller said (empty if not given).
    public var reason: String
    /// The version the change concerns or made an alias point at, if any.
    public var version: Int?
    /// The alias the change concerns, if any (for a promotion: the alias moved to).
    public var alias: String?
    /// The alias's target before the change, if it had one.
    public var previousVersion: Int?
    /// For a promotion: the alias the challenger was taken from.
    public var sourceAlias: String?
    /// For a promotion: whether every gate passed (and the alias moved).
    public var passed: Bool?
    /// For a promotion: each gate's result, in the policy's order.
    public var gates: [GateResult]
    /// Further detail in words (changed tags, the new description, recorded metrics).
    public var detail: String

    /// Creates an event; the registry creates these, hosts read them.
    public init(
        sequence: Int, model: String, kind: Kind, timeMilliseconds: UInt64, actor: String, reason: String = "",
        version: Int? = nil, alias: String? = nil, previousVersion: Int? = nil, sourceAlias: String? = nil,
        passed: Bool? = nil, gates: [GateResult] = [], detail: String = ""
    ) {
        self.sequence = sequence
        self.model = model
        self.kind = kind
        self.timeMilliseconds = timeMilliseconds
        self.actor = actor
        self.reason = reason
        self.version = version
        self.alias = alias
        self.previousVersion = previousVersion
        self.sourceAlias = sourceAlias
        self.passed = passed
        self.gates = gates
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case sequence, model, kind, timeMilliseconds, actor, reason, version, alias, previousVersion, sourceAlias
        case passed, gates, detail
    }

    /// Encodes every key, `null` where there is no value (so JSON readers see a fixed shape).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(model, forKey: .model)
        try container.encode(kind, forKey: .kind)
        try container.encode(timeMilliseconds, forKey: .timeMilliseconds)
        try container.encode(actor, forKey: .actor)
        try container.encode(reason, forKey: .reason)
        try container.encode(version, forKey: .version)
        try container.encode(alias, forKey: .alias)
        try container.encode(previousVersion, forKey: .previousVersion)
        try container.encode(sourceAlias, forKey: .sourceAlias)
        try container.encode(passed, forKey: .passed)
        try container.encode(gates, forKey: .gates)
        try container.encode(detail, forKey: .detail)
    }

    /// The change in words, without time, actor or reason: e.g. `alias champion: version 2 →
    /// version 3`, `promotion challenger → champion (version 3): blocked by metric auc`.
    public var summary: String {
        func target(_ version: Int?) -> String { version.map { "version \($0)" } ?? "nothing" }
        let aliasName = alias ?? "?"
        switch kind {
        case .modelCreated:
            return "model created" + (detail.isEmpty ? "" : ": \(detail)")
        case .versionRegistered:
            return "version \(version ?? 0) registered" + (detail.isEmpty ? "" : ": \(detail)")
        case .aliasSet:
            return "alias \(aliasName) set to \(target(version))"
        case .aliasMoved:
            return "alias \(aliasName) moved: \(target(previousVersion)) → \(target(version))"
        case .aliasDeleted:
            return "alias \(aliasName) deleted (was \(target(previousVersion)))"
        case .promotion:
            let head = "promotion \(sourceAlias ?? "?") → \(aliasName) (\(target(version)))"
            if passed == true { return head + ": passed \(gates.count) gate\(gates.count == 1 ? "" : "s")" }
            let failed = gates.filter { !$0.passed }.map(\.gate)
            return head + ": blocked by " + (failed.isEmpty ? "?" : failed.joined(separator: ", "))
        case .rollback:
            return "alias \(aliasName) rolled back: \(target(previousVersion)) → \(target(version))"
        case .tagsChanged:
            return "tags changed: \(detail)"
        case .descriptionChanged:
            return "description changed"
        case .evaluationRecorded:
            return "evaluation recorded on \(target(version)): \(detail)"
        default:
            return kind.rawValue + (detail.isEmpty ? "" : ": \(detail)")
        }
    }
}
