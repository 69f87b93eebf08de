import MLOpsCore

extension ModelRegistry {
    /// Promotes the version `source` points at to `target`, if it passes every gate of `policy`.
    ///
    /// Every gate is evaluated (host checks run outside any transaction), then one transaction
    /// records a `promotion` event with each gate's result and — only if all passed — moves
    /// `target` to the challenger. If either alias moved, or either version's evaluations changed,
    /// while the gates ran, nothing is recorded and the call throws `conflict`: the gates judged
    /// a state that no longer exists.
    ///
    /// - Parameters:
    ///   - name: The registered model.
    ///   - source: The alias of the challenger (`latest` for the newest version).
    ///   - target: The alias to move; its current target is the champion (none if unset).
    ///   - policy: The gates that must all pass.
    ///   - actor: Who promotes, for the audit log (default: the registry's default actor).
    ///   - reason: Why, for the audit log.
    /// - Returns: What moved, with every gate's result.
    /// - Throws: `MLOpsError.Code.promotionBlocked` when a gate failed (after recording the
    ///   attempt): the message lists each failed gate with its detail, the value names them.
    ///   `notFound` for an unknown model or source alias; `invalidArgument` for a bad target
    ///   alias; `conflict` as above.
    @discardableResult
    public func promote(
        _ name: String, from source: String = "challenger", to target: String = "champion",
        policy: PromotionPolicy, actor: String? = nil, reason: String? = nil
    ) async throws -> PromotionResult {
        try RegistryNames.checkAlias(target)
        if source.lowercased() != "latest" { try RegistryNames.checkAlias(source) }
        let model = try await registeredModel(name)
        let challenger = try await modelVersion(name, version: try Self.target(of: source, in: model))
        let champion: ModelVersion?
        if let current = model.aliases[target] {
            champion = try await modelVersion(name, version: current)
        } else {
            champion = nil
        }
        let candidate = PromotionCandidate(model: model, challenger: challenger, champion: champion, registry: self)
        var gates: [GateResult] = []
        for gate in policy.gates { gates.append(await gate.evaluate(candidate)) }
        let passed = gates.allSatisfy(\.passed)
        let event = try await change(name, actor: actor, reason: reason) { tx, change in
            let now = change.model
            let sourceNow = source.lowercased() == "latest" ? now.latestVersion : now.aliases[source]
            guard sourceNow == challenger.version, now.aliases[target] == champion?.version else {
                throw MLOpsError(
                    .conflict,
                    "the aliases of model '\(name)' moved while the promotion's gates ran ('\(source)' → "
                        + "\(sourceNow.map(String.init) ?? "nothing"), '\(target)' → "
                        + "\(now.aliases[target].map(String.init) ?? "nothing")); promote again",
                    value: target)
            }
            for judged in [challenger, champion].compactMap({ $0 }) {
                let stored = try await tx.get(VersionRecord.self, id: VersionRecord.id(name, judged.version))
                guard stored?.record.version == judged else {
                    throw MLOpsError(
                        .conflict,
                        "version \(judged.version) of model '\(name)' changed while the promotion's gates ran; "
                            + "promote again",
                        value: String(judged.version))
                }
            }
            if passed { change.point(target, at: challenger.version) }
            return change.append(
                .promotion, version: challenger.version, alias: target, previousVersion: champion?.version,
                sourceAlias: source, passed: passed, gates: gates)
        }.result
        guard passed else {
            let failed = gates.filter { !$0.passed }
            throw MLOpsError(
                .promotionBlocked,
                "promotion of model '\(name)' from '\(source)' (version \(challenger.version)) to '\(target)' was "
                    + "blocked by \(failed.count) gate\(failed.count == 1 ? "" : "s"): "
                    + failed.map { "\($0.gate): \($0.detail)" }.joined(separator: "; "),
                value: failed.map(\.gate).joined(separator: ", "))
        }
        return PromotionResult(
            model: name, sourceAlias: source, targetAlias: target, version: challenger.version,
            previousVersion: champion?.version, gates: gates, event: event)
    }
}
