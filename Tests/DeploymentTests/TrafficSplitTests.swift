import Deployment
import MLOpsCore
import Testing

@Suite struct TrafficSplitTests {
    @Test func routesStablyInProportion() throws {
        let split = try TrafficSplit(["stable": 9, "canary": 1])
        var counts: [String: Int] = [:]
        for i in 0..<20_000 { counts[split.route("user-\(i)"), default: 0] += 1 }
        let canaryShare = Double(counts["canary", default: 0]) / 20_000
        #expect(abs(canaryShare - 0.1) < 0.01)
        #expect(split.route("user-7") == split.route("user-7"))
    }

    @Test func raisingTheCanaryOnlyMovesKeysToIt() throws {
        let before = try TrafficSplit(["a": 0.9, "b": 0.1])
        let after = try TrafficSplit(["a": 0.7, "b": 0.3])
        for i in 0..<5_000 {
            let key = "k\(i)"
            if before.route(key) == "b" { #expect(after.route(key) == "b") }
        }
    }

    @Test func rejectsInvalidWeights() throws {
        #expect(throws: MLOpsError.invalidArgument) { try TrafficSplit([:]) }
        #expect(throws: MLOpsError.invalidArgument) { try TrafficSplit(["a": 0]) }
        #expect(throws: MLOpsError.invalidArgument) { try TrafficSplit(["a": -1, "b": 2]) }
        #expect(throws: MLOpsError.invalidArgument) { try TrafficSplit(["a": .infinity]) }
        #expect(throws: MLOpsError.invalidArgument) { try TrafficSplit(["": 1]) }
        let single = try TrafficSplit(["only": 0.0001])
        #expect(single.route("x") == "only")
    }
}
