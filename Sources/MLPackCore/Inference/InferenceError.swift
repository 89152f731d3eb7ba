/// Why a schema could not be inferred (MLflow's wording).
public struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static let multipleTypes = InferenceError(
        "Expected all values in the list to be of the same type. To specify a model signature with a list containing elements of multiple types, define the signature manually using the Array(AnyType()) type from mlflow.models.schema.")
}
