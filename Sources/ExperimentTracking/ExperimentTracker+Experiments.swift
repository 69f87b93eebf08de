import MLOpsCore

extension ExperimentTracker {
    /// Creates an experiment.
    ///
    /// The `Default` experiment gets ID `"0"`; others get the next decimal ID.
    ///
    /// - Throws: `MLOpsError` `conflict` if an active experiment has the name;
    ///   `invalidArgument`/`limitExceeded` for a bad name or tag.
    @discardableResult
    public func createExperiment(name: String, tags: [String: String] = [:]) async throws -> Experiment {
        try TrackingLimits.validateExperimentName(name)
        for (key, value) in tags { try TrackingLimits.validateTag(key: key, value: value) }
        let time = now
        let keys = self.keys
        let experiment = try await metadata.transaction { tx -> Experiment in
            if let existing = try await tx.get(keys.experimentName(name)) {
                throw MLOpsError(
                    .conflict,
                    "an active experiment named '\(name)' already exists (ID \(String(decoding: existing.value, as: UTF8.self)))",
                    value: name)
            }
            var id: String
            let defaultTaken = try await tx.get(keys.experiment(Experiment.defaultID)) != nil
            if name == Experiment.defaultName && !defaultTaken {
                id = Experiment.defaultID
            } else {
                let counter = try await tx.get(keys.nextExperimentID)
                var next = counter.flatMap { UInt64(String(decoding: $0.value, as: UTF8.self)) } ?? 1
                // Skip IDs taken by stores written with other counters (never expected, but cheap to respect).
                while try await tx.get(keys.experiment(String(next))) != nil { next += 1 }
                id = String(next)
                tx.put(keys.nextExperimentID, Array(String(next + 1).utf8))
            }
            let experiment = Experiment(
                id: id, name: name, tags: tags, creationTime: time, lastUpdateTime: time,
                artifactLocation: "experiments/\(id)")
            tx.put(keys.experiment(id), try RecordCoding.encode(experiment))
            tx.put(keys.experimentName(name), Array(id.utf8))
            return experiment
        }
        experimentCache.remember(name, id: experiment.id)
        return experiment
    }

    /// The experiment with `id`.
    ///
    /// - Throws: `MLOpsError` `notFound` if there is none.
    public func experiment(id: String) async throws -> Experiment {
        guard let experiment = try await metadata.record(Experiment.self, at: keys.experiment(id)) else {
            throw MLOpsError(.notFound, "no experiment has this ID", value: id)
        }
        return experiment
    }

    /// The active experiment named `name`, or `nil`.
    ///
    /// - Throws: `MLOpsError` `corruptData` naming the key if the name's index entry points at
    ///   an experiment that does not exist (a damaged store: `mlops store check` lists it).
    public func experiment(named name: String) async throws -> Experiment? {
        let indexKey = keys.experimentName(name)
        guard let entry = try await metadata.get(indexKey) else { return nil }
        let id = String(decoding: entry.value, as: UTF8.self)
        guard let experiment = try await metadata.record(Experiment.self, at: keys.experiment(id)) else {
            // The entry may have been removed together with its experiment since it was read.
            guard let again = try await metadata.get(indexKey), again.value == entry.value else {
                return try await experiment(namedAfterRace: name)
            }
            throw MLOpsError(
                .corruptData,
                "the experiment name index entry for '\(name)' points at experiment \(id), which does not exist; "
                    + "the store is damaged (run `mlops store check`)",
                value: StorageKey.describe(indexKey))
        }
        return experiment
    }

    /// Reads the name again once, after it moved under a concurrent delete or rename.
    private func experiment(namedAfterRace name: String) async throws -> Experiment? {
        guard let entry = try await metadata.get(keys.experimentName(name)) else { return nil }
        return try await metadata.record(
            Experiment.self, at: keys.experiment(String(decoding: entry.value, as: UTF8.self)))
    }

    /// The active experiment named `name`, created if there is none.
    ///
    /// - Throws: `MLOpsError` `corruptData` if the store's name index is damaged; `conflict` if
    ///   other writers keep creating and deleting the name (after 16 attempts).
    public func experiment(namedOrCreated name: String) async throws -> Experiment {
        let attempts = 16
        for _ in 0..<attempts {
            if let existing = try await experiment(named: name) { return existing }
            do {
                return try await createExperiment(name: name)
            } catch let error as MLOpsError where error.code == .conflict {
                continue  // Another writer created it first; read theirs.
            }
        }
        throw MLOpsError(
            .conflict,
            "the experiment '\(name)' kept being created and removed by other writers (\(attempts) attempts)",
            value: name)
    }

    /// Every experiment in `viewType`, by ascending numeric ID.
    public func listExperiments(viewType: ViewType = .activeOnly) async throws -> [Experiment] {
        let entries = try await metadata.scan(.prefix(keys.experiments))
        var experiments: [Experiment] = []
        for entry in entries {
            let experiment = try RecordCoding.decode(Experiment.self, from: entry.value, key: entry.key)
            if viewType.includes(experiment.lifecycleStage) { experiments.append(experiment) }
        }
        return experiments.sorted { lhs, rhs in
            switch (UInt64(lhs.id), UInt64(rhs.id)) {
            case (let a?, let b?): a < b
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): lhs.id < rhs.id
            }
        }
    }

    /// Soft-deletes an experiment: it leaves the active listings and its name is freed.
    /// Its runs are kept.
    ///
    /// - Throws: `notFound` for an unknown ID; `invalidState` if it is already deleted.
    public func deleteExperiment(id: String) async throws {
        try await updateExperiment(id: id) { experiment, tx, keys in
            guard experiment.lifecycleStage == .active else {
                throw MLOpsError(.invalidState, "the experiment is already deleted", value: id)
            }
            experiment.lifecycleStage = .deleted
            tx.delete(keys.experimentName(experiment.name))
        }
        experimentCache.forget(id: id)
    }

    /// Restores a deleted experiment.
    ///
    /// - Throws: `notFound`; `invalidState` if it is active; `conflict` if another
    ///   active experiment now has its name.
    public func restoreExperiment(id: String) async throws {
        try await updateExperiment(id: id) { experiment, tx, keys in
            guard experiment.lifecycleStage == .deleted else {
                throw MLOpsError(.invalidState, "the experiment is not deleted", value: id)
            }
            if try await tx.get(keys.experimentName(experiment.name)) != nil {
                throw MLOpsError(
                    .conflict,
                    "another active experiment is named '\(experiment.name)'; rename one of them first",
                    value: experiment.name)
            }
            experiment.lifecycleStage = .active
            tx.put(keys.experimentName(experiment.name), Array(id.utf8))
        }
    }

    /// Renames an active experiment.
    ///
    /// - Throws: `notFound`; `conflict` if the new name is taken; `invalidState` for a deleted one.
    public func renameExperiment(id: String, to name: String) async throws {
        try TrackingLimits.validateExperimentName(name)
        try await updateExperiment(id: id) { experiment, tx, keys in
            guard experiment.lifecycleStage == .active else {
                throw MLOpsError(.invalidState, "a deleted experiment cannot be renamed; restore it first", value: id)
            }
            if experiment.name == name { return }
            if try await tx.get(keys.experimentName(name)) != nil {
                throw MLOpsError(.conflict, "an active experiment named '\(name)' already exists", value: name)
            }
            tx.delete(keys.experimentName(experiment.name))
            tx.put(keys.experimentName(name), Array(id.utf8))
            experiment.name = name
        }
        experimentCache.forget(id: id)
    }

    /// Sets (or, with `nil`, removes) an experiment tag.
    public func setExperimentTag(id: String, key: String, value: String?) async throws {
        if let value { try TrackingLimits.validateTag(key: key, value: value) }
        try await updateExperiment(id: id) { experiment, _, _ in experiment.tags[key] = value }
    }

    nonisolated(nonsending) private func updateExperiment(
        id: String,
        _ change:
            nonisolated(nonsending) (inout Experiment, KeyValueTransactionContext, TrackingKeys) async throws
            -> Void
    ) async throws {
        let keys = self.keys
        let time = now
        try await metadata.transaction { tx in
            guard let entry = try await tx.get(keys.experiment(id)) else {
                throw MLOpsError(.notFound, "no experiment has this ID", value: id)
            }
            var experiment = try RecordCoding.decode(Experiment.self, from: entry.value, key: entry.key)
            try await change(&experiment, tx, keys)
            experiment.lastUpdateTime = time
            tx.put(keys.experiment(id), try RecordCoding.encode(experiment))
        }
    }

    /// The IDs of the experiments a search covers: the given ones, or every active experiment.
    func resolveExperimentIDs(_ ids: [String]) async throws -> [String] {
        if !ids.isEmpty { return ids }
        return try await listExperiments().map(\.id)
    }

    /// The ID of the active experiment named `name`, created if missing; cached per tracker.
    func experimentID(forName name: String) async throws -> String {
        if let cached = experimentCache.id(named: name) { return cached }
        let experiment = try await experiment(namedOrCreated: name)
        experimentCache.remember(name, id: experiment.id)
        return experiment.id
    }
}
