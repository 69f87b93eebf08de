/// What ``LogisticRegression`` needs of a minimiser: a point, its value and gradient, one step at
/// a time, and its state as bytes for checkpoints.
protocol LogisticSolver {
    var x: [Double] { get }
    var value: Double { get }
    var iteration: Int { get }
    var gradientMaxAbs: Double { get }
    /// Evaluates the objective at the starting point.
    mutating func prepare(_ objective: inout LogisticObjective)
    /// Takes one step.
    mutating func advance(_ objective: inout LogisticObjective) -> LBFGSMinimizer.StepResult
    /// The state, for a checkpoint.
    func encoded() -> [UInt8]
}

extension LBFGSMinimizer: LogisticSolver {
    mutating func prepare(_ objective: inout LogisticObjective) { start(&objective) }
    mutating func advance(_ objective: inout LogisticObjective) -> StepResult { step(&objective) }
}

extension NewtonMinimizer: LogisticSolver {
    mutating func prepare(_ objective: inout LogisticObjective) { start(&objective) }
    mutating func advance(_ objective: inout LogisticObjective) -> LBFGSMinimizer.StepResult { step(&objective) }
}
