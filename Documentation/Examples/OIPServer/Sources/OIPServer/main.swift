import Foundation
import Hummingbird
import OIPServerKit

// OIPServer MODEL_FILE [--name NAME] [--port PORT] [batching flags]: serves the model over the
// Open Inference Protocol (KServe v2 REST) until interrupted.
do {
    let options = try ServerOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    let app = try await makeOpenInferenceServer(options) { port in
        let line = "OIPServer: serving \(options.name) v\(options.version) on http://\(options.host):\(port)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }
    try await app.runService()
} catch {
    FileHandle.standardError.write(Data("OIPServer: \(error)\n".utf8))
    exit(1)
}
