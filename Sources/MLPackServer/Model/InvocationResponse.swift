/// A successful `/invocations` answer: serialised predictions.
public struct InvocationResponse: Sendable, Equatable {
    /// How the server frames ``json``.
    public enum Framing: Sendable, Equatable {
        /// `{"predictions": <json>}`: MLflow's standard answer.
        case predictions
        /// `<json>` as is: MLflow's answer to a unified-LLM body (`messages`/`prompt`/`input`).
        case unwrapped
    }

    /// The predictions as JSON text (UTF-8).
    public var json: [UInt8]
    public var framing: Framing

    public init(json: [UInt8], framing: Framing = .predictions) {
        self.json = json
        self.framing = framing
    }

    /// Predictions given as JSON text, framed as `{"predictions": …}`.
    public static func predictions(_ jsonText: String) -> InvocationResponse {
        InvocationResponse(json: Array(jsonText.utf8), framing: .predictions)
    }

    /// Predictions given as JSON text, sent without the `predictions` wrapper.
    public static func unwrapped(_ jsonText: String) -> InvocationResponse {
        InvocationResponse(json: Array(jsonText.utf8), framing: .unwrapped)
    }

    /// The HTTP body: `{"predictions": <json>}` (MLflow's `json.dump` spacing) or the JSON as is.
    public var body: [UInt8] {
        switch framing {
        case .unwrapped:
            return json
        case .predictions:
            var out = Array(#"{"predictions": "#.utf8)
            out.reserveCapacity(out.count + json.count + 1)
            out += json
            out.append(UInt8(ascii: "}"))
            return out
        }
    }
}
