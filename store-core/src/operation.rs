//! Every store call by name: one variant per trait method, used for tracing spans, error
//! context and metrics, so no backend types an operation name by hand.

macro_rules! operations {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// One store call, named after its trait method.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            $($variant),*
        }

        impl Operation {
            /// Every operation, in declaration order (the order of [`Operation::index`]).
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// The trait method's name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Operation::$variant => $name),*
                }
            }
        }
    };
}

operations! {
    SetChargeStationAuth => "set_charge_station_auth",
    LookupChargeStationAuth => "lookup_charge_station_auth",
    UpdateChargeStationSettings => "update_charge_station_settings",
    LookupChargeStationSettings => "lookup_charge_station_settings",
    ListChargeStationSettings => "list_charge_station_settings",
    DeleteChargeStationSettings => "delete_charge_station_settings",
    SetChargeStationRuntimeDetails => "set_charge_station_runtime_details",
    LookupChargeStationRuntimeDetails => "lookup_charge_station_runtime_details",
    UpdateChargeStationInstallCertificates => "update_charge_station_install_certificates",
    LookupChargeStationInstallCertificates => "lookup_charge_station_install_certificates",
    ListChargeStationInstallCertificates => "list_charge_station_install_certificates",
    SetChargeStationTriggerMessage => "set_charge_station_trigger_message",
    DeleteChargeStationTriggerMessage => "delete_charge_station_trigger_message",
    LookupChargeStationTriggerMessage => "lookup_charge_station_trigger_message",
    ListChargeStationTriggerMessages => "list_charge_station_trigger_messages",
    SetToken => "set_token",
    LookupToken => "lookup_token",
    ListTokens => "list_tokens",
    Transactions => "transactions",
    FindTransaction => "find_transaction",
    CreateTransaction => "create_transaction",
    UpdateTransaction => "update_transaction",
    EndTransaction => "end_transaction",
    PruneEndedTransactions => "prune_ended_transactions",
    SetCertificate => "set_certificate",
    LookupCertificate => "lookup_certificate",
    DeleteCertificate => "delete_certificate",
    SetRegistrationDetails => "set_registration_details",
    GetRegistrationDetails => "get_registration_details",
    DeleteRegistrationDetails => "delete_registration_details",
    SetPartyDetails => "set_party_details",
    GetPartyDetails => "get_party_details",
    ListPartyDetailsForRole => "list_party_details_for_role",
    SetLocation => "set_location",
    LookupLocation => "lookup_location",
    ListLocations => "list_locations",
    ExportRecords => "export_records",
    ImportRecord => "import_record",
}

impl Operation {
    /// The position of this operation in [`Operation::ALL`], for per-operation tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the key of this call is a credential (an OCPI registration token), which must
    /// never appear in an error message or a log line.
    pub fn key_is_secret(self) -> bool {
        matches!(
            self,
            Operation::SetRegistrationDetails
                | Operation::GetRegistrationDetails
                | Operation::DeleteRegistrationDetails
        )
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_distinct_name_and_its_own_index() {
        let mut names: Vec<_> = Operation::ALL.iter().map(|op| op.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Operation::ALL.len());
        for (position, op) in Operation::ALL.iter().enumerate() {
            assert_eq!(op.index(), position);
        }
    }
}
