import MFA
import OneTimeCodes
import Testing
import WebAuthn
import _TestSupport

@Suite("Registry: security keys")
struct RegistrySecurityKeyTests {
    /// Registers a software authenticator for `accountID`; returns it with the method ID.
    static func register(_ fixture: RegistryFixture, _ accountID: String) async throws -> (TestAuthenticator, String) {
        let account = try fixture.registry.account(id: accountID)
        let authenticator = TestAuthenticator(userHandle: account.userHandle)
        let ceremony = try fixture.registry.startSecurityKeyRegistration(accountID: accountID)
        #expect(ceremony.options.user.id == account.userHandle)
        let result = try await fixture.registry.finishSecurityKeyRegistration(
            accountID: accountID, ceremonyID: ceremony.ceremonyID,
            response: authenticator.registrationResponse(challenge: ceremony.options.challenge), name: "YubiKey")
        return (authenticator, result.method.id)
    }

    @Test("A registered key becomes an active method and turns MFA on", arguments: StoreKind.allCases)
    func registration(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, methodID) = try await Self.register(fixture, "alice")
        let method = try #require(try fixture.registry.methods(accountID: "alice").first)
        #expect(method.id == methodID)
        #expect(method.kind == .securityKey)
        #expect(method.state == .active)
        #expect(method.name == "YubiKey")
        #expect(fixture.notifier.events == [.mfaEnabled])
    }

    @Test("A registration ceremony is single use: finishing it twice fails the second time", arguments: StoreKind.allCases)
    func registrationStateSingleUse(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let account = try fixture.registry.account(id: "alice")
        let authenticator = TestAuthenticator(userHandle: account.userHandle)
        let ceremony = try fixture.registry.startSecurityKeyRegistration(accountID: "alice")
        let response = authenticator.registrationResponse(challenge: ceremony.options.challenge)
        _ = try await fixture.registry.finishSecurityKeyRegistration(
            accountID: "alice", ceremonyID: ceremony.ceremonyID, response: response)
        let again = await mfaError {
            _ = try await fixture.registry.finishSecurityKeyRegistration(
                accountID: "alice", ceremonyID: ceremony.ceremonyID, response: response)
        }
        #expect(again?.code == .securityKeyRejected)
        #expect(try fixture.registry.methods(accountID: "alice").count == 1)
    }

    @Test("A registration response for another challenge is rejected and adds no method")
    func registrationWrongChallenge() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let authenticator = TestAuthenticator(userHandle: try fixture.registry.account(id: "alice").userHandle)
        let ceremony = try fixture.registry.startSecurityKeyRegistration(accountID: "alice")
        let error = await mfaError {
            _ = try await fixture.registry.finishSecurityKeyRegistration(
                accountID: "alice", ceremonyID: ceremony.ceremonyID,
                response: authenticator.registrationResponse(challenge: Array(repeating: 7, count: 32)))
        }
        #expect(error?.code == .securityKeyRejected)
        #expect(try fixture.registry.methods(accountID: "alice").isEmpty)
    }

    @Test("Signing in with the key stores its new signature counter", arguments: StoreKind.allCases)
    func signIn(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        var (authenticator, methodID) = try await Self.register(fixture, "alice")
        let ceremony = try fixture.registry.startSecurityKeySignIn(accountID: "alice")
        #expect(ceremony.options.allowCredentials.map(\.id) == [authenticator.credentialID])
        let response = authenticator.authenticationResponse(challenge: ceremony.options.challenge)
        let completion = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .securityKey(ceremonyID: ceremony.ceremonyID, response: response),
            context: SignInContext())
        #expect(completion.methodID == methodID)
        #expect(completion.methodKind == .securityKey)
        let stored = try #require(try fixture.store.testRead { try $0.method(id: methodID) })
        guard case .securityKey(let record) = stored.details else {
            Issue.record("not a security key")
            return
        }
        #expect(record.signCount == authenticator.signCount)
        // The same assertion cannot be replayed: its ceremony state is gone.
        let replay = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .securityKey(ceremonyID: ceremony.ceremonyID, response: response),
                context: SignInContext())
        }
        #expect(replay?.code == .securityKeyRejected)
    }

    @Test("A bad signature is rejected and counts as a failed attempt")
    func badSignature() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        var (authenticator, _) = try await Self.register(fixture, "alice")
        let ceremony = try fixture.registry.startSecurityKeySignIn(accountID: "alice")
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.corruptSignature = true
        let error = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice",
                proof: .securityKey(
                    ceremonyID: ceremony.ceremonyID,
                    response: authenticator.authenticationResponse(challenge: ceremony.options.challenge, knobs: knobs)),
                context: SignInContext())
        }
        #expect(error?.code == .securityKeyRejected)
        #expect(try fixture.registry.status(accountID: "alice").consecutiveFailures == 1)
    }

    @Test("Of two assertions with the same counter value, at most one signs in", arguments: StoreKind.allCases)
    func counterRace(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        var (authenticator, _) = try await Self.register(fixture, "alice")
        authenticator.signCount = 5
        let first = try fixture.registry.startSecurityKeySignIn(accountID: "alice")
        let second = try fixture.registry.startSecurityKeySignIn(accountID: "alice")
        // A cloned key: both assertions carry count 5.
        let responses = [
            (first.ceremonyID, authenticator.assertion(challenge: first.options.challenge)),
            (second.ceremonyID, authenticator.assertion(challenge: second.options.challenge)),
        ]
        let registry = fixture.registry
        let outcomes = await withTaskGroup(of: MFAError.Code?.self) { group in
            for (ceremonyID, response) in responses {
                group.addTask {
                    do {
                        _ = try await registry.completeSignIn(
                            accountID: "alice", proof: .securityKey(ceremonyID: ceremonyID, response: response),
                            context: SignInContext())
                        return nil
                    } catch let error as MFAError {
                        return error.code
                    } catch {
                        return .internalError
                    }
                }
            }
            var collected: [MFAError.Code?] = []
            for await outcome in group { collected.append(outcome) }
            return collected
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        let loser = outcomes.compactMap { $0 }
        #expect(loser.count == 1)
        // The loser either saw the winner's counter (a counter that did not increase: a suspected clone) or lost
        // the compare-and-set when storing its own.
        #expect(loser.allSatisfy { $0 == .securityKeyCloneSuspected || $0 == .signCountConflict })
    }

    @Test("Sign-in with a key needs enrollment without any method, and is not found with only an app")
    func noKey() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        #expect(throws: MFAError(.enrollmentRequired, "")) { _ = try fixture.registry.startSecurityKeySignIn(accountID: "alice") }
        _ = try await fixture.enrollTOTP("alice")
        #expect(throws: MFAError(.notFound, "")) { _ = try fixture.registry.startSecurityKeySignIn(accountID: "alice") }
    }
}
