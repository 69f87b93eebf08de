/// The box for a step of type `S`.
final class TypedStepRunner<S: ExecutionStep>: StepRunner, @unchecked Sendable {
    let step: S

    init(_ step: S) { self.step = step }

    override func run(_ context: ExecutionContext) throws { try step.run(context) }
}
