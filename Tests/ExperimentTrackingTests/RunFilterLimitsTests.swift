import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// The filter grammar's limits (depth, length), its linear parsing, its error
/// messages for control characters, and MLflow 3's `IS NULL` / `IS NOT NULL`.
@Suite struct RunFilterLimitsTests {
    let run = FakeRun(
        id: "r1", name: "bold-fox", params: ["lr": "0.01", "empty": ""], tags: ["team": "vision"],
        metrics: ["accuracy": 0.93])

    /// The MLOpsError `body` throws, or `nil`.
    func thrown(_ body: () throws -> Void) -> MLOpsError? {
        do {
            try body()
            return nil
        } catch let error as MLOpsError {
            return error
        } catch {
            Issue.record("not an MLOpsError: \(error)")
            return nil
        }
    }

    // MARK: Depth

    /// The reproduction: 22,800 nested `(` overflowed the stack (SIGSEGV) before the limit.
    @Test func twentyTwoThousandOpenParenthesesAreATypedError() {
        let depth = 22_800
        let text = String(repeating: "(", count: depth) + "metrics.accuracy > 1" + String(repeating: ")", count: depth)
        let error = thrown { _ = try RunFilter(text) }
        #expect(error?.code == .limitExceeded)
        let column = RunFilter.maxNestingDepth + 1
        #expect(error?.message.hasPrefix("column \(column): this '(' nests the filter \(column) parentheses") == true)
        #expect(error?.message.contains("RunFilter.maxNestingDepth") == true, "\(String(describing: error))")
        // Unclosed, and the same through the tracker's own entry point.
        #expect(thrown { _ = try RunFilter(String(repeating: "(", count: depth)) }?.code == .limitExceeded)
    }

    @Test func theDeepestAllowedNestingParsesAndItsTreeIsAcceptedBack() throws {
        let limit = RunFilter.maxNestingDepth
        let simple = String(repeating: "(", count: limit) + "params.lr = '0.01'" + String(repeating: ")", count: limit)
        #expect(try RunFilter(simple).matches(run))
        let tooDeep = "(" + simple + ")"
        #expect(thrown { _ = try RunFilter(tooDeep) }?.code == .limitExceeded)
        // The deepest tree the parser makes: OR, then AND, then the next parenthesis, at every level.
        var text = "params.lr = '0.01'"
        for _ in 0..<limit { text = "params.lr = 'x' OR params.lr = '0.01' AND (\(text))" }
        let parsed = try RunFilter(text)
        #expect(parsed.matches(run))
        let rebuilt = try RunFilter(#require(parsed.expression))
        #expect(rebuilt.matches(run))
        #expect(try RunFilter(rebuilt.description).matches(run))
    }

    @Test func aDeepTreeBuiltThroughTheAPIIsATypedErrorAndStillPrints() throws {
        let leaf = FilterExpression.comparison(
            FilterComparison(entity: .param, key: "lr", op: .equal, value: .string("0.01")))
        func nested(_ levels: Int) -> FilterExpression {
            var expression = leaf
            for level in 0..<levels { expression = level.isMultiple(of: 2) ? .and([expression]) : .or([expression]) }
            return expression
        }
        #expect(try RunFilter(nested(RunFilter.maxExpressionDepth)).matches(run))
        let error = thrown { _ = try RunFilter(nested(RunFilter.maxExpressionDepth + 1)) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("RunFilter.maxExpressionDepth") == true)
        // Kept moderate: releasing a very deep indirect enum is itself recursive.
        let deep = nested(2_000)
        #expect(thrown { _ = try RunFilter(deep) }?.code == .limitExceeded)
        // 1,000 ORs, the outermost without parentheses.
        #expect(deep.description.hasSuffix("params.`lr` = '0.01'" + String(repeating: ")", count: 999)))
    }

    // MARK: Length

    @Test func textLongerThanTheLimitIsRefusedBeforeParsing() throws {
        let clause = "params.lr = '0.01' OR "
        var text = String(repeating: clause, count: RunFilter.maxLength / clause.utf8.count + 1) + "params.lr = 'x'"
        let error = thrown { _ = try RunFilter(text) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("RunFilter.maxLength") == true)
        #expect(error?.message.contains("from byte \(RunFilter.maxLength + 1)") == true)
        // Exactly at the limit (in UTF-8 bytes) is accepted.
        text = String(repeating: " ", count: RunFilter.maxLength - "params.lr = 'é'".utf8.count) + "params.lr = 'é'"
        #expect(text.utf8.count == RunFilter.maxLength)
        #expect(try RunFilter(text).matches(run) == false)
        #expect(thrown { _ = try RunFilter(text + " ") }?.code == .limitExceeded)
    }

    // MARK: Linear parsing

    /// 6,000 OR'd terms took 19.4 s (each clause's validation copied the whole text); 20,000 now parse.
    @Test func twentyThousandOrTermsParseAndValidate() throws {
        let count = 20_000
        let text = (0..<count).map { "params.lr = '\($0)'" }.joined(separator: " OR ")
        let clock = ContinuousClock()
        var filter: RunFilter?
        let parse = try clock.measure { filter = try RunFilter(text) }
        guard case .or(let operands)? = filter?.expression else {
            Issue.record("expected an OR of \(count) terms")
            return
        }
        #expect(operands.count == count)
        #expect(filter?.matches(FakeRun(id: "x", params: ["lr": "19999"])) == true)
        #expect(filter?.matches(run) == false)
        // The builder's validation path and the rendering are linear too.
        var rebuilt: RunFilter?
        let build = try clock.measure { rebuilt = try RunFilter(.or(operands)) }
        #expect(rebuilt == filter)
        #expect(rebuilt?.description == text.replacing("params.lr", with: "params.`lr`"))
        print("parsed \(count) OR'd terms in \(parse), validated the built tree in \(build)")
    }

    // MARK: Messages

    @Test(arguments: [
        ("metrics.accuracy\u{0} > 1", "column 17: expected a comparator", "found '\\0'"),
        ("params.lr = '1' \u{1B}[31m", "column 17: expected AND, OR or the end", "found '\\u{1B}[31m'"),
        ("params.lr =\u{7} '1'", "column 12: expected a value", "found '\\u{7}'"),
        ("params.lr = '1'\n\u{0}", "column 17: expected AND, OR or the end", "found '\\0'"),
        ("\u{0}", "column 1: expected an identifier", "found '\\0'"),
        ("params.lr = 1\u{9B}", "column 13: params values must be quoted strings", "found 1"),
        // Found by the fuzz test: names and values quoted back in validation messages.
        ("`u\u{7}ser_id` = 'x'", "column 1: unknown attribute", "'u\\u{7}ser_id'"),
        ("metrics.a > '\u{1B}'", "column 13: metric values must be numbers", "found '\\u{1B}'"),
        ("`bo\u{0}gus`.a > 1", "column 1: unknown entity type", "'bo\\0gus'"),
    ])
    func controlCharactersAreShownEscaped(_ filter: String, _ prefix: String, _ found: String) {
        let error = thrown { _ = try RunFilter(filter) }
        #expect(error?.code == .parseError)
        #expect(error?.message.hasPrefix(prefix) == true, "got: \(String(describing: error?.message))")
        #expect(error?.message.contains(found) == true, "got: \(String(describing: error?.message))")
        #expect(error?.message.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) } == false)
    }

    // MARK: IS NULL / IS NOT NULL

    @Test(arguments: [
        ("params.lr IS NULL", false), ("params.missing IS NULL", true), ("params.lr IS NOT NULL", true),
        ("params.missing is not null", false), ("params.empty IS NOT NULL", true),
        ("tags.team IS NULL", false), ("tags.nope IS NULL", true), ("tag.`team` is NOT NULL", true),
        ("params.missing IS NULL AND metrics.accuracy > 0.9", true),
        ("params.lr IS NULL OR tags.team IS NOT NULL", true), ("(params.lr IS NULL)", false),
    ])
    func isNullTestsPresence(_ filter: String, _ expected: Bool) throws {
        #expect(try RunFilter(filter).matches(run) == expected)
        #expect(try RunFilter(RunFilter(filter).description).matches(run) == expected)
    }

    @Test(arguments: [
        ("metrics.accuracy IS NULL", "column 18: IS NULL is only supported for params and tags, not metrics"),
        ("attributes.run_name IS NOT NULL", "column 21: IS NOT NULL is only supported for params and tags"),
        ("datasets.name IS NULL", "column 15: IS NULL is only supported for params and tags"),
        ("params.lr IS 'x'", "column 14: expected NULL or NOT NULL after IS, found ''x''"),
        ("params.lr IS NOT 'x'", "column 18: expected NULL after IS NOT"),
        ("params.lr IS NULL 'x'", "column 19: expected AND, OR or the end"),
    ])
    func isNullIsRejectedWhereMLflowRejectsIt(_ filter: String, _ prefix: String) {
        let error = thrown { _ = try RunFilter(filter) }
        #expect(error?.code == .parseError)
        #expect(error?.message.hasPrefix(prefix) == true, "got: \(String(describing: error?.message))")
    }

    @Test func theBuilderWritesIsNull() throws {
        let filter = try RunFilter(FilterField.param("missing").isNull() && FilterField.tag("team").isNotNull())
        #expect(filter.description == "params.`missing` IS NULL AND tags.`team` IS NOT NULL")
        #expect(filter.matches(run))
        #expect(try RunFilter(filter.description) == filter)
        #expect(thrown { _ = try RunFilter(FilterField.metric("accuracy").isNull()) }?.code == .parseError)
        let valued = FilterExpression.comparison(
            FilterComparison(entity: .param, key: "lr", op: .isNull, value: .string("x")))
        #expect(thrown { _ = try RunFilter(valued) }?.code == .parseError)
        let nullValue = FilterExpression.comparison(
            FilterComparison(entity: .param, key: "lr", op: .equal, value: .null))
        #expect(thrown { _ = try RunFilter(nullValue) }?.code == .parseError)
    }
}
