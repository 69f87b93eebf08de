// The umbrella module: `import MLOps` brings in every module of swift-mlops.
@_exported import DataVersioning
@_exported import Deployment
@_exported import ExperimentTracking
@_exported import InferenceCore
@_exported import MLOpsCore
@_exported import Monitoring
@_exported import SQLiteStorage
@_exported import Training
