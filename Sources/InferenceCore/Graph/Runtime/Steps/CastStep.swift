import MLOpsCore

/// Element type conversion.
///
/// Float → int64 truncates toward zero; NaN, infinities and out-of-range values throw rather
/// than produce an arbitrary integer. Numbers → bool is `x != 0`. String ↔ number parses and
/// formats (shortest round-trip form).
struct CastStep: ExecutionStep {
    let x: Int
    let y: Int
    let from: ElementType
    let to: ElementType
    let count: Int
    let nodeName: String

    func run(_ context: ExecutionContext) throws {
        if from == to {
            if from == .string {
                context.strings[y] = context.strings[x]
            } else if count > 0 {
                context.ptrs[y].copyMemory(from: context.ptrs[x], byteCount: count * from.byteCount)
            }
            return
        }
        if to == .string {
            var out: [String] = []
            out.reserveCapacity(count)
            for i in 0..<count {
                switch from {
                case .float32: out.append(String(context.f32(x)[i]))
                case .float64: out.append(String(context.f64(x)[i]))
                case .int64: out.append(String(context.i64(x)[i]))
                case .bool: out.append(context.bool(x)[i] ? "1" : "0")
                case .string: break
                }
            }
            context.strings[y] = out
            return
        }
        if from == .string {
            let src = context.strings[x]
            for i in 0..<min(count, src.count) {
                let text = src[i]
                switch to {
                case .int64:
                    guard let v = Int64(text) ?? Double(text).flatMap({ Int64(exactly: $0.rounded(.towardZero)) })
                    else {
                        throw failure("cannot convert string to int64", text)
                    }
                    context.i64(y)[i] = v
                case .float32, .float64:
                    guard let v = Double(text) else { throw failure("cannot convert string to \(to)", text) }
                    if to == .float32 { context.f32(y)[i] = Float(v) } else { context.f64(y)[i] = v }
                case .bool:
                    guard let v = Double(text) else { throw failure("cannot convert string to bool", text) }
                    context.bool(y)[i] = v != 0
                case .string: break
                }
            }
            return
        }
        for i in 0..<count {
            let v: Double
            switch from {
            case .float32: v = Double(context.f32(x)[i])
            case .float64: v = context.f64(x)[i]
            case .int64:
                let iv = context.i64(x)[i]
                switch to {
                case .float32: context.f32(y)[i] = Float(iv)
                case .float64: context.f64(y)[i] = Double(iv)
                case .bool: context.bool(y)[i] = iv != 0
                default: break
                }
                continue
            case .bool: v = context.bool(x)[i] ? 1 : 0
            case .string: v = 0
            }
            switch to {
            case .float32: context.f32(y)[i] = Float(v)
            case .float64: context.f64(y)[i] = v
            case .bool: context.bool(y)[i] = v != 0
            case .int64:
                guard let iv = Int64(exactly: v.rounded(.towardZero)) else {
                    throw failure("cannot convert \(v) to int64 (NaN, infinite or out of range)", String(v))
                }
                context.i64(y)[i] = iv
            case .string: break
            }
        }
    }

    private func failure(_ message: String, _ value: String, fileID: String = #fileID, line: Int = #line) -> MLOpsError
    {
        MLOpsError(.invalidArgument, "Node '\(nodeName)' (cast): \(message).", value: value, fileID: fileID, line: line)
    }
}
