/// The key prefix one module (or a host) owns on a shared ``KeyValueStore``.
///
/// Every module of swift-mlops keeps its records under its own namespace — `tracking`,
/// `data`, `registry`, `monitoring` — and claims it once per store when it opens
/// (``RecordStore/open(_:on:migrations:)``). The claim is stored, so a second owner asking for
/// the same name, in this process or any other, is refused with
/// ``MLOpsError/Code/conflict``, and two modules can never write into each other's keys.
///
/// What a caller must know:
/// - A name is 1 to 64 characters from `a-z`, `0-9`, `-`, `_` and `.`, starting with a letter
///   or digit. Names starting with `_` are reserved for the record layer itself.
/// - Every key of the namespace starts with ``prefix`` (the name encoded as a
///   ``StorageKey`` part), so no namespace's keys are a prefix of another's.
public struct RecordNamespace: Sendable, Hashable, CustomStringConvertible {
    /// The namespace's name, e.g. `tracking`.
    public let name: String
    /// Who owns it, e.g. the module name `ExperimentTracking`; stored with the claim.
    public let owner: String

    /// The record layer's own namespace, for claims and migration records.
    static let system = "_mlops"

    /// Creates a namespace, validating its name.
    ///
    /// - Throws: ``MLOpsError`` `invalidArgument` naming the bad name or owner.
    public init(_ name: String, owner: String) throws {
        guard (1...64).contains(name.utf8.count) else {
            throw MLOpsError(.invalidArgument, "a namespace name must have 1 to 64 characters", value: name)
        }
        for (offset, byte) in name.utf8.enumerated() {
            let isLetterOrDigit =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            let isPunctuation = byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            guard isLetterOrDigit || (offset > 0 && isPunctuation) else {
                throw MLOpsError(
                    .invalidArgument,
                    "a namespace name uses a-z, 0-9, '-', '_' and '.', and starts with a letter or digit",
                    value: name)
            }
        }
        guard !owner.isEmpty, owner.utf8.count <= 256 else {
            throw MLOpsError(.invalidArgument, "a namespace owner must have 1 to 256 bytes", value: owner)
        }
        self.name = name
        self.owner = owner
    }

    /// A namespace whose name is not validated: for modules whose key prefix predates the
    /// record layer and is configurable. Claim it with ``RecordStore/claim(_:in:)`` as usual.
    package init(unvalidated name: String, owner: String) {
        self.name = name
        self.owner = owner
    }

    /// The first part of every key in the namespace.
    public var prefix: StorageKey { StorageKey(name) }

    /// The namespace's name.
    public var description: String { name }

    /// Where the claim on `name` is stored.
    static func claimKey(_ name: String) -> [UInt8] { StorageKey(system, "namespace", name).bytes }

    /// Where the record of an applied migration is stored.
    static func migrationKey(_ name: String, _ migration: String) -> [UInt8] {
        StorageKey(system, "migration", name, migration).bytes
    }

    /// The prefix of every applied-migration record of `name`.
    static func migrationsPrefix(_ name: String) -> [UInt8] { StorageKey(system, "migration", name).bytes }
}

/// What the store remembers of a claim.
struct NamespaceClaim: Codable, Sendable {
    var owner: String
}

/// What the store remembers of an applied migration.
struct AppliedMigration: Codable, Sendable {
    /// The migration's position in the list it was applied from.
    var index: Int
}
