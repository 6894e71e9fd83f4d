//! The five charge-station stores.

use store_core::*;

use crate::MemoryStorage;
use crate::paging::keyset_page;

impl ChargeStationAuthStorage for MemoryStorage {
    async fn set_charge_station_auth(&self, charge_station_id: &str, auth: &ChargeStationAuth) -> StoreResult<()> {
        self.auth.insert(charge_station_id.to_owned(), auth.clone());
        Ok(())
    }

    async fn lookup_charge_station_auth(&self, charge_station_id: &str) -> StoreResult<Option<ChargeStationAuth>> {
        Ok(self.auth.get(charge_station_id).map(|auth| auth.clone()))
    }
}

fn settings_record(charge_station_id: &str, settings: &crate::SettingsMap) -> ChargeStationSettings {
    ChargeStationSettings { charge_station_id: charge_station_id.to_owned(), settings: settings.clone() }
}

impl ChargeStationSettingsStorage for MemoryStorage {
    async fn update_charge_station_settings(
        &self,
        charge_station_id: &str,
        settings: &ChargeStationSettings,
    ) -> StoreResult<()> {
        self.settings.write(charge_station_id.to_owned(), |entry| {
            let stored = entry.or_default();
            for (key, setting) in &settings.settings {
                stored.insert(key.clone(), setting.clone());
            }
        });
        Ok(())
    }

    async fn lookup_charge_station_settings(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationSettings>> {
        Ok(self.settings.get(charge_station_id).map(|stored| settings_record(charge_station_id, &stored)))
    }

    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>> {
        Ok(self.settings.scan(|rows| {
            keyset_page(rows, page_size, previous_charge_station_id, |id, stored| settings_record(id, stored))
        }))
    }

    async fn delete_charge_station_settings(&self, charge_station_id: &str) -> StoreResult<()> {
        self.settings.remove(charge_station_id);
        Ok(())
    }
}

impl ChargeStationRuntimeDetailsStorage for MemoryStorage {
    async fn set_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> StoreResult<()> {
        self.runtime_details.insert(charge_station_id.to_owned(), details.clone());
        Ok(())
    }

    async fn lookup_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationRuntimeDetails>> {
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

impl ChargeStationInstallCertificatesStorage for MemoryStorage {
    async fn update_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> StoreResult<()> {
        self.install_certificates.write(charge_station_id.to_owned(), |entry| {
            let stored = entry.or_default();
            for certificate in &certificates.certificates {
                let certificate = certificate.clone();
                match stored.iter_mut().find(|existing| existing.certificate_id == certificate.certificate_id) {
                    Some(existing) => *existing = certificate,
                    None => stored.push(certificate),
                }
            }
        });
        Ok(())
    }

    async fn lookup_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>> {
        Ok(self
            .install_certificates
            .get(charge_station_id)
            .map(|stored| install_certificates_record(charge_station_id, &stored)))
    }

    async fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
        Ok(self.install_certificates.scan(|rows| {
            keyset_page(rows, page_size, previous_charge_station_id, |id, stored| {
                install_certificates_record(id, stored)
            })
        }))
    }
}

impl ChargeStationTriggerMessageStorage for MemoryStorage {
    async fn set_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
        trigger_message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()> {
        // Stored under its key with the key as its id, so reads carry the key (R4).
        let stored =
            ChargeStationTriggerMessage { charge_station_id: charge_station_id.to_owned(), ..trigger_message.clone() };
        self.trigger_messages.insert(charge_station_id.to_owned(), stored);
        Ok(())
    }

    async fn delete_charge_station_trigger_message(&self, charge_station_id: &str) -> StoreResult<()> {
        self.trigger_messages.remove(charge_station_id);
        Ok(())
    }

    async fn lookup_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationTriggerMessage>> {
        Ok(self.trigger_messages.get(charge_station_id).map(|stored| stored.clone()))
    }

    async fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>> {
        Ok(self
            .trigger_messages
            .scan(|rows| keyset_page(rows, page_size, previous_charge_station_id, |_, stored| stored.clone())))
    }
}
