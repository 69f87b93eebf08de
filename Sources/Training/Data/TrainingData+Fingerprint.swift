import MLOpsCore

extension TrainingData {
    /// A SHA-256 (hex) of the feature names, every feature value's bits, the target name, task,
    /// class labels and values: equal fingerprints mean the same training data.
    public var fingerprint: String {
        var hasher = SHA256()
        func add(_ text: String) {
            var bytes = Array(text.utf8)
            bytes.append(0)
            hasher.update(bytes)
        }
        func add(_ values: [Double]) {
            values.withUnsafeBytes { raw in
                // The bit patterns, little-endian on every platform swift-mlops supports.
                hasher.update(raw)
            }
        }
        add("features")
        for name in features.featureNames { add(name) }
        add(String(features.rowCount))
        add(features.values)
        add("target")
        add(target.name)
        add(target.task.rawValue)
        for label in target.classLabels { add(label) }
        add(target.values)
        return hasher.finalize().hexString
    }
}
