import SQLiteStorage

extension SQLiteMFAStore {
    /// The schema migrations, one per `user_version`. Append new versions; never edit a published one.
    static let migrator: SchemaMigrator = {
        var migrator = SchemaMigrator()
        migrator.register(version: 1, name: "MFA registry tables") { (db) throws(SQLiteError) in
            try db.executeScript(schemaVersion1)
        }
        return migrator
    }()

    /// Version 1. STRICT tables (SQLite 3.37+) so a column never holds another type; every detail table
    /// is keyed by its method, so a method has at most one row of details, and the store writes both in
    /// one transaction. Times are Unix seconds.
    static let schemaVersion1 = """
        CREATE TABLE account (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
            created_at INTEGER NOT NULL,
            interactive INTEGER NOT NULL CHECK (interactive IN (0, 1)),
            user_handle BLOB NOT NULL UNIQUE CHECK (length(user_handle) BETWEEN 1 AND 64),
            generation INTEGER NOT NULL CHECK (generation >= 0),
            preferred_method_id TEXT REFERENCES method(id)
        ) STRICT;

        CREATE TABLE method (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
            account_id TEXT NOT NULL REFERENCES account(id),
            kind TEXT NOT NULL CHECK (kind IN ('totp', 'sms', 'security-key', 'recovery-codes')),
            name TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'active', 'removed')),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX method_by_account ON method (account_id, created_at, id);

        CREATE TABLE totp_secret (
            method_id TEXT PRIMARY KEY NOT NULL REFERENCES method(id),
            sealed_secret BLOB NOT NULL CHECK (length(sealed_secret) > 0),
            algorithm TEXT NOT NULL,
            digits INTEGER NOT NULL,
            period INTEGER NOT NULL,
            last_time_step INTEGER CHECK (last_time_step >= 0)
        ) STRICT;

        CREATE TABLE sms_number (
            method_id TEXT PRIMARY KEY NOT NULL REFERENCES method(id),
            phone TEXT NOT NULL
        ) STRICT;

        CREATE TABLE webauthn_credential (
            credential_id BLOB PRIMARY KEY NOT NULL CHECK (length(credential_id) > 0),
            method_id TEXT NOT NULL UNIQUE REFERENCES method(id),
            sign_count INTEGER NOT NULL CHECK (sign_count BETWEEN 0 AND 4294967295),
            record_json BLOB NOT NULL
        ) STRICT;

        CREATE TABLE recovery_code_set (
            method_id TEXT PRIMARY KEY NOT NULL REFERENCES method(id),
            set_json BLOB NOT NULL
        ) STRICT;

        CREATE TABLE sms_challenge (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
            account_id TEXT NOT NULL REFERENCES account(id),
            method_id TEXT REFERENCES method(id),
            purpose TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            challenge_json BLOB NOT NULL
        ) STRICT;
        CREATE INDEX sms_challenge_by_account ON sms_challenge (account_id, issued_at);
        CREATE INDEX sms_challenge_by_expiry ON sms_challenge (expires_at);

        CREATE TABLE sms_send_ledger (
            phone TEXT PRIMARY KEY NOT NULL,
            ledger_json BLOB NOT NULL
        ) STRICT;

        CREATE TABLE ceremony_state (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
            account_id TEXT REFERENCES account(id),
            kind TEXT NOT NULL CHECK (kind IN ('registration', 'authentication')),
            state BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX ceremony_state_by_expiry ON ceremony_state (expires_at);

        CREATE TABLE throttle_state (
            account_id TEXT PRIMARY KEY NOT NULL REFERENCES account(id),
            state_json BLOB NOT NULL
        ) STRICT;

        CREATE TABLE trusted_device (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
            account_id TEXT NOT NULL REFERENCES account(id),
            secret_hash BLOB NOT NULL CHECK (length(secret_hash) > 0),
            generation INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX trusted_device_by_account ON trusted_device (account_id, created_at, id);
        CREATE INDEX trusted_device_by_expiry ON trusted_device (expires_at);

        CREATE TABLE sign_in (
            seq INTEGER PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES account(id),
            time INTEGER NOT NULL,
            device_id TEXT,
            ip_address TEXT,
            latitude REAL CHECK (latitude BETWEEN -90 AND 90),
            longitude REAL CHECK (longitude BETWEEN -180 AND 180),
            outcome TEXT NOT NULL CHECK (length(outcome) > 0),
            method_kind TEXT,
            CHECK ((latitude IS NULL) = (longitude IS NULL))
        ) STRICT;
        CREATE INDEX sign_in_by_account ON sign_in (account_id, time, seq);
        CREATE INDEX sign_in_by_device ON sign_in (account_id, device_id);

        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            time INTEGER NOT NULL,
            account_id TEXT,
            action TEXT NOT NULL CHECK (length(action) > 0),
            detail TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_log_by_account ON audit_log (account_id, seq);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """
}
