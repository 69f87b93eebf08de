import MLOpsCore

/// A ``RunFilter`` prepared for evaluation against stored run records in
/// place (``RunRecordLayout`` over the record's bytes).
///
/// The expression is flattened into arrays of plain values — steps, clauses,
/// and one buffer of the keys' and string values' UTF-8 — so that evaluating
/// it per record touches no reference counts: each clause knows the field it
/// reads, numbers are unpacked, and equality on ASCII text compares bytes
/// without creating strings. It gives exactly the answers of
/// ``RunFilter/matches(_:)`` on the decoded run; where a byte comparison could
/// differ from `String` comparison (`LIKE`, `IN`, non-ASCII text, which `String`
/// compares by canonical equivalence) it falls back to `String`.
///
/// A clause on a tag the MLflow export derives (``DerivedRunTags``) reads the
/// run's derived tags, which the caller computes per record and passes in only
/// when ``needsDerivedTags`` says the filter names such a tag.
///
/// Compiling recurses over the expression, whose depth ``RunFilter`` bounds
/// (`RunFilter.maxExpressionDepth`).
struct CompiledRunFilter: Sendable {
    /// One node of the expression: `and`/`or` over `children[start..<start + count]`, or the
    /// clause at index `start`.
    private struct Step: Sendable {
        enum Kind: Sendable {
            case all, and, or, clause
        }
        let kind: Kind
        let start: Int
        let count: Int
    }

    /// The field a clause reads.
    private enum Field: Sendable {
        case metric, param, tag, startTime, endTime, runID, runName, userID, artifactURI, status, dataset
        /// A tag ``DerivedRunTags`` may derive: read from the derived tags.
        case derivedTag
        /// An attribute no run has: the clause is false.
        case none
    }

    private struct Clause: Sendable {
        let field: Field
        let op: FilterOperator
        /// The numeric value, if the clause compares with a number.
        let number: Double?
        /// The key's UTF-8 in ``CompiledRunFilter/bytes``.
        let key: Range<Int>
        /// The string value's UTF-8 in ``CompiledRunFilter/bytes`` for `=`/`!=`, if it is ASCII
        /// (byte comparison is exact then).
        let ascii: Range<Int>?
        /// The index of the clause's comparison (and LIKE pattern) for the `String` fallback.
        let fallback: Int
    }

    private let steps: [Step]
    private let children: [Int]
    private let clauses: [Clause]
    private let bytes: [UInt8]
    private let fallbacks: [(comparison: FilterComparison, like: LikePattern?)]
    private let root: Int
    /// Whether a clause reads a derived tag: ``matches(_:in:derivedTags:)`` then needs the run's derived tags.
    let needsDerivedTags: Bool

    init(_ filter: RunFilter) {
        var steps: [Step] = []
        var children: [Int] = []
        var clauses: [Clause] = []
        var bytes: [UInt8] = []
        var fallbacks: [(comparison: FilterComparison, like: LikePattern?)] = []
        func append(_ text: String) -> Range<Int> {
            let start = bytes.count
            bytes += text.utf8
            return start..<bytes.count
        }
        func compile(_ expression: FilterExpression) -> Int {
            switch expression {
            case .and(let operands), .or(let operands):
                let indices = operands.map(compile)
                let start = children.count
                children += indices
                let kind: Step.Kind
                if case .and = expression { kind = .and } else { kind = .or }
                steps.append(Step(kind: kind, start: start, count: indices.count))
            case .comparison(let comparison):
                var ascii: Range<Int>?
                var like: LikePattern?
                var number: Double?
                switch comparison.value {
                case .number(let value): number = value
                case .string(let text):
                    if (comparison.op == .equal || comparison.op == .notEqual) && text.utf8.allSatisfy({ $0 < 0x80 }) {
                        ascii = append(text)
                    }
                    if comparison.op == .like || comparison.op == .ilike {
                        like = LikePattern(text, caseInsensitive: comparison.op == .ilike)
                    }
                case .list, .null: break
                }
                fallbacks.append((comparison, like))
                clauses.append(
                    Clause(
                        field: Self.field(comparison), op: comparison.op, number: number, key: append(comparison.key),
                        ascii: ascii, fallback: fallbacks.count - 1))
                steps.append(Step(kind: .clause, start: clauses.count - 1, count: 0))
            }
            return steps.count - 1
        }
        if let expression = filter.expression {
            root = compile(expression)
        } else {
            steps.append(Step(kind: .all, start: 0, count: 0))
            root = 0
        }
        self.steps = steps
        self.children = children
        self.clauses = clauses
        self.bytes = bytes
        self.fallbacks = fallbacks
        needsDerivedTags = clauses.contains { $0.field == .derivedTag }
    }

    private static func field(_ comparison: FilterComparison) -> Field {
        switch comparison.entity {
        case .metric: return .metric
        case .param: return .param
        case .tag: return DerivedRunTags.mayDerive(comparison.key) ? .derivedTag : .tag
        case .dataset: return .dataset
        case .attribute:
            switch comparison.key {
            case "start_time": return .startTime
            case "end_time": return .endTime
            case "run_id": return .runID
            case "run_name": return .runName
            case "user_id": return .userID
            case "artifact_uri": return .artifactURI
            case "status": return .status
            default: return .none
            }
        }
    }

    /// Whether the run in `view` satisfies the filter.
    func matches(_ view: RunRecordView) -> Bool {
        view.bytes.withUnsafeBufferPointer { matches(view.layout, in: $0) }
    }

    /// Whether the run record in `buffer`, laid out as `layout`, satisfies the filter.
    ///
    /// - Parameter derivedTags: The run's tags with the derived ones
    ///   (``DerivedRunTags/tags(stored:runID:environment:)``), if ``needsDerivedTags``;
    ///   without them a clause on a derived tag sees the tag as missing.
    func matches(
        _ layout: RunRecordLayout, in buffer: UnsafeBufferPointer<UInt8>, derivedTags: [String: String]? = nil
    ) -> Bool {
        steps.withUnsafeBufferPointer { steps in
            children.withUnsafeBufferPointer { children in
                clauses.withUnsafeBufferPointer { clauses in
                    bytes.withUnsafeBufferPointer { bytes in
                        let program = Program(
                            steps: steps, children: children, clauses: clauses, bytes: bytes, filter: self,
                            derivedTags: derivedTags)
                        return program.evaluate(root, layout, buffer)
                    }
                }
            }
        }
    }

    /// The filter's arrays, borrowed for one evaluation.
    private struct Program {
        let steps: UnsafeBufferPointer<Step>
        let children: UnsafeBufferPointer<Int>
        let clauses: UnsafeBufferPointer<Clause>
        let bytes: UnsafeBufferPointer<UInt8>
        let filter: CompiledRunFilter
        let derivedTags: [String: String]?

        func evaluate(_ index: Int, _ layout: RunRecordLayout, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
            let step = steps[index]
            switch step.kind {
            case .all: return true
            case .and:
                for child in step.start..<(step.start + step.count) where !evaluate(children[child], layout, buffer) {
                    return false
                }
                return true
            case .or:
                for child in step.start..<(step.start + step.count) where evaluate(children[child], layout, buffer) {
                    return true
                }
                return false
            case .clause:
                return evaluate(clause: step.start, layout, buffer)
            }
        }

        private func evaluate(clause index: Int, _ layout: RunRecordLayout, _ buffer: UnsafeBufferPointer<UInt8>)
            -> Bool
        {
            let clause = clauses[index]
            let key = UnsafeBufferPointer(rebasing: bytes[clause.key])
            switch clause.field {
            case .metric:
                guard let value = RawCursor.latestMetric(key, inSectionAt: layout.metricsOffset, buffer) else {
                    return false
                }
                return Self.compare(value, clause)
            case .param:
                let range = RawCursor.valueRange(of: key, inSectionAt: layout.paramsOffset, buffer)
                if let presence = RunFilter.presence(range != nil, clause.op) { return presence }
                guard let range else { return false }
                return compareText(range, clause, buffer)
            case .tag:
                let range = RawCursor.valueRange(of: key, inSectionAt: layout.tagsOffset, buffer)
                if let presence = RunFilter.presence(range != nil, clause.op) { return presence }
                guard let range else { return false }
                return compareText(range, clause, buffer)
            case .derivedTag:
                let fallback = filter.fallbacks[clause.fallback]
                let value = derivedTags?[fallback.comparison.key]
                if let presence = RunFilter.presence(value != nil, clause.op) { return presence }
                guard let value else { return false }
                if let like = fallback.like { return like.matches(value) }
                return RunFilter.compare(value, fallback.comparison)
            case .startTime: return Self.compare(Double(layout.startTime), clause)
            case .endTime:
                guard let end = layout.endTime else { return false }
                return Self.compare(Double(end), clause)
            case .runID: return compareText(layout.runID, clause, buffer)
            case .runName: return compareText(layout.runName, clause, buffer)
            case .userID: return compareText(layout.user, clause, buffer)
            case .artifactURI: return compareText(layout.artifactURI, clause, buffer)
            case .status: return RunFilter.compare(layout.status.rawValue, filter.fallbacks[clause.fallback].comparison)
            case .dataset:
                let comparison = filter.fallbacks[clause.fallback].comparison
                return layout.datasetFields(comparison.key, in: buffer).contains { RunFilter.compare($0, comparison) }
            case .none: return false
            }
        }

        /// ``RunFilter/compare(_:_:)-(Double,_)`` on the unpacked number.
        @inline(__always)
        private static func compare(_ value: Double, _ clause: Clause) -> Bool {
            guard let target = clause.number else { return false }
            return RunFilter.compare(value, clause.op, target)
        }

        /// Compares the text stored at `range` like ``RunFilter/compare(_:_:)-(String,_)`` would.
        private func compareText(_ range: Range<Int>, _ clause: Clause, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
            let stored = UnsafeBufferPointer(rebasing: buffer[range])
            if let ascii = clause.ascii {
                var isASCII = true
                for byte in stored where byte >= 0x80 {
                    isASCII = false
                    break
                }
                if isASCII {
                    var equal = stored.count == ascii.count
                    if equal, let a = stored.baseAddress, let b = bytes.baseAddress, !ascii.isEmpty {
                        equal = Platform.compareBytes(a, b + ascii.lowerBound, count: ascii.count) == 0
                    }
                    return clause.op == .equal ? equal : !equal
                }
            }
            let text = String(decoding: stored, as: UTF8.self)
            let fallback = filter.fallbacks[clause.fallback]
            if let like = fallback.like { return like.matches(text) }
            return RunFilter.compare(text, fallback.comparison)
        }
    }
}
