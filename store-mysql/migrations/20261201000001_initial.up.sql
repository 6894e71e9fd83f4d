-- The maeve-store schema on MariaDB / MySQL (InnoDB).
--
-- Keys are VARBINARY(800): they compare, order and collide by their bytes (STORE_CONTRACT.md
-- R6; a text collation would make "a", "A" and "a " the same key), and 800 bytes is the core's
-- cap on a written key (R13), so even the three-part key of ocpi_party (2 400 bytes) fits
-- InnoDB's 3 072-byte index limit, which VARCHAR(800) in utf8mb4 (3 200 bytes) would not.
-- Other text is LONGTEXT in utf8mb4 (4-byte UTF-8 included, values up to the packet size);
-- it is never compared. Instants are BIGINT microseconds since 1970-01-01T00:00:00Z, because
-- TIMESTAMP stops at 2038 and converts time zones, and DATETIME(6) of MariaDB and MySQL differ
-- at the edges; years 1 to 9999 fit (R3). Booleans are BOOLEAN (TINYINT(1)).

CREATE TABLE charge_station_auth (
    charge_station_id        VARBINARY(800) NOT NULL PRIMARY KEY,
    security_profile         BIGINT NOT NULL,
    base64_sha256_password   LONGTEXT NOT NULL,
    invalid_username_allowed BOOLEAN NOT NULL
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A settings record exists on its own: an empty merge creates one with no keys. Merges lock
-- this row first, so merges and deletes of one station run one after the other.
CREATE TABLE charge_station_settings (
    charge_station_id VARBINARY(800) NOT NULL PRIMARY KEY
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE charge_station_setting (
    charge_station_id VARBINARY(800) NOT NULL,
    setting_key       VARBINARY(800) NOT NULL,
    setting_value     LONGTEXT NOT NULL,
    status            VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        CHECK (status IN ('Pending', 'Accepted', 'Rejected', 'RebootRequired', 'NotSupported')),
    send_after_micros BIGINT,
    PRIMARY KEY (charge_station_id, setting_key),
    FOREIGN KEY (charge_station_id) REFERENCES charge_station_settings (charge_station_id) ON DELETE CASCADE
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE charge_station_runtime_details (
    charge_station_id VARBINARY(800) NOT NULL PRIMARY KEY,
    ocpp_version      LONGTEXT NOT NULL
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE charge_station_install_certificates (
    charge_station_id VARBINARY(800) NOT NULL PRIMARY KEY
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- `position` is one more than the station's highest when the id is first inserted (with the
-- station's record locked) and never changed, so the list keeps first-insertion order.
CREATE TABLE charge_station_install_certificate (
    charge_station_id VARBINARY(800) NOT NULL,
    certificate_id    VARBINARY(800) NOT NULL,
    position          BIGINT NOT NULL,
    certificate_type  VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        CHECK (certificate_type IN ('ChargeStation', 'EVCC', 'V2G', 'MO', 'MF', 'CSMS')),
    certificate_data  LONGTEXT NOT NULL,
    status            VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        CHECK (status IN ('Pending', 'Accepted', 'Rejected')),
    send_after_micros BIGINT,
    PRIMARY KEY (charge_station_id, certificate_id),
    FOREIGN KEY (charge_station_id) REFERENCES charge_station_install_certificates (charge_station_id)
        ON DELETE CASCADE
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE charge_station_trigger_message (
    charge_station_id VARBINARY(800) NOT NULL PRIMARY KEY,
    trigger_message   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    trigger_status    VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        CHECK (trigger_status IN ('Pending', 'Accepted', 'Rejected', 'NotImplemented')),
    send_after_micros BIGINT
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE token (
    uid                 VARBINARY(800) NOT NULL PRIMARY KEY,
    country_code        LONGTEXT NOT NULL,
    party_id            LONGTEXT NOT NULL,
    token_type          LONGTEXT NOT NULL,
    contract_id         LONGTEXT NOT NULL,
    visual_number       LONGTEXT,
    issuer              LONGTEXT NOT NULL,
    group_id            LONGTEXT,
    valid               BOOLEAN NOT NULL,
    language_code       LONGTEXT,
    cache_mode          VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        CHECK (cache_mode IN ('ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER')),
    last_updated_micros BIGINT NOT NULL
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- `meter_value_count` is the number of appended meter values: the upsert of a write adds this
-- call's count to it holding the row's lock, and the call's values take the ordinals below it.
CREATE TABLE charging_transaction (
    charge_station_id    VARBINARY(800) NOT NULL,
    transaction_id       VARBINARY(800) NOT NULL,
    id_token             LONGTEXT NOT NULL,
    token_type           LONGTEXT NOT NULL,
    start_seq_no         BIGINT NOT NULL,
    ended_seq_no         BIGINT NOT NULL,
    updated_seq_no_count BIGINT NOT NULL,
    offline              BOOLEAN NOT NULL,
    meter_value_count    BIGINT NOT NULL,
    PRIMARY KEY (charge_station_id, transaction_id)
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per meter value, in append order. Its sampled values are one JSON array in their
-- original order, each value kept as the 64 bits of its f64 (`value_bits`): DOUBLE refuses NaN
-- and infinities, and JSON has neither.
CREATE TABLE meter_value (
    charge_station_id VARBINARY(800) NOT NULL,
    transaction_id    VARBINARY(800) NOT NULL,
    ordinal           BIGINT NOT NULL,
    recorded_at       LONGTEXT NOT NULL,
    sampled_values    LONGTEXT NOT NULL,
    PRIMARY KEY (charge_station_id, transaction_id, ordinal)
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE certificate (
    certificate_hash VARBINARY(800) NOT NULL PRIMARY KEY,
    pem              LONGTEXT NOT NULL
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE ocpi_registration (
    token  VARBINARY(800) NOT NULL PRIMARY KEY,
    status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL CHECK (status IN ('registered', 'pending'))
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE ocpi_party (
    role         VARBINARY(800) NOT NULL,
    country_code VARBINARY(800) NOT NULL,
    party_id     VARBINARY(800) NOT NULL,
    url          LONGTEXT NOT NULL,
    token        LONGTEXT NOT NULL,
    PRIMARY KEY (role, country_code, party_id)
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Evses (with their connectors) are replaced whole with the location, so they are one JSON
-- text: NULL, [] and a non-empty array are the three states of R2.
CREATE TABLE location (
    id                  VARBINARY(800) NOT NULL PRIMARY KEY,
    address             LONGTEXT NOT NULL,
    city                LONGTEXT NOT NULL,
    latitude            LONGTEXT NOT NULL,
    longitude           LONGTEXT NOT NULL,
    country             LONGTEXT NOT NULL,
    evses               LONGTEXT,
    last_updated_micros BIGINT NOT NULL,
    name                LONGTEXT NOT NULL,
    parking_type        LONGTEXT NOT NULL,
    postal_code         LONGTEXT NOT NULL
) ENGINE = InnoDB ROW_FORMAT = DYNAMIC DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
