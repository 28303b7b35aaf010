/// Reads members of a stored ceremony state; every problem is ``WebAuthnError/Code/ceremonyStateInvalid``.
struct StoredStateReader {
    let object: JSONObject

    /// Parses stored bytes into an object whose `ceremony` member is `kind` and `version` is 1.
    static func open(_ bytes: [UInt8], kind: String) throws(WebAuthnError) -> StoredStateReader {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw WebAuthnError(.ceremonyStateInvalid, "stored ceremony state is not JSON: \(error.reason)")
        }
        guard let object = value.objectValue else {
            throw WebAuthnError(.ceremonyStateInvalid, "stored ceremony state is not a JSON object")
        }
        let reader = StoredStateReader(object: object)
        guard try reader.integer("version") == 1, try reader.string("ceremony") == kind else {
            throw WebAuthnError(.ceremonyStateInvalid, "stored ceremony state is not a version 1 \(kind) state")
        }
        return reader
    }

    private func fail(_ name: String) -> WebAuthnError {
        WebAuthnError(.ceremonyStateInvalid, "stored ceremony state has no valid \(name)")
    }

    func string(_ name: String) throws(WebAuthnError) -> String {
        guard let s = object[name]?.stringValue else { throw fail(name) }
        return s
    }

    func optionalString(_ name: String) throws(WebAuthnError) -> String? {
        guard let v = object[name], !v.isNull else { return nil }
        guard let s = v.stringValue else { throw fail(name) }
        return s
    }

    func bool(_ name: String) throws(WebAuthnError) -> Bool {
        guard let b = object[name]?.boolValue else { throw fail(name) }
        return b
    }

    func integer(_ name: String) throws(WebAuthnError) -> Int {
        guard let i = object[name]?.intValue else { throw fail(name) }
        return i
    }

    func base64URL(_ name: String) throws(WebAuthnError) -> [UInt8] {
        do {
            return try Base64URL.decode(try string(name))
        } catch {
            throw fail(name)
        }
    }

    func optionalBase64URL(_ name: String) throws(WebAuthnError) -> [UInt8]? {
        guard let text = try optionalString(name) else { return nil }
        do {
            return try Base64URL.decode(text)
        } catch {
            throw fail(name)
        }
    }

    func strings(_ name: String) throws(WebAuthnError) -> [String] {
        guard let array = object[name]?.arrayValue else { throw fail(name) }
        var out: [String] = []
        for element in array {
            guard let s = element.stringValue else { throw fail(name) }
            out.append(s)
        }
        return out
    }

    func integers(_ name: String) throws(WebAuthnError) -> [Int] {
        guard let array = object[name]?.arrayValue else { throw fail(name) }
        var out: [Int] = []
        for element in array {
            guard let i = element.intValue else { throw fail(name) }
            out.append(i)
        }
        return out
    }

    func base64URLs(_ name: String) throws(WebAuthnError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for s in try strings(name) {
            do {
                out.append(try Base64URL.decode(s))
            } catch {
                throw fail(name)
            }
        }
        return out
    }
}
