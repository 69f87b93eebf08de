/// Which experiments and runs an export includes.
///
/// ```swift
/// let everything = ExportSelection()  // deleted records included
/// let churn = ExportSelection(experimentNames: ["churn"], viewType: .activeOnly)  // one experiment's active runs
/// let pair = ExportSelection(runIDs: [a, b])  // two runs, whatever their state
/// ```
///
/// Named runs are exported whatever ``viewType`` says; an experiment or run
/// that does not exist is an error, never silently skipped.
public struct ExportSelection: Sendable, Hashable {
    /// Experiments to export, by name; with ``experimentIDs`` also empty, every
    /// experiment in ``viewType``.
    public var experimentNames: [String]
    /// Experiments to export, by ID (added to those named in ``experimentNames``).
    public var experimentIDs: [String]
    /// Runs to export, by ID; empty means every run of the selected experiments
    /// in ``viewType``. With both lists, each run must belong to a named experiment.
    public var runIDs: [String]
    /// Which lifecycle stages are exported (default: all, as an MLflow store keeps
    /// deleted runs and experiments).
    public var viewType: ViewType

    /// Creates a selection; by default everything.
    public init(
        experimentNames: [String] = [], experimentIDs: [String] = [], runIDs: [String] = [], viewType: ViewType = .all
    ) {
        self.experimentNames = experimentNames
        self.experimentIDs = experimentIDs
        self.runIDs = runIDs
        self.viewType = viewType
    }
}
