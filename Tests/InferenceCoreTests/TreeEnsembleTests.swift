import Foundation
import InferenceCore
import MLOpsCore
import Testing

/// A direct, slow evaluator of ``TreeEnsemble/Tree`` descriptions, written from the documented
/// semantics only (no canonical rewrite, no expansion), to check the compiled kernels against.
struct ReferenceTreeEvaluator<T: BinaryFloatingPoint> where T: Comparable {
    var trees: [TreeEnsemble.Tree]
    var outputCount: Int
    var baseScores: [Double]
    var baseFirst: Bool
    var divisor: Int?
    var zeroBand: Double?

    init(_ ensemble: TreeEnsemble) {
        trees = ensemble.trees
        outputCount = ensemble.outputCount
        baseScores = ensemble.baseScores
        baseFirst = ensemble.baseScoreOrder == .beforeTrees
        if case .average(let value) = ensemble.aggregation { divisor = value }
        zeroBand = ensemble.inputZeroBand
    }

    func leafIndex(_ tree: TreeEnsemble.Tree, _ row: [T]) -> Int {
        var node = 0
        let band = T(TreeEnsemble.lightGBMZeroThreshold)
        while case .branch(let branch) = tree.nodes[node] {
            var value = row[branch.feature]
            let threshold = T(branch.threshold)
            switch branch.missing {
            case .nanTakesTrueBranch where value.isNaN:
                node = branch.trueChild
                continue
            case .nanTakesFalseBranch where value.isNaN:
                node = branch.falseChild
                continue
            case .nanAsZero where value.isNaN:
                value = 0
            case .zeroOrNaNTakesTrueBranch where value.isNaN || (value >= -band && value <= band):
                node = branch.trueChild
                continue
            case .zeroOrNaNTakesFalseBranch where value.isNaN || (value >= -band && value <= band):
                node = branch.falseChild
                continue
            default:
                break
            }
            let isTrue: Bool
            switch branch.comparison {
            case .lessThan: isTrue = value < threshold
            case .lessOrEqual: isTrue = value <= threshold
            case .greaterOrEqual: isTrue = value >= threshold
            case .greaterThan: isTrue = value > threshold
            case .equal: isTrue = value == threshold
            case .notEqual: isTrue = value != threshold
            }
            node = isTrue ? branch.trueChild : branch.falseChild
        }
        return node
    }

    /// Raw scores for one row given as `Double`s (converted to `T` first, as documented).
    func raw(_ input: [Double]) -> [Double] {
        let row = input.map { value -> T in
            let converted = T(value)
            if let zeroBand, abs(converted) <= T(zeroBand) { return 0 }
            return converted
        }
        var acc = [T](repeating: 0, count: outputCount)
        if baseFirst, !baseScores.isEmpty { acc = baseScores.map { T($0) } }
        for tree in trees {
            switch tree.nodes[leafIndex(tree, row)] {
            case .leaf(let value): acc[tree.output] += T(value)
            case .multiLeaf(let targets): for target in targets { acc[target.output] += T(target.weight) }
            case .branch: Issue.record("ended on a branch")
            }
        }
        for k in 0..<outputCount {
            if let divisor { acc[k] /= T(divisor) }
            if !baseFirst, !baseScores.isEmpty { acc[k] += T(baseScores[k]) }
        }
        return acc.map { Double($0) }
    }
}

@Suite("Tree ensemble")
struct TreeEnsembleTests {
    // MARK: - Random ensembles against the reference

    static let interesting: [Double] = [
        -1, -0.5, -0.0, 0, 0.5, 1, 1e-36, -1e-36, TreeEnsemble.lightGBMZeroThreshold,
        -TreeEnsemble.lightGBMZeroThreshold, 0.1, Double(Float(0.1)), .infinity, -.infinity, .nan, 3.5,
    ]

    static func randomValue(_ random: inout TreeTestRandom) -> Double {
        if Bool.random(using: &random) { return interesting.randomElement(using: &random) ?? 0 }
        return Double.random(in: -2...2, using: &random)
    }

    /// A random tree with nodes stored in shuffled order (root at 0).
    static func randomTree(
        _ random: inout TreeTestRandom,
        features: Int,
        outputs: Int,
        maxDepth: Int,
        comparisons: [TreeEnsemble.Comparison],
        missing: [TreeEnsemble.MissingValues],
        multiLeaves: Bool
    ) -> TreeEnsemble.Tree {
        enum Shape {
            case leaf
            case branch(Int, Int)
        }
        var shapes: [Shape] = []
        func build(_ depth: Int) -> Int {
            let index = shapes.count
            shapes.append(.leaf)
            if depth < maxDepth, Double.random(in: 0..<1, using: &random) < 0.8 {
                let left = build(depth + 1)
                let right = build(depth + 1)
                shapes[index] = .branch(left, right)
            }
            return index
        }
        _ = build(0)
        // Shuffle all but the root.
        var order = Array(1..<shapes.count)
        order.shuffle(using: &random)
        var position = [Int](repeating: 0, count: shapes.count)
        for (slot, original) in order.enumerated() { position[original] = slot + 1 }
        var nodes = [TreeEnsemble.Node](repeating: .leaf(0), count: shapes.count)
        for (original, shape) in shapes.enumerated() {
            switch shape {
            case .leaf:
                if multiLeaves {
                    let targets = (0..<outputs).shuffled(using: &random).prefix(
                        Int.random(in: 0...outputs, using: &random))
                    nodes[position[original]] = .multiLeaf(
                        targets.map {
                            TreeEnsemble.LeafTarget(output: $0, weight: Double.random(in: -1...1, using: &random))
                        }
                    )
                } else {
                    nodes[position[original]] = .leaf(Double(Float(Double.random(in: -1...1, using: &random))))
                }
            case .branch(let left, let right):
                nodes[position[original]] = .branch(
                    feature: Int.random(in: 0..<features, using: &random),
                    threshold: randomValue(&random),
                    comparison: comparisons.randomElement(using: &random) ?? .lessThan,
                    trueChild: position[left],
                    falseChild: position[right],
                    missing: missing.randomElement(using: &random) ?? .nanTakesTrueBranch
                )
            }
        }
        return TreeEnsemble.Tree(nodes: nodes, output: Int.random(in: 0..<outputs, using: &random))
    }

    struct Scenario: Sendable, CustomStringConvertible {
        var name: String
        var precision: TreeEnsemble.Precision
        var outputs: Int
        var multiLeaves: Bool
        var generalModes: Bool
        var features: Int = 7
        var trees: Int = 23
        var baseOrder: TreeEnsemble.BaseScoreOrder = .afterAggregation
        var average: Bool = false
        var zeroBand: Bool = false
        var description: String { name }
    }

    static let scenarios: [Scenario] = [
        Scenario(
            name: "float32 single output, fast modes", precision: .float32, outputs: 1, multiLeaves: false,
            generalModes: false, baseOrder: .beforeTrees),
        Scenario(
            name: "float64 single output, all modes", precision: .float64, outputs: 1, multiLeaves: false,
            generalModes: true),
        Scenario(
            name: "float32 per-tree outputs, all modes", precision: .float32, outputs: 3, multiLeaves: false,
            generalModes: true),
        Scenario(
            name: "float64 vector leaves, average", precision: .float64, outputs: 4, multiLeaves: true,
            generalModes: false, average: true),
        Scenario(
            name: "float32 vector leaves, all modes", precision: .float32, outputs: 2, multiLeaves: true,
            generalModes: true),
        Scenario(
            name: "float64 LightGBM zero band", precision: .float64, outputs: 1, multiLeaves: false, generalModes: true,
            zeroBand: true),
        Scenario(
            name: "float32 wide rows (unexpanded path)", precision: .float32, outputs: 1, multiLeaves: false,
            generalModes: false, features: 1500, trees: 60),
        Scenario(
            name: "float64 medium rows", precision: .float64, outputs: 2, multiLeaves: false, generalModes: false,
            features: 300, trees: 40),
    ]

    @Test("compiled kernels equal the reference evaluator bit for bit", arguments: scenarios)
    func randomEnsembles(scenario: Scenario) throws {
        var random = TreeTestRandom(seed: UInt64(scenario.name.utf8.count) &* 977)
        let comparisons: [TreeEnsemble.Comparison] =
            scenario.generalModes
            ? TreeEnsemble.Comparison.allCases : [.lessThan, .lessOrEqual, .greaterOrEqual, .greaterThan]
        let missing: [TreeEnsemble.MissingValues] =
            scenario.generalModes
            ? TreeEnsemble.MissingValues.allCases : [.nanTakesTrueBranch, .nanTakesFalseBranch, .nanAsZero]
        let trees = (0..<scenario.trees).map { _ in
            Self.randomTree(
                &random,
                features: scenario.features,
                outputs: scenario.outputs,
                maxDepth: Int.random(in: 0...9, using: &random),
                comparisons: comparisons,
                missing: missing,
                multiLeaves: scenario.multiLeaves
            )
        }
        let ensemble = try TreeEnsemble(
            trees: trees,
            featureCount: scenario.features,
            outputCount: scenario.outputs,
            precision: scenario.precision,
            baseScores: (0..<scenario.outputs).map { Double(Float(0.25 * Double($0 + 1))) },
            baseScoreOrder: scenario.baseOrder,
            aggregation: scenario.average ? .average(divisor: scenario.trees) : .sum,
            postTransform: .none,
            inputZeroBand: scenario.zeroBand ? TreeEnsemble.lightGBMZeroThreshold : nil
        )
        let rowCount = 61  // blocks of 8 plus a short group
        let rows = (0..<rowCount * scenario.features).map { _ in Self.randomValue(&random) }
        let expected: [Double] = (0..<rowCount).flatMap { row -> [Double] in
            let input = Array(rows[row * scenario.features..<(row + 1) * scenario.features])
            switch scenario.precision {
            case .float32: return ReferenceTreeEvaluator<Float>(ensemble).raw(input)
            case .float64: return ReferenceTreeEvaluator<Double>(ensemble).raw(input)
            }
        }
        // Batch (block kernel) and one row at a time (row kernel), Double and Float inputs.
        let batch = try ensemble.predictBatch(rows: rows, rowCount: rowCount).raw
        #expect(batch.elementsEqual(expected) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "batch")
        var single: [Double] = []
        for row in 0..<rowCount {
            single += try ensemble.predictRaw(row: Array(rows[row * scenario.features..<(row + 1) * scenario.features]))
        }
        #expect(single.elementsEqual(expected) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "single rows")
        let floatRows = rows.map { Float($0) }
        let floatExpected: [Double] = (0..<rowCount).flatMap { row -> [Double] in
            let input = floatRows[row * scenario.features..<(row + 1) * scenario.features].map { Double($0) }
            switch scenario.precision {
            case .float32: return ReferenceTreeEvaluator<Float>(ensemble).raw(input)
            case .float64: return ReferenceTreeEvaluator<Double>(ensemble).raw(input)
            }
        }
        for count in [1, 5, rowCount] {
            var out = [Double](repeating: -7, count: count * scenario.outputs)
            try floatRows.withUnsafeBufferPointer { x in
                try out.withUnsafeMutableBufferPointer { o in
                    try ensemble.predict(
                        UnsafeBufferPointer(rebasing: x[..<(count * scenario.features)]), rowCount: count, raw: o)
                }
            }
            #expect(
                out.elementsEqual(floatExpected.prefix(count * scenario.outputs)) {
                    $0 == $1 || ($0.isNaN && $1.isNaN)
                }, "Float input, \(count) rows")
        }
    }

    // MARK: - Post-transforms and output types

    /// A stump on feature 0 (`x < 0` true → -1, else +2) feeding output `output`.
    static func stump(output: Int = 0, left: Double = -1, right: Double = 2) -> TreeEnsemble.Tree {
        TreeEnsemble.Tree(
            nodes: [
                .branch(
                    feature: 0, threshold: 0, comparison: .lessThan, trueChild: 1, falseChild: 2,
                    missing: .nanTakesTrueBranch),
                .leaf(left), .leaf(right),
            ],
            output: output
        )
    }

    @Test("post-transforms: logistic, scaled logistic, exp, softmax, softmax-zero")
    func transforms() throws {
        let logistic = try TreeEnsemble(
            trees: [Self.stump()], featureCount: 1, precision: .float64, postTransform: .logistic)
        #expect(logistic.task == .binaryClassification)
        #expect(try logistic.predict(row: [1]) == [1 / (1 + exp(-2.0))])
        let scaled = try TreeEnsemble(
            trees: [Self.stump()], featureCount: 1, precision: .float64, postTransform: .scaledLogistic(0.5))
        #expect(try scaled.predict(row: [1]) == [1 / (1 + exp(-1.0))])
        let exponential = try TreeEnsemble(
            trees: [Self.stump()], featureCount: 1, precision: .float64, postTransform: .exponential)
        #expect(try exponential.predict(row: [-1]) == [exp(-1.0)])
        let softmax = try TreeEnsemble(
            trees: [
                Self.stump(output: 0), Self.stump(output: 1, left: 0, right: 0),
                Self.stump(output: 2, left: 1, right: 1),
            ],
            featureCount: 1,
            outputCount: 3,
            precision: .float64,
            postTransform: .softmax
        )
        #expect(softmax.task == .multiclassClassification)
        let p = try softmax.predict(row: [-1])
        let e = [exp(-1.0 - 1), exp(0.0 - 1), exp(1.0 - 1)]
        for k in 0..<3 { #expect(abs(p[k] - e[k] / e.reduce(0, +)) < 1e-15) }
        let zero = try TreeEnsemble(
            trees: [Self.stump(output: 0), Self.stump(output: 2, left: 1, right: 1)],
            featureCount: 1,
            outputCount: 3,
            precision: .float32,
            postTransform: .softmaxZero
        )
        let q = try zero.predict(row: [-1])
        #expect(q[1] == 0 && abs(q[0] + q[2] - 1) < 1e-6 && q[2] > q[0])
        // Class indices: argmax of the raw scores; one output: raw > 0.
        #expect(try softmax.predictClassIndices(rows: [-1, 1], rowCount: 2) == [2, 0])
        #expect(try logistic.predictClassIndices(rows: [-1, 1], rowCount: 2) == [0, 1])
    }

    @Test("base scores before the trees (XGBoost) and after averaging (ONNX)")
    func baseScoresAndAverage() throws {
        let trees = [Self.stump(), Self.stump(left: 3, right: 5)]
        let first = try TreeEnsemble(
            trees: trees, featureCount: 1, precision: .float32, baseScores: [0.5], baseScoreOrder: .beforeTrees)
        #expect(try first.predictRaw(row: [1]) == [7.5])
        let averaged = try TreeEnsemble(
            trees: trees,
            featureCount: 1,
            precision: .float32,
            baseScores: [0.5],
            baseScoreOrder: .afterAggregation,
            aggregation: .average(divisor: 2)
        )
        #expect(try averaged.predictRaw(row: [1]) == [4])
        #expect(try averaged.predictRaw(row: [.nan]) == [1.5])
    }

    @Test("a model with no features or no trees predicts its constants")
    func constants() throws {
        let constant = try TreeEnsemble(
            trees: [TreeEnsemble.Tree(nodes: [.leaf(2.5)])], featureCount: 0, precision: .float32)
        var out = [Float](repeating: 0, count: 20)
        try out.withUnsafeMutableBufferPointer { o in
            try constant.predict(UnsafeBufferPointer<Float>(start: nil, count: 0), rowCount: 20, raw: o)
        }
        #expect(out == [Float](repeating: 2.5, count: 20))
        let empty = try TreeEnsemble(trees: [], featureCount: 3, precision: .float64, baseScores: [0.75])
        #expect(try empty.predictRaw(row: [1, 2, 3]) == [0.75])
    }

    @Test("more outputs than the stack scratch holds still predicts correctly")
    func manyOutputs() throws {
        let outputs = 600
        let tree = TreeEnsemble.Tree(nodes: [
            .branch(
                feature: 0, threshold: 0.5, comparison: .lessOrEqual, trueChild: 1, falseChild: 2,
                missing: .nanTakesFalseBranch),
            .multiLeaf((0..<outputs).map { TreeEnsemble.LeafTarget(output: $0, weight: Double($0)) }),
            .multiLeaf([TreeEnsemble.LeafTarget(output: 7, weight: 1)]),
        ])
        let ensemble = try TreeEnsemble(trees: [tree], featureCount: 1, outputCount: outputs, precision: .float32)
        let rows = (0..<20).map { Double($0 % 2) }
        let raw = try ensemble.predictBatch(rows: rows, rowCount: 20).raw
        for row in 0..<20 {
            let slice = Array(raw[row * outputs..<(row + 1) * outputs])
            if row % 2 == 0 {
                #expect(slice == (0..<outputs).map { Double($0) })
            } else {
                #expect(slice == (0..<outputs).map { $0 == 7 ? 1 : 0 })
            }
        }
    }

    @Test("predict is safe from many tasks at once")
    func concurrentPredict() async throws {
        var random = TreeTestRandom(seed: 3)
        let trees = (0..<40).map { _ in
            Self.randomTree(
                &random, features: 5, outputs: 1, maxDepth: 6, comparisons: [.lessThan], missing: [.nanTakesTrueBranch],
                multiLeaves: false)
        }
        let ensemble = try TreeEnsemble(trees: trees, featureCount: 5, precision: .float32)
        let rows = (0..<500).map { _ in Double.random(in: -2...2, using: &random) }
        let expected = try ensemble.predictBatch(rows: rows, rowCount: 100).raw
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<8 {
                group.addTask { try ensemble.predictBatch(rows: rows, rowCount: 100).raw }
            }
            for try await result in group { #expect(result == expected) }
        }
    }

    // MARK: - Validation

    @Test("invalid descriptions are rejected with typed errors")
    func validation() throws {
        typealias Node = TreeEnsemble.Node
        func branch(_ feature: Int = 0, _ t: Int = 1, _ f: Int = 2) -> Node {
            .branch(
                feature: feature, threshold: 0, comparison: .lessThan, trueChild: t, falseChild: f,
                missing: .nanTakesTrueBranch)
        }
        func make(
            _ nodes: [Node], output: Int = 0, features: Int = 2, outputs: Int = 1,
            limits: TreeEnsemble.Limits = .default
        ) throws -> TreeEnsemble {
            try TreeEnsemble(
                trees: [TreeEnsemble.Tree(nodes: nodes, output: output)], featureCount: features, outputCount: outputs,
                precision: .float32, limits: limits)
        }
        expectMLOpsError([.invalidArgument], "empty tree") { try make([]) }
        expectMLOpsError([.invalidArgument], "child out of range") { try make([branch(0, 1, 9), .leaf(1), .leaf(2)]) }
        expectMLOpsError([.invalidArgument], "negative child") { try make([branch(0, -1, 2), .leaf(1), .leaf(2)]) }
        expectMLOpsError([.invalidArgument], "self loop") { try make([branch(0, 0, 1), .leaf(1)]) }
        expectMLOpsError([.invalidArgument], "cycle") { try make([branch(0, 1, 2), branch(0, 0, 2), .leaf(1)]) }
        expectMLOpsError([.invalidArgument], "shared subtree") {
            try make([branch(0, 1, 2), branch(0, 3, 3), branch(0, 3, 4), .leaf(1), .leaf(2)])
        }
        expectMLOpsError([.invalidArgument], "feature out of range") { try make([branch(5), .leaf(1), .leaf(2)]) }
        expectMLOpsError([.invalidArgument], "output out of range") { try make([.leaf(1)], output: 1) }
        expectMLOpsError([.invalidArgument], "leaf target out of range") {
            try make([.multiLeaf([TreeEnsemble.LeafTarget(output: 3, weight: 1)])], outputs: 2)
        }
        expectMLOpsError([.invalidArgument], "negative features") { try make([.leaf(1)], features: -1) }
        expectMLOpsError([.invalidArgument], "zero outputs") { try make([.leaf(1)], outputs: 0) }
        expectMLOpsError([.invalidArgument], "base score count") {
            try TreeEnsemble(trees: [], featureCount: 1, outputCount: 2, precision: .float32, baseScores: [1])
        }
        expectMLOpsError([.invalidArgument], "feature names count") {
            try TreeEnsemble(trees: [], featureCount: 2, precision: .float32, featureNames: ["a"])
        }
        expectMLOpsError([.invalidArgument], "average divisor") {
            try TreeEnsemble(trees: [], featureCount: 1, precision: .float32, aggregation: .average(divisor: 0))
        }
        expectMLOpsError([.invalidArgument], "base first with average") {
            try TreeEnsemble(
                trees: [], featureCount: 1, precision: .float32, baseScoreOrder: .beforeTrees,
                aggregation: .average(divisor: 2))
        }
        expectMLOpsError([.invalidArgument], "bad logistic scale") {
            try TreeEnsemble(trees: [], featureCount: 1, precision: .float32, postTransform: .scaledLogistic(.nan))
        }
        expectMLOpsError([.invalidArgument], "bad zero band") {
            try TreeEnsemble(trees: [], featureCount: 1, precision: .float32, inputZeroBand: -1)
        }
        // Unreachable nodes are ignored, even if they are nonsense.
        let unreachable = try make([.leaf(1), branch(9, 99, 99)])
        #expect(try unreachable.predictRaw(row: [0, 0]) == [1] && unreachable.nodeCount == 1)
        // Limits.
        // Branches 0-19 each lead to the next branch and to their own leaf (20-40).
        let chain: [Node] = (0..<41).map { $0 < 20 ? branch(0, $0 + 1, 21 + $0) : .leaf(Double($0)) }
        expectMLOpsError([.limitExceeded], "depth") { try make(chain, limits: TreeEnsemble.Limits(maxDepth: 10)) }
        #expect(try make(chain).maxDepth == 20)
        expectMLOpsError([.limitExceeded], "nodes per tree") {
            try make(chain, limits: TreeEnsemble.Limits(maxNodesPerTree: 10))
        }
        expectMLOpsError([.limitExceeded], "total nodes") {
            try make(chain, limits: TreeEnsemble.Limits(maxTotalNodes: 10))
        }
        expectMLOpsError([.limitExceeded], "trees") { try make(chain, limits: TreeEnsemble.Limits(maxTrees: 0)) }
        expectMLOpsError([.limitExceeded], "features") {
            try make([.leaf(1)], limits: TreeEnsemble.Limits(maxFeatures: 1))
        }
        expectMLOpsError([.limitExceeded], "outputs") {
            try make([.leaf(1)], outputs: 3, limits: TreeEnsemble.Limits(maxOutputs: 2))
        }
    }

    @Test("buffers that are too small are reported, not overrun")
    func bufferChecks() throws {
        let ensemble = try TreeEnsemble(trees: [Self.stump()], featureCount: 2, outputCount: 1, precision: .float32)
        let input = [Float](repeating: 0, count: 5)
        var output = [Float](repeating: 0, count: 2)
        try input.withUnsafeBufferPointer { x in
            try output.withUnsafeMutableBufferPointer { o in
                expectMLOpsError([.invalidArgument], "short input") { try ensemble.predict(x, rowCount: 3, raw: o) }
                expectMLOpsError([.invalidArgument], "short output") {
                    try ensemble.predict(
                        UnsafeBufferPointer(rebasing: x[..<4]), rowCount: 2,
                        transformed: UnsafeMutableBufferPointer(rebasing: o[..<1]))
                }
                expectMLOpsError([.invalidArgument], "negative rows") { try ensemble.predict(x, rowCount: -1, raw: o) }
                expectMLOpsError([.invalidArgument], "overflowing rows") {
                    try ensemble.predict(x, rowCount: Int.max / 2 + 5, raw: o)
                }
                try ensemble.predict(x, rowCount: 0, raw: o)
                try ensemble.predict(UnsafeBufferPointer(rebasing: x[..<4]), rowCount: 2, raw: o)
            }
        }
        #expect(output == [2, 2])
    }
}
