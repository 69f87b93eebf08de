import Foundation
import MLOpsCore
import Monitoring
import Testing

@Suite struct AlertRuleTests {
    private func code(_ body: () throws -> Void) -> MLOpsError.Code? {
        do {
            try body()
            return nil
        } catch let error as MLOpsError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func badRuleSettingsAreTypedErrors() {
        func rule(
            name: String = "r", metric: String = "m", threshold: Double = 1, clear: Double? = nil,
            comparison: AlertComparison = .above, fire: Int = 1, clearWindows: Int = 1, cooldown: Duration = .zero
        ) throws {
            _ = try AlertRule(
                name: name, metric: metric, comparison: comparison, threshold: threshold, clearThreshold: clear,
                windowsToFire: fire, windowsToClear: clearWindows, cooldown: cooldown)
        }
        #expect(code { try rule(fire: 0) } == .invalidArgument)
        #expect(code { try rule(fire: -3) } == .invalidArgument)
        #expect(code { try rule(clearWindows: 0) } == .invalidArgument)
        #expect(code { try rule(threshold: .nan) } == .invalidArgument)
        #expect(code { try rule(threshold: .infinity) } == .invalidArgument)
        #expect(code { try rule(clear: .nan) } == .invalidArgument)
        // The clear threshold must not be beyond the threshold in the firing direction.
        #expect(code { try rule(threshold: 1, clear: 2) } == .invalidArgument)
        #expect(code { try rule(threshold: 1, clear: 0.5, comparison: .below) } == .invalidArgument)
        #expect(code { try rule(cooldown: .seconds(-1)) } == .invalidArgument)
        #expect(code { try rule(name: "") } == .invalidArgument)
        #expect(code { try rule(name: "has space") } == .invalidArgument)
        #expect(code { try rule(name: String(repeating: "a", count: 101)) } == .invalidArgument)
        #expect(code { try rule(metric: "9bad") } == .invalidArgument)
        #expect(code { try rule(metric: "bad-name") } == .invalidArgument)
        #expect(code { try rule(threshold: 1, clear: 0.5) } == nil)
        #expect(code { try rule(threshold: 1, clear: 2, comparison: .below) } == nil)
        do {
            try rule(fire: 0)
        } catch let error as MLOpsError {
            #expect(error.message.contains("'r'"))
            #expect(error.value == "0")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func metricKeysFollowPrometheusNameRules() throws {
        #expect(throws: MLOpsError.self) { try MetricKey("") }
        #expect(throws: MLOpsError.self) { try MetricKey("a b") }
        #expect(throws: MLOpsError.self) { try MetricKey("x", labels: ["__name": "v"]) }
        #expect(throws: MLOpsError.self) { try MetricKey("x", labels: ["1abc": "v"]) }
        #expect(throws: MLOpsError.self) { try MetricKey("x", labels: ["v": String(repeating: "a", count: 500)]) }
        let key = try MetricKey("column_psi", labels: ["column": "x\"0\n", "b": "1"])
        #expect(key.description == "column_psi{b=\"1\",column=\"x\\\"0\\n\"}")
        #expect(try MetricKey("ns:metric_1").description == "ns:metric_1")
        // Decoding validates too.
        let bad = Data(#"{"name":"bad name","labels":{}}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(MetricKey.self, from: bad) }
        let good = try JSONDecoder().decode(MetricKey.self, from: JSONEncoder().encode(key))
        #expect(good == key)
    }

    @Test func engineRefusesBadRuleSets() async throws {
        let rule = try AlertRule(name: "r", metric: "m", comparison: .above, threshold: 1)
        let store = try await MonitoringStore.open(metadata: InMemoryKeyValueStore())
        await #expect(throws: MLOpsError.self) { _ = try await store.engine(rules: [rule, rule]) }
        await #expect(throws: MLOpsError.self) { _ = try await store.engine(rules: [rule], maxSeries: 0) }
        // A rule changed after validation (or decoded) is checked again by the engine.
        var broken = rule
        broken.windowsToFire = 0
        do {
            _ = try await store.engine(rules: [broken])
            Issue.record("a rule with windowsToFire 0 was accepted")
        } catch let error as MLOpsError {
            #expect(error.code == .invalidArgument)
        }
        broken = rule
        broken.threshold = .nan
        await #expect(throws: MLOpsError.self) { _ = try await store.engine(rules: [broken]) }
    }

    @Test func rulesDecodeFromConfigurationJSON() throws {
        let json = #"""
            {"name":"psi_high","metric":"column_psi","labels":{"model":"churn"},"comparison":">=","threshold":0.2,
             "clearThreshold":0.1,"windowsToFire":3,"cooldownSeconds":1.5,"severity":"critical"}
            """#
        let rule = try JSONDecoder().decode(AlertRule.self, from: Data(json.utf8))
        #expect(rule.comparison == .atOrAbove && rule.windowsToFire == 3 && rule.windowsToClear == 1)
        #expect(
            rule.cooldown == .milliseconds(1_500) && rule.severity == .critical && rule.labels == ["model": "churn"])
        #expect(try JSONDecoder().decode(AlertRule.self, from: JSONEncoder().encode(rule)) == rule)
        let minimal = #"{"name":"r","metric":"m","comparison":"<","threshold":1}"#
        #expect(try JSONDecoder().decode(AlertRule.self, from: Data(minimal.utf8)).clearThreshold == 1)
        for bad in [
            #"{"name":"r","metric":"m","comparison":"<","threshold":1,"windowsToFire":0}"#,
            #"{"name":"r","metric":"m","comparison":"<","threshold":1,"cooldownSeconds":-1}"#,
            #"{"name":"r","metric":"m","comparison":"<","threshold":1,"clearThreshold":0.5}"#,
            #"{"name":"r","metric":"m","comparison":"!=","threshold":1}"#,
            #"{"name":"r","metric":"m","comparison":"<"}"#,
            #"{"name":"r","metric":"m","comparison":"<","threshold":"NaN"}"#,
        ] {
            #expect(throws: (any Error).self, "\(bad)") {
                try JSONDecoder().decode(AlertRule.self, from: Data(bad.utf8))
            }
        }
    }

    @Test func rulesMatchSeriesByLabelSubset() throws {
        let rule = try AlertRule(
            name: "r", metric: "column_psi", labels: ["model": "a"], comparison: .above, threshold: 1)
        #expect(rule.matches(try MetricKey("column_psi", labels: ["model": "a", "column": "x0"])))
        #expect(!rule.matches(try MetricKey("column_psi", labels: ["model": "b", "column": "x0"])))
        #expect(!rule.matches(try MetricKey("column_psi", labels: ["column": "x0"])))
        #expect(!rule.matches(try MetricKey("drift_share", labels: ["model": "a"])))
    }
}
