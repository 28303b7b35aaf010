import OpenSSLWrapper
import Testing

/// Known-answer tests for the OpenSSLWrapper additions the authenticator uses (AES-CBC, AES-GCM, HKDF, ECDH).
@Suite struct SymmetricPrimitiveTests {
    @Test("AES-256-CBC matches NIST SP 800-38A F.2.5 and F.2.6")
    func aesCBCKnownAnswer() throws {
        // NIST SP 800-38A, Appendix F.2.5 CBC-AES256.Encrypt and F.2.6 CBC-AES256.Decrypt.
        let key = [UInt8](hex: "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
        let iv = [UInt8](hex: "000102030405060708090a0b0c0d0e0f")
        let plaintext = [UInt8](hex: """
            6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
            30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710
            """)
        let ciphertext = [UInt8](hex: """
            f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
            39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b
            """)
        #expect(try AESCBC.encrypt(plaintext, key: key, iv: iv) == ciphertext)
        #expect(try AESCBC.decrypt(ciphertext, key: key, iv: iv) == plaintext)
    }

    @Test("AES-CBC refuses partial blocks and wrong key or IV sizes")
    func aesCBCRejectsBadSizes() {
        let key = [UInt8](repeating: 1, count: 32)
        let iv = [UInt8](repeating: 0, count: 16)
        #expect(throws: OpenSSLError.self) { try AESCBC.encrypt([1, 2, 3], key: key, iv: iv) }
        #expect(throws: OpenSSLError.self) { try AESCBC.decrypt([UInt8](repeating: 0, count: 16), key: [1], iv: iv) }
        #expect(throws: OpenSSLError.self) { try AESCBC.encrypt([UInt8](repeating: 0, count: 16), key: key, iv: [0]) }
    }

    @Test("AES-256-GCM matches the GCM specification test cases 13 to 15")
    func aesGCMKnownAnswer() throws {
        // McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, test cases 13 and 14
        // (AES-256, zero key and IV) and 15 (AES-256 with a key, IV and 64-byte plaintext).
        let zeroKey = [UInt8](repeating: 0, count: 32)
        let zeroNonce = [UInt8](repeating: 0, count: 12)
        let empty = try AESGCM.seal([], key: zeroKey, nonce: zeroNonce)
        #expect(empty.ciphertext.isEmpty)
        #expect(empty.tag == [UInt8](hex: "530f8afbc74536b9a963b4f1c4cb738b"))
        let block = try AESGCM.seal([UInt8](repeating: 0, count: 16), key: zeroKey, nonce: zeroNonce)
        #expect(block.ciphertext == [UInt8](hex: "cea7403d4d606b6e074ec5d3baf39d18"))
        #expect(block.tag == [UInt8](hex: "d0d1c8a799996bf0265b98b5d48ab919"))

        let key = [UInt8](hex: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let nonce = [UInt8](hex: "cafebabefacedbaddecaf888")
        let plaintext = [UInt8](hex: """
            d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
            1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255
            """)
        let expected = [UInt8](hex: """
            522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
            8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad
            """)
        let sealed = try AESGCM.seal(plaintext, key: key, nonce: nonce)
        #expect(sealed.ciphertext == expected)
        #expect(sealed.tag == [UInt8](hex: "b094dac5d93471bdec1a502270e3cc6c"))
        #expect(try AESGCM.open(expected, tag: sealed.tag, key: key, nonce: nonce) == plaintext)
    }

    @Test("AES-GCM open fails for a changed ciphertext, tag or additional data")
    func aesGCMDetectsTampering() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let nonce = [UInt8](repeating: 9, count: 12)
        let sealed = try AESGCM.seal(Array("secret".utf8), key: key, nonce: nonce, authenticating: [1, 2, 3])
        #expect(try AESGCM.open(sealed.ciphertext, tag: sealed.tag, key: key, nonce: nonce, authenticating: [1, 2, 3])
            == Array("secret".utf8))
        var ciphertext = sealed.ciphertext
        ciphertext[0] ^= 1
        var tag = sealed.tag
        tag[15] ^= 0x80
        #expect(throws: OpenSSLError.self) {
            try AESGCM.open(ciphertext, tag: sealed.tag, key: key, nonce: nonce, authenticating: [1, 2, 3])
        }
        #expect(throws: OpenSSLError.self) {
            try AESGCM.open(sealed.ciphertext, tag: tag, key: key, nonce: nonce, authenticating: [1, 2, 3])
        }
        #expect(throws: OpenSSLError.self) {
            try AESGCM.open(sealed.ciphertext, tag: sealed.tag, key: key, nonce: nonce, authenticating: [1, 2, 4])
        }
    }

    @Test("HKDF-SHA-256 matches RFC 5869 test cases 1 and 3")
    func hkdfKnownAnswer() {
        // RFC 5869 Appendix A.1 (test case 1) and A.3 (test case 3: empty salt and info).
        let okm1 = HKDF.deriveKey(
            .sha256, inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22), salt: [UInt8](hex: "000102030405060708090a0b0c"),
            info: [UInt8](hex: "f0f1f2f3f4f5f6f7f8f9"), outputByteCount: 42)
        #expect(okm1 == [UInt8](hex: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"))
        let okm3 = HKDF.deriveKey(
            .sha256, inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22), salt: [], info: [], outputByteCount: 42)
        #expect(okm3 == [UInt8](hex: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"))
        #expect(HKDF.deriveKey(.sha256, inputKeyMaterial: [1], salt: [], info: [], outputByteCount: 255 * 32 + 1) == nil)
    }

    @Test("ECDH on P-256 agrees between both sides and with Python's cryptography")
    func ecdhAgrees() throws {
        let scalar = [UInt8](hex: "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")
        let ours = try EVPPrivateKey(ecPrivateScalar: scalar, curve: .p256)
        let theirs = try EVPPrivateKey.generate(.ec(.p256))
        let z = try ours.ecdhSharedSecret(with: theirs.publicKey)
        #expect(z.count == 32)
        #expect(try theirs.ecdhSharedSecret(with: ours.publicKey) == z)
        let point = try #require(theirs.publicKey.ecPublicPoint)
        let script = """
            import sys
            from cryptography.hazmat.primitives.asymmetric import ec
            d = ec.derive_private_key(int(sys.argv[1], 16), ec.SECP256R1())
            peer = ec.EllipticCurvePublicNumbers(int(sys.argv[2], 16), int(sys.argv[3], 16), ec.SECP256R1()).public_key()
            print(d.exchange(ec.ECDH(), peer).hex())
            """
        let output = try ExternalTool.python(script, [scalar.hex, point.x.hex, point.y.hex])
        #expect(output == [z.hex])
        #expect(throws: OpenSSLError.self) {
            try ours.ecdhSharedSecret(with: EVPPrivateKey.generate(.ed25519).publicKey)
        }
    }
}
