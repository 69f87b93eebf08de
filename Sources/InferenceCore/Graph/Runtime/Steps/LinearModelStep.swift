/// ai.onnx.ml LinearClassifier and LinearRegressor: `scores = x·Wᵀ + b`, a post-transform,
/// and (classifier) the label of the best score.
struct LinearModelStep: ExecutionStep {
    let x: Int
    let inputType: ElementType
    /// Label output (classifier only) and score output.
    let label: Int?
    let scores: Int
    let rows: Int
    let features: Int
    /// Coefficient rows (K), and `Wᵀ` as [F, K].
    let k: Int
    let weights: [Float]
    let intercepts: [Float]
    let postTransform: GraphOp.PostTransform
    let labels: GraphOp.ClassLabels?
    /// Binary classifier with one coefficient row and two labels (scores get two columns).
    let binaryOneRow: Bool

    init(
        x: Int, inputType: ElementType, label: Int?, scores: Int, rows: Int, features: Int,
        coefficients: [Float], intercepts: [Float], postTransform: GraphOp.PostTransform,
        labels: GraphOp.ClassLabels?
    ) {
        self.x = x
        self.inputType = inputType
        self.label = label
        self.scores = scores
        self.rows = rows
        self.features = features
        let k = features == 0 ? 0 : coefficients.count / features
        self.k = k
        var wt = [Float](repeating: 0, count: k * features)
        for c in 0..<k {
            for f in 0..<features { wt[f * k + c] = coefficients[c * features + f] }
        }
        weights = wt
        self.intercepts = intercepts.isEmpty ? [Float](repeating: 0, count: k) : intercepts
        self.postTransform = postTransform
        self.labels = labels
        binaryOneRow = labels != nil && k == 1 && labels?.count == 2
    }

    func run(_ context: ExecutionContext) throws {
        let width = binaryOneRow ? 2 : k
        let out = context.f32(scores)
        let column = binaryOneRow ? 1 : 0
        weights.withUnsafeBufferPointer { w in
            intercepts.withUnsafeBufferPointer { b in
                guard let wp = w.baseAddress, let bp = b.baseAddress else { return }
                if inputType == .float32 && !binaryOneRow {
                    Kernels.sgemm(
                        m: rows, n: k, k: features, a: context.f32(x), lda: max(1, features), b: wp, ldb: max(1, k),
                        c: out, ldc: max(1, width), bias: bp)
                } else {
                    let reader = ElementReader(context, x, inputType)
                    for r in 0..<rows {
                        for c in 0..<k {
                            var s = bp[c]
                            for f in 0..<features { s += reader.float(r * features + f) * wp[f * k + c] }
                            out[r * width + column + c] = s
                        }
                    }
                }
            }
        }
        if binaryOneRow {
            for r in 0..<rows {
                let s = out[r * 2 + 1]
                if let label { writeLabel(context, label, row: r, index: s > 0 ? 1 : 0) }
                switch postTransform {
                case .logistic:
                    out[r * 2] = ReferenceKernels.sigmoid(-s)
                    out[r * 2 + 1] = ReferenceKernels.sigmoid(s)
                case .probit:
                    out[r * 2] = ReferenceKernels.probit(1 - s)
                    out[r * 2 + 1] = ReferenceKernels.probit(s)
                default:
                    out[r * 2] = -s
                }
            }
            return
        }
        if let label {
            for r in 0..<rows {
                var best = 0
                for c in 1..<max(1, k) where out[r * k + c] > out[r * k + best] { best = c }
                writeLabel(context, label, row: r, index: best)
            }
        }
        ReferenceKernels.postTransform(postTransform, out, rows: rows, width: width)
    }

    private func writeLabel(_ context: ExecutionContext, _ v: Int, row: Int, index: Int) {
        switch labels {
        case .int64(let l): context.i64(v)[row] = l[index]
        case .string(let l):
            if row == 0 { context.strings[v] = [String](repeating: "", count: rows) }
            context.strings[v][row] = l[index]
        case nil: break
        }
    }
}
