import ExperimentTracking
import Foundation
import MLOpsCore
import Testing

/// Random filters — from the grammar, mutated, and deeply nested — must never
/// crash: each either parses or throws `MLOpsError` `parseError` /
/// `limitExceeded`. A filter that parses must render to text that parses to a
/// filter matching the same runs, must be accepted back through the builder's
/// path, and the store's compiled search must find exactly the runs the
/// filter matches on the decoded runs.
///
/// 300 cases from a fixed seed by default; `MLOPS_LONG_TESTS=1` runs 20,000
/// from a fresh seed. A failure names the seed and the case; `MLOPS_FUZZ_SEED=N`
/// replays a seed.
@Suite struct RunFilterFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let long = environment["MLOPS_LONG_TESTS"] == "1"
    static let cases = long ? 20_000 : 300
    static let seed =
        environment["MLOPS_FUZZ_SEED"].flatMap(UInt64.init) ?? (long ? UInt64.random(in: 0...UInt64.max) : 9)

    /// A tracker with a few runs (with captured environments, so derived tags exist) and their decoded values.
    static func fixture() async throws -> (ExperimentTracker, [Run]) {
        let tracker = ExperimentTracker(
            metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore(),
            options: .init(captureCommandLine: true, user: "tester"))
        for index in 0..<8 {
            let run = try await tracker.startRun(
                experiment: "fuzz", name: "run-\(index)",
                tags: index % 3 == 0 ? ["team": "vision", "mlflow.source.git.dirty": "maybe"] : ["team": "nlp"])
            if index % 2 == 0 { try await run.log(params: ["lr": "0.0\(index)", "optimizer": "adam"]) }
            if index % 4 == 1 { try await run.log(param: "é", value: "ü\u{301}") }
            try await run.log(metrics: ["accuracy": Double(index) / 8, "a-b": index == 5 ? .nan : 1])
            if index % 3 == 1 {
                try await run.logInput(DatasetInput(name: "d\(index).csv", digest: "x\(index)", context: "training"))
            }
            try await run.finish(status: index == 7 ? .failed : .finished)
        }
        return (tracker, try await tracker.listRuns())
    }

    @Test func randomFiltersNeverCrashAndAgreeEverywhere() async throws {
        let (tracker, runs) = try await Self.fixture()
        let seed = Self.seed
        print("RunFilterFuzzTests: seed \(seed), \(Self.cases) cases")
        var fuzzer = FilterFuzzer(seed: seed, runs: runs)
        var parsed = 0
        for index in 0..<Self.cases {
            let text = fuzzer.next()
            let label = "seed \(seed), case \(index): \(FilterFuzzer.printable(text))"
            let filter: RunFilter
            do {
                filter = try RunFilter(text)
            } catch let error as MLOpsError {
                if error.code != .parseError && error.code != .limitExceeded {
                    Issue.record("\(label): unexpected code \(error.code): \(error.message)")
                }
                if error.message.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
                {
                    Issue.record("\(label): the message shows a raw control character: \(error.message)")
                }
                continue
            } catch {
                Issue.record("\(label): not an MLOpsError: \(error)")
                continue
            }
            parsed += 1
            let expected = Set(runs.filter { filter.matches($0) }.map(\.id))
            do {
                let reparsed = try RunFilter(filter.description)
                #expect(Set(runs.filter { reparsed.matches($0) }.map(\.id)) == expected, "\(label): rendered")
                if let expression = filter.expression {
                    #expect(try RunFilter(expression) == filter, "\(label): rebuilt")
                }
                let page = try await tracker.searchRuns(filter: filter, maxResults: 100)
                #expect(Set(page.runs.map(\.id)) == expected, "\(label): the store's search disagrees")
            } catch {
                Issue.record("\(label): \(error)")
            }
        }
        print("RunFilterFuzzTests: \(parsed) of \(Self.cases) filters parsed")
        // The generator must reach the evaluator, not only the error paths.
        #expect(parsed > Self.cases / 3, "seed \(seed): only \(parsed) of \(Self.cases) filters parsed")
    }
}

/// Generates filter text: grammar-built, mutated, or deeply nested.
struct FilterFuzzer {
    var random: SeededRandom
    let values: [String]

    init(seed: UInt64, runs: [Run]) {
        random = SeededRandom(seed: seed)
        var values: Set<String> = ["adam", "vision", "%a%", "_", "it''s", "", "true", "0.02", "FINISHED", "tester"]
        for run in runs {
            for key in Self.keys {
                if let value = run.param(key) { values.insert(value) }
                if let value = run.tag(key) { values.insert(value) }
            }
            values.insert(run.id)
            values.insert(run.info.runName)
        }
        self.values = values.sorted().map { $0.replacing("'", with: "''") }
    }

    static let keys = [
        "lr", "optimizer", "team", "é", "accuracy", "a-b", "missing", "mlops.run_id", "mlops.env.host",
        "mlops.env.os", "mlops.env.cpu_count", "mlops.env.git_dirty", "mlflow.source.git.dirty",
        "mlflow.source.git.commit", "mlflow.source.name", "mlflow.runName", "x y",
    ]
    static let attributes = [
        "run_id", "run_name", "status", "start_time", "end_time", "user_id", "artifact_uri", "created", "color",
    ]

    mutating func pick<T>(_ items: [T]) -> T { items[random.int(in: 0..<items.count)] }
    mutating func chance(_ percent: Int) -> Bool { random.int(in: 0..<100) < percent }

    mutating func next() -> String {
        switch random.int(in: 0..<10) {
        case 0: return deep()
        case 1, 2: return mutate(expression(depth: 3))
        default: return expression(depth: 3)
        }
    }

    mutating func quoted(_ key: String) -> String {
        switch random.int(in: 0..<4) {
        case 0 where key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }): return key
        case 1: return "\"\(key)\""
        case 2: return "'\(key)'"
        default: return "`\(key)`"
        }
    }

    /// A clause: mostly one that fits its field (so that the evaluator is reached), sometimes any
    /// identifier with any comparator and value.
    mutating func clause() -> String {
        if chance(10) { return anyClause() }
        let numeric = ["=", "!=", ">", ">=", "<", "<=", "=="]
        let text = ["=", "!=", "LIKE", "ILIKE", "like", "ilike"]
        let number = pick(["0", "1", "0.5", "-1e3", "1700000000000", "+2", ".5", "0.125", "2e-3"])
        switch random.int(in: 0..<6) {
        case 0: return "\(pick(["metrics", "metric"])).\(quoted(pick(Self.keys))) \(pick(numeric)) \(number)"
        case 1, 2:
            let identifier = "\(pick(["params", "tags", "param", "tag"])).\(quoted(pick(Self.keys)))"
            if chance(25) { return "\(identifier) \(pick(["IS NULL", "IS NOT NULL", "is null", "Is Not Null"]))" }
            return "\(identifier) \(pick(text)) '\(pick(values))'"
        case 3:
            let key = pick(["run_id", "run_name", "status", "user_id", "run name", "Run Name"])
            let identifier = pick(["attributes.", "attr.", "run.", ""]) + quoted(key)
            if key == "run_id" && chance(50) {
                let list = (0..<random.int(in: 1...3)).map { _ in "'\(pick(values))'" }.joined(separator: ", ")
                return "\(identifier) \(pick(["IN", "NOT IN", "in"])) (\(list))"
            }
            return "\(identifier) \(pick(text)) '\(pick(values))'"
        case 4:
            let key = pick(["start_time", "end_time", "created"])
            return "attributes.\(key) \(pick(numeric)) \(pick(["0", "1700000000000", "1700000000005", "-1"]))"
        default:
            let identifier = "\(pick(["datasets", "dataset"])).\(pick(["name", "digest", "context"]))"
            if chance(40) {
                let list = (0..<random.int(in: 1...3)).map { _ in "'\(pick(values))'" }.joined(separator: ", ")
                return "\(identifier) \(pick(["IN", "NOT IN"])) (\(list))"
            }
            return "\(identifier) \(pick(text)) '\(pick(values))'"
        }
    }

    /// Any identifier, comparator and value: mostly rejected, never a crash.
    mutating func anyClause() -> String {
        let entity = pick([
            "metrics", "params", "tags", "attributes", "datasets", "metric", "param", "tag", "attr", "run", "", "bogus",
        ])
        let key: String
        switch entity {
        case "attributes", "attr", "run", "": key = pick(Self.attributes)
        case "datasets": key = pick(["name", "digest", "context", "size"])
        default: key = pick(Self.keys)
        }
        let identifier = entity.isEmpty ? quoted(key) : entity + "." + quoted(key)
        let op = pick([
            "=", "!=", ">", ">=", "<", "<=", "==", "LIKE", "ILIKE", "like", "IN", "NOT IN", "IS NULL", "IS NOT NULL",
            "is null", "is not null",
        ])
        if op.uppercased().hasPrefix("IS") { return "\(identifier) \(op)" }
        return "\(identifier) \(op) \(value())"
    }

    mutating func value() -> String {
        switch random.int(in: 0..<6) {
        case 0: return pick(["0", "1", "0.5", "-1e3", "1e309", "nan", "1700000000000", "+2", ".5", "1.5e", "0x10"])
        case 1: return "(" + (0..<random.int(in: 0...3)).map { _ in "'\(pick(values))'" }.joined(separator: ", ") + ")"
        case 2: return "\"\(pick(values).replacing("''", with: "'"))\""
        default: return "'\(pick(values))'"
        }
    }

    /// Built by a bounded recursion of our own (at most `depth` levels).
    mutating func expression(depth: Int) -> String {
        if depth == 0 || chance(40) { return clause() }
        let count = random.int(in: 2...4)
        var parts: [String] = []
        for _ in 0..<count {
            let inner = expression(depth: depth - 1)
            parts.append(chance(40) ? "(\(inner))" : inner)
        }
        var text = parts[0]
        for part in parts.dropFirst() { text += pick([" AND ", " OR ", " and ", " or ", "  AND\n"]) + part }
        return text
    }

    /// Balanced or unbalanced nesting around the depth limit, or far beyond it (the 22,800 of the report).
    mutating func deep() -> String {
        let depth =
            chance(50)
            ? random.int(in: (RunFilter.maxNestingDepth - 2)...(RunFilter.maxNestingDepth + 2))
            : random.int(in: 1_000...30_000)
        let open = chance(50) ? "(" : "params.lr = 'x' OR ("
        let close = chance(90) ? ")" : ""
        return String(repeating: open, count: depth) + clause() + String(repeating: close, count: depth)
    }

    mutating func mutate(_ text: String) -> String {
        var characters = Array(text)
        let alphabet: [Character] = [
            "\u{0}", "\u{1B}", "\u{7}", "\u{9B}", "\u{7F}", "(", ")", "'", "\"", "`", "\\", " ", "\n", "é", "🙂",
            "\u{301}", "%", "_", ",", ".", "=", "!", "<", "-", "e", "N",
        ]
        for _ in 0..<random.int(in: 1...4) {
            let position = random.int(in: 0...characters.count)
            switch random.int(in: 0..<3) {
            case 0: characters.insert(pick(alphabet), at: position)
            case 1 where position < characters.count: characters.remove(at: position)
            default:
                let end = Swift.min(characters.count, position + random.int(in: 1...12))
                characters.insert(contentsOf: characters[position..<end], at: position)
            }
        }
        return String(characters)
    }

    /// `text` for a failure message: control characters escaped, long text shortened.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(300) {
            if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > 300 ? result + "… (\(text.unicodeScalars.count) scalars)" : result
    }
}
