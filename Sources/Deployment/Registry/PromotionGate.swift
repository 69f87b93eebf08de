import MLOpsCore

/// One condition a promotion must meet before an alias moves (see ``PromotionPolicy``).
///
/// Three kinds:
/// - ``signatureCompatible``: the challenger takes what the current champion takes and returns
///   at least what it returns (see ``ModelRegistry/signatureProblems(champion:challenger:)``).
/// - ``metric(_:on:_:margin:)``: the challenger beats the champion on a metric by a margin.
/// - ``check(_:_:)``: any test the host supplies — a shadow evaluation, a latency budget, a
///   sign-off — as an async closure.
///
/// With no current champion (the target alias is unset) the signature and metric gates pass,
/// saying so in their detail: there is nothing to be compatible with or to beat. A host check
/// always runs.
public struct PromotionGate: Sendable {
    /// Whether a bigger or a smaller value of a metric is better.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// Accuracy, AUC, F1…
        case higherIsBetter
        /// Loss, error, latency…
        case lowerIsBetter
    }

    /// What a host check decided.
    public struct Outcome: Sendable, Hashable {
        /// Whether the gate passed.
        public var passed: Bool
        /// Why, in plain words (recorded in the audit log).
        public var detail: String

        /// Creates an outcome.
        public init(passed: Bool, detail: String) {
            self.passed = passed
            self.detail = detail
        }

        /// A passing outcome.
        public static func pass(_ detail: String = "passed") -> Outcome { Outcome(passed: true, detail: detail) }
        /// A failing outcome.
        public static func fail(_ detail: String) -> Outcome { Outcome(passed: false, detail: detail) }
    }

    enum Rule: Sendable {
        case signature
        case metric(name: String, evaluationSet: String?, direction: Direction, margin: Double)
        case check(@Sendable (PromotionCandidate) async throws -> Outcome)
    }

    /// The gate's name, as recorded in the audit log and listed in a blocked promotion's error.
    public let name: String
    let rule: Rule

    /// The challenger's signature must be compatible with the current champion's.
    public static var signatureCompatible: PromotionGate {
        PromotionGate(name: "signature", rule: .signature)
    }

    /// The challenger's `metric` must beat the champion's by at least `margin`: for
    /// ``Direction/higherIsBetter`` `challenger - champion >= margin`, for
    /// ``Direction/lowerIsBetter`` `champion - challenger >= margin` (so a margin of 0 means "at
    /// least as good", a negative margin tolerates a small loss).
    ///
    /// The values are read from the versions' evaluations of `evaluationSet`
    /// (``ModelVersion/Lineage/evaluations``), or from their metrics at registration when
    /// `evaluationSet` is `nil`. The gate fails when either version lacks the metric, or a value
    /// is not finite. Named `metric <name>` or `metric <name> on <set>`.
    public static func metric(
        _ metric: String, on evaluationSet: String? = nil, _ direction: Direction = .higherIsBetter,
        margin: Double = 0
    ) -> PromotionGate {
        let name = "metric \(metric)" + (evaluationSet.map { " on \($0)" } ?? "")
        return PromotionGate(
            name: name, rule: .metric(name: metric, evaluationSet: evaluationSet, direction: direction, margin: margin))
    }

    /// A host-supplied check, run once per promotion attempt. A check that throws fails, with
    /// the error as its detail.
    public static func check(
        _ name: String, _ body: @escaping @Sendable (PromotionCandidate) async throws -> Outcome
    ) -> PromotionGate {
        PromotionGate(name: name, rule: .check(body))
    }

    /// Runs the gate on `candidate`.
    func evaluate(_ candidate: PromotionCandidate) async -> GateResult {
        let outcome: Outcome
        switch rule {
        case .signature:
            if let champion = candidate.champion {
                let problems = ModelRegistry.signatureProblems(
                    champion: champion.signature, challenger: candidate.challenger.signature)
                outcome =
                    problems.isEmpty
                    ? .pass("compatible with version \(champion.version)")
                    : .fail(problems.joined(separator: "; "))
            } else {
                outcome = .pass("no current champion to compare with")
            }
        case .metric(let metric, let set, let direction, let margin):
            outcome = Self.compare(metric, set, direction, margin, candidate)
        case .check(let body):
            do {
                outcome = try await body(candidate)
            } catch let error as MLOpsError {
                outcome = .fail("the check threw: \(error.message)")
            } catch {
                outcome = .fail("the check threw: \(error)")
            }
        }
        return GateResult(gate: name, passed: outcome.passed, detail: outcome.detail)
    }

    private static func compare(
        _ metric: String, _ set: String?, _ direction: Direction, _ margin: Double, _ candidate: PromotionCandidate
    ) -> Outcome {
        guard let champion = candidate.champion else { return .pass("no current champion to beat") }
        let place = set.map { "on evaluation set '\($0)'" } ?? "at registration"
        func value(_ version: ModelVersion) -> Double? {
            if let set { return version.lineage.evaluations[set]?[metric] }
            return version.lineage.metrics[metric]
        }
        guard let new = value(candidate.challenger) else {
            return .fail("the challenger (version \(candidate.challenger.version)) has no metric '\(metric)' \(place)")
        }
        guard let old = value(champion) else {
            return .fail("the champion (version \(champion.version)) has no metric '\(metric)' \(place)")
        }
        guard new.isFinite, old.isFinite, margin.isFinite else {
            return .fail("'\(metric)' is not a finite number (challenger \(new), champion \(old), margin \(margin))")
        }
        let gain = direction == .higherIsBetter ? new - old : old - new
        let comparison =
            "challenger \(new) vs champion \(old) (version \(champion.version)) \(place), "
            + "\(direction == .higherIsBetter ? "higher" : "lower") is better, margin \(margin)"
        return gain >= margin ? .pass(comparison) : .fail(comparison)
    }
}
