import MLOpsCore

/// The binary form of boosted trees, shared by the checkpoint state and
/// ``FittedGradientBoosting/encoded()``: little-endian integers and IEEE doubles, lengths first.
struct BoostingWriter {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int) { withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 } }
    mutating func double(_ value: Double) { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
    mutating func doubles(_ values: [Double]) {
        int(values.count)
        for value in values { double(value) }
    }
    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes += value.utf8
    }

    mutating func tree(_ tree: BoostedTree) {
        int(tree.output)
        int(tree.internalCount)
        for node in 0..<tree.internalCount {
            int(Int(tree.splitFeature[node]))
            int(Int(tree.splitBin[node]))
            double(tree.threshold[node])
            int(tree.defaultLeft[node] ? 1 : 0)
            int(Int(tree.leftChild[node]))
            int(Int(tree.rightChild[node]))
            double(tree.gain[node])
            double(tree.internalHessian[node])
        }
        doubles(tree.leafValue)
        doubles(tree.leafHessian)
    }
}

/// Reads ``BoostingWriter``'s bytes; every read is bounds-checked.
struct BoostingReader {
    let bytes: [UInt8]
    let source: String
    var offset = 0

    init(_ bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    func corrupt(_ what: String) -> MLOpsError {
        MLOpsError(.corruptData, "\(source) is not a valid boosted-tree model: \(what)", value: source)
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func int() throws -> Int {
        guard bytes.count - offset >= 8 else { throw corrupt("it ends early at byte \(offset)") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return Int(truncatingIfNeeded: Int64(bitPattern: value))
    }

    mutating func count(max limit: Int) throws -> Int {
        let value = try int()
        guard value >= 0, value <= limit, value <= (bytes.count - offset) else {
            throw corrupt("a length (\(value)) is out of range at byte \(offset - 8)")
        }
        return value
    }

    mutating func double() throws -> Double { Double(bitPattern: UInt64(bitPattern: Int64(try int()))) }

    mutating func doubles() throws -> [Double] {
        let count = try count(max: (bytes.count - offset) / 8)
        return try (0..<count).map { _ in try double() }
    }

    mutating func string() throws -> String {
        let count = try count(max: bytes.count - offset)
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }

    /// A tree whose features are below `featureCount` and whose outputs are below `outputCount`,
    /// with every node and leaf reached exactly once from the root.
    mutating func tree(featureCount: Int, outputCount: Int) throws -> BoostedTree {
        var tree = BoostedTree()
        tree.output = try int()
        guard tree.output >= 0, tree.output < outputCount else { throw corrupt("a tree's output is out of range") }
        let internalCount = try count(max: (bytes.count - offset) / 64)
        for _ in 0..<internalCount {
            let feature = try int()
            let bin = try int()
            guard feature >= 0, feature < featureCount, bin >= 0, bin <= 255 else {
                throw corrupt("a split's feature or bin is out of range")
            }
            tree.splitFeature.append(Int32(feature))
            tree.splitBin.append(UInt8(bin))
            tree.threshold.append(try double())
            tree.defaultLeft.append(try int() != 0)
            let left = try int()
            let right = try int()
            guard left >= -(internalCount + 1), left < internalCount, right >= -(internalCount + 1),
                right < internalCount
            else { throw corrupt("a child index is out of range") }
            tree.leftChild.append(Int32(left))
            tree.rightChild.append(Int32(right))
            tree.gain.append(try double())
            tree.internalHessian.append(try double())
        }
        tree.leafValue = try doubles()
        tree.leafHessian = try doubles()
        guard tree.leafValue.count == internalCount + 1, tree.leafHessian.count == internalCount + 1 else {
            throw corrupt("a tree has \(tree.leafValue.count) leaves for \(internalCount) splits")
        }
        // Every node except the root, and every leaf, is a child exactly once; no cycles follow
        // because children then form a tree rooted at node 0 with internalCount + 1 leaves.
        var seenNodes = [Bool](repeating: false, count: internalCount)
        var seenLeaves = [Bool](repeating: false, count: internalCount + 1)
        for child in tree.leftChild + tree.rightChild {
            if child >= 0 {
                guard child != 0, !seenNodes[Int(child)] else { throw corrupt("a node is reached twice") }
                seenNodes[Int(child)] = true
            } else {
                guard !seenLeaves[Int(~child)] else { throw corrupt("a leaf is reached twice") }
                seenLeaves[Int(~child)] = true
            }
        }
        // Walk from the root: every node must be reached (rules out detached cycles).
        if internalCount > 0 {
            var stack: [Int32] = [0]
            var reached = 0
            while let node = stack.popLast() {
                reached += 1
                guard reached <= internalCount else { throw corrupt("a tree has a cycle") }
                for child in [tree.leftChild[Int(node)], tree.rightChild[Int(node)]] where child >= 0 {
                    stack.append(child)
                }
            }
            guard reached == internalCount else { throw corrupt("a tree has unreachable nodes") }
        }
        return tree
    }
}
