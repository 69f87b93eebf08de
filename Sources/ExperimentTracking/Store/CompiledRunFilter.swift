/// A ``RunFilter`` prepared for evaluation against stored run records in
/// place (``RunRecordView``): keys and string values are pre-encoded as UTF-8,
/// LIKE patterns are built once, and equality on ASCII text compares bytes
/// without creating strings. It gives exactly the answers of
/// ``RunFilter/matches(_:)`` on the decoded run; where a byte comparison could
/// differ from `String` equality (non-ASCII text, which `String` compares by
/// canonical equivalence) it falls back to `String`.
struct CompiledRunFilter {
    private enum Node {
        case all
        case and([Node])
        case or([Node])
        case clause(Int)
    }

    private struct Clause {
        let comparison: FilterComparison
        let key: [UInt8]
        /// The value's UTF-8 for `=`/`!=` on strings, if it is ASCII (byte comparison is exact then).
        let asciiValue: [UInt8]?
        let like: LikePattern?
    }

    private let root: Node
    private let clauses: [Clause]

    init(_ filter: RunFilter) {
        var clauses: [Clause] = []
        func compile(_ expression: FilterExpression) -> Node {
            switch expression {
            case .and(let operands): return .and(operands.map(compile))
            case .or(let operands): return .or(operands.map(compile))
            case .comparison(let comparison):
                var asciiValue: [UInt8]?
                var like: LikePattern?
                if case .string(let text) = comparison.value {
                    let utf8 = Array(text.utf8)
                    if utf8.allSatisfy({ $0 < 0x80 }) { asciiValue = utf8 }
                    if comparison.op == .like || comparison.op == .ilike {
                        like = LikePattern(text, caseInsensitive: comparison.op == .ilike)
                    }
                }
                clauses.append(
                    Clause(comparison: comparison, key: Array(comparison.key.utf8), asciiValue: asciiValue, like: like))
                return .clause(clauses.count - 1)
            }
        }
        root = filter.expression.map(compile) ?? .all
        self.clauses = clauses
    }

    /// Whether the run in `view` satisfies the filter.
    func matches(_ view: RunRecordView) -> Bool {
        view.bytes.withUnsafeBufferPointer { buffer in
            evaluate(root, view, buffer)
        }
    }

    private func evaluate(_ node: Node, _ view: RunRecordView, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        switch node {
        case .all: return true
        case .and(let operands):
            for operand in operands where !evaluate(operand, view, buffer) { return false }
            return true
        case .or(let operands):
            for operand in operands where evaluate(operand, view, buffer) { return true }
            return false
        case .clause(let index):
            return evaluate(clauses[index], view, buffer)
        }
    }

    private func evaluate(_ clause: Clause, _ view: RunRecordView, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let comparison = clause.comparison
        switch comparison.entity {
        case .metric:
            guard let value = Self.latestMetric(clause.key, view, buffer) else { return false }
            return RunFilter.compare(value, comparison)
        case .param, .tag:
            let offset = comparison.entity == .param ? view.paramsOffset : view.tagsOffset
            guard let range = Self.lookup(clause.key, at: offset, buffer) else { return false }
            return compareText(range, clause, buffer)
        case .attribute:
            switch comparison.key {
            case "start_time": return RunFilter.compare(Double(view.startTime), comparison)
            case "end_time":
                guard let end = view.endTime else { return false }
                return RunFilter.compare(Double(end), comparison)
            case "run_id": return compareText(view.runID, clause, buffer)
            case "run_name": return compareText(view.runName, clause, buffer)
            case "user_id": return compareText(view.user, clause, buffer)
            case "artifact_uri": return compareText(view.artifactURI, clause, buffer)
            case "status": return RunFilter.compare(view.status.rawValue, comparison)
            default: return false
            }
        case .dataset:
            return view.datasetFields(comparison.key).contains { RunFilter.compare($0, comparison) }
        }
    }

    /// Compares the text stored at `range` like ``RunFilter/compare(_:_:)-(String,_)`` would.
    private func compareText(_ range: Range<Int>, _ clause: Clause, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let op = clause.comparison.op
        if let ascii = clause.asciiValue, op == .equal || op == .notEqual {
            let stored = UnsafeBufferPointer(rebasing: buffer[range])
            if stored.allSatisfy({ $0 < 0x80 }) {
                let equal = stored.elementsEqual(ascii)
                return op == .equal ? equal : !equal
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
        if let like = clause.like { return like.matches(text) }
        return RunFilter.compare(text, clause.comparison)
    }

    /// The range of the value of `key` in the key/value section at `offset`, or `nil`.
    private static func lookup(_ key: [UInt8], at offset: Int, _ buffer: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        key.withUnsafeBufferPointer { key in RawCursor.valueRange(of: key, inSectionAt: offset, buffer) }
    }

    /// The latest value of metric `key`, or `nil`.
    private static func latestMetric(
        _ key: [UInt8], _ view: RunRecordView, _ buffer: UnsafeBufferPointer<UInt8>
    ) -> Double? {
        key.withUnsafeBufferPointer { key in RawCursor.latestMetric(key, inSectionAt: view.metricsOffset, buffer) }
    }
}
