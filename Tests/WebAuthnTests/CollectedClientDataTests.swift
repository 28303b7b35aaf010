import Testing
import WebAuthn

@Suite struct CollectedClientDataTests {
    private func parse(_ text: String) throws(WebAuthnError) -> CollectedClientData {
        try CollectedClientData(bytes: Array(text.utf8))
    }

    @Test("reads type, challenge, origin, crossOrigin and topOrigin and ignores other members")
    func readsMembers() throws {
        let data = try parse(
            #"{"type":"webauthn.get","challenge":"AAEC","origin":"https://a.example","crossOrigin":true,"topOrigin":"https://b.example","tokenBinding":{"status":"present"},"other_keys_can_be_added_here":"do not compare clientDataJSON against a template"}"#
        )
        #expect(data.type == "webauthn.get")
        #expect(data.challenge == "AAEC")
        #expect(data.origin == "https://a.example")
        #expect(data.crossOrigin == true)
        #expect(data.topOrigin == "https://b.example")
    }

    @Test("leaves crossOrigin and topOrigin nil when absent, in any member order")
    func optionalMembers() throws {
        let data = try parse(#"{"origin":"https://a.example","challenge":"AAEC","type":"webauthn.create"}"#)
        #expect(data.crossOrigin == nil)
        #expect(data.topOrigin == nil)
    }

    @Test("strips a leading UTF-8 byte order mark, as WebAuthn's UTF-8 decode requires")
    func stripsBOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"type":"t","challenge":"c","origin":"o"}"#.utf8)
        #expect(try CollectedClientData(bytes: bytes).type == "t")
    }

    static let malformed: [String] = [
        #"{"challenge":"c","origin":"o"}"#,  // no type
        #"{"type":"t","origin":"o"}"#,  // no challenge
        #"{"type":"t","challenge":"c"}"#,  // no origin
        #"{"type":1,"challenge":"c","origin":"o"}"#,
        #"{"type":"t","challenge":["c"],"origin":"o"}"#,
        #"{"type":"t","challenge":"c","origin":null}"#,
        #"{"type":"t","challenge":"c","origin":"o","crossOrigin":"true"}"#,
        #"{"type":"t","challenge":"c","origin":"o","topOrigin":false}"#,
        #"{"type":"t","challenge":"c","origin":"o","type":"u"}"#,  // duplicate member
        #"{"type":"t","challenge":"c","origin":"o","x":1,"x":2}"#,  // duplicate unknown member
        #"["webauthn.get"]"#,
        #"{"type":"t","challenge":"c","origin":"o""#,
        "",
        #"{"type":"t","challenge":"c","origin":"o"} x"#,
    ]

    @Test("rejects client data that is not an object with the required members", arguments: malformed)
    func rejectsMalformed(_ text: String) {
        #expect(throws: WebAuthnError(.malformedClientData, "")) { try parse(text) }
    }
}
