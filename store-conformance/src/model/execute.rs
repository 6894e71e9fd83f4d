//! Applies an [`Op`] to a real engine.

use chrono::Duration;
use store_core::{Clock, Engine, StoreResult, TestClock, TransactionRetention};

use super::op::{Observed, Op};

fn observe<T>(result: StoreResult<T>, wrap: impl FnOnce(T) -> Observed) -> Observed {
    match result {
        Ok(value) => wrap(value),
        Err(err) => Observed::Failed(err.kind()),
    }
}

fn done(result: StoreResult<()>) -> Observed {
    observe(result, |()| Observed::Done)
}

/// Runs `op` on `engine` (or its `retention`); `clock` is the engine's test clock.
pub async fn execute(
    engine: &dyn Engine,
    retention: &dyn TransactionRetention,
    clock: &TestClock,
    op: &Op,
) -> Observed {
    use Observed as O;
    match op {
        Op::AdvanceClock { millis } => {
            clock.advance(Duration::milliseconds(*millis));
            O::Done
        }
        Op::SetAuth { cs, auth } => done(engine.set_charge_station_auth(cs, auth).await),
        Op::LookupAuth { cs } => observe(engine.lookup_charge_station_auth(cs).await, O::Auth),
        Op::UpdateSettings { cs, settings } => done(engine.update_charge_station_settings(cs, settings).await),
        Op::LookupSettings { cs } => observe(engine.lookup_charge_station_settings(cs).await, O::Settings),
        Op::ListSettings { page_size, after } => {
            observe(engine.list_charge_station_settings(*page_size, after).await, O::SettingsPage)
        }
        Op::DeleteSettings { cs } => done(engine.delete_charge_station_settings(cs).await),
        Op::SetRuntimeDetails { cs, details } => done(engine.set_charge_station_runtime_details(cs, details).await),
        Op::LookupRuntimeDetails { cs } => {
            observe(engine.lookup_charge_station_runtime_details(cs).await, O::RuntimeDetails)
        }
        Op::UpdateInstallCertificates { cs, certificates } => {
            done(engine.update_charge_station_install_certificates(cs, certificates).await)
        }
        Op::LookupInstallCertificates { cs } => {
            observe(engine.lookup_charge_station_install_certificates(cs).await, O::InstallCertificates)
        }
        Op::ListInstallCertificates { page_size, after } => observe(
            engine.list_charge_station_install_certificates(*page_size, after).await,
            O::InstallCertificatesPage,
        ),
        Op::SetTrigger { cs, trigger } => done(engine.set_charge_station_trigger_message(cs, trigger).await),
        Op::DeleteTrigger { cs } => done(engine.delete_charge_station_trigger_message(cs).await),
        Op::LookupTrigger { cs } => observe(engine.lookup_charge_station_trigger_message(cs).await, O::Trigger),
        Op::ListTriggers { page_size, after } => {
            observe(engine.list_charge_station_trigger_messages(*page_size, after).await, O::TriggerPage)
        }
        Op::SetToken { token } => done(engine.set_token(token).await),
        Op::LookupToken { uid } => observe(engine.lookup_token(uid).await, O::Token),
        Op::ListTokens { offset, limit } => observe(engine.list_tokens(*offset, *limit).await, O::Tokens),
        Op::Transactions => observe(engine.transactions().await, O::Transactions),
        Op::FindTransaction { cs, tx } => observe(engine.find_transaction(cs, tx).await, O::Transaction),
        Op::CreateTransaction { cs, tx, id_token, token_type, meter_values, seq_no, offline } => {
            done(engine.create_transaction(cs, tx, id_token, token_type, meter_values, *seq_no, *offline).await)
        }
        Op::UpdateTransaction { cs, tx, meter_values } => done(engine.update_transaction(cs, tx, meter_values).await),
        Op::EndTransaction { cs, tx, id_token, token_type, meter_values, seq_no } => {
            done(engine.end_transaction(cs, tx, id_token, token_type, meter_values, *seq_no).await)
        }
        Op::SetCertificate { pem } => done(engine.set_certificate(pem).await),
        Op::LookupCertificate { hash } => observe(engine.lookup_certificate(hash).await, O::Certificate),
        Op::DeleteCertificate { hash } => done(engine.delete_certificate(hash).await),
        Op::SetRegistration { token, registration } => done(engine.set_registration_details(token, registration).await),
        Op::GetRegistration { token } => observe(engine.get_registration_details(token).await, O::Registration),
        Op::DeleteRegistration { token } => done(engine.delete_registration_details(token).await),
        Op::SetParty { party } => done(engine.set_party_details(party).await),
        Op::GetParty { role, country_code, party_id } => {
            observe(engine.get_party_details(role, country_code, party_id).await, O::Party)
        }
        Op::ListParties { role } => observe(engine.list_party_details_for_role(role).await, O::Parties),
        Op::SetLocation { location } => done(engine.set_location(location).await),
        Op::LookupLocation { id } => observe(engine.lookup_location(id).await, O::Location),
        Op::ListLocations { offset, limit } => observe(engine.list_locations(*offset, *limit).await, O::Locations),
        Op::PruneEndedTransactions { offset_millis } => {
            let ended_before = clock.now() + Duration::milliseconds(*offset_millis);
            observe(retention.prune_ended_transactions(ended_before).await, O::Pruned)
        }
    }
}
