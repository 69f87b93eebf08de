import MLOpsCore

extension ModelRegistry {
    /// Creates the registered model `name` with no versions.
    ///
    /// Registering a first version creates a model too; use this to give it a description and
    /// tags first.
    ///
    /// - Throws: `conflict` if the model exists; `invalidArgument` for a bad name or tag key.
    @discardableResult
    public func createModel(
        _ name: String, description: String = "", tags: [String: String] = [:], actor: String? = nil,
        reason: String? = nil
    ) async throws -> RegisteredModel {
        try RegistryNames.checkText(description, "a description")
        try Self.check(tags: tags)
        return try await change(name, creating: true, actor: actor, reason: reason) { _, change in
            guard change.events.first?.kind == .modelCreated else {
                throw MLOpsError(.conflict, "a registered model with this name exists", value: name)
            }
            change.record.model.description = description
            change.record.model.tags = tags
            var parts: [String] = []
            if !description.isEmpty { parts.append("description set") }
            if !tags.isEmpty { parts.append("tags " + Self.describe(tags)) }
            change.replaceFirstDetail(parts.joined(separator: "; "))
            return change.record.model
        }.result
    }

    /// Replaces the model's description.
    ///
    /// - Throws: `notFound` for an unknown model.
    @discardableResult
    public func setDescription(
        _ name: String, _ description: String, actor: String? = nil, reason: String? = nil
    ) async throws -> RegisteredModel {
        try RegistryNames.checkText(description, "a description")
        return try await change(name, actor: actor, reason: reason) { _, change in
            guard change.model.description != description else { return change.model }
            change.record.model.description = description
            change.append(.descriptionChanged, detail: description)
            return change.record.model
        }.result
    }

    /// Sets the tags in `set` and removes those named in `remove`.
    ///
    /// - Throws: `notFound` for an unknown model; `invalidArgument` for a bad tag key.
    @discardableResult
    public func setTags(
        _ name: String, _ set: [String: String], removing remove: [String] = [], actor: String? = nil,
        reason: String? = nil
    ) async throws -> RegisteredModel {
        try Self.check(tags: set)
        return try await change(name, actor: actor, reason: reason) { _, change in
            var tags = change.model.tags
            var changes: [String] = []
            for key in remove.sorted() where tags[key] != nil && set[key] == nil {
                tags[key] = nil
                changes.append("removed \(key)")
            }
            for key in set.keys.sorted() where tags[key] != set[key] {
                tags[key] = set[key]
                changes.append("\(key)=\(set[key] ?? "")")
            }
            guard !changes.isEmpty else { return change.model }
            change.record.model.tags = tags
            change.append(.tagsChanged, detail: changes.joined(separator: ", "))
            return change.record.model
        }.result
    }

    static func check(tags: [String: String]) throws {
        for (key, value) in tags {
            try RegistryNames.checkKey(key, "a tag key")
            try RegistryNames.checkText(value, "a tag value")
        }
    }

    /// `a=1, b=2` in key order.
    static func describe(_ tags: [String: String]) -> String {
        tags.keys.sorted().map { "\($0)=\(tags[$0] ?? "")" }.joined(separator: ", ")
    }
}
