// The swift-mlops side of Benchmarks/compare/drift_vs_peers.py: reads the reference and current
// data the script wrote into --dir (reference.f64 and current.f64: little-endian float64,
// column-major, --columns columns of --rows rows each, named x0, x1, …), builds the tables once,
// and times Monitoring's DriftDetector on them:
//   default  — DriftDetector() (Evidently's default rule: normed Wasserstein above 1,000 rows);
//   psi_ks   — PSI on every column, then KS on every column (two detector runs, like-for-like with
//              numpy PSI + scipy ks_2samp);
//   from_profiles — DriftDetector() on DatasetProfiles of the two tables (profiles built once, untimed;
//              their build time is reported apart as profile_build).
// Only the drift computation is timed (not reading or building the tables). One warm-up run per
// mode, then --reps timed runs. Prints one JSON object on standard output: seconds per repetition
// per mode, and every column's method, statistic, p-value and decision for default, psi and ks.
//
//   swift run --package-path Benchmarks -c release DriftCompare --dir DIR [--rows 100000]
//       [--columns 10] [--reps 5]
import CompareSupport
import Foundation
import MLOpsCore
import Monitoring

struct Arguments {
    var directory = ""
    var rows = 100_000
    var columns = 10
    var reps = 5

    init() {
        parseOptions { option, value in
            switch option {
            case "--dir": directory = value
            case "--rows": rows = max(1, Int(value) ?? rows)
            case "--columns": columns = max(1, Int(value) ?? columns)
            case "--reps": reps = max(1, Int(value) ?? reps)
            default: return false
            }
            return true
        }
    }
}

func readTable(_ path: String, rows: Int, columns: Int) throws -> Table {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard data.count == rows * columns * 8 else {
        throw MLOpsError(.invalidArgument, "\(path) has \(data.count) bytes, expected \(rows * columns * 8)")
    }
    var result: [Column] = []
    data.withUnsafeBytes { raw in
        for column in 0..<columns {
            let values = (0..<rows).map { row in
                Double(
                    bitPattern: UInt64(
                        littleEndian: raw.loadUnaligned(fromByteOffset: (column * rows + row) * 8, as: UInt64.self)))
            }
            result.append(.double("x\(column)", values))
        }
    }
    return try Table(columns: result)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func describe(_ result: DatasetDriftResult) -> [[String: Any]] {
    result.columns.map { column in
        var entry: [String: Any] = [
            "column": column.column, "method": column.method.rawValue, "statistic": column.statistic,
            "threshold": column.threshold, "drift": column.isDrifted,
        ]
        if let p = column.pValue { entry["p_value"] = p }
        return entry
    }
}

let arguments = Arguments()
do {
    let reference = try readTable(
        arguments.directory + "/reference.f64", rows: arguments.rows, columns: arguments.columns)
    let current = try readTable(arguments.directory + "/current.f64", rows: arguments.rows, columns: arguments.columns)
    let byDefault = DriftDetector()
    let psi = DriftDetector(options: DriftOptions(method: .psi))
    let ks = DriftDetector(options: DriftOptions(method: .ks))
    var defaultResult = try byDefault.detect(reference: reference, current: current)
    var psiResult = try psi.detect(reference: reference, current: current)
    var ksResult = try ks.detect(reference: reference, current: current)
    var referenceProfile = DatasetProfile(reference)
    var currentProfile = DatasetProfile(current)
    var profileResult = try byDefault.detect(reference: referenceProfile, current: currentProfile)
    var defaultSeconds: [Double] = []
    var psiKSSeconds: [Double] = []
    var profileSeconds: [Double] = []
    var profileBuildSeconds: [Double] = []
    for _ in 0..<arguments.reps {
        defaultSeconds.append(
            try seconds { defaultResult = try byDefault.detect(reference: reference, current: current) })
        psiKSSeconds.append(
            try seconds {
                psiResult = try psi.detect(reference: reference, current: current)
                ksResult = try ks.detect(reference: reference, current: current)
            })
        profileBuildSeconds.append(
            seconds {
                referenceProfile = DatasetProfile(reference)
                currentProfile = DatasetProfile(current)
            })
        profileSeconds.append(
            try seconds { profileResult = try byDefault.detect(reference: referenceProfile, current: currentProfile) })
    }
    let output: [String: Any] = [
        "default": defaultSeconds, "psi_ks": psiKSSeconds, "from_profiles": profileSeconds,
        "profile_build": profileBuildSeconds,
        "columns": [
            "default": describe(defaultResult), "psi": describe(psiResult), "ks": describe(ksResult),
            "from_profiles": describe(profileResult),
        ],
        "dataset_drift": defaultResult.isDrifted, "drifted_columns": defaultResult.driftedCount,
    ]
    try printJSON(output)
} catch {
    fail("\(error)")
}
