//! The five charge-station stores.

use store_core::*;

use crate::error::map;
use crate::rows::{self, InstallCertificateRow, SettingRow, TriggerRow};
use crate::{PgStorage, sql_count};

impl ChargeStationAuthStorage for PgStorage {
    async fn set_charge_station_auth(&self, charge_station_id: &str, auth: &ChargeStationAuth) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO charge_station_auth
                   (charge_station_id, security_profile, base64_sha256_password, invalid_username_allowed)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (charge_station_id) DO UPDATE
               SET security_profile = excluded.security_profile,
                   base64_sha256_password = excluded.base64_sha256_password,
                   invalid_username_allowed = excluded.invalid_username_allowed"#,
                charge_station_id,
                auth.security_profile.as_i16(),
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
        let row = read!(self, |connection| {
            sqlx::query!(
                r#"SELECT security_profile, base64_sha256_password, invalid_username_allowed
               FROM charge_station_auth WHERE charge_station_id = $1"#,
                charge_station_id,
            )
            .fetch_optional(connection)
        })
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

impl ChargeStationSettingsStorage for PgStorage {
    async fn update_charge_station_settings(
        &self,
        charge_station_id: &str,
        settings: &ChargeStationSettings,
    ) -> StoreResult<()> {
        let keys: Vec<&str> = settings.settings.keys().map(String::as_str).collect();
        let values: Vec<&str> = settings.settings.values().map(|s| s.value.as_str()).collect();
        let statuses: Vec<&str> = settings.settings.values().map(|s| s.status.as_str()).collect();
        let send_afters: Vec<_> = settings.settings.values().map(|s| s.send_after).collect();
        // One statement: the record is created if absent, each given key upserted, others kept.
        // The record's row is locked first (the no-op DO UPDATE locks it; DO NOTHING would not)
        // and the keys are written only through it, so a merge and a delete of one station take
        // their locks in the same order: they serialise instead of deadlocking, and no delete
        // can remove the record between a merge's upsert and its keys' foreign-key check.
        run!(self, |connection| {
            sqlx::query!(
                r#"WITH record AS (
                   INSERT INTO charge_station_settings (charge_station_id) VALUES ($1)
                   ON CONFLICT (charge_station_id) DO UPDATE SET charge_station_id = excluded.charge_station_id
                   RETURNING charge_station_id
               )
               INSERT INTO charge_station_setting (charge_station_id, setting_key, setting_value, status, send_after)
               SELECT record.charge_station_id, input.setting_key, input.setting_value, input.status, input.send_after
               FROM record
               CROSS JOIN unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])
                    AS input(setting_key, setting_value, status, send_after)
               ON CONFLICT (charge_station_id, setting_key) DO UPDATE
               SET setting_value = excluded.setting_value, status = excluded.status, send_after = excluded.send_after"#,
                charge_station_id,
                &keys as &[&str],
                &values as &[&str],
                &statuses as &[&str],
                &send_afters as _,
            )
            .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_charge_station_settings(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationSettings>> {
        let rows = read!(self, |connection| {
            sqlx::query_as!(
                SettingRow,
                r#"SELECT record.charge_station_id,
                      setting.setting_key AS "setting_key?", setting.setting_value AS "setting_value?",
                      setting.status AS "status?", setting.send_after
               FROM charge_station_settings record
               LEFT JOIN charge_station_setting setting USING (charge_station_id)
               WHERE record.charge_station_id = $1"#,
                charge_station_id,
            )
            .fetch_all(connection)
        })
        .await
        .map_err(map)?;
        Ok(rows::settings(rows)?.into_iter().next())
    }

    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>> {
        let rows = read!(self, |connection| {
            sqlx::query_as!(
                SettingRow,
                r#"WITH page AS (
                   SELECT charge_station_id FROM charge_station_settings
                   WHERE charge_station_id > $1 ORDER BY charge_station_id LIMIT $2
               )
               SELECT page.charge_station_id AS "charge_station_id!",
                      setting.setting_key AS "setting_key?", setting.setting_value AS "setting_value?",
                      setting.status AS "status?", setting.send_after
               FROM page LEFT JOIN charge_station_setting setting USING (charge_station_id)
               ORDER BY page.charge_station_id"#,
                previous_charge_station_id,
                sql_count(page_size),
            )
            .fetch_all(connection)
        })
        .await
        .map_err(map)?;
        rows::settings(rows)
    }

    async fn delete_charge_station_settings(&self, charge_station_id: &str) -> StoreResult<()> {
        // Keys go with the record (ON DELETE CASCADE), under its row lock.
        run!(self, |connection| {
            sqlx::query!("DELETE FROM charge_station_settings WHERE charge_station_id = $1", charge_station_id)
                .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }
}

impl ChargeStationRuntimeDetailsStorage for PgStorage {
    async fn set_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO charge_station_runtime_details (charge_station_id, ocpp_version) VALUES ($1, $2)
               ON CONFLICT (charge_station_id) DO UPDATE SET ocpp_version = excluded.ocpp_version"#,
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
        let row = read!(self, |connection| {
            sqlx::query!(
                "SELECT ocpp_version FROM charge_station_runtime_details WHERE charge_station_id = $1",
                charge_station_id,
            )
            .fetch_optional(connection)
        })
        .await
        .map_err(map)?;
        Ok(row.map(|row| ChargeStationRuntimeDetails { ocpp_version: row.ocpp_version }))
    }
}

impl ChargeStationInstallCertificatesStorage for PgStorage {
    async fn update_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> StoreResult<()> {
        let list = &certificates.certificates;
        let ids: Vec<&str> = list.iter().map(|c| c.certificate_id.as_str()).collect();
        let types: Vec<&str> = list.iter().map(|c| c.certificate_type.as_str()).collect();
        let data: Vec<&str> = list.iter().map(|c| c.certificate_data.as_str()).collect();
        let statuses: Vec<&str> = list.iter().map(|c| c.certificate_installation_status.as_str()).collect();
        let send_afters: Vec<_> = list.iter().map(|c| c.send_after).collect();
        // A repeated id within the call takes its last values and its first position; new ids
        // draw positions from the identity sequence in call order; existing ids keep theirs.
        // As for settings, the record's row is locked before any certificate row, so merges of
        // one station serialise (two merges naming the same ids in opposite orders would
        // otherwise deadlock on the certificate rows) and positions follow the merge order.
        run!(self, |connection| sqlx::query!(
            r#"WITH record AS (
                   INSERT INTO charge_station_install_certificates (charge_station_id) VALUES ($1)
                   ON CONFLICT (charge_station_id) DO UPDATE SET charge_station_id = excluded.charge_station_id
                   RETURNING charge_station_id
               ), input AS (
                   SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
                   WITH ORDINALITY AS input(certificate_id, certificate_type, certificate_data, status, send_after, ordinal)
               ), last_per_id AS (
                   SELECT DISTINCT ON (certificate_id) certificate_id, certificate_type, certificate_data, status,
                          send_after, min(ordinal) OVER (PARTITION BY certificate_id) AS first_ordinal
                   FROM input ORDER BY certificate_id, ordinal DESC
               )
               INSERT INTO charge_station_install_certificate
                   (charge_station_id, certificate_id, certificate_type, certificate_data, status, send_after)
               SELECT record.charge_station_id, certificate_id, certificate_type, certificate_data, status, send_after
               FROM record CROSS JOIN last_per_id ORDER BY first_ordinal
               ON CONFLICT (charge_station_id, certificate_id) DO UPDATE
               SET certificate_type = excluded.certificate_type, certificate_data = excluded.certificate_data,
                   status = excluded.status, send_after = excluded.send_after"#,
            charge_station_id,
            &ids as &[&str],
            &types as &[&str],
            &data as &[&str],
            &statuses as &[&str],
            &send_afters as _,
        )
        .execute(connection))
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>> {
        let rows = read!(self, |connection| {
            sqlx::query_as!(
                InstallCertificateRow,
                r#"SELECT record.charge_station_id,
                      cert.certificate_id AS "certificate_id?", cert.certificate_type AS "certificate_type?",
                      cert.certificate_data AS "certificate_data?", cert.status AS "status?", cert.send_after
               FROM charge_station_install_certificates record
               LEFT JOIN charge_station_install_certificate cert USING (charge_station_id)
               WHERE record.charge_station_id = $1
               ORDER BY cert.position"#,
                charge_station_id,
            )
            .fetch_all(connection)
        })
        .await
        .map_err(map)?;
        Ok(rows::install_certificates(rows)?.into_iter().next())
    }

    async fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
        let rows = read!(self, |connection| {
            sqlx::query_as!(
                InstallCertificateRow,
                r#"WITH page AS (
                   SELECT charge_station_id FROM charge_station_install_certificates
                   WHERE charge_station_id > $1 ORDER BY charge_station_id LIMIT $2
               )
               SELECT page.charge_station_id AS "charge_station_id!",
                      cert.certificate_id AS "certificate_id?", cert.certificate_type AS "certificate_type?",
                      cert.certificate_data AS "certificate_data?", cert.status AS "status?", cert.send_after
               FROM page LEFT JOIN charge_station_install_certificate cert USING (charge_station_id)
               ORDER BY page.charge_station_id, cert.position"#,
                previous_charge_station_id,
                sql_count(page_size),
            )
            .fetch_all(connection)
        })
        .await
        .map_err(map)?;
        rows::install_certificates(rows)
    }
}

impl ChargeStationTriggerMessageStorage for PgStorage {
    async fn set_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
        trigger_message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()> {
        run!(self, |connection| sqlx::query!(
            r#"INSERT INTO charge_station_trigger_message (charge_station_id, trigger_message, trigger_status, send_after)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (charge_station_id) DO UPDATE
               SET trigger_message = excluded.trigger_message, trigger_status = excluded.trigger_status,
                   send_after = excluded.send_after"#,
            charge_station_id,
            trigger_message.trigger_message.as_str(),
            trigger_message.trigger_status.as_str(),
            trigger_message.send_after,
        )
        .execute(connection))
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn delete_charge_station_trigger_message(&self, charge_station_id: &str) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!("DELETE FROM charge_station_trigger_message WHERE charge_station_id = $1", charge_station_id)
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
        let row = read!(self, |connection| {
            sqlx::query_as!(
                TriggerRow,
                r#"SELECT charge_station_id, trigger_message, trigger_status, send_after
               FROM charge_station_trigger_message WHERE charge_station_id = $1"#,
                charge_station_id,
            )
            .fetch_optional(connection)
        })
        .await
        .map_err(map)?;
        row.map(rows::trigger).transpose()
    }

    async fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>> {
        let rows = read!(self, |connection| {
            sqlx::query_as!(
                TriggerRow,
                r#"SELECT charge_station_id, trigger_message, trigger_status, send_after
               FROM charge_station_trigger_message
               WHERE charge_station_id > $1 ORDER BY charge_station_id LIMIT $2"#,
                previous_charge_station_id,
                sql_count(page_size),
            )
            .fetch_all(connection)
        })
        .await
        .map_err(map)?;
        rows.into_iter().map(rows::trigger).collect()
    }
}
