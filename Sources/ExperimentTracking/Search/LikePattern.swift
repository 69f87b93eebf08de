/// SQL `LIKE` matching: `%` matches any run of characters (also none), `_`
/// exactly one; everything else matches itself. The whole value must match.
struct LikePattern: Sendable {
    private enum Token: Equatable {
        case any
        case one
        case literal(Character)
    }

    private let tokens: [Token]
    private let caseInsensitive: Bool

    init(_ pattern: String, caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        tokens = (caseInsensitive ? pattern.lowercased() : pattern).map { c in
            c == "%" ? .any : c == "_" ? .one : .literal(c)
        }
    }

    /// Whether `value` matches, in O(|pattern| · |value|) time, without backtracking blow-ups.
    func matches(_ value: String) -> Bool {
        let characters = Array(caseInsensitive ? value.lowercased() : value)
        // Greedy wildcard matching with one backtrack point (the classic two-pointer algorithm).
        var p = 0
        var v = 0
        var star = -1
        var mark = 0
        while v < characters.count {
            if p < tokens.count, tokens[p] == .one || tokens[p] == .literal(characters[v]) {
                p += 1
                v += 1
            } else if p < tokens.count, tokens[p] == .any {
                star = p
                mark = v
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                v = mark
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == .any { p += 1 }
        return p == tokens.count
    }
}
