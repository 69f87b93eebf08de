extension Kernels {
    /// SGEMM: `C = activation(alpha · op(A) · op(B) + beta · C + bias)`, row-major.
    ///
    /// `op(A)` is `m × k` and `op(B)` is `k × n`; `op(X)` is `X` or, when its `transpose…` flag is set, the
    /// transpose of the stored matrix (so a transposed A is stored `k × m` with `lda ≥ m`). `bias`, when
    /// given, has `n` values added to every row after the product; `activation` is applied last. Both are
    /// fused into the store of each register tile, while it is in cache.
    ///
    /// - `beta == 0` means C is write-only: its old contents (even NaN) are ignored, as in BLAS.
    /// - `alpha == 0` or `k == 0` skips the product (A and B are not read).
    /// - `pool` spreads large products over its threads; small ones always run on the caller. `nil`
    ///   runs on the calling thread.
    ///
    /// No memory is allocated after a thread's first call with its largest shape (packing buffers are
    /// per-thread and reused). The model runtime packs constant weights once; a graph's `gemm` does
    /// that for you.
    ///
    /// - Precondition: sizes are non-negative, leading dimensions at least the stored row lengths, `c`
    ///   does not overlap `a`, `b` or `bias`.
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil,
        activation: Activation = .identity, pool: WorkerPool? = nil
    ) {
        sgemm(
            config: .current, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a,
            lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias, activation: activation, pool: pool)
    }

    /// ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:bias:activation:pool:)`` with the
    /// kernels of `config` instead of ``KernelConfig/current`` (tests run every instruction-set level).
    static func sgemm(
        config: KernelConfig, transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil,
        activation: Activation = .identity, pool: WorkerPool? = nil
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm sizes must be non-negative")
        precondition(lda >= max(1, transposeA ? m : k), "sgemm: lda is shorter than a stored row of A")
        precondition(ldb >= max(1, transposeB ? k : n), "sgemm: ldb is shorter than a stored row of B")
        precondition(ldc >= max(1, n), "sgemm: ldc is shorter than a row of C")
        let operands = GEMMOperands(
            config: config, m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, lda: lda, transA: transposeA, b: b,
            ldb: ldb, transB: transposeB, packed: nil, narrowTail: nil, c: c, ldc: ldc, bias: bias,
            activation: activation)
        gemm(operands, pool: pool)
    }

    /// SGEMM with a pre-packed right operand: `C = activation(alpha · op(A) · B + beta · C + bias)`.
    ///
    /// `B` is `b.rows × b.columns` (`k × n`); `op(A)` is `m × k`. Same semantics as the unpacked
    /// ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:bias:activation:pool:)``, with no
    /// packing of B. With `m` up to half a register tile (batch 1–3 in the AVX-512 build) it uses the
    /// one-row kernel that streams the weights once per row.
    static func sgemm(
        transposeA: Bool = false, m: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: PackedMatrix, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
        bias: UnsafePointer<Float>? = nil, activation: Activation = .identity, pool: WorkerPool? = nil
    ) {
        precondition(m >= 0, "sgemm sizes must be non-negative")
        precondition(lda >= max(1, transposeA ? m : b.rows), "sgemm: lda is shorter than a stored row of A")
        precondition(ldc >= max(1, b.columns), "sgemm: ldc is shorter than a row of C")
        withExtendedLifetime(b) {
            let operands = GEMMOperands(
                config: b.config, m: m, n: b.columns, k: b.rows, alpha: alpha, beta: beta, a: a, lda: lda,
                transA: transposeA,
                b: UnsafePointer(b.storage.pointer), ldb: max(1, b.columns), transB: false,
                packed: UnsafePointer(b.storage.pointer), narrowTail: b.narrowTail.map { UnsafePointer($0.pointer) },
                c: c, ldc: ldc, bias: bias, activation: activation)
            gemm(operands, pool: pool)
        }
    }

    /// GEMV for batch 1: `y = activation(x · W + bias)` with `W` pre-packed (`x` has `weights.rows` values,
    /// `y` and `bias` `weights.columns`).
    ///
    /// This is the dense-layer form of `y = Wᵀx + b`; the weights are read strictly sequentially, several
    /// panels at a time. `pool` is used only when the matrix is large enough to pay for it.
    static func gemv(
        x: UnsafePointer<Float>, weights: PackedMatrix, y: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>? = nil, activation: Activation = .identity, pool: WorkerPool? = nil
    ) {
        sgemm(
            m: 1, a: x, lda: max(1, weights.rows), b: weights, c: y, ldc: max(1, weights.columns), bias: bias,
            activation: activation, pool: pool)
    }

    /// Adds `bias` (one value per column, optional) to every row and applies `activation`, in place.
    ///
    /// `data` holds `rows` rows of `columns` values, `ld` elements apart (`ld ≥ columns`).
    static func biasActivation(
        rows: Int, columns: Int, bias: UnsafePointer<Float>?, activation: Activation,
        data: UnsafeMutablePointer<Float>, ld: Int
    ) {
        precondition(rows >= 0 && columns >= 0 && ld >= columns, "biasActivation: invalid sizes")
        if bias == nil && activation == .identity { return }
        for row in 0..<rows {
            let p = data + row * ld
            finishRow(p, p, columns, alpha: 1, beta: 0, mode: .overwrite, bias: bias, activation: activation)
        }
    }
}

/// The arguments of one SGEMM call, with B either raw or pre-packed.
struct GEMMOperands {
    /// The kernels and blocking (a packed B's own configuration).
    let config: KernelConfig
    let m: Int
    let n: Int
    let k: Int
    let alpha: Float
    let beta: Float
    let a: UnsafePointer<Float>
    let lda: Int
    let transA: Bool
    let b: UnsafePointer<Float>
    let ldb: Int
    let transB: Bool
    /// The ``PackedMatrix`` layout (K blocks of panels), or `nil` for a raw B.
    let packed: UnsafePointer<Float>?
    /// The last, at most 16 columns wide, panel of a packed B again as `k × 16` floats (see
    /// ``PackedMatrix``), or `nil`.
    let narrowTail: UnsafePointer<Float>?
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let bias: UnsafePointer<Float>?
    let activation: Activation

    /// A pointer to `op(A)` row `row` and the distance between its consecutive elements.
    @inline(__always)
    func aRow(_ row: Int) -> (UnsafePointer<Float>, Int) {
        transA ? (a + row, lda) : (a + row * lda, 1)
    }
}

/// Where and how a micro-kernel writes its register tile: row `i`, column `j` of the tile becomes
/// `max(alpha·acc[i, j] ⊕ C[i, j] + bias[j], floor)` at `c + i·ldc + j`, where `⊕ C` follows `mode`.
///
/// The micro-kernels apply it to their accumulators while they are still in registers. `floor` is 0 for
/// ReLU and `-∞` for no activation (`x < -∞` never holds, so NaN and `-0` pass through either way); other
/// activations, and tiles cut by the edge of C, go through a tile buffer (``init(tile:)``) and the scalar-
/// width epilogue instead.
struct TileStore {
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let alpha: Float
    let beta: Float
    let mode: TileMode
    /// `NR` values for the tile's columns, or `nil` for none.
    let bias: UnsafePointer<Float>?
    let floor: Float

    /// A store of the raw accumulators into a row-major `MR × NR` tile buffer.
    init(tile: UnsafeMutablePointer<Float>, nr: Int) {
        self.init(
            c: tile, ldc: nr, alpha: 1, beta: 0, mode: .overwrite, bias: nil, floor: -.infinity)
    }

    init(
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float, mode: TileMode,
        bias: UnsafePointer<Float>?, floor: Float
    ) {
        self.c = c
        self.ldc = ldc
        self.alpha = alpha
        self.beta = beta
        self.mode = mode
        self.bias = bias
        self.floor = floor
    }
}

/// `max(v + bias, floor)` for the register epilogue (`bias` is `-0` when there is none, which leaves `v`
/// bit-for-bit unchanged).
@inline(__always)
func finishTile(_ v: SIMD16<Float>, _ bias: SIMD16<Float>, _ floor: SIMD16<Float>) -> SIMD16<Float> {
    let x = v + bias
    return x.replacing(with: floor, where: x .< floor)
}

/// The 8-lane ``finishTile(_:_:_:)-(SIMD16<Float>,_,_)``.
@inline(__always)
func finishTile(_ v: SIMD8<Float>, _ bias: SIMD8<Float>, _ floor: SIMD8<Float>) -> SIMD8<Float> {
    let x = v + bias
    return x.replacing(with: floor, where: x .< floor)
}

/// Stores `v` at `p + offset` (unaligned). A concrete, always-inlined wrapper: in the large generated
/// micro-kernels the generic `storeBytes` was otherwise left as a call.
@inline(__always)
func storeVector(_ v: SIMD16<Float>, _ p: UnsafeMutableRawPointer, _ offset: Int) {
    p.storeBytes(of: v, toByteOffset: offset, as: SIMD16<Float>.self)
}

/// The 8-lane ``storeVector(_:_:_:)-(SIMD16<Float>,_,_)``.
@inline(__always)
func storeVector(_ v: SIMD8<Float>, _ p: UnsafeMutableRawPointer, _ offset: Int) {
    p.storeBytes(of: v, toByteOffset: offset, as: SIMD8<Float>.self)
}

/// Loads a `SIMD16<Float>` from `p + offset` (unaligned); see ``storeVector(_:_:_:)-(SIMD16<Float>,_,_)``.
@inline(__always)
func loadVector(_ p: UnsafeMutableRawPointer, _ offset: Int, as: SIMD16<Float>.Type) -> SIMD16<Float> {
    p.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
}

/// Loads a `SIMD8<Float>` from `p + offset` (unaligned).
@inline(__always)
func loadVector(_ p: UnsafeMutableRawPointer, _ offset: Int, as: SIMD8<Float>.Type) -> SIMD8<Float> {
    p.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
}

/// How a tile combines with the existing contents of C.
enum TileMode {
    /// `C = alpha·acc` (first K block, beta = 0: C is not read).
    case overwrite
    /// `C = alpha·acc + beta·C` (first K block).
    case scale
    /// `C = C + alpha·acc` (later K blocks).
    case accumulate
}

extension Kernels {
    static func gemm(_ p: GEMMOperands, pool: WorkerPool?) {
        guard p.m > 0, p.n > 0 else { return }
        if p.k == 0 || p.alpha == 0 {
            scaleOnly(p)
            return
        }
        let flops = 2.0 * Double(p.m) * Double(p.n) * Double(p.k)
        let threads: Int
        if let pool, flops >= Double(KernelConfig.parallelFlopThreshold) {
            threads = pool.threadCount
        } else {
            threads = 1
        }
        let activePool = threads > 1 ? pool : nil
        if p.m <= p.config.smallM && (p.packed != nil || !p.transB) {
            smallM(p, pool: activePool, threads: threads)
        } else if p.packed != nil {
            packedGEMM(p, pool: activePool, threads: threads)
        } else {
            rawGEMM(p, pool: activePool, threads: threads)
        }
    }

    /// `C = beta·C`, then bias and activation (the product is empty or multiplied by zero).
    static func scaleOnly(_ p: GEMMOperands) {
        let zeros = ScratchBuffer.current().a(count: p.n)
        zeros.update(repeating: 0, count: p.n)
        for row in 0..<p.m {
            let cRow = p.c + row * p.ldc
            finishRow(
                zeros, cRow, p.n, alpha: 0, beta: p.beta, mode: p.beta == 0 ? .overwrite : .scale, bias: p.bias,
                activation: p.activation)
        }
    }

    /// Runs `work` for `0..<count` on `pool`, or inline when there is no pool.
    @inline(__always)
    static func parallel<Work: ParallelWork>(_ count: Int, _ pool: WorkerPool?, _ work: Work) {
        if count > 1, let pool {
            pool.parallelFor(count, work: work)
        } else {
            for i in 0..<count { work.run(i) }
        }
    }

    /// Splits `rows × panels` into `threads` rectangles: by rows when there are at least two register-tile
    /// rows per thread (or no more panels than tile rows), otherwise by panels. Returns
    /// `(row0, row1, panel0, panel1)` for task `index`.
    @inline(__always)
    static func partition(
        rows: Int, panels: Int, threads: Int, index: Int, mr: Int
    ) -> (Int, Int, Int, Int) {
        let rowTiles = (rows + mr - 1) / mr
        if rowTiles >= 2 * threads || rowTiles >= panels {
            let start = rowTiles * index / threads
            let end = rowTiles * (index + 1) / threads
            return (min(start * mr, rows), min(end * mr, rows), 0, panels)
        }
        let start = panels * index / threads
        let end = panels * (index + 1) / threads
        return (0, rows, start, end)
    }

    /// SGEMM with a raw B: B is packed per (NC, KC) block into the calling thread's buffer, cooperatively.
    static func rawGEMM(_ p: GEMMOperands, pool: WorkerPool?, threads: Int) {
        let nr = p.config.nr
        let kcMax = p.config.kc
        let ncMax = p.config.nc
        let blockPanels = (min(ncMax, p.n) + nr - 1) / nr
        let bPack = ScratchBuffer.current().b(count: blockPanels * nr * min(kcMax, p.k))
        var jc = 0
        while jc < p.n {
            let nc = min(ncMax, p.n - jc)
            let panels = (nc + nr - 1) / nr
            let panel0 = jc / nr
            var pc = 0
            while pc < p.k {
                let kc = min(kcMax, p.k - pc)
                let packTasks = min(threads, panels)
                parallel(
                    packTasks, pool,
                    PackBTask(
                        p: p, panels: panels, packTasks: packTasks, pc: pc, kc: kc, jc: jc, nc: nc, bPack: bPack, nr: nr
                    ))
                let mode: TileMode = pc > 0 ? .accumulate : (p.beta == 0 ? .overwrite : .scale)
                let isLast = pc + kc == p.k
                let bBlock = UnsafePointer(bPack)
                parallel(
                    threads, pool,
                    RawBlockTask(
                        p: p, panels: panels, threads: threads, kcMax: kcMax, nr: nr, panel0: panel0, pc: pc, kc: kc,
                        bBlock: bBlock, mode: mode, isLast: isLast))
                pc += kc
            }
            jc += nc
        }
    }

    /// SGEMM with a pre-packed B: one parallel region, each task walking its own rows or panels.
    static func packedGEMM(_ p: GEMMOperands, pool: WorkerPool?, threads: Int) {
        guard let packed = p.packed else { return }
        let nr = p.config.nr
        let kcMax = p.config.kc
        let ncPanels = p.config.nc / nr
        let panels = (p.n + nr - 1) / nr
        parallel(
            threads, pool,
            PackedTask(p: p, packed: packed, panels: panels, threads: threads, kcMax: kcMax, nr: nr, ncPanels: ncPanels)
        )
    }

    /// One (rows × panels) block for one K block: pack A in `MC`-row slabs, then run the micro-kernel over
    /// every register tile and store it through the epilogue.
    static func macroBlock(
        _ p: GEMMOperands, rows: Range<Int>, panels: Range<Int>, k0: Int, kc: Int, bBlock: UnsafePointer<Float>,
        bPanelBase: Int, bPanelStride: Int, mode: TileMode, isLast: Bool, aPack: UnsafeMutablePointer<Float>
    ) {
        let config = p.config
        let mr = config.mr
        let nr = config.nr
        let mcMax = config.mc
        let tile = aPack + mcMax * config.kc
        var ic = rows.lowerBound
        while ic < rows.upperBound {
            let mc = min(mcMax, rows.upperBound - ic)
            // A non-transposed A is read in place by the micro-kernel for whole register tiles; only a
            // transposed A, and the last partial tile, are packed. Exception: rows 4 KiB apart (lda a multiple
            // of 1024) all map to one L1 set, so such an A is packed unless there are too few panels to
            // amortise the packing.
            let direct = !p.transA && (p.lda % 1024 != 0 || panels.count <= 2)
            let fullTiles = direct ? mc / mr * mr : 0
            if fullTiles < mc {
                packA(
                    transposed: p.transA, source: p.a, ld: p.lda, i0: ic + fullTiles, mc: mc - fullTiles, k0: k0,
                    kc: kc, destination: aPack, mr: mr)
            }
            let activation = isLast ? p.activation : .identity
            // Whole tiles with no activation or ReLU are finished in registers and stored straight into C.
            let floor: Float? =
                switch activation {
                case .identity: -.infinity
                case .relu: 0
                default: nil
                }
            for panel in panels {
                let bp = bBlock + (panel - bPanelBase) * bPanelStride
                let column = panel * nr
                let width = min(nr, p.n - column)
                let bias = isLast ? p.bias.map { $0 + column } : nil
                var ir = 0
                while ir < mc {
                    let rows = min(mr, mc - ir)
                    let c = p.c + (ic + ir) * p.ldc + column
                    let fused = rows == mr && width == nr ? floor : nil
                    let store =
                        if let fused {
                            TileStore(
                                c: c, ldc: p.ldc, alpha: p.alpha, beta: p.beta, mode: mode, bias: bias, floor: fused)
                        } else {
                            TileStore(tile: tile, nr: nr)
                        }
                    if ir < fullTiles {
                        config.tile(kc: kc, a: p.a + (ic + ir) * p.lda + k0, lda: p.lda, b: bp, store: store)
                    } else {
                        config.tile(kc: kc, a: aPack + (ir - fullTiles) / mr * kc * mr, lda: nil, b: bp, store: store)
                    }
                    if fused == nil {
                        storeTile(
                            tile, rows: rows, columns: width, nr: nr, c: c, ldc: p.ldc, alpha: p.alpha, beta: p.beta,
                            mode: mode, bias: bias, activation: activation)
                    }
                    ir += mr
                }
            }
            ic += mc
        }
    }

    /// Batch 1–`smallM`: each row of op(A) against the panels of B with the one-row kernel, no packing of A
    /// and (for a pre-packed or non-transposed B) no packing of B except a partial last panel.
    static func smallM(_ p: GEMMOperands, pool: WorkerPool?, threads: Int) {
        let nr = p.config.nr
        let group = p.config.rowPanels
        // A packed B is zero-padded, so its partial last panel is read in place; except that a narrow last
        // panel is read from its 16-wide copy (less than half the bytes: the GEMV is bandwidth-bound).
        let fullPanels = p.packed != nil && p.narrowTail == nil ? (p.n + nr - 1) / nr : p.n / nr
        let tailColumns = p.n - fullPanels * nr
        // Groups of `group` panels first, then single panels; tasks take contiguous panel ranges.
        let tasks = max(1, min(threads, (fullPanels + group - 1) / group))
        parallel(
            tasks, pool,
            SmallMTask(p: p, tasks: tasks, group: group, nr: nr, fullPanels: fullPanels, tailColumns: tailColumns))
    }

    /// One row of op(A) against `count` (1 or `rowPanels`) panels starting at `panel`, into `tile`
    /// (`tile` has room for two such strips; the second holds partial sums of later K blocks).
    @inline(__always)
    static func rowPanels(
        _ p: GEMMOperands, row: Int, panel: Int, count: Int, tile: UnsafeMutablePointer<Float>
    ) {
        let config = p.config
        let nr = config.nr
        let (x, xStride) = p.aRow(row)
        guard let packed = p.packed else {
            if count == 1 {
                config.onePanel(k: p.k, x: x, xStride: xStride, b: p.b + panel * nr, rowStride: p.ldb, out: tile)
            } else {
                config.rows(
                    k: p.k, x: x, xStride: xStride, b: p.b + panel * nr, panelStride: nr, rowStride: p.ldb,
                    out: tile)
            }
            return
        }
        let panels = (p.n + nr - 1) / nr
        let width = count * nr
        var k0 = 0
        while k0 < p.k {
            let kc = min(config.kc, p.k - k0)
            let b = packed + k0 * panels * nr + panel * kc * nr
            let out = k0 == 0 ? tile : tile + width
            if count == 1 {
                config.onePanel(k: kc, x: x + k0 * xStride, xStride: xStride, b: b, rowStride: nr, out: out)
            } else {
                config.rows(
                    k: kc, x: x + k0 * xStride, xStride: xStride, b: b, panelStride: kc * nr, rowStride: nr, out: out)
            }
            if k0 > 0 {
                // `width` is a multiple of nr, itself a multiple of 8.
                var j = 0
                while j < width {
                    let sum =
                        UnsafeRawPointer(tile + j).loadUnaligned(as: SIMD8<Float>.self)
                        + UnsafeRawPointer(out + j).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(tile + j).storeBytes(of: sum, as: SIMD8<Float>.self)
                    j += 8
                }
            }
            k0 += kc
        }
    }

    /// One row against a 16-column panel stored `k × 16`: `out[0..<16] = Σₖ x[k·xStride]·B[k, …]`, with four
    /// interleaved partial sums so that the FMA latency does not bound a long K.
    static func rowKernelNarrow(
        k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        typealias V = SIMD16<Float>
        var c0 = V()
        var c1 = V()
        var c2 = V()
        var c3 = V()
        var bp = UnsafeRawPointer(b)
        var xp = x
        var remaining = k
        while remaining >= 4 {
            c0 = multiplyAdd(V(repeating: xp[0]), bp.loadUnaligned(as: V.self), c0)
            c1 = multiplyAdd(V(repeating: xp[xStride]), bp.loadUnaligned(fromByteOffset: 64, as: V.self), c1)
            c2 = multiplyAdd(V(repeating: xp[2 * xStride]), bp.loadUnaligned(fromByteOffset: 128, as: V.self), c2)
            c3 = multiplyAdd(V(repeating: xp[3 * xStride]), bp.loadUnaligned(fromByteOffset: 192, as: V.self), c3)
            bp += 256
            xp += 4 * xStride
            remaining -= 4
        }
        while remaining > 0 {
            c0 = multiplyAdd(V(repeating: xp.pointee), bp.loadUnaligned(as: V.self), c0)
            bp += 64
            xp += xStride
            remaining -= 1
        }
        UnsafeMutableRawPointer(out).storeBytes(of: (c0 + c1) + (c2 + c3), as: V.self)
    }

    @inline(__always)
    static func storeRow(
        _ p: GEMMOperands, _ tile: UnsafeMutablePointer<Float>, _ cRow: UnsafeMutablePointer<Float>, column: Int,
        width: Int
    ) {
        finishRow(
            tile, cRow + column, width, alpha: p.alpha, beta: p.beta, mode: p.beta == 0 ? .overwrite : .scale,
            bias: p.bias.map { $0 + column }, activation: p.activation)
    }

    /// Writes a `rows × columns` corner of a register tile (row stride `nr`) into C through the epilogue.
    @inline(__always)
    static func storeTile(
        _ tile: UnsafePointer<Float>, rows: Int, columns: Int, nr: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float, beta: Float, mode: TileMode, bias: UnsafePointer<Float>?, activation: Activation
    ) {
        for row in 0..<rows {
            finishRow(
                tile + row * nr, c + row * ldc, columns, alpha: alpha, beta: beta, mode: mode, bias: bias,
                activation: activation)
        }
    }

    /// `activation(v)` with ReLU and identity inlined and the transcendental ones out of line.
    @inline(__always)
    static func activateInline(_ v: VectorMath.Vector, _ activation: Activation) -> VectorMath.Vector {
        switch activation {
        case .identity: return v
        case .relu: return VectorMath.relu(v)
        case .sigmoid, .tanh: return activateOutOfLine(v, activation)
        }
    }

    /// `VectorMath.activate` as a call, so that the epilogue it is used in stays small.
    @inline(never)
    static func activateOutOfLine(_ v: VectorMath.Vector, _ activation: Activation) -> VectorMath.Vector {
        VectorMath.activate(v, activation)
    }

    /// The epilogue for one row segment: combine the accumulators with C, add the bias, apply the activation.
    @inline(__always)
    static func finishRow(
        _ acc: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ count: Int, alpha: Float, beta: Float,
        mode: TileMode, bias: UnsafePointer<Float>?, activation: Activation
    ) {
        var j = 0
        while j + 16 <= count {
            var v = VectorMath.load(acc + j) * alpha
            switch mode {
            case .overwrite: break
            case .scale: v = multiplyAdd(VectorMath.load(c + j), VectorMath.Vector(repeating: beta), v)
            case .accumulate: v += VectorMath.load(c + j)
            }
            if let bias { v += VectorMath.load(bias + j) }
            VectorMath.store(activateInline(v, activation), c + j)
            j += 16
        }
        if j + 8 <= count {
            var v = UnsafeRawPointer(acc + j).loadUnaligned(as: SIMD8<Float>.self) * alpha
            let cp = UnsafeMutableRawPointer(c + j)
            switch mode {
            case .overwrite: break
            case .scale: v = multiplyAdd(cp.loadUnaligned(as: SIMD8<Float>.self), SIMD8(repeating: beta), v)
            case .accumulate: v += cp.loadUnaligned(as: SIMD8<Float>.self)
            }
            if let bias { v += UnsafeRawPointer(bias + j).loadUnaligned(as: SIMD8<Float>.self) }
            if activation != .identity {
                v = activateInline(SIMD16(lowHalf: v, highHalf: v), activation).lowHalf
            }
            cp.storeBytes(of: v, as: SIMD8<Float>.self)
            j += 8
        }
        if j < count {
            let rest = count - j
            var v = VectorMath.loadPartial(acc + j, rest, fill: 0) * alpha
            switch mode {
            case .overwrite: break
            case .scale:
                v = multiplyAdd(VectorMath.loadPartial(c + j, rest, fill: 0), VectorMath.Vector(repeating: beta), v)
            case .accumulate: v += VectorMath.loadPartial(c + j, rest, fill: 0)
            }
            if let bias { v += VectorMath.loadPartial(bias + j, rest, fill: 0) }
            VectorMath.storePartial(activateInline(v, activation), c + j, rest)
        }
    }

    /// Packs rows `i0..<i0+mc`, depth `k0..<k0+kc` of op(A) into `mr`-row panels (`mr` floats per step,
    /// panel stride `kc·mr`), zero-padding the last panel.
    static func packA(
        transposed: Bool, source a: UnsafePointer<Float>, ld: Int, i0: Int, mc: Int, k0: Int, kc: Int,
        destination: UnsafeMutablePointer<Float>, mr: Int
    ) {
        var panel = 0
        while panel * mr < mc {
            let rows = min(mr, mc - panel * mr)
            let dst = destination + panel * kc * mr
            let firstRow = i0 + panel * mr
            if transposed {
                // op(A)[i, k] = a[k·ld + i]: each step copies `rows` contiguous values.
                for step in 0..<kc {
                    let src = a + (k0 + step) * ld + firstRow
                    let out = dst + step * mr
                    for r in 0..<rows { out[r] = src[r] }
                    for r in rows..<mr { out[r] = 0 }
                }
            } else {
                // op(A)[i, k] = a[i·ld + k]: interleave `rows` rows, four steps at a time.
                if rows == mr {
                    for r in 0..<mr {
                        let src = a + (firstRow + r) * ld + k0
                        var out = dst + r
                        for step in 0..<kc {
                            out.pointee = src[step]
                            out += mr
                        }
                    }
                } else {
                    for r in 0..<mr {
                        var out = dst + r
                        if r < rows {
                            let src = a + (firstRow + r) * ld + k0
                            for step in 0..<kc {
                                out.pointee = src[step]
                                out += mr
                            }
                        } else {
                            for _ in 0..<kc {
                                out.pointee = 0
                                out += mr
                            }
                        }
                    }
                }
            }
            panel += 1
        }
    }

    /// Packs depth `k0..<k0+kc`, columns `j0..<j0+nc` of op(B) into `nr`-column panels (`nr` floats per
    /// step, `panelStride` apart), zero-padding the last panel.
    static func packB(
        transposed: Bool, source b: UnsafePointer<Float>, ld: Int, k0: Int, kc: Int, j0: Int, nc: Int,
        destination: UnsafeMutablePointer<Float>, panelStride: Int, nr: Int
    ) {
        var panel = 0
        while panel * nr < nc {
            let columns = min(nr, nc - panel * nr)
            let dst = destination + panel * panelStride
            let firstColumn = j0 + panel * nr
            if transposed {
                // op(B)[k, j] = b[j·ld + k].
                for col in 0..<nr {
                    var out = dst + col
                    if col < columns {
                        let src = b + (firstColumn + col) * ld + k0
                        for step in 0..<kc {
                            out.pointee = src[step]
                            out += nr
                        }
                    } else {
                        for _ in 0..<kc {
                            out.pointee = 0
                            out += nr
                        }
                    }
                }
            } else if columns == nr {
                for step in 0..<kc {
                    let src = b + (k0 + step) * ld + firstColumn
                    let out = dst + step * nr
                    for col in 0..<nr { out[col] = src[col] }
                }
            } else {
                for step in 0..<kc {
                    let src = b + (k0 + step) * ld + firstColumn
                    let out = dst + step * nr
                    for col in 0..<columns { out[col] = src[col] }
                    for col in columns..<nr { out[col] = 0 }
                }
            }
            panel += 1
        }
    }
}
