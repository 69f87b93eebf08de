import Foundation
import MLOpsCore
import Monitoring
import Testing

/// Recorded SciPy 1.17.1 / Evidently 0.7.23 outputs (Benchmarks/compare/make_drift_vectors.py).
/// Tolerance: 1e-9 relative (plus 1e-15 absolute for values near zero).
@Suite struct DriftVectorTests {
    struct Document: Decodable {
        var vectors: [[Value]]
        var cases: [Case]
    }

    enum Value: Decodable {
        case text(String)
        case flag(Bool)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = .flag(flag)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    struct Expected: Decodable {
        var statistic: String?
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var p_value: String?
    }

    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct Case: Decodable {
        var name: String
        var type: String
        var kind: String
        var reference: Int
        var current: Int
        var reference_count: Int
        var current_count: Int
        var default_method: String
        var default_threshold: String
        var default_drift: Bool
        var expected: [String: Expected]
    }

    static let document: Document = {
        do {
            let url = try #require(Bundle.module.url(forResource: "Resources/drift_vectors", withExtension: "json"))
            return try JSONDecoder().decode(Document.self, from: Data(contentsOf: url))
        } catch {
            fatalError("drift_vectors.json: \(error)")
        }
    }()

    static func column(_ name: String, _ values: [Value], type: String) -> Column {
        switch type {
        case "double":
            return .double(name, values.map { if case .text(let s) = $0 { Double(s) ?? .nan } else { .nan } })
        case "int":
            return .int(
                name, values.map { if case .text(let s) = $0 { Int64(Double(s) ?? 0) } else { 0 } } as [Int64])
        case "bool":
            return Column(name: name, storage: .bool(values.map { if case .flag(let b) = $0 { b } else { false } }))
        default:
            return .string(name, values.map { if case .text(let s) = $0 { s } else { "" } } as [String])
        }
    }

    static func tables(_ item: Case) throws -> (Table, Table) {
        let reference = try Table(columns: [column("x", document.vectors[item.reference], type: item.type)])
        let current = try Table(columns: [column("x", document.vectors[item.current], type: item.type)])
        return (reference, current)
    }

    static func close(_ actual: Double, _ expected: Double) -> Bool {
        if actual == expected { return true }
        return abs(actual - expected) <= 1e-9 * max(abs(actual), abs(expected)) + 1e-15
    }

    static var caseNames: [String] { document.cases.map(\.name) }

    @Test(arguments: caseNames)
    func everyMethodMatchesReference(name: String) throws {
        let item = try #require(Self.document.cases.first { $0.name == name })
        let (reference, current) = try Self.tables(item)
        let kind = try #require(ColumnKind(rawValue: item.kind))
        for (methodName, expected) in item.expected {
            let method = try #require(DriftMethod(rawValue: methodName))
            let detector = DriftDetector(
                options: DriftOptions(perColumn: ["x": ColumnDriftOptions(kind: kind, method: method)]))
            let result = try #require(try detector.detect(reference: reference, current: current).columns.first)
            #expect(result.referenceCount == item.reference_count)
            #expect(result.currentCount == item.current_count)
            if let statistic = expected.statistic.flatMap(Double.init) {
                #expect(
                    Self.close(result.statistic, statistic),
                    "\(name) \(methodName) statistic \(result.statistic) vs \(statistic)")
            }
            if let p = expected.p_value.flatMap(Double.init) {
                let actual = try #require(result.pValue)
                if p.isNaN {
                    // SciPy's chisquare has no p-value for one category (0 degrees of freedom); ours is 1.
                    #expect(method == .chiSquare && actual == 1 && result.statistic == 0, "\(name)")
                } else {
                    #expect(Self.close(actual, p), "\(name) \(methodName) p-value \(actual) vs \(p)")
                }
            }
        }
    }

    @Test(arguments: caseNames)
    func defaultRuleMatchesEvidently(name: String) throws {
        let item = try #require(Self.document.cases.first { $0.name == name })
        let (reference, current) = try Self.tables(item)
        let kind = try #require(ColumnKind(rawValue: item.kind))
        let detector = DriftDetector(options: DriftOptions(perColumn: ["x": ColumnDriftOptions(kind: kind)]))
        let result = try #require(try detector.detect(reference: reference, current: current).columns.first)
        #expect(result.method.rawValue == item.default_method, "\(name)")
        #expect(result.threshold == Double(item.default_threshold), "\(name)")
        #expect(result.isDrifted == item.default_drift, "\(name)")
        #expect(result.kind == kind)
    }

    @Test func vectorsCoverEveryDefaultChoice() {
        let chosen = Set(Self.document.cases.map(\.default_method))
        #expect(chosen == Set(["ks", "wasserstein", "jensenshannon", "chisquare", "z"]))
    }
}
