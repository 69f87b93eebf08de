import MLOpsCore

extension ModelRegistry {
    /// Points `alias` of the model `name` at `version`, creating or moving it, atomically with
    /// its audit event (`alias_set` or `alias_moved`).
    ///
    /// - Parameters:
    ///   - name: The registered model.
    ///   - alias: The alias to set (MLflow's rules; `latest` and `v<digits>` are reserved).
    ///   - version: The version it should point at.
    ///   - expecting: What the alias must point at now (compare-and-swap). With
    ///     ``AliasExpectation/anything`` concurrent moves all apply, in some order.
    ///   - actor: Who makes the change, for the audit log (default: the registry's default actor).
    ///   - reason: Why, for the audit log.
    /// - Returns: The event recorded, or `nil` if the alias already pointed at `version` (nothing
    ///   changed, nothing recorded).
    /// - Throws: `invalidArgument` for a bad or reserved alias (naming it); `notFound` for an
    ///   unknown model or version; `conflict` when the alias does not point where `expecting`
    ///   says (the move is not made).
    @discardableResult
    public func setAlias(
        _ name: String, _ alias: String, version: Int, expecting: AliasExpectation = .anything, actor: String? = nil,
        reason: String? = nil
    ) async throws -> RegistryEvent? {
        try RegistryNames.checkAlias(alias)
        return try await change(name, actor: actor, reason: reason) { _, change in
            guard version >= 1, version <= change.model.latestVersion else {
                throw MLOpsError(.notFound, "model '\(name)' has no version \(version)", value: String(version))
            }
            let current = change.model.aliases[alias]
            try Self.require(expecting, current, alias: alias, model: name)
            guard current != version else { return nil }
            change.point(alias, at: version)
            return change.append(
                current == nil ? .aliasSet : .aliasMoved, version: version, alias: alias, previousVersion: current)
        }.result
    }

    /// Deletes `alias` of the model `name` (and its rollback history), recording `alias_deleted`.
    ///
    /// - Returns: The event recorded, or `nil` if there was no such alias.
    /// - Throws: `notFound` for an unknown model; `conflict` when `expecting` does not hold.
    @discardableResult
    public func deleteAlias(
        _ name: String, _ alias: String, expecting: AliasExpectation = .anything, actor: String? = nil,
        reason: String? = nil
    ) async throws -> RegistryEvent? {
        try RegistryNames.checkAlias(alias)
        return try await change(name, actor: actor, reason: reason) { _, change in
            let current = change.model.aliases[alias]
            try Self.require(expecting, current, alias: alias, model: name)
            guard let current else { return nil }
            change.remove(alias)
            return change.append(.aliasDeleted, alias: alias, previousVersion: current)
        }.result
    }

    /// Moves `alias` back to the target it had before its last move, recording `rollback`.
    ///
    /// The registry keeps each alias's last 100 targets (the same moves the audit log records);
    /// each rollback steps one further back, so two rollbacks undo two moves. Deleting an alias
    /// forgets its history.
    ///
    /// - Returns: The event recorded: ``RegistryEvent/version`` is the new target,
    ///   ``RegistryEvent/previousVersion`` the one left.
    /// - Throws: `notFound` for an unknown model or alias; `invalidState` when the alias has no
    ///   earlier target; `conflict` when `expecting` does not hold.
    @discardableResult
    public func rollback(
        _ name: String, _ alias: String, expecting: AliasExpectation = .anything, actor: String? = nil,
        reason: String? = nil
    ) async throws -> RegistryEvent {
        try RegistryNames.checkAlias(alias)
        return try await change(name, actor: actor, reason: reason) { _, change in
            guard let current = change.model.aliases[alias] else {
                throw MLOpsError(.notFound, "model '\(name)' has no alias '\(alias)'", value: alias)
            }
            try Self.require(expecting, current, alias: alias, model: name)
            var history = change.record.aliasHistory[alias] ?? [current]
            // The history ends with the current target; drop it and any repeats of it.
            while history.last == current { history.removeLast() }
            guard let previous = history.last else {
                throw MLOpsError(
                    .invalidState,
                    "alias '\(alias)' of model '\(name)' has no earlier target to roll back to (it has pointed only "
                        + "at version \(current) since it was set)",
                    value: alias)
            }
            change.record.model.aliases[alias] = previous
            change.record.aliasHistory[alias] = history
            return change.append(.rollback, version: previous, alias: alias, previousVersion: current)
        }.result
    }

    /// Throws `conflict` unless `expectation` holds for the alias's `current` target.
    static func require(_ expectation: AliasExpectation, _ current: Int?, alias: String, model: String) throws {
        guard expectation.holds(for: current) else {
            throw MLOpsError(
                .conflict,
                "alias '\(alias)' of model '\(model)' points at \(current.map { "version \($0)" } ?? "nothing"), "
                    + "not at \(expectation.text); read it again and retry",
                value: alias)
        }
    }
}
