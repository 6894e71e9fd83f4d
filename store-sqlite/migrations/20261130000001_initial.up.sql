-- The maeve-store schema on SQLite. STRICT tables: a value of the wrong type is an error, never
-- silently converted. Text keys keep SQLite's BINARY collation, which compares UTF-8 bytes
-- (STORE_CONTRACT.md R6). SQLite has no timestamp type: instants are INTEGER microseconds since
-- 1970-01-01T00:00:00Z (years 1 to 9999 fit in 64 bits), columns named `*_micros`. Booleans are
-- INTEGER 0/1. Foreign keys only tie child rows to the parent row written in the same
-- transaction; ON DELETE CASCADE deletes the children with their record.

CREATE TABLE charge_station_auth (
    charge_station_id        TEXT NOT NULL PRIMARY KEY,
    security_profile         INTEGER NOT NULL,
    base64_sha256_password   TEXT NOT NULL,
    invalid_username_allowed INTEGER NOT NULL CHECK (invalid_username_allowed IN (0, 1))
) STRICT;

-- A settings record exists on its own: an empty merge creates one with no keys.
CREATE TABLE charge_station_settings (
    charge_station_id TEXT NOT NULL PRIMARY KEY
) STRICT;

-- One row per settings key.
CREATE TABLE charge_station_setting (
    charge_station_id TEXT NOT NULL
        REFERENCES charge_station_settings ON DELETE CASCADE,
    setting_key       TEXT NOT NULL,
    setting_value     TEXT NOT NULL,
    status            TEXT NOT NULL
        CHECK (status IN ('Pending', 'Accepted', 'Rejected', 'RebootRequired', 'NotSupported')),
    send_after_micros INTEGER,
    PRIMARY KEY (charge_station_id, setting_key)
) STRICT;

CREATE TABLE charge_station_runtime_details (
    charge_station_id TEXT NOT NULL PRIMARY KEY,
    ocpp_version      TEXT NOT NULL
) STRICT;

CREATE TABLE charge_station_install_certificates (
    charge_station_id TEXT NOT NULL PRIMARY KEY
) STRICT;

-- One row per certificate id. `position` is one more than the station's highest when the id is
-- first inserted (under the write lock) and never changed, so the list keeps first-insertion
-- order.
CREATE TABLE charge_station_install_certificate (
    charge_station_id TEXT NOT NULL
        REFERENCES charge_station_install_certificates ON DELETE CASCADE,
    certificate_id    TEXT NOT NULL,
    position          INTEGER NOT NULL,
    certificate_type  TEXT NOT NULL
        CHECK (certificate_type IN ('ChargeStation', 'EVCC', 'V2G', 'MO', 'MF', 'CSMS')),
    certificate_data  TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('Pending', 'Accepted', 'Rejected')),
    send_after_micros INTEGER,
    PRIMARY KEY (charge_station_id, certificate_id)
) STRICT;

CREATE TABLE charge_station_trigger_message (
    charge_station_id TEXT NOT NULL PRIMARY KEY,
    trigger_message   TEXT NOT NULL,
    trigger_status    TEXT NOT NULL CHECK (trigger_status IN ('Pending', 'Accepted', 'Rejected', 'NotImplemented')),
    send_after_micros INTEGER
) STRICT;

CREATE TABLE token (
    uid                 TEXT NOT NULL PRIMARY KEY,
    country_code        TEXT NOT NULL,
    party_id            TEXT NOT NULL,
    token_type          TEXT NOT NULL,
    contract_id         TEXT NOT NULL,
    visual_number       TEXT,
    issuer              TEXT NOT NULL,
    group_id            TEXT,
    valid               INTEGER NOT NULL CHECK (valid IN (0, 1)),
    language_code       TEXT,
    cache_mode          TEXT NOT NULL CHECK (cache_mode IN ('ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER')),
    last_updated_micros INTEGER NOT NULL
) STRICT;

-- `meter_value_count` is the number of appended meter values; appends take their ordinals from
-- it inside the write transaction that upserts the transaction, so no two appends collide.
CREATE TABLE charging_transaction (
    charge_station_id    TEXT NOT NULL,
    transaction_id       TEXT NOT NULL,
    id_token             TEXT NOT NULL,
    token_type           TEXT NOT NULL,
    start_seq_no         INTEGER NOT NULL,
    ended_seq_no         INTEGER NOT NULL,
    updated_seq_no_count INTEGER NOT NULL,
    offline              INTEGER NOT NULL CHECK (offline IN (0, 1)),
    meter_value_count    INTEGER NOT NULL,
    PRIMARY KEY (charge_station_id, transaction_id)
) STRICT;

-- One row per meter value, in append order. Its sampled values are one JSON array in their
-- original order (`null` for an absent field); each value is kept as the 64 bits of its f64
-- (`value_bits`), because SQLite's REAL turns NaN into NULL and JSON has no NaN or infinity.
CREATE TABLE meter_value (
    charge_station_id TEXT NOT NULL,
    transaction_id    TEXT NOT NULL,
    ordinal           INTEGER NOT NULL,
    recorded_at       TEXT NOT NULL,
    sampled_values    TEXT NOT NULL,
    PRIMARY KEY (charge_station_id, transaction_id, ordinal)
) STRICT;

CREATE TABLE certificate (
    certificate_hash TEXT NOT NULL PRIMARY KEY,
    pem              TEXT NOT NULL
) STRICT;

CREATE TABLE ocpi_registration (
    token  TEXT NOT NULL PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('registered', 'pending'))
) STRICT;

CREATE TABLE ocpi_party (
    role         TEXT NOT NULL,
    country_code TEXT NOT NULL,
    party_id     TEXT NOT NULL,
    url          TEXT NOT NULL,
    token        TEXT NOT NULL,
    PRIMARY KEY (role, country_code, party_id)
) STRICT;

-- Evses (with their connectors) are replaced whole with the location, so they are one JSON
-- text: NULL, [] and a non-empty array are the three states of R2.
CREATE TABLE location (
    id                  TEXT NOT NULL PRIMARY KEY,
    address             TEXT NOT NULL,
    city                TEXT NOT NULL,
    latitude            TEXT NOT NULL,
    longitude           TEXT NOT NULL,
    country             TEXT NOT NULL,
    evses               TEXT,
    last_updated_micros INTEGER NOT NULL,
    name                TEXT NOT NULL,
    parking_type        TEXT NOT NULL,
    postal_code         TEXT NOT NULL
) STRICT;
