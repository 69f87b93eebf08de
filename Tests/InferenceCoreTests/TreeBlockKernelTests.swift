import InferenceCore
import Testing

/// The batch kernels against the reference evaluator at batch sizes around the block sizes (the
/// row kernel below 16 rows, interleaved groups of eight, blocks limited by the stack scratch),
/// on the ensemble shapes that choose between the kernels: fast trees of equal and unequal depth
/// in every fast comparison mode and NaN rule, a tree deeper than six, general trees (`==`,
/// `!=`, LightGBM's Zero missing type), per-tree and vector leaves, `Float` and `Double`.
@Suite("Tree block kernels")
struct TreeBlockKernelTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var precision: TreeEnsemble.Precision = .float32
        var outputs: Int = 1
        var features: Int = 9
        var trees: Int = 37
        var depths: ClosedRange<Int> = 0...6
        /// A depth-7 tree appended last (disqualifies the oblivious kernel).
        var deepTree = false
        var comparisons: [TreeEnsemble.Comparison] = [.lessThan, .lessOrEqual, .greaterOrEqual, .greaterThan]
        var missing: [TreeEnsemble.MissingValues] = [.nanTakesTrueBranch, .nanTakesFalseBranch, .nanAsZero]
        var multiLeaves = false
        var zeroBand = false
        var baseOrder: TreeEnsemble.BaseScoreOrder = .beforeTrees
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "XGBoost-like: < with NaN left, depth 6", depths: 6...6, comparisons: [.lessThan],
            missing: [.nanTakesTrueBranch]),
        Case(name: "all fast comparisons and NaN rules, unequal depths"),
        Case(name: "per-tree outputs", outputs: 3, trees: 40),
        Case(
            name: "LightGBM zero band and Zero missing type in float32",
            missing: TreeEnsemble.MissingValues.allCases, zeroBand: true, baseOrder: .afterAggregation),
        Case(name: "few features used of many", features: 60, trees: 12, depths: 1...3),
        Case(name: "single-leaf trees only", trees: 5, depths: 0...0),
        Case(name: "a depth-7 tree (general block path)", deepTree: true),
        Case(name: "== and != (general trees)", comparisons: TreeEnsemble.Comparison.allCases),
        Case(name: "vector leaves", outputs: 2, multiLeaves: true),
        Case(name: "float64 shallow trees", precision: .float64, missing: TreeEnsemble.MissingValues.allCases),
    ]

    static let batchSizes = [1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 100, 257]

    @Test("batches equal the reference bit for bit", arguments: cases)
    func batches(testCase: Case) throws {
        var random = TreeTestRandom(seed: UInt64(testCase.name.utf8.count) &* 7919)
        var trees = (0..<testCase.trees).map { _ in
            TreeEnsembleTests.randomTree(
                &random,
                features: testCase.features,
                outputs: testCase.outputs,
                maxDepth: Int.random(in: testCase.depths, using: &random),
                comparisons: testCase.comparisons,
                missing: testCase.missing,
                multiLeaves: testCase.multiLeaves
            )
        }
        if testCase.deepTree {
            trees.append(Self.chain(depth: 7, features: testCase.features))
        }
        let ensemble = try TreeEnsemble(
            trees: trees,
            featureCount: testCase.features,
            outputCount: testCase.outputs,
            precision: testCase.precision,
            baseScores: (0..<testCase.outputs).map { Double(Float(0.5 + Double($0))) },
            baseScoreOrder: testCase.baseOrder,
            postTransform: .none,
            inputZeroBand: testCase.zeroBand ? TreeEnsemble.lightGBMZeroThreshold : nil
        )
        if testCase.deepTree { #expect(ensemble.maxDepth == 7) }
        let rowCount = Self.batchSizes.max() ?? 0
        let rows = (0..<rowCount * testCase.features).map { _ in Float(TreeEnsembleTests.randomValue(&random)) }
        let expected: [Double] = (0..<rowCount).flatMap { row -> [Double] in
            let input = rows[row * testCase.features..<(row + 1) * testCase.features].map { Double($0) }
            switch testCase.precision {
            case .float32: return ReferenceTreeEvaluator<Float>(ensemble).raw(input)
            case .float64: return ReferenceTreeEvaluator<Double>(ensemble).raw(input)
            }
        }
        for count in Self.batchSizes {
            // Float in, Float out (the kernel's own precision for float32 ensembles).
            var out = [Float](repeating: -7, count: count * testCase.outputs)
            try rows.withUnsafeBufferPointer { x in
                try out.withUnsafeMutableBufferPointer { o in
                    try ensemble.predict(
                        UnsafeBufferPointer(rebasing: x[..<(count * testCase.features)]), rowCount: count, raw: o)
                }
            }
            let want = expected.prefix(count * testCase.outputs)
            #expect(
                out.elementsEqual(want) { $0 == Float($1) || ($0.isNaN && $1.isNaN) },
                "\(count) rows")
            // Double in (rounded to Float first by float32 ensembles), Double out.
            let doubles = rows.prefix(count * testCase.features).map { Double($0) }
            let batch = try ensemble.predictBatch(rows: doubles, rowCount: count).raw
            #expect(batch.elementsEqual(want) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(count) rows, Double")
        }
    }

    @Test("rows that differ only in NaN, ±0 and the zero band take their own paths in one block")
    func specialValuesInOneBlock() throws {
        // Depth-2 trees on one feature whose thresholds sit at the edges of the special values.
        let thresholds: [Double] = [0, -0.0, 1e-36, -1e-36, .infinity, -.infinity, 0.5]
        var trees: [TreeEnsemble.Tree] = []
        for (index, threshold) in thresholds.enumerated() {
            for comparison in [TreeEnsemble.Comparison.lessThan, .lessOrEqual, .greaterOrEqual, .greaterThan] {
                for missing in [TreeEnsemble.MissingValues.nanTakesTrueBranch, .nanTakesFalseBranch, .nanAsZero] {
                    trees.append(
                        TreeEnsemble.Tree(nodes: [
                            .branch(
                                feature: index % 2, threshold: threshold, comparison: comparison, trueChild: 1,
                                falseChild: 2, missing: missing),
                            .leaf(Double(trees.count % 7) * 0.125),
                            .branch(
                                feature: 1 - index % 2, threshold: -threshold, comparison: comparison, trueChild: 3,
                                falseChild: 4, missing: missing),
                            .leaf(-0.25),
                            .leaf(Double(trees.count % 5) * 0.0625),
                        ]))
                }
            }
        }
        let ensemble = try TreeEnsemble(trees: trees, featureCount: 2, precision: .float32)
        let specials: [Float] = [
            .nan, 0, -0.0, 1e-36, -1e-36, .leastNonzeroMagnitude, .infinity, -.infinity, 0.5, -0.5, 1,
        ]
        var rows: [Float] = []
        for a in specials { for b in specials { rows += [a, b] } }
        let rowCount = rows.count / 2
        var out = [Float](repeating: 0, count: rowCount)
        try rows.withUnsafeBufferPointer { x in
            try out.withUnsafeMutableBufferPointer { o in try ensemble.predict(x, rowCount: rowCount, raw: o) }
        }
        let reference = ReferenceTreeEvaluator<Float>(ensemble)
        for row in 0..<rowCount {
            let want = reference.raw([Double(rows[2 * row]), Double(rows[2 * row + 1])])[0]
            #expect(Double(out[row]) == want, "row \(rows[2 * row]), \(rows[2 * row + 1])")
        }
    }

    /// A chain of `depth` branches (each right child a leaf), so the tree is exactly that deep.
    static func chain(depth: Int, features: Int) -> TreeEnsemble.Tree {
        var nodes: [TreeEnsemble.Node] = []
        for level in 0..<depth {
            let index = nodes.count
            nodes.append(
                .branch(
                    feature: level % features, threshold: Double(level) * 0.1 - 0.3, comparison: .lessThan,
                    trueChild: index + 2, falseChild: index + 1, missing: .nanTakesTrueBranch))
            nodes.append(.leaf(Double(level) * 0.25))
        }
        nodes.append(.leaf(-1))
        return TreeEnsemble.Tree(nodes: nodes)
    }
}
