/// What one module's self-check found in a workspace's stores.
///
/// Every module store that keeps records offers a `check()` returning one of these; the
/// workspace's check gathers them. A check only reads: it never repairs anything.
public struct StoreCheckReport: Sendable {
    /// The module or component that was checked, e.g. `ExperimentTracking`.
    public var component: String
    /// How many records were read and decoded.
    public var recordsChecked = 0
    /// How many objects had their content verified against a digest.
    public var objectsVerified = 0
    /// Everything wrong, one problem each; empty when the component is sound.
    public var problems: [StoreProblem] = []

    /// An empty report for `component`.
    public init(component: String) { self.component = component }

    /// Whether nothing is wrong.
    public var isHealthy: Bool { problems.isEmpty }

    /// Adds a problem at `key` (rendered for people).
    public mutating func problem(at key: String, _ message: String) {
        problems.append(StoreProblem(component: component, location: key, message: message))
    }

    /// Adds the problems and counts of `other`.
    public mutating func merge(_ other: StoreCheckReport) {
        recordsChecked += other.recordsChecked
        objectsVerified += other.objectsVerified
        problems += other.problems
    }
}

/// One thing a self-check found wrong: where, and what.
public struct StoreProblem: Sendable, Hashable, CustomStringConvertible {
    /// The module or component that found it.
    public var component: String
    /// The key or object it is about, rendered for people.
    public var location: String
    /// What is wrong, in plain words.
    public var message: String

    /// Creates a problem.
    public init(component: String, location: String, message: String) {
        self.component = component
        self.location = location
        self.message = message
    }

    /// `component: location: message`.
    public var description: String { "\(component): \(location): \(message)" }
}
