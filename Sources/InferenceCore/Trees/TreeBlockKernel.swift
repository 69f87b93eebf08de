#if arch(x86_64)
    import CMLOpsKernels
#endif
import MLOpsCore

/// Which kernel walks the fast trees of a block of rows.
///
/// The Swift block kernel is the portable path and the reference. On x86-64 with AVX-512 the C
/// kernel of `CMLOpsKernels` walks 16 rows (8 for float64 models) per tree side by side over the trees laid out as
/// perfect trees; it produces the same sums bit for bit. It is chosen per ensemble, only where it
/// supports every tree: no general trees, one scalar output, depth at most 8.
enum TreeBlockKernel: Sendable, Hashable {
    /// The Swift block kernel.
    case swift
    /// The AVX-512 kernel.
    case avx512
}

extension CompiledTrees {
    /// The deepest tree the C block kernel takes (a perfect tree of depth 8 is 766 words).
    static var maxPerfectDepth: Int { 8 }

    /// Lays every tree out as a perfect tree in heap order for the C block kernel: per tree its
    /// `2^D - 1` slots, as many thresholds (float32: one key word; float64: the bits as two words), then
    /// `2^D` leaf values as bits (one or two words each); a leaf reached
    /// early is repeated below itself (its node always steps to itself). Returns empty arrays when
    /// the kernel does not support the ensemble.
    static func perfectLayout(
        nodes: [FastTreeNode],
        nodeLeaf: [Int32],
        leafValues: [T],
        trees: [CompiledTree],
        layout: LeafLayout
    ) -> (perfect: [Int32], trees: [Int32]) {
        let isFloat = T.self == Float.self
        guard isFloat || T.self == Double.self, layout == .single, !trees.isEmpty else { return ([], []) }
        guard trees.allSatisfy({ !$0.isGeneral && $0.depth <= Self.maxPerfectDepth }) else { return ([], []) }
        var perfect = [Int32]()
        var offsets = [Int32]()
        for tree in trees {
            let depth = Int(tree.depth)
            offsets.append(Int32(perfect.count))
            offsets.append(Int32(depth))
            var level = [Int(tree.root)]
            var slots = [Int32]()
            var thresholds = [Int32]()  // float32: one key per node; float64: the bits as two words
            for _ in 0..<depth {
                var next = [Int]()
                next.reserveCapacity(level.count * 2)
                for n in level {
                    let node = nodes[n]
                    // The kernel compares 32-bit keys; Swift compares them widened to 64 bits.
                    guard let slot = Int32(exactly: node.slot) else { return ([], []) }
                    slots.append(slot)
                    if isFloat {
                        guard let key = Int32(exactly: node.threshold) else { return ([], []) }
                        thresholds.append(key)
                    } else {
                        let bits = UInt64(bitPattern: node.threshold)
                        thresholds.append(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
                        thresholds.append(Int32(bitPattern: UInt32(truncatingIfNeeded: bits >> 32)))
                    }
                    let child = Int(node.child)
                    // bit 0 (x >= threshold) goes to `child`, bit 1 to `child + 1`; a leaf stays.
                    next.append(child)
                    next.append(child == n ? n : child + 1)
                }
                level = next
            }
            perfect += slots
            perfect += thresholds
            for n in level {
                let leaf = Int(nodeLeaf[n])
                guard leaf >= 0 else { return ([], []) }
                if isFloat {
                    let value: Float = leafValues[leaf].treeConverted()
                    perfect.append(Int32(bitPattern: value.bitPattern))
                } else {
                    let value: Double = leafValues[leaf].treeConverted()
                    perfect.append(Int32(bitPattern: UInt32(truncatingIfNeeded: value.bitPattern)))
                    perfect.append(Int32(bitPattern: UInt32(truncatingIfNeeded: value.bitPattern >> 32)))
                }
            }
        }
        guard perfect.count < Int(Int32.max) - 64 else { return ([], []) }
        // The kernel loads 16-word vectors at level starts and may read up to 64 words past the end.
        perfect += [Int32](repeating: 0, count: 64)
        return (perfect, offsets)
    }

    /// Whether the C block kernel supports this ensemble (independent of the CPU).
    var vectorBlockKernelSupported: Bool { perfectTrees.count == 2 * treeCount && treeCount > 0 }

    /// The block kernel used at instruction-set `level`.
    func blockKernel(at level: KernelISA.Level) -> TreeBlockKernel {
        #if arch(x86_64)
            if level >= .avx512, vectorBlockKernelSupported { return .avx512 }
        #endif
        return .swift
    }

    /// Adds every tree's leaf to `acc[row]` for the `rowCount` rows of an expanded block with the
    /// C kernel; requires ``blockKernel(at:)`` to have returned ``TreeBlockKernel/avx512``.
    func accumulateVector(expanded: UnsafePointer<T.Expanded>, rowCount: Int, into acc: UnsafeMutablePointer<T>) {
        #if arch(x86_64)
            if T.self == Float.self {
                mlops_trees_block_f32_avx512(
                    perfect.baseAddress, perfectTrees.baseAddress, treeCount,
                    UnsafeRawPointer(expanded).assumingMemoryBound(to: Int32.self), expandedWidth * 8, rowCount,
                    UnsafeMutableRawPointer(acc).assumingMemoryBound(to: Float.self))
            } else {
                mlops_trees_block_f64_avx512(
                    perfect.baseAddress, perfectTrees.baseAddress, treeCount,
                    UnsafeRawPointer(expanded).assumingMemoryBound(to: Double.self), expandedWidth * 8, rowCount,
                    UnsafeMutableRawPointer(acc).assumingMemoryBound(to: Double.self))
            }
        #endif
    }
}
