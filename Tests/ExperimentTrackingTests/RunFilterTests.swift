import ExperimentTracking
import MLOpsCore
import Testing

/// A run as a filter sees it, built by hand.
struct FakeRun: RunFilterSubject, Sendable {
    var id: String
    var name: String? = nil
    var status = "FINISHED"
    var start: Int64 = 0
    var end: Int64? = nil
    var params: [String: String] = [:]
    var tags: [String: String] = [:]
    var metrics: [String: Double] = [:]
    var datasets: [(name: String, digest: String, context: String)] = []

    func attribute(_ key: String) -> RunAttributeValue? {
        switch key {
        case "run_id": .text(id)
        case "run_name": name.map(RunAttributeValue.text)
        case "status": .text(status)
        case "user_id": .text("alice")
        case "artifact_uri": .text("runs/\(id)/artifacts")
        case "start_time": .number(start)
        case "end_time": end.map(RunAttributeValue.number)
        default: nil
        }
    }
    func param(_ key: String) -> String? { params[key] }
    func tag(_ key: String) -> String? { tags[key] }
    func latestMetric(_ key: String) -> Double? { metrics[key] }
    func datasetFields(_ key: String) -> [String] {
        datasets.map { key == "name" ? $0.name : key == "digest" ? $0.digest : $0.context }
    }
}

@Suite struct RunFilterTests {
    let run = FakeRun(
        id: "r1", name: "bold-fox", start: 1_700_000_000_000, end: 1_700_000_100_000,
        params: ["lr": "0.01", "optimizer": "Adam", "model.depth": "6"],
        tags: ["mlflow.runName": "bold-fox", "team": "vision"],
        metrics: ["accuracy": 0.93, "cross-entropy-loss": 0.21, "nan_metric": .nan],
        datasets: [(name: "train.csv", digest: "abc123", context: "training")])

    @Test(arguments: [
        // metrics: every comparator
        ("metrics.accuracy > 0.9", true), ("metrics.accuracy >= 0.93", true), ("metrics.accuracy < 0.93", false),
        ("metrics.accuracy <= 0.93", true), ("metrics.accuracy = 0.93", true), ("metrics.accuracy != 0.93", false),
        ("metric.accuracy > 0.5", true), ("metrics.missing > 0", false), ("metrics.missing != 0", false),
        ("metrics.nan_metric > 0", false), ("metrics.nan_metric != 0", true), ("metrics.accuracy > -1e3", true),
        // quoting of keys
        ("metrics.\"cross-entropy-loss\" < 0.5", true), ("metrics.`cross-entropy-loss` < 0.5", true),
        ("metrics.'cross-entropy-loss' < 0.1", false), ("`metrics`.accuracy > 0.9", true),
        ("params.model.depth = '6'", true), ("params.`model.depth` = \"6\"", true),
        // params and tags: = != LIKE ILIKE
        ("params.lr = '0.01'", true), ("params.lr != '0.01'", false), ("param.optimizer LIKE 'Ad%'", true),
        ("parameters.optimizer LIKE 'ad%'", false), ("params.optimizer ILIKE 'ad%'", true),
        ("params.optimizer LIKE 'A_am'", true), ("params.optimizer LIKE 'A_m'", false), ("params.missing = 'x'", false),
        ("tags.`mlflow.runName` = 'bold-fox'", true), ("tag.team ILIKE '%SION'", true), ("tags.team LIKE '%is%'", true),
        // attributes, aliases, IN / NOT IN
        ("attributes.status = 'FINISHED'", true), ("status != 'FINISHED'", false), ("run_name = 'bold-fox'", true),
        ("attributes.`run name` = 'bold-fox'", true), ("attributes.`Run Name` LIKE 'bold%'", true),
        ("attr.run_id IN ('r0', 'r1')", true), ("run.run_id NOT IN ('r1')", false),
        ("attributes.run_id in ('x')", false),
        ("attributes.start_time >= 1700000000000", true), ("attributes.created > 1700000000000", false),
        ("attributes.end_time < 1800000000000", true), ("attributes.user_id = 'alice'", true),
        ("attributes.artifact_uri LIKE 'runs/%'", true),
        // datasets
        ("datasets.name = 'train.csv'", true), ("dataset.context IN ('training', 'eval')", true),
        ("datasets.digest LIKE 'abc%'", true), ("datasets.context NOT IN ('training')", false),
        // AND / OR / parentheses, case-insensitive keywords
        ("metrics.accuracy > 0.9 and params.lr = '0.01'", true),
        ("metrics.accuracy > 0.99 AND params.lr = '0.01'", false),
        ("metrics.accuracy > 0.99 OR params.lr = '0.01'", true), ("metrics.accuracy > 0.99 or params.lr = '1'", false),
        ("params.lr = '1' AND metrics.accuracy > 0 OR tags.team = 'vision'", true),
        ("params.lr = '1' AND (metrics.accuracy > 0 OR tags.team = 'vision')", false),
        ("((metrics.accuracy > 0.9))", true), ("", true), ("   ", true),
    ])
    func evaluates(_ filter: String, _ expected: Bool) throws {
        #expect(try RunFilter(filter).matches(run) == expected)
    }

    @Test(arguments: [
        ("metrics.accuracy LIKE '0.9'", "column 18: metrics take =, !=, >, >=, < or <=, not LIKE"),
        ("metrics.accuracy > '0.9'", "column 20: metric values must be numbers, found '0.9'"),
        ("params.lr > '0.1'", "column 11: params take =, !=, LIKE or ILIKE, not >"),
        ("params.lr = 0.1", "column 13: params values must be quoted strings, found 0.1"),
        ("tags.team = vision", "column 13: expected a value (a number, a quoted string or a list), found 'vision'"),
        ("attributes.status IN ('A')", "column 19: IN is only allowed on attributes.run_id"),
        (
            "attributes.start_time > 'x'",
            "column 25: start_time values must be integers (milliseconds since 1970), found 'x'"
        ),
        (
            "attributes.start_time > 1.5",
            "column 25: start_time values must be integers (milliseconds since 1970), found 1.5"
        ),
        ("attributes.color = 'red'", "column 1: unknown attribute 'color'"),
        ("metricz.accuracy > 1", "column 1: unknown entity type 'metricz'"),
        ("metrics.accuracy", "column 17: expected a comparator"),
        ("metrics.accuracy >", "column 19: expected a value, found the end"),
        ("metrics.accuracy > 1 AND", "column 25: expected an identifier such as metrics.accuracy, found the end"),
        (
            "metrics.accuracy > 1 params.lr = '1'",
            "column 22: expected AND, OR or the end of the filter, found 'params.lr'"
        ),
        ("(metrics.accuracy > 1", "column 22: expected ')' to close"),
        ("params.lr = 'open", "column 13: the string opened here with ' is never closed"),
        ("attributes.run_id IN ('a' 'b')", "column 27: expected ',' or ')' in the list"),
        ("attributes.run_id IN 'a'", "column 22: IN takes a list such as ('a', 'b'), found 'a'"),
        ("datasets.size = '1'", "column 1: unknown dataset field 'size'"),
        ("metrics.accuracy NOT LIKE 1", "column 22: expected IN after NOT"),
        ("metrics. > 1", "column 9: expected a key after '.', found a space"),
        ("= 1", "column 1: expected an identifier such as metrics.accuracy, found '='"),
    ])
    func rejectsWithColumn(_ filter: String, _ messagePrefix: String) {
        do {
            _ = try RunFilter(filter)
            Issue.record("expected \(filter) to be rejected")
        } catch let error as MLOpsError {
            #expect(error.code == .parseError)
            #expect(error.message.hasPrefix(messagePrefix), "got: \(error.message)")
            #expect(error.value == filter)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func typedBuilderProducesTheSameQueryAsText() throws {
        let built = try RunFilter(
            FilterField.metric("accuracy") > 0.9 && FilterField.param("optimizer").ilike("ad%")
                || FilterField.attribute("run name") == "bold-fox")
        let parsed = try RunFilter(
            "metrics.accuracy > 0.9 AND params.optimizer ILIKE 'ad%' OR attributes.run_name = 'bold-fox'")
        #expect(built == parsed)
        #expect(try RunFilter(built.description) == built)
        #expect(built.matches(run))
        #expect(throws: MLOpsError.self) { try RunFilter(FilterField.metric("a").like("x")) }
    }

    @Test func renderedFiltersParseBackEqual() throws {
        for text in [
            "metrics.`a-b` >= -2.5e-3", "params.x = 'it''s'", "tags.t != 'back\\\\slash'",
            "attributes.run_id NOT IN ('a', 'b')", "(params.a = '1' OR params.b = '2') AND metrics.m < 3",
        ] {
            let filter = try RunFilter(text)
            #expect(try RunFilter(filter.description) == filter, "\(text) -> \(filter)")
        }
    }

    @Test func likePatternsAreLinearAndAnchored() throws {
        let long = FakeRun(id: "x", params: ["p": String(repeating: "a", count: 5_000) + "b"])
        #expect(try RunFilter("params.p LIKE '%a%a%a%a%a%a%a%a%c'").matches(long) == false)
        #expect(try RunFilter("params.p LIKE '%b'").matches(long))
        #expect(try RunFilter("params.p LIKE 'a%'").matches(long))
        #expect(try RunFilter("params.p LIKE 'b%'").matches(long) == false)
        #expect(try RunFilter("params.p LIKE '%'").matches(long))
    }
}

@Suite struct RunOrderTests {
    let runs = [
        FakeRun(id: "a", start: 3, metrics: ["acc": 0.5]),
        FakeRun(id: "b", start: 2, metrics: ["acc": .nan]),
        FakeRun(id: "c", start: 1, metrics: ["acc": 0.9]),
        FakeRun(id: "d", start: 1),
        FakeRun(id: "e", start: 3, metrics: ["acc": 0.5]),
    ]

    func ids(_ order: RunOrder) -> [String] {
        runs.sorted { order.areInIncreasingOrder($0, $1) }.map(\.id)
    }

    @Test func defaultsToNewestFirstThenRunID() {
        #expect(ids(RunOrder()) == ["a", "e", "b", "c", "d"])
    }

    @Test func missingAndNaNSortLastBothWays() throws {
        #expect(ids(try RunOrder(parsing: ["metrics.acc DESC"])) == ["c", "a", "e", "b", "d"])
        #expect(ids(try RunOrder(parsing: ["metrics.acc"])) == ["a", "e", "c", "b", "d"])
        #expect(
            ids(try RunOrder(parsing: ["metrics.acc asc", "attributes.run_id DESC"])) == ["e", "a", "c", "d", "b"])
    }

    @Test func parsesAliasesAndRejectsBadClauses() throws {
        #expect(
            try RunOrderClause(parsing: "created DESC")
                == RunOrderClause(entity: .attribute, key: "start_time", ascending: false))
        #expect(
            try RunOrderClause(parsing: "params.`model.depth`") == RunOrderClause(entity: .param, key: "model.depth"))
        #expect(throws: MLOpsError.self) { try RunOrderClause(parsing: "attributes.color") }
        #expect(throws: MLOpsError.self) { try RunOrderClause(parsing: "datasets.name") }
        #expect(throws: MLOpsError.self) { try RunOrderClause(parsing: "metrics.acc SIDEWAYS") }
    }
}
