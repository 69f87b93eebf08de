/// The JSON form of a ``ModelGraph`` inside a package: structure and small attributes as
/// JSON, every numeric array as a reference into the binary weights part.
struct PackageGraphDocument: Codable, Sendable {
    var name: String
    var inputs: [ValueInfo]
    var outputs: [ValueInfo]
    var initializers: [Initializer]
    var nodes: [Node]

    /// A constant tensor: numeric data in the weights part, strings inline.
    struct Initializer: Codable, Sendable {
        var name: String
        var type: ElementType
        var shape: [Int]
        var data: WeightWriter.Reference?
        var strings: [String]?
    }

    /// One node: the op's name and its attributes.
    struct Node: Codable, Sendable {
        var name: String
        var op: String
        var inputs: [String]
        var outputs: [String]
        var attributes: Attributes
    }

    /// Class labels: integers in the weights part, strings inline.
    struct Labels: Codable, Sendable {
        var ints: WeightWriter.Reference?
        var strings: [String]?
    }

    /// The union of every op's attributes (each op uses a few).
    struct Attributes: Codable, Sendable {
        var axis: Int?
        var shape: [Int]?
        var perm: [Int]?
        var to: ElementType?
        var alpha: Float?
        var beta: Float?
        var transA: Bool?
        var transB: Bool?
        var activation: GraphOp.Activation?
        var keepDims: Bool?
        var selectLastIndex: Bool?
        var offset: WeightWriter.Reference?
        var scale: WeightWriter.Reference?
        var norm: GraphOp.Normalization?
        var depth: Int?
        var offValue: Double?
        var onValue: Double?
        var elementType: ElementType?
        var categories: Labels?
        var zeros: Bool?
        var coefficients: WeightWriter.Reference?
        var intercepts: WeightWriter.Reference?
        var labels: Labels?
        var postTransform: GraphOp.PostTransform?
        var multiClass: Int?
        var targets: Int?
        var tree: Tree?
        /// `shape`: the slice of dimensions returned.
        var start: Int?
        var end: Int?
        /// `constantOfShape`: the one-element value (type in `elementType`).
        var value: WeightWriter.Reference?
        var scan: Scan?
        var reduction: GraphOp.Reduce.Kind?
        var axes: [Int]?
        var noopWithEmptyAxes: Bool?
        var k: Int?
        var largest: Bool?
        var sorted: Bool?
        var gatherMode: GraphOp.Gather.Mode?
        var exclusive: Bool?
        var reverse: Bool?
        var threshold: Float?
        var replacedValue: Float?
        var int64Values: WeightWriter.Reference?
        var replacedInt64: Int64?
        var svm: SVM?
        var keys: Column?
        var values: Column?
        var defaultValue: Column?

        init() {}
    }

    /// A scan: its counts, axes and directions, and its body as a nested document.
    struct Scan: Codable, Sendable {
        /// Exactly one body (an array, since a document cannot contain itself directly).
        var body: [PackageGraphDocument]
        var stateCount: Int
        var scanInputCount: Int
        var inputAxes: [Int]
        var inputReversed: [Bool]
        var outputAxes: [Int]
        var outputReversed: [Bool]
    }

    /// An SVM classifier or regressor: kernel and counts inline, arrays in the weights part
    /// (the coefficients, labels and post-transform use the shared attribute fields).
    struct SVM: Codable, Sendable {
        var kernel: GraphOp.SVMKernel
        var vectorsPerClass: [Int]?
        var supportCount: Int?
        var supportVectors: WeightWriter.Reference
        var rho: WeightWriter.Reference
        var probA: WeightWriter.Reference?
        var probB: WeightWriter.Reference?
        var oneClass: Bool?
    }

    /// A typed column of a lookup table: numbers in the weights part, strings inline.
    struct Column: Codable, Sendable {
        var type: ElementType
        var data: WeightWriter.Reference?
        var strings: [String]?
    }

    /// A tree ensemble: parameters inline, node tables in the weights part.
    struct Tree: Codable, Sendable {
        var featureCount: Int
        var outputCount: Int
        var precision: String
        var baseScores: [Double]
        var baseScoreOrder: String
        var aggregation: String
        var divisor: Int?
        var postTransform: String
        var transformScale: Double?
        var task: String
        var featureNames: [String]
        var objective: String
        /// Per tree: node count (Int32) and output (Int32).
        var treeTable: Int
        var treeCount: Int
        /// 24-byte node records.
        var nodeTable: Int
        var nodeCount: Int
        /// 12-byte multi-leaf targets.
        var targetTable: Int
        var targetCount: Int
        var outputs: [GraphOp.TreeEnsembleNode.Output]
        var labels: Labels?
        var scoreType: ElementType
    }
}
