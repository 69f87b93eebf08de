import MLOpsCore

/// A recursive-descent parser for MLflow's run filter grammar, extended with
/// `OR` and parentheses.
///
/// Errors are `MLOpsError` `parseError` whose message starts with the
/// 1-based column and says what was expected and what was found; control
/// characters in what was found are shown escaped (`\0`, `\u{1B}`).
///
/// The parser recurses once per open parenthesis and refuses the
/// `RunFilter.maxNestingDepth + 1`-th with `limitExceeded` before recursing;
/// everything else is a loop, so parsing is linear in the text's length.
struct FilterParser {
    private let text: [Character]
    /// The text as given, for errors' values (copying it is O(1)).
    private let source: String
    private var position = 0
    /// The parentheses open at ``position``.
    private var depth = 0

    init(_ text: String) {
        self.text = Array(text)
        source = text
    }

    /// Parses a whole filter; `nil` for an empty (or all-blank) one.
    mutating func parseFilter() throws -> FilterExpression? {
        skipSpace()
        if atEnd { return nil }
        let expression = try parseOr()
        skipSpace()
        if !atEnd {
            throw error("expected AND, OR or the end of the filter, found \(found())")
        }
        return expression
    }

    /// Parses text that must be exactly one identifier (an `order_by` field).
    mutating func parseStandaloneIdentifier() throws -> (entity: FilterEntity, key: String) {
        skipSpace()
        let (entityText, key) = try parseIdentifier()
        skipSpace()
        if !atEnd { throw error("expected ASC, DESC or the end after the identifier, found \(found())") }
        guard let entityText else { return (.attribute, key) }
        guard let entity = Self.entity(entityText) else {
            throw MLOpsError(
                .parseError,
                "column 1: unknown entity type '\(Self.escaped(entityText))'; expected metrics, params, tags, attributes or datasets",
                value: source)
        }
        return (entity, key)
    }

    // MARK: Grammar

    private mutating func parseOr() throws -> FilterExpression {
        var operands = [try parseAnd()]
        while try keyword("OR") { operands.append(try parseAnd()) }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func parseAnd() throws -> FilterExpression {
        var operands = [try parsePrimary()]
        while try keyword("AND") { operands.append(try parsePrimary()) }
        if operands.count == 1 { return operands[0] }
        // Flatten nested ANDs from parentheses-free chains only.
        return .and(operands)
    }

    private mutating func parsePrimary() throws -> FilterExpression {
        skipSpace()
        if peek == "(" {
            guard depth < RunFilter.maxNestingDepth else {
                throw MLOpsError(
                    .limitExceeded,
                    "column \(position + 1): this '(' nests the filter \(depth + 1) parentheses deep; at most "
                        + "\(RunFilter.maxNestingDepth) are accepted (RunFilter.maxNestingDepth)",
                    value: source)
            }
            position += 1
            depth += 1
            let inner = try parseOr()
            skipSpace()
            guard peek == ")" else { throw error("expected ')' to close the '(' , found \(found())") }
            position += 1
            depth -= 1
            return inner
        }
        return .comparison(try parseComparison())
    }

    private mutating func parseComparison() throws -> FilterComparison {
        skipSpace()
        let identifierColumn = position + 1
        let (entityText, key) = try parseIdentifier()
        let entity: FilterEntity
        if let entityText {
            guard let known = Self.entity(entityText) else {
                throw MLOpsError(
                    .parseError,
                    "column \(identifierColumn): unknown entity type '\(Self.escaped(entityText))'; expected metrics, params, tags, "
                        + "attributes or datasets",
                    value: source)
            }
            entity = known
        } else {
            entity = .attribute
        }
        skipSpace()
        let comparatorColumn = position + 1
        let op = try parseOperator()
        skipSpace()
        let valueColumn = position + 1
        let value = op == .isNull || op == .isNotNull ? FilterValue.null : try parseValue()
        var comparison = FilterComparison(entity: entity, key: key, op: op, value: value)
        try RunFilter.validate(
            &comparison, columns: (identifierColumn, comparatorColumn, valueColumn), text: source)
        return comparison
    }

    /// `entity.key`, `entity."key"`, `` `entity`.`key` ``, or a bare attribute key.
    private mutating func parseIdentifier() throws -> (entity: String?, key: String) {
        guard let first = peek else { throw error("expected an identifier such as metrics.accuracy, found the end") }
        if first == "`" || first == "\"" || first == "'" {
            let quoted = try parseQuoted()
            if peek == "." {
                position += 1
                return (quoted, try parseKey())
            }
            return (nil, quoted)
        }
        guard first.isLetter || first == "_" else {
            throw error("expected an identifier such as metrics.accuracy, found \(found())")
        }
        var word = ""
        while let c = peek, c.isLetter || c.isNumber || c == "_" || c == "." {
            word.append(c)
            position += 1
        }
        guard let dot = word.firstIndex(of: ".") else { return (nil, word) }
        let entity = String(word[..<dot])
        let rest = String(word[word.index(after: dot)...])
        if !rest.isEmpty { return (entity, rest) }
        return (entity, try parseKey())
    }

    private mutating func parseKey() throws -> String {
        guard let c = peek else { throw error("expected a key after '.', found the end") }
        if c == "`" || c == "\"" || c == "'" { return try parseQuoted() }
        var word = ""
        while let c = peek, c.isLetter || c.isNumber || c == "_" || c == "." {
            word.append(c)
            position += 1
        }
        if word.isEmpty { throw error("expected a key after '.', found \(found())") }
        return word
    }

    private mutating func parseOperator() throws -> FilterOperator {
        guard let c = peek else {
            throw error(
                "expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL), found the end"
            )
        }
        switch c {
        case "=":
            position += 1
            if peek == "=" { position += 1 }
            return .equal
        case "!":
            if peek(1) == "=" {
                position += 2
                return .notEqual
            }
        case ">":
            position += 1
            if peek == "=" {
                position += 1
                return .greaterOrEqual
            }
            return .greater
        case "<":
            position += 1
            if peek == "=" {
                position += 1
                return .lessOrEqual
            }
            return .less
        default:
            if try keyword("LIKE") { return .like }
            if try keyword("ILIKE") { return .ilike }
            if try keyword("IN") { return .in }
            if try keyword("NOT") {
                if try keyword("IN") { return .notIn }
                throw error("expected IN after NOT, found \(found())")
            }
            if try keyword("IS") {
                let negated = try keyword("NOT")
                if try keyword("NULL") { return negated ? .isNotNull : .isNull }
                throw error(
                    "expected \(negated ? "NULL" : "NULL or NOT NULL") after IS\(negated ? " NOT" : ""), found \(found())"
                )
            }
        }
        throw error(
            "expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL), found \(found())"
        )
    }

    private mutating func parseValue() throws -> FilterValue {
        guard let c = peek else { throw error("expected a value, found the end") }
        if c == "'" || c == "\"" { return .string(try parseQuoted()) }
        if c == "(" {
            position += 1
            var items: [String] = []
            while true {
                skipSpace()
                guard peek == "'" || peek == "\"" else {
                    throw error("expected a quoted string in the list, found \(found())")
                }
                items.append(try parseQuoted())
                skipSpace()
                if peek == "," {
                    position += 1
                    continue
                }
                if peek == ")" {
                    position += 1
                    return .list(items)
                }
                throw error("expected ',' or ')' in the list, found \(found())")
            }
        }
        if c == "-" || c == "+" || c == "." || c.isNumber {
            let start = position
            var literal = ""
            while let c = peek, c.isNumber || c == "." || c == "-" || c == "+" || c == "e" || c == "E" {
                literal.append(c)
                position += 1
            }
            guard let number = Double(literal), number.isFinite else {
                position = start
                throw error("expected a number, found \(found())")
            }
            return .number(number)
        }
        throw error("expected a value (a number, a quoted string or a list), found \(found())")
    }

    /// A string in `'…'`, `"…"` or `` `…` ``; a doubled quote or a backslash escapes the quote character.
    private mutating func parseQuoted() throws -> String {
        let quote = text[position]
        let start = position
        position += 1
        var value = ""
        while let c = peek {
            position += 1
            if c == "\\", let next = peek {
                value.append(next)
                position += 1
            } else if c == quote {
                if peek == quote {
                    value.append(quote)
                    position += 1
                } else {
                    return value
                }
            } else {
                value.append(c)
            }
        }
        throw MLOpsError(
            .parseError, "column \(start + 1): the string opened here with \(quote) is never closed",
            value: source)
    }

    // MARK: Characters

    private var atEnd: Bool { position >= text.count }
    private var peek: Character? { atEnd ? nil : text[position] }
    private func peek(_ offset: Int) -> Character? {
        position + offset < text.count ? text[position + offset] : nil
    }

    private mutating func skipSpace() {
        while let c = peek, c.isWhitespace { position += 1 }
    }

    /// Consumes `word` (case-insensitively) if it comes next as a whole word.
    private mutating func keyword(_ word: String) throws -> Bool {
        skipSpace()
        let letters = Array(word)
        guard position + letters.count <= text.count else { return false }
        for (i, letter) in letters.enumerated() where text[position + i].uppercased() != String(letter) {
            return false
        }
        if let after = peek(letters.count), after.isLetter || after.isNumber || after == "_" { return false }
        position += letters.count
        return true
    }

    /// What is at ``position``, for an error: "the end", "a space", or up to 20
    /// characters in quotes with control characters escaped (``escaped(_:)``).
    private func found() -> String {
        if atEnd { return "the end" }
        if text[position].isWhitespace && !Self.isControl(text[position]) { return "a space" }
        var token = ""
        var i = position
        var count = 0
        while i < text.count, count < 20, count == 0 || !text[i].isWhitespace || Self.isControl(text[i]) {
            token.append(text[i])
            i += 1
            count += 1
        }
        return "'\(Self.escaped(token))'"
    }

    /// `text` with control characters written as Swift escapes (`DisplayText`).
    static func escaped(_ text: String) -> String { DisplayText.escapingControlCharacters(text) }

    private static func isControl(_ character: Character) -> Bool {
        character.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }
    }

    private func error(_ message: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        MLOpsError(
            .parseError, "column \(position + 1): \(Self.escaped(message))", value: source, fileID: fileID, line: line)
    }

    static func entity(_ text: String) -> FilterEntity? {
        switch text {
        case "metric", "metrics": .metric
        case "parameter", "parameters", "param", "params": .param
        case "tag", "tags": .tag
        case "attribute", "attributes", "attr", "run": .attribute
        case "dataset", "datasets": .dataset
        default: nil
        }
    }
}
