#if arch(x86_64)
    import CMLOpsKernels
#endif

// The calls from the Swift GEMM driver into the register-tile and one-row kernels of this configuration:
// the Swift tiles at `baseline`, the C functions of CMLOpsKernels at `avx2` and `avx512`.
extension KernelConfig {
    /// Computes the `mr × nr` tile `Ã·B̃` over `kc` steps and writes it through `store`.
    ///
    /// `a` is a packed A panel (`mr` floats per step) when `lda` is `nil`, else `mr` rows of a row-major A
    /// read in place, `lda` apart; `b` is a packed B panel (`nr` floats per step).
    @inline(__always)
    func tile(kc: Int, a: UnsafePointer<Float>, lda: Int?, b: UnsafePointer<Float>, store: TileStore) {
        switch tiles {
        case .swift:
            if let lda {
                Self.microKernelDirectA(kc: kc, a: a, lda: lda, b: b, store: store)
            } else {
                Self.microKernel(kc: kc, a: a, b: b, store: store)
            }
        case .avx2:
            #if arch(x86_64)
                mlops_sgemm_tile_avx2(
                    kc, a, lda ?? 0, b, store.c, store.ldc, store.alpha, store.beta, store.mode.code, store.bias,
                    store.floor)
            #endif
        case .avx512:
            #if arch(x86_64)
                mlops_sgemm_tile_avx512(
                    kc, a, lda ?? 0, b, store.c, store.ldc, store.alpha, store.beta, store.mode.code, store.bias,
                    store.floor)
            #endif
        }
    }

    /// One row against `rowPanels` panels: `out[p·nr + j] = Σₖ x[k·xStride]·B_p[k, j]`, panel `p` row `k`
    /// at `b + p·panelStride + k·rowStride`.
    @inline(__always)
    func rows(
        k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, panelStride: Int, rowStride: Int,
        out: UnsafeMutablePointer<Float>
    ) {
        switch tiles {
        case .swift:
            Self.rowKernel(
                k: k, x: x, xStride: xStride, b: b, panelStride: panelStride, rowStride: rowStride, out: out)
        case .avx2:
            #if arch(x86_64)
                mlops_sgemm_rows_avx2(rowPanels, k, x, xStride, b, panelStride, rowStride, out)
            #endif
        case .avx512:
            #if arch(x86_64)
                mlops_sgemm_rows_avx512(rowPanels, k, x, xStride, b, panelStride, rowStride, out)
            #endif
        }
    }

    /// One row against one panel: `out[j] = Σₖ x[k·xStride]·B[k, j]`, row `k` at `b + k·rowStride`.
    @inline(__always)
    func onePanel(
        k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, rowStride: Int,
        out: UnsafeMutablePointer<Float>
    ) {
        switch tiles {
        case .swift:
            Self.rowKernelOnePanel(k: k, x: x, xStride: xStride, b: b, rowStride: rowStride, out: out)
        case .avx2:
            #if arch(x86_64)
                mlops_sgemm_rows_avx2(1, k, x, xStride, b, 0, rowStride, out)
            #endif
        case .avx512:
            #if arch(x86_64)
                mlops_sgemm_rows_avx512(1, k, x, xStride, b, 0, rowStride, out)
            #endif
        }
    }
}

extension TileMode {
    /// The `mode` argument of the C tiles: 0 overwrite, 1 scale, 2 accumulate.
    var code: Int32 {
        switch self {
        case .overwrite: 0
        case .scale: 1
        case .accumulate: 2
        }
    }
}
