import Logging
import HTTPTypes
import Foundation
import Hummingbird

/// Reading JSON request bodies into typed values, with clear errors for bad input.
enum RequestBody {
    static func bytes(_ request: Request, _ context: SiteRequestContext) async throws(APIError) -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            return Array(buffer.readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, "body-too-large", "The request body is too large.")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: SiteRequestContext)
        async throws(APIError) -> T
    {
        let bytes = try await bytes(request, context)
        guard !bytes.isEmpty else { throw APIError.malformed("a JSON body is required") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.malformed("the field \"\(key.stringValue)\" is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError.malformed("the field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch {
            throw APIError.malformed("the body is not the expected JSON object")
        }
    }

    /// A body `{"ceremonyID": "…", "credential": {…}, …}`: returns the ceremony, the credential re-serialized
    /// as its own JSON document (the Level 3 `toJSON()` form the registry parses) and the other fields.
    static func ceremonyResponse(_ request: Request, _ context: SiteRequestContext) async throws(APIError)
        -> (ceremonyID: String, credential: [UInt8], fields: [String: Any])
    {
        let bytes = try await bytes(request, context)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw APIError.malformed("the body is not a JSON object")
        }
        guard let ceremonyID = object["ceremonyID"] as? String, !ceremonyID.isEmpty else {
            throw APIError.malformed("the field \"ceremonyID\" is missing")
        }
        guard let credential = object["credential"] as? [String: Any],
            let encoded = try? JSONSerialization.data(withJSONObject: credential)
        else { throw APIError.malformed("the field \"credential\" must be the credential's toJSON() object") }
        return (ceremonyID, Array(encoded), object)
    }
}
