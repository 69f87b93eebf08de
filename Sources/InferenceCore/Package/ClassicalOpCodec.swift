import MLOpsCore

/// Package form of the `ai.onnx.ml` SVM and LabelEncoder ops: every array goes to the weights
/// part (strings inline), and decoding bounds every count by ``ModelPackage/Limits`` (shape
/// inference then checks that the sizes agree).
enum ClassicalOpCodec {
    static func encode(_ op: GraphOp, into a: inout PackageGraphDocument.Attributes, weights: inout WeightWriter) {
        switch op {
        case .svmClassifier(let c):
            a.coefficients = weights.append(c.coefficients)
            a.labels = PackageGraphCodec.encode(c.labels, weights: &weights)
            a.postTransform = c.postTransform
            a.svm = PackageGraphDocument.SVM(
                kernel: c.kernel, vectorsPerClass: c.vectorsPerClass, supportCount: nil,
                supportVectors: weights.append(c.supportVectors), rho: weights.append(c.rho),
                probA: weights.append(c.probA), probB: weights.append(c.probB), oneClass: nil)
        case .svmRegressor(let r):
            a.coefficients = weights.append(r.coefficients)
            a.postTransform = r.postTransform
            a.svm = PackageGraphDocument.SVM(
                kernel: r.kernel, vectorsPerClass: nil, supportCount: r.supportCount,
                supportVectors: weights.append(r.supportVectors), rho: weights.append(r.rho), probA: nil, probB: nil,
                oneClass: r.oneClass)
        case .labelEncoder(let e):
            a.keys = encode(e.keys, weights: &weights)
            a.values = encode(e.values, weights: &weights)
            a.defaultValue = encode(e.defaultValue, weights: &weights)
        default:
            break
        }
    }

    private static func encode(
        _ column: GraphOp.LabelEncoder.Column, weights: inout WeightWriter
    ) -> PackageGraphDocument.Column {
        switch column {
        case .int64(let v): PackageGraphDocument.Column(type: .int64, data: weights.append(v), strings: nil)
        case .float32(let v): PackageGraphDocument.Column(type: .float32, data: weights.append(v), strings: nil)
        case .float64(let v): PackageGraphDocument.Column(type: .float64, data: weights.append(v), strings: nil)
        case .string(let v): PackageGraphDocument.Column(type: .string, data: nil, strings: v)
        }
    }

    static func decode(
        _ record: PackageGraphDocument.Node, weights: WeightReader, limits: ModelPackage.Limits
    ) throws -> GraphOp {
        let a = record.attributes
        let what = "node '\(record.name)' (\(record.op))"
        func floats(_ ref: WeightWriter.Reference?) throws -> [Float] {
            let ref = try ref.orCorrupt(what)
            guard ref.count <= limits.maxElements else { throw PackageError.limit(what, ref.count, limits.maxElements) }
            return try weights.floats(ref, what: what)
        }
        switch record.op {
        case "svmClassifier":
            let svm = try a.svm.orCorrupt(what)
            let perClass = try svm.vectorsPerClass.orCorrupt(what)
            guard perClass.count <= limits.maxElements else {
                throw PackageError.limit(what, perClass.count, limits.maxElements)
            }
            return .svmClassifier(
                GraphOp.SVMClassifier(
                    kernel: svm.kernel, vectorsPerClass: perClass, supportVectors: try floats(svm.supportVectors),
                    coefficients: try floats(a.coefficients), rho: try floats(svm.rho), probA: try floats(svm.probA),
                    probB: try floats(svm.probB),
                    labels: try PackageGraphCodec.labels(a.labels, what: what, weights: weights, limits: limits),
                    postTransform: try a.postTransform.orCorrupt(what)))
        case "svmRegressor":
            let svm = try a.svm.orCorrupt(what)
            return .svmRegressor(
                GraphOp.SVMRegressor(
                    kernel: svm.kernel, supportCount: try svm.supportCount.orCorrupt(what),
                    supportVectors: try floats(svm.supportVectors), coefficients: try floats(a.coefficients),
                    rho: try floats(svm.rho), oneClass: try svm.oneClass.orCorrupt(what),
                    postTransform: try a.postTransform.orCorrupt(what)))
        default:
            return .labelEncoder(
                GraphOp.LabelEncoder(
                    keys: try decode(a.keys, what: what, weights: weights, limits: limits),
                    values: try decode(a.values, what: what, weights: weights, limits: limits),
                    defaultValue: try decode(a.defaultValue, what: what, weights: weights, limits: limits)))
        }
    }

    private static func decode(
        _ column: PackageGraphDocument.Column?, what: String, weights: WeightReader, limits: ModelPackage.Limits
    ) throws -> GraphOp.LabelEncoder.Column {
        let column = try column.orCorrupt(what)
        if column.type == .string {
            let strings = try column.strings.orCorrupt(what)
            guard strings.count <= limits.maxElements else {
                throw PackageError.limit(what, strings.count, limits.maxElements)
            }
            for s in strings { try PackageGraphCodec.checkString(s, limits) }
            return .string(strings)
        }
        let ref = try column.data.orCorrupt(what)
        guard ref.count <= limits.maxElements else { throw PackageError.limit(what, ref.count, limits.maxElements) }
        switch column.type {
        case .int64: return .int64(try weights.int64s(ref, what: what))
        case .float32: return .float32(try weights.floats(ref, what: what))
        case .float64: return .float64(try weights.doubles(ref, what: what))
        default:
            throw PackageError.corrupt("\(what) has a lookup column of type \(column.type)", value: "\(column.type)")
        }
    }
}
