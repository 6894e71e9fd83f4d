//! The five charge-station stores. Merges are one transaction each that first upserts the
//! station's record, which locks its row: a concurrent merge or delete of the same station
//! waits for it, so each runs wholly before or after the other.

use sqlx::{Connection, MySqlConnection};
use store_core::*;

use crate::error::map;
use crate::rows::{self, InstallCertificateRow, SettingRow, TriggerRow, optional_micros};
use crate::{MySqlStorage, sql_count};

impl ChargeStationAuthStorage for MySqlStorage {
    async fn set_charge_station_auth(&self, charge_station_id: &str, auth: &ChargeStationAuth) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO charge_station_auth
                       (charge_station_id, security_profile, base64_sha256_password, invalid_username_allowed)
                   VALUES (?, ?, ?, ?)
                   ON DUPLICATE KEY UPDATE
                       security_profile = VALUES(security_profile),
                       base64_sha256_password = VALUES(base64_sha256_password),
                       invalid_username_allowed = VALUES(invalid_username_allowed)"#,
                charge_station_id,
                i64::from(auth.security_profile.as_i16()),
                auth.base64_sha256_password,
                auth.invalid_username_allowed,
            )
            .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_charge_station_auth(&self, charge_station_id: &str) -> StoreResult<Option<ChargeStationAuth>> {
        let row = run!(self, |connection| sqlx::query!(
            r#"SELECT security_profile, base64_sha256_password,
                      invalid_username_allowed AS "invalid_username_allowed: bool"
               FROM charge_station_auth WHERE charge_station_id = ?"#,
            charge_station_id,
        )
        .fetch_optional(connection))
        .await
        .map_err(map)?;
        row.map(|row| {
            Ok(ChargeStationAuth {
                security_profile: rows::security_profile(row.security_profile)?,
                base64_sha256_password: row.base64_sha256_password,
                invalid_username_allowed: row.invalid_username_allowed,
            })
        })
        .transpose()
    }
}

/// The settings merge, as one transaction on `connection`.
async fn merge_settings(
    connection: &mut MySqlConnection,
    charge_station_id: &str,
    settings: &ChargeStationSettings,
) -> Result<(), sqlx::Error> {
    let mut tx = connection.begin().await?;
    sqlx::query!(
        r#"INSERT INTO charge_station_settings (charge_station_id) VALUES (?)
               ON DUPLICATE KEY UPDATE charge_station_id = charge_station_id"#,
        charge_station_id,
    )
    .execute(&mut *tx)
    .await?;
    for (key, setting) in &settings.settings {
        sqlx::query!(
            r#"INSERT INTO charge_station_setting
                       (charge_station_id, setting_key, setting_value, status, send_after_micros)
                   VALUES (?, ?, ?, ?, ?)
                   ON DUPLICATE KEY UPDATE
                       setting_value = VALUES(setting_value), status = VALUES(status),
                       send_after_micros = VALUES(send_after_micros)"#,
            charge_station_id,
            key,
            setting.value,
            setting.status.as_str(),
            optional_micros(setting.send_after),
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The install-certificates merge, as one transaction on `connection`.
async fn merge_install_certificates(
    connection: &mut MySqlConnection,
    charge_station_id: &str,
    certificates: &ChargeStationInstallCertificates,
) -> Result<(), sqlx::Error> {
    let mut tx = connection.begin().await?;
    let connection: &mut MySqlConnection = &mut tx;
    sqlx::query!(
        r#"INSERT INTO charge_station_install_certificates (charge_station_id) VALUES (?)
               ON DUPLICATE KEY UPDATE charge_station_id = charge_station_id"#,
        charge_station_id,
    )
    .execute(&mut *connection)
    .await?;
    // The record's row is locked now, so no other merge adds a position meanwhile.
    let highest = sqlx::query_scalar!(
        r#"SELECT CAST(COALESCE(MAX(position), 0) AS SIGNED) AS "highest!: i64"
               FROM charge_station_install_certificate WHERE charge_station_id = ?"#,
        charge_station_id,
    )
    .fetch_one(&mut *connection)
    .await?;
    // In call order: a new id goes after every existing one; an id already there (earlier
    // in this call included) keeps its position and takes the new values, so the last wins.
    // Positions of ids already there are skipped, which keeps the order and costs nothing.
    for (position, certificate) in (highest + 1..).zip(&certificates.certificates) {
        sqlx::query!(
            r#"INSERT INTO charge_station_install_certificate
                       (charge_station_id, certificate_id, position, certificate_type, certificate_data, status,
                        send_after_micros)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON DUPLICATE KEY UPDATE
                       certificate_type = VALUES(certificate_type), certificate_data = VALUES(certificate_data),
                       status = VALUES(status), send_after_micros = VALUES(send_after_micros)"#,
            charge_station_id,
            certificate.certificate_id,
            position,
            certificate.certificate_type.as_str(),
            certificate.certificate_data,
            certificate.certificate_installation_status.as_str(),
            optional_micros(certificate.send_after),
        )
        .execute(&mut *connection)
        .await?;
    }
    tx.commit().await
}

impl ChargeStationSettingsStorage for MySqlStorage {
    async fn update_charge_station_settings(
        &self,
        charge_station_id: &str,
        settings: &ChargeStationSettings,
    ) -> StoreResult<()> {
        run!(self, |connection| merge_settings(connection, charge_station_id, settings)).await.map_err(map)
    }

    async fn lookup_charge_station_settings(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationSettings>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            SettingRow,
            r#"SELECT record.charge_station_id AS "charge_station_id!: String",
                      setting.setting_key AS "setting_key?: String", setting.setting_value AS "setting_value?",
                      setting.status AS "status?", setting.send_after_micros AS "send_after_micros?"
               FROM charge_station_settings record
               LEFT JOIN charge_station_setting setting USING (charge_station_id)
               WHERE record.charge_station_id = ?"#,
            charge_station_id,
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        Ok(rows::settings(rows)?.into_iter().next())
    }

    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            SettingRow,
            r#"WITH page AS (
                   SELECT charge_station_id FROM charge_station_settings
                   WHERE charge_station_id > ? ORDER BY charge_station_id LIMIT ?
               )
               SELECT page.charge_station_id AS "charge_station_id!: String",
                      setting.setting_key AS "setting_key?: String", setting.setting_value AS "setting_value?",
                      setting.status AS "status?", setting.send_after_micros AS "send_after_micros?"
               FROM page LEFT JOIN charge_station_setting setting USING (charge_station_id)
               ORDER BY page.charge_station_id"#,
            previous_charge_station_id,
            sql_count(page_size),
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        rows::settings(rows)
    }

    async fn delete_charge_station_settings(&self, charge_station_id: &str) -> StoreResult<()> {
        // Keys go with the record (ON DELETE CASCADE), in the same statement.
        run!(self, |connection| {
            sqlx::query!("DELETE FROM charge_station_settings WHERE charge_station_id = ?", charge_station_id)
                .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }
}

impl ChargeStationRuntimeDetailsStorage for MySqlStorage {
    async fn set_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO charge_station_runtime_details (charge_station_id, ocpp_version) VALUES (?, ?)
                   ON DUPLICATE KEY UPDATE ocpp_version = VALUES(ocpp_version)"#,
                charge_station_id,
                details.ocpp_version,
            )
            .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationRuntimeDetails>> {
        let row = run!(self, |connection| sqlx::query!(
            "SELECT ocpp_version FROM charge_station_runtime_details WHERE charge_station_id = ?",
            charge_station_id,
        )
        .fetch_optional(connection))
        .await
        .map_err(map)?;
        Ok(row.map(|row| ChargeStationRuntimeDetails { ocpp_version: row.ocpp_version }))
    }
}

impl ChargeStationInstallCertificatesStorage for MySqlStorage {
    async fn update_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> StoreResult<()> {
        run!(self, |connection| merge_install_certificates(connection, charge_station_id, certificates))
            .await
            .map_err(map)
    }

    async fn lookup_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            InstallCertificateRow,
            r#"SELECT record.charge_station_id AS "charge_station_id!: String",
                      cert.certificate_id AS "certificate_id?: String", cert.certificate_type AS "certificate_type?",
                      cert.certificate_data AS "certificate_data?", cert.status AS "status?",
                      cert.send_after_micros AS "send_after_micros?"
               FROM charge_station_install_certificates record
               LEFT JOIN charge_station_install_certificate cert USING (charge_station_id)
               WHERE record.charge_station_id = ?
               ORDER BY cert.position"#,
            charge_station_id,
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        Ok(rows::install_certificates(rows)?.into_iter().next())
    }

    async fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            InstallCertificateRow,
            r#"WITH page AS (
                   SELECT charge_station_id FROM charge_station_install_certificates
                   WHERE charge_station_id > ? ORDER BY charge_station_id LIMIT ?
               )
               SELECT page.charge_station_id AS "charge_station_id!: String",
                      cert.certificate_id AS "certificate_id?: String", cert.certificate_type AS "certificate_type?",
                      cert.certificate_data AS "certificate_data?", cert.status AS "status?",
                      cert.send_after_micros AS "send_after_micros?"
               FROM page LEFT JOIN charge_station_install_certificate cert USING (charge_station_id)
               ORDER BY page.charge_station_id, cert.position"#,
            previous_charge_station_id,
            sql_count(page_size),
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        rows::install_certificates(rows)
    }
}

impl ChargeStationTriggerMessageStorage for MySqlStorage {
    async fn set_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
        trigger_message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()> {
        let send_after = optional_micros(trigger_message.send_after);
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO charge_station_trigger_message
                       (charge_station_id, trigger_message, trigger_status, send_after_micros)
                   VALUES (?, ?, ?, ?)
                   ON DUPLICATE KEY UPDATE
                       trigger_message = VALUES(trigger_message), trigger_status = VALUES(trigger_status),
                       send_after_micros = VALUES(send_after_micros)"#,
                charge_station_id,
                trigger_message.trigger_message.as_str(),
                trigger_message.trigger_status.as_str(),
                send_after,
            )
            .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn delete_charge_station_trigger_message(&self, charge_station_id: &str) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!("DELETE FROM charge_station_trigger_message WHERE charge_station_id = ?", charge_station_id)
                .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationTriggerMessage>> {
        let row = run!(self, |connection| sqlx::query_as!(
            TriggerRow,
            r#"SELECT charge_station_id AS "charge_station_id: String", trigger_message, trigger_status,
                      send_after_micros
               FROM charge_station_trigger_message WHERE charge_station_id = ?"#,
            charge_station_id,
        )
        .fetch_optional(connection))
        .await
        .map_err(map)?;
        row.map(rows::trigger).transpose()
    }

    async fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            TriggerRow,
            r#"SELECT charge_station_id AS "charge_station_id: String", trigger_message, trigger_status,
                      send_after_micros
               FROM charge_station_trigger_message
               WHERE charge_station_id > ? ORDER BY charge_station_id LIMIT ?"#,
            previous_charge_station_id,
            sql_count(page_size),
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        rows.into_iter().map(rows::trigger).collect()
    }
}
