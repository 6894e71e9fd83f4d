//! The five charge-station stores.

use async_trait::async_trait;
use store_core::time::truncate_to_micros;
use store_core::validate::{self, argument};
use store_core::*;

use crate::MemoryStore;
use crate::paging::keyset_page;

#[async_trait]
impl ChargeStationAuthStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "set_charge_station_auth")
    )]
    async fn set_charge_station_auth(&self, charge_station_id: &str, auth: &ChargeStationAuth) -> StoreResult<()> {
        validate::charge_station_write(charge_station_id, "auth", auth)?;
        self.auth.insert(charge_station_id.to_owned(), auth.clone());
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "lookup_charge_station_auth")
    )]
    async fn lookup_charge_station_auth(&self, charge_station_id: &str) -> StoreResult<Option<ChargeStationAuth>> {
        argument("charge_station_id", charge_station_id)?;
        Ok(self.auth.get(charge_station_id).map(|auth| auth.clone()))
    }
}

fn stored_setting(setting: &ChargeStationSetting) -> ChargeStationSetting {
    ChargeStationSetting { send_after: setting.send_after.map(truncate_to_micros), ..setting.clone() }
}

fn settings_record(charge_station_id: &str, settings: &crate::SettingsMap) -> ChargeStationSettings {
    ChargeStationSettings { charge_station_id: charge_station_id.to_owned(), settings: settings.clone() }
}

#[async_trait]
impl ChargeStationSettingsStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "update_charge_station_settings")
    )]
    async fn update_charge_station_settings(
        &self,
        charge_station_id: &str,
        settings: &ChargeStationSettings,
    ) -> StoreResult<()> {
        validate::charge_station_write(charge_station_id, "settings", settings)?;
        // The entry guard holds the shard lock, so concurrent merges into one station serialise.
        let mut stored = self.settings.entry(charge_station_id.to_owned()).or_default();
        for (key, setting) in &settings.settings {
            stored.insert(key.clone(), stored_setting(setting));
        }
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "lookup_charge_station_settings")
    )]
    async fn lookup_charge_station_settings(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationSettings>> {
        argument("charge_station_id", charge_station_id)?;
        Ok(self.settings.get(charge_station_id).map(|stored| settings_record(charge_station_id, &stored)))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "list_charge_station_settings")
    )]
    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>> {
        argument("previous_charge_station_id", previous_charge_station_id)?;
        Ok(keyset_page(&self.settings, page_size, previous_charge_station_id, |id, stored| settings_record(id, stored)))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "delete_charge_station_settings")
    )]
    async fn delete_charge_station_settings(&self, charge_station_id: &str) -> StoreResult<()> {
        argument("charge_station_id", charge_station_id)?;
        self.settings.remove(charge_station_id);
        Ok(())
    }
}

#[async_trait]
impl ChargeStationRuntimeDetailsStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "set_charge_station_runtime_details")
    )]
    async fn set_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> StoreResult<()> {
        validate::charge_station_write(charge_station_id, "details", details)?;
        self.runtime_details.insert(charge_station_id.to_owned(), details.clone());
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "lookup_charge_station_runtime_details")
    )]
    async fn lookup_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationRuntimeDetails>> {
        argument("charge_station_id", charge_station_id)?;
        Ok(self.runtime_details.get(charge_station_id).map(|details| details.clone()))
    }
}

fn install_certificates_record(
    charge_station_id: &str,
    certificates: &[ChargeStationInstallCertificate],
) -> ChargeStationInstallCertificates {
    ChargeStationInstallCertificates {
        charge_station_id: charge_station_id.to_owned(),
        certificates: certificates.to_vec(),
    }
}

#[async_trait]
impl ChargeStationInstallCertificatesStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "update_charge_station_install_certificates")
    )]
    async fn update_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> StoreResult<()> {
        validate::charge_station_write(charge_station_id, "certificates", certificates)?;
        let mut stored = self.install_certificates.entry(charge_station_id.to_owned()).or_default();
        for certificate in &certificates.certificates {
            let certificate = ChargeStationInstallCertificate {
                send_after: certificate.send_after.map(truncate_to_micros),
                ..certificate.clone()
            };
            match stored.iter_mut().find(|existing| existing.certificate_id == certificate.certificate_id) {
                Some(existing) => *existing = certificate,
                None => stored.push(certificate),
            }
        }
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "lookup_charge_station_install_certificates")
    )]
    async fn lookup_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>> {
        argument("charge_station_id", charge_station_id)?;
        Ok(self
            .install_certificates
            .get(charge_station_id)
            .map(|stored| install_certificates_record(charge_station_id, &stored)))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "list_charge_station_install_certificates")
    )]
    async fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
        argument("previous_charge_station_id", previous_charge_station_id)?;
        Ok(keyset_page(&self.install_certificates, page_size, previous_charge_station_id, |id, stored| {
            install_certificates_record(id, stored)
        }))
    }
}

#[async_trait]
impl ChargeStationTriggerMessageStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "set_charge_station_trigger_message")
    )]
    async fn set_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
        trigger_message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()> {
        validate::charge_station_write(charge_station_id, "trigger_message", trigger_message)?;
        // Stored under its key with the key as its id, so reads carry the key (R4).
        let stored = ChargeStationTriggerMessage {
            charge_station_id: charge_station_id.to_owned(),
            send_after: trigger_message.send_after.map(truncate_to_micros),
            ..trigger_message.clone()
        };
        self.trigger_messages.insert(charge_station_id.to_owned(), stored);
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "delete_charge_station_trigger_message")
    )]
    async fn delete_charge_station_trigger_message(&self, charge_station_id: &str) -> StoreResult<()> {
        argument("charge_station_id", charge_station_id)?;
        self.trigger_messages.remove(charge_station_id);
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "lookup_charge_station_trigger_message")
    )]
    async fn lookup_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationTriggerMessage>> {
        argument("charge_station_id", charge_station_id)?;
        Ok(self.trigger_messages.get(charge_station_id).map(|stored| stored.clone()))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "list_charge_station_trigger_messages")
    )]
    async fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>> {
        argument("previous_charge_station_id", previous_charge_station_id)?;
        Ok(keyset_page(&self.trigger_messages, page_size, previous_charge_station_id, |_, stored| stored.clone()))
    }
}
