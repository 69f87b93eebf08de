/// One executable operation of a resolved plan: shapes fixed, tensors addressed by index.
protocol ExecutionStep: Sendable {
    /// Runs the step, reading and writing tensors through `context`.
    func run(_ context: ExecutionContext) throws
}

extension ExecutionStep {
    /// This step in a class box.
    func makeRunner() -> StepRunner { TypedStepRunner(self) }
}
