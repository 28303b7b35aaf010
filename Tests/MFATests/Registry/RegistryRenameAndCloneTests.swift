import MFA
import OneTimeCodes
import Testing
import WebAuthn
import _TestSupport

@Suite("Registry: renaming methods and cloned security keys")
struct RegistryRenameAndCloneTests {
    @Test("A security key can be renamed; the name is trimmed, audited, and an empty or removed one is refused",
          arguments: StoreKind.allCases)
    func rename(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, methodID) = try await RegistrySecurityKeyTests.register(fixture, "alice")
        try fixture.registry.renameMethod(accountID: "alice", methodID: methodID, name: "  Office key  ")
        #expect(try fixture.registry.methods(accountID: "alice").first?.name == "Office key")
        #expect(try fixture.registry.auditLog(accountID: "alice").contains { $0.action == "method-renamed" })

        let empty = await mfaError { try fixture.registry.renameMethod(accountID: "alice", methodID: methodID, name: "   ") }
        #expect(empty?.code == .invalidArgument)
        let control = await mfaError {
            try fixture.registry.renameMethod(accountID: "alice", methodID: methodID, name: "key\u{7}")
        }
        #expect(control?.code == .invalidArgument)
        try fixture.registry.createAccount(id: "bob")
        let foreign = await mfaError { try fixture.registry.renameMethod(accountID: "bob", methodID: methodID, name: "x") }
        #expect(foreign != nil, "bob renamed alice's key")
        #expect(try fixture.registry.methods(accountID: "alice").first?.name == "Office key")
    }

    @Test("An assertion whose counter went backwards is refused as a suspected clone, counted and audited",
          arguments: StoreKind.allCases)
    func clonedKey(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        var (authenticator, methodID) = try await RegistrySecurityKeyTests.register(fixture, "alice")
        // The genuine key signs in twice: the stored counter reaches 2.
        for _ in 0..<2 {
            let ceremony = try fixture.registry.startSecurityKeySignIn(accountID: "alice")
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice",
                proof: .securityKey(
                    ceremonyID: ceremony.ceremonyID,
                    response: authenticator.authenticationResponse(challenge: ceremony.options.challenge)),
                context: SignInContext())
        }
        // A copy of the key, made before those sign-ins, still counts from 0 (its next assertion says 1).
        var copy = authenticator
        copy.signCount = 0
        let ceremony = try fixture.registry.startSecurityKeySignIn(accountID: "alice")
        let error = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice",
                proof: .securityKey(
                    ceremonyID: ceremony.ceremonyID,
                    response: copy.authenticationResponse(challenge: ceremony.options.challenge)),
                context: SignInContext())
        }
        #expect(error?.code == .securityKeyCloneSuspected)
        #expect(fixture.notifier.events.last == .securityKeyCloneSuspected)
        let log = try fixture.registry.auditLog(accountID: "alice")
        #expect(log.contains { $0.action == "security-key-clone-suspected" && $0.detail.contains(methodID) })
        #expect(try fixture.registry.status(accountID: "alice").consecutiveFailures == 1)
        // The stored counter did not move back.
        guard case .securityKey(let record)? = try fixture.store.testRead({ try $0.method(id: methodID) })?.details else {
            Issue.record("the security key lost its credential")
            return
        }
        #expect(record.signCount == 2)
    }
}
