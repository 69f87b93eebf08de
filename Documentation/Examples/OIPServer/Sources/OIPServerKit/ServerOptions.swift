import Deployment

/// The example server's command line: a model file, what to serve it as, where to listen and how
/// to batch.
///
///     OIPServer MODEL_FILE [--name NAME] [--version N] [--host 127.0.0.1] [--port 8000]
///               [--max-batch-size 64] [--max-queue-delay-us 100] [--max-queue-size 1024]
///               [--preferred-batch-sizes 8,16] [--no-batching]
public struct ServerOptions: Sendable {
    /// The model file (`Model(contentsOf:)` reads ONNX, XGBoost JSON, LightGBM text or a package).
    public var modelPath: String
    /// The model's name in the URLs (`/v2/models/NAME/infer`).
    public var name = "model"
    /// The version it is deployed as.
    public var version = 1
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port to listen on; 0 picks a free one.
    public var port = 8000
    /// Dynamic batching, or `nil` to run every request on its own.
    public var batching: BatchingPolicy? = BatchingPolicy()

    /// Reads the options from the command-line arguments (without the program name).
    ///
    /// - Throws: ``UsageError`` for an unknown flag, a missing or malformed value, or no model file.
    public init(arguments: [String]) throws {
        var modelPath: String?
        var batching = BatchingPolicy()
        var batchingOn = true
        var index = 0
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError("\(flag) needs a value") }
            return arguments[index]
        }
        func number(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number >= 0 else { throw UsageError("\(flag) needs a number, not \(text)") }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--name": name = try value(argument)
            case "--version": version = try number(argument)
            case "--host": host = try value(argument)
            case "--port": port = try number(argument)
            case "--max-batch-size": batching.maxBatchSize = try number(argument)
            case "--max-queue-delay-us": batching.maxQueueDelay = .microseconds(try number(argument))
            case "--max-queue-size": batching.maxQueueSize = try number(argument)
            case "--preferred-batch-sizes":
                batching.preferredBatchSizes = try value(argument).split(separator: ",").map { text in
                    guard let size = Int(text) else { throw UsageError("--preferred-batch-sizes takes N,N,…") }
                    return size
                }
            case "--no-batching": batchingOn = false
            case let flag where flag.hasPrefix("-"): throw UsageError("unknown option \(flag)")
            default:
                guard modelPath == nil else { throw UsageError("one model file only, not also \(argument)") }
                modelPath = argument
            }
            index += 1
        }
        guard let modelPath else { throw UsageError("no model file given") }
        self.modelPath = modelPath
        self.batching = batchingOn ? batching : nil
    }
}

/// A command-line mistake, with the usage line.
public struct UsageError: Error, CustomStringConvertible {
    /// What was wrong.
    public var message: String

    /// Creates the error.
    public init(_ message: String) { self.message = message }

    public var description: String {
        """
        \(message)
        usage: OIPServer MODEL_FILE [--name NAME] [--version N] [--host ADDRESS] [--port PORT]
               [--max-batch-size N] [--max-queue-delay-us N] [--max-queue-size N]
               [--preferred-batch-sizes N,N,...] [--no-batching]
        """
    }
}
