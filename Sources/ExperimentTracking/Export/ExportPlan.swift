import MLOpsCore

/// The experiments and runs an ``ExportSelection`` resolves to, read from a
/// tracker: experiments by numeric ID, each with its runs by start time, then ID.
struct ExportPlan: Sendable {
    /// One experiment and the runs of it to export.
    struct Entry: Sendable {
        var experiment: Experiment
        var runs: [Run]
    }

    var entries: [Entry]

    /// Resolves `selection` against `tracker`.
    ///
    /// - Throws: ``MLOpsCore/MLOpsError`` `notFound` for a named experiment or
    ///   run that does not exist; `invalidArgument` for a named run outside the
    ///   named experiments.
    static func make(tracker: ExperimentTracker, selection: ExportSelection) async throws -> ExportPlan {
        try await tracker.flush()
        var experiments = try await tracker.listExperiments(viewType: .all)
        if !selection.experimentNames.isEmpty || !selection.experimentIDs.isEmpty {
            var chosen: [Experiment] = []
            for id in selection.experimentIDs {
                guard let experiment = experiments.first(where: { $0.id == id }) else {
                    throw MLOpsError(.notFound, "no experiment has this ID", value: id)
                }
                chosen.append(experiment)
            }
            for name in selection.experimentNames {
                let matches = experiments.filter { $0.name == name }
                guard !matches.isEmpty else {
                    throw MLOpsError(.notFound, "no experiment has this name", value: name)
                }
                let visible = matches.filter { selection.viewType.includes($0.lifecycleStage) }
                guard !visible.isEmpty else {
                    throw MLOpsError(
                        .notFound,
                        "no experiment with this name is in the selected view (\(selection.viewType.rawValue))",
                        value: name)
                }
                chosen += visible
            }
            let ids = Set(chosen.map(\.id))
            experiments = experiments.filter { ids.contains($0.id) }
        }
        var entries: [Entry] = []
        if selection.runIDs.isEmpty {
            let explicit = Set(selection.experimentIDs)
            for experiment in experiments
            where selection.viewType.includes(experiment.lifecycleStage) || explicit.contains(experiment.id) {
                let runs = try await tracker.listRuns(experimentIDs: [experiment.id], viewType: selection.viewType)
                entries.append(Entry(experiment: experiment, runs: sortedRuns(runs)))
            }
            return ExportPlan(entries: entries)
        }
        var byExperiment: [String: [Run]] = [:]
        var seen: Set<String> = []
        for runID in selection.runIDs where seen.insert(runID).inserted {
            let run = try await tracker.run(id: runID)
            byExperiment[run.info.experimentID, default: []].append(run)
        }
        let allowed = Set(experiments.map(\.id))
        for (experimentID, runs) in byExperiment where !allowed.contains(experimentID) {
            throw MLOpsError(
                .invalidArgument, "the run is not in the selected experiments (it is in experiment \(experimentID))",
                value: runs[0].info.runID)
        }
        for experiment in experiments {
            guard let runs = byExperiment[experiment.id] else { continue }
            entries.append(Entry(experiment: experiment, runs: sortedRuns(runs)))
        }
        return ExportPlan(entries: entries)
    }

    private static func sortedRuns(_ runs: [Run]) -> [Run] {
        runs.sorted { a, b in
            a.info.startTime != b.info.startTime ? a.info.startTime < b.info.startTime : a.info.runID < b.info.runID
        }
    }

    /// Every metric's full history of `run`, by key, keys sorted.
    static func histories(tracker: ExperimentTracker, run: Run) async throws -> [(key: String, points: [Metric])] {
        var result: [(key: String, points: [Metric])] = []
        for key in run.metrics.keys.sorted() {
            result.append((key, try await tracker.metricHistory(runID: run.info.runID, key: key)))
        }
        return result
    }
}
