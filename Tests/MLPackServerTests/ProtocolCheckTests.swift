import MLPackCore
import Testing

@testable import MLPackServer

@Suite struct ContentTypeCheckTests {
    @Test func acceptsJSONAndCSVWithAUTF8Charset() {
        #expect(ContentTypeCheck.check("application/json") == .accepted(.json, parameters: []))
        #expect(
            ContentTypeCheck.check("text/csv; charset=UTF-8")
                == .accepted(.csv, parameters: [ContentTypeParameter(name: "charset", value: "UTF-8")]))
        guard case .accepted(.json, _) = ContentTypeCheck.check("  application/json ;charset=utf-8 ") else {
            Issue.record("whitespace around parts is stripped, as Python's str.strip does")
            return
        }
    }

    @Test func refusesLikeMLflowInMLflowsOrder() {
        #expect(ContentTypeCheck.check("application/json; charset=latin-1") == .unsupported("The scoring server only supports UTF-8"))
        // charset is checked before the mime type and before other parameters.
        #expect(ContentTypeCheck.check("text/plain; charset=ascii; format=x") == .unsupported("The scoring server only supports UTF-8"))
        guard case .unsupported(let text) = ContentTypeCheck.check("application/json; format=pandas-split; orient=records")
        else { Issue.record("unknown parameters are refused"); return }
        #expect(text.hasPrefix("Unrecognized content type parameters: format, orient. IMPORTANT: The MLflow Model scoring protocol"))
        // Parameter names are case-sensitive: "Charset" is not "charset".
        guard case .unsupported(let upper) = ContentTypeCheck.check("application/json; Charset=utf-8")
        else { Issue.record("Charset is an unknown parameter"); return }
        #expect(upper.hasPrefix("Unrecognized content type parameters: Charset."))
        // A trailing ";" is an empty parameter name, as in MLflow.
        guard case .unsupported(let empty) = ContentTypeCheck.check("application/json;")
        else { Issue.record("empty parameter refused"); return }
        #expect(empty.hasPrefix("Unrecognized content type parameters: . IMPORTANT"))
        #expect(
            ContentTypeCheck.check("APPLICATION/JSON")
                == .unsupported(
                    "This predictor only supports the following content types: Types: ['text/csv', 'application/json', 'application/vnd.apache.parquet']. Got 'APPLICATION/JSON'."))
    }

    @Test func parquetAndMissingHeaderGetOurOwnMessages() {
        guard case .unsupported(let parquet) = ContentTypeCheck.check("application/vnd.apache.parquet") else {
            Issue.record("parquet is not read"); return
        }
        #expect(parquet.contains("does not read Parquet"))
        guard case .unsupported(let missing) = ContentTypeCheck.check(nil) else {
            Issue.record("a missing header is refused"); return
        }
        #expect(missing.hasSuffix("Got no Content-Type header."))
    }

    @Test func longHeadersAreNotQuotedInFull() {
        let header = "x/" + String(repeating: "y", count: 5000)
        guard case .unsupported(let text) = ContentTypeCheck.check(header) else {
            Issue.record("unknown type"); return
        }
        #expect(text.count < 500)
    }
}

@Suite struct ServerEdgeTests {
    /// The row cap reads the parsed request (core's one JSON read), as the envelope check did.
    @Test func rowsAreCountedOnTheParsedRequest() throws {
        func rows(_ body: String) throws -> Int { try RequestParser().parse(Array(body.utf8), contentType: .json).rowCount }
        #expect(try rows(#"{"dataframe_records": [{"a": 1}, {"a": 2}]}"#) == 2)
        #expect(try rows(#"{"dataframe_split": {"columns": ["a"], "data": [[1], [2], [3]]}}"#) == 3)
        #expect(try rows(#"{"inputs": {"a": [1, 2, 3, 4], "b": "x"}}"#) == 4)
        #expect(try rows(#"{"inputs": "hello"}"#) == 1)
        #expect(try rows(#"{"input": ["a", "b", "c"], "dimensions": 3}"#) == 3)
        #expect(try RequestParser().parse(Array("a,b\n1,2\n\n3,4\n".utf8), contentType: .csv).rowCount == 2)
        #expect(try RequestParser().parse(Array("a,b\n\"x\ny\",2\n".utf8), contentType: .csv).rowCount == 1)
    }

    @Test func refusesWithMLflowsMessages() throws {
        func refusal(_ body: String) -> String? {
            do {
                _ = try RequestParser().parse(Array(body.utf8), contentType: .json)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(refusal("12")
            == "Invalid input. The input must be a JSON dictionary with exactly one of the input fields {'dataframe_records', 'dataframe_split', 'instances', 'inputs'}. Received unexpected input type '<class 'int'>.")
        #expect(refusal(#""text""#)
            == "Invalid input. The input must be a JSON dictionary with exactly one of the input fields {'dataframe_records', 'dataframe_split', 'instances', 'inputs'}. Received unexpected input type '<class 'str'>.")
        #expect(refusal(#"{"inputs": 1, "dataframe_split": {}}"#)?
            .contains("Received dictionary with input fields: ['inputs', 'dataframe_split'].") == true)
    }

    @Test func errorBodiesAreMLflowsJSON() {
        let error = ScoringError.badRequest("naïve \"quote\"")
        #expect(error.httpStatus == 400)
        #expect(error.jsonBody == #"{"error_code": "BAD_REQUEST", "message": "na\u00efve \"quote\"", "sqlstate": "KAM00", "error_class": "INVALID_PARAMETER_VALUE"}"#)
        #expect(ScoringError(stage: .enforceInput, "x").sqlstate == "KAM01")
        #expect(ScoringError(errorCode: "NOT_IMPLEMENTED", message: "x").httpStatus == 501)
        #expect(ScoringError(errorCode: "SOMETHING_ELSE", message: "x").httpStatus == 500)
        #expect(ScoringError.overloaded(retryAfterSeconds: 2).jsonBody.contains("\"sqlstate\"") == false)
    }

    @Test func bearerKeysCompareWholly() {
        let auth = BearerAuthenticator(key: "s3cret-key")
        #expect(auth.accepts(authorizationHeader: "Bearer s3cret-key"))
        #expect(auth.accepts(authorizationHeader: "bearer   s3cret-key"))
        #expect(!auth.accepts(authorizationHeader: "Bearer s3cret-ke"))
        #expect(!auth.accepts(authorizationHeader: "Bearer s3cret-key2"))
        #expect(!auth.accepts(authorizationHeader: "Basic s3cret-key"))
        #expect(!auth.accepts(authorizationHeader: "Bearers3cret-key"))
        #expect(!auth.accepts(authorizationHeader: nil))
        #expect(!auth.accepts(authorizationHeader: "Bearer "))
        #expect(!BearerAuthenticator.constantTimeEqual([], []))
    }
}
