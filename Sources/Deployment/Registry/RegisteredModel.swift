/// A model in the registry: its name, description and tags, the aliases that point at its
/// versions, and its newest version number.
///
/// A registered model is created by ``ModelRegistry/createModel(_:description:tags:actor:reason:)``
/// or by registering its first version. Its versions are numbered 1, 2, … in registration order
/// and never renumbered.
public struct RegisteredModel: Sendable, Hashable, Codable {
    /// The model's name, unique in the registry.
    public var name: String
    /// A free-form description (empty if none).
    public var description: String
    /// Free-form tags.
    public var tags: [String: String]
    /// Each alias (`champion`, `challenger`, …) and the version it points at.
    public var aliases: [String: Int]
    /// The newest version number, 0 while the model has no versions.
    public var latestVersion: Int
    /// When the model was created, in milliseconds since 1970 (UTC).
    public var createdMilliseconds: UInt64
    /// When the model, an alias or a version last changed, in milliseconds since 1970 (UTC).
    public var updatedMilliseconds: UInt64

    /// Creates a model description; the registry creates these, hosts read them.
    public init(
        name: String, description: String = "", tags: [String: String] = [:], aliases: [String: Int] = [:],
        latestVersion: Int = 0, createdMilliseconds: UInt64 = 0, updatedMilliseconds: UInt64 = 0
    ) {
        self.name = name
        self.description = description
        self.tags = tags
        self.aliases = aliases
        self.latestVersion = latestVersion
        self.createdMilliseconds = createdMilliseconds
        self.updatedMilliseconds = updatedMilliseconds
    }

    /// The aliases that point at `version`, sorted.
    public func aliases(of version: Int) -> [String] {
        aliases.filter { $0.value == version }.map(\.key).sorted()
    }
}
