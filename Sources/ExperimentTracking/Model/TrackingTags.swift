/// The system tags the tracker writes, with MLflow's names.
public enum TrackingTags {
    /// The run's name.
    public static let runName = "mlflow.runName"
    /// Who ran it.
    public static let user = "mlflow.user"
    /// The parent of a nested run.
    public static let parentRunID = "mlflow.parentRunId"
    /// The git commit of the source.
    public static let gitCommit = "mlflow.source.git.commit"
    /// The git branch of the source.
    public static let gitBranch = "mlflow.source.git.branch"
    /// The program that ran (the command line's first word).
    public static let sourceName = "mlflow.source.name"
    /// The kind of source (`LOCAL`).
    public static let sourceType = "mlflow.source.type"
    /// A run's description (MLflow's note).
    public static let note = "mlflow.note.content"
    /// The error text of a run that failed inside a
    /// ``ExperimentTracker/withRun(experiment:name:parentRunID:tags:_:)``-style body.
    public static let error = "mlops.error"
}
