//! The five charge-station stores. Merges are short write transactions (`BEGIN IMMEDIATE`):
//! the record is created if absent, then each given key or certificate upserted, with the write
//! lock held from the start, so a concurrent merge or delete of the same station (in this
//! process or another) runs wholly before or after.

use store_core::*;

use crate::error::map;
use crate::rows::{self, InstallCertificateRow, SettingRow, TriggerRow, optional_micros};
use crate::{SqliteStorage, sql_count};

impl ChargeStationAuthStorage for SqliteStorage {
    async fn set_charge_station_auth(&self, charge_station_id: &str, auth: &ChargeStationAuth) -> StoreResult<()> {
        sqlx::query!(
            r#"INSERT INTO charge_station_auth
                   (charge_station_id, security_profile, base64_sha256_password, invalid_username_allowed)
               VALUES (?1, ?2, ?3, ?4)
               ON CONFLICT (charge_station_id) DO UPDATE
               SET security_profile = excluded.security_profile,
                   base64_sha256_password = excluded.base64_sha256_password,
                   invalid_username_allowed = excluded.invalid_username_allowed"#,
            charge_station_id,
            auth.security_profile.as_i16(),
            auth.base64_sha256_password,
            auth.invalid_username_allowed,
        )
        .execute(self.writer()?)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_charge_station_auth(&self, charge_station_id: &str) -> StoreResult<Option<ChargeStationAuth>> {
        let row = sqlx::query!(
            r#"SELECT security_profile, base64_sha256_password, invalid_username_allowed AS "invalid_username_allowed: bool"
               FROM charge_station_auth WHERE charge_station_id = ?1"#,
            charge_station_id,
        )
        .fetch_optional(&self.readers)
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

impl ChargeStationSettingsStorage for SqliteStorage {
    async fn update_charge_station_settings(
        &self,
        charge_station_id: &str,
        settings: &ChargeStationSettings,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "INSERT INTO charge_station_settings (charge_station_id) VALUES (?1) ON CONFLICT DO NOTHING",
            charge_station_id,
        )
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        for (key, setting) in &settings.settings {
            let send_after = optional_micros(setting.send_after);
            sqlx::query!(
                r#"INSERT INTO charge_station_setting (charge_station_id, setting_key, setting_value, status, send_after_micros)
                   VALUES (?1, ?2, ?3, ?4, ?5)
                   ON CONFLICT (charge_station_id, setting_key) DO UPDATE
                   SET setting_value = excluded.setting_value, status = excluded.status,
                       send_after_micros = excluded.send_after_micros"#,
                charge_station_id,
                key,
                setting.value,
                setting.status.as_str(),
                send_after,
            )
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        }
        tx.commit().await.map_err(map)
    }

    async fn lookup_charge_station_settings(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationSettings>> {
        let rows = sqlx::query_as!(
            SettingRow,
            r#"SELECT record.charge_station_id AS "charge_station_id!",
                      setting.setting_key AS "setting_key?", setting.setting_value AS "setting_value?",
                      setting.status AS "status?", setting.send_after_micros AS "send_after_micros?"
               FROM charge_station_settings record
               LEFT JOIN charge_station_setting setting USING (charge_station_id)
               WHERE record.charge_station_id = ?1"#,
            charge_station_id,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        Ok(rows::settings(rows)?.into_iter().next())
    }

    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>> {
        let rows = sqlx::query_as!(
            SettingRow,
            r#"WITH page AS (
                   SELECT charge_station_id FROM charge_station_settings
                   WHERE charge_station_id > ?1 ORDER BY charge_station_id LIMIT ?2
               )
               SELECT page.charge_station_id AS "charge_station_id!",
                      setting.setting_key AS "setting_key?", setting.setting_value AS "setting_value?",
                      setting.status AS "status?", setting.send_after_micros AS "send_after_micros?"
               FROM page LEFT JOIN charge_station_setting setting USING (charge_station_id)
               ORDER BY page.charge_station_id"#,
            previous_charge_station_id,
            sql_count(page_size),
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        rows::settings(rows)
    }

    async fn delete_charge_station_settings(&self, charge_station_id: &str) -> StoreResult<()> {
        // Keys go with the record (ON DELETE CASCADE), in the same statement.
        sqlx::query!("DELETE FROM charge_station_settings WHERE charge_station_id = ?1", charge_station_id)
            .execute(self.writer()?)
            .await
            .map_err(map)?;
        Ok(())
    }
}

impl ChargeStationRuntimeDetailsStorage for SqliteStorage {
    async fn set_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> StoreResult<()> {
        sqlx::query!(
            r#"INSERT INTO charge_station_runtime_details (charge_station_id, ocpp_version) VALUES (?1, ?2)
               ON CONFLICT (charge_station_id) DO UPDATE SET ocpp_version = excluded.ocpp_version"#,
            charge_station_id,
            details.ocpp_version,
        )
        .execute(self.writer()?)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationRuntimeDetails>> {
        let row = sqlx::query!(
            "SELECT ocpp_version FROM charge_station_runtime_details WHERE charge_station_id = ?1",
            charge_station_id,
        )
        .fetch_optional(&self.readers)
        .await
        .map_err(map)?;
        Ok(row.map(|row| ChargeStationRuntimeDetails { ocpp_version: row.ocpp_version }))
    }
}

impl ChargeStationInstallCertificatesStorage for SqliteStorage {
    async fn update_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "INSERT INTO charge_station_install_certificates (charge_station_id) VALUES (?1) ON CONFLICT DO NOTHING",
            charge_station_id,
        )
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        // In call order: a new id goes after every existing one; an id already there (earlier
        // in this call included) keeps its position and takes the new values, so the last wins.
        for certificate in &certificates.certificates {
            let send_after = optional_micros(certificate.send_after);
            sqlx::query!(
                r#"INSERT INTO charge_station_install_certificate
                       (charge_station_id, certificate_id, position, certificate_type, certificate_data, status,
                        send_after_micros)
                   VALUES (?1, ?2,
                           (SELECT coalesce(max(position), 0) + 1 FROM charge_station_install_certificate
                            WHERE charge_station_id = ?1),
                           ?3, ?4, ?5, ?6)
                   ON CONFLICT (charge_station_id, certificate_id) DO UPDATE
                   SET certificate_type = excluded.certificate_type, certificate_data = excluded.certificate_data,
                       status = excluded.status, send_after_micros = excluded.send_after_micros"#,
                charge_station_id,
                certificate.certificate_id,
                certificate.certificate_type.as_str(),
                certificate.certificate_data,
                certificate.certificate_installation_status.as_str(),
                send_after,
            )
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        }
        tx.commit().await.map_err(map)
    }

    async fn lookup_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>> {
        let rows = sqlx::query_as!(
            InstallCertificateRow,
            r#"SELECT record.charge_station_id AS "charge_station_id!",
                      cert.certificate_id AS "certificate_id?", cert.certificate_type AS "certificate_type?",
                      cert.certificate_data AS "certificate_data?", cert.status AS "status?",
                      cert.send_after_micros AS "send_after_micros?"
               FROM charge_station_install_certificates record
               LEFT JOIN charge_station_install_certificate cert USING (charge_station_id)
               WHERE record.charge_station_id = ?1
               ORDER BY cert.position"#,
            charge_station_id,
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        Ok(rows::install_certificates(rows)?.into_iter().next())
    }

    async fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
        let rows = sqlx::query_as!(
            InstallCertificateRow,
            r#"WITH page AS (
                   SELECT charge_station_id FROM charge_station_install_certificates
                   WHERE charge_station_id > ?1 ORDER BY charge_station_id LIMIT ?2
               )
               SELECT page.charge_station_id AS "charge_station_id!",
                      cert.certificate_id AS "certificate_id?", cert.certificate_type AS "certificate_type?",
                      cert.certificate_data AS "certificate_data?", cert.status AS "status?",
                      cert.send_after_micros AS "send_after_micros?"
               FROM page LEFT JOIN charge_station_install_certificate cert USING (charge_station_id)
               ORDER BY page.charge_station_id, cert.position"#,
            previous_charge_station_id,
            sql_count(page_size),
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        rows::install_certificates(rows)
    }
}

impl ChargeStationTriggerMessageStorage for SqliteStorage {
    async fn set_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
        trigger_message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()> {
        let send_after = optional_micros(trigger_message.send_after);
        sqlx::query!(
            r#"INSERT INTO charge_station_trigger_message
                   (charge_station_id, trigger_message, trigger_status, send_after_micros)
               VALUES (?1, ?2, ?3, ?4)
               ON CONFLICT (charge_station_id) DO UPDATE
               SET trigger_message = excluded.trigger_message, trigger_status = excluded.trigger_status,
                   send_after_micros = excluded.send_after_micros"#,
            charge_station_id,
            trigger_message.trigger_message.as_str(),
            trigger_message.trigger_status.as_str(),
            send_after,
        )
        .execute(self.writer()?)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn delete_charge_station_trigger_message(&self, charge_station_id: &str) -> StoreResult<()> {
        sqlx::query!("DELETE FROM charge_station_trigger_message WHERE charge_station_id = ?1", charge_station_id)
            .execute(self.writer()?)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn lookup_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationTriggerMessage>> {
        let row = sqlx::query_as!(
            TriggerRow,
            r#"SELECT charge_station_id, trigger_message, trigger_status, send_after_micros
               FROM charge_station_trigger_message WHERE charge_station_id = ?1"#,
            charge_station_id,
        )
        .fetch_optional(&self.readers)
        .await
        .map_err(map)?;
        row.map(rows::trigger).transpose()
    }

    async fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>> {
        let rows = sqlx::query_as!(
            TriggerRow,
            r#"SELECT charge_station_id, trigger_message, trigger_status, send_after_micros
               FROM charge_station_trigger_message
               WHERE charge_station_id > ?1 ORDER BY charge_station_id LIMIT ?2"#,
            previous_charge_station_id,
            sql_count(page_size),
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        rows.into_iter().map(rows::trigger).collect()
    }
}
