/// A class box around one step (the base class only declares `run`).
class StepRunner: @unchecked Sendable {
    /// Runs the boxed step.
    func run(_ context: ExecutionContext) throws {}
}
