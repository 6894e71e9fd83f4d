//! Deliberately broken backends: the memory backend wrapped so that each breaks one clause of
//! the contract the way real ports have. The suite must kill every one of them; a mutant that
//! survives means a clause is not really tested.

use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use chrono::{DateTime, TimeZone, Utc};
use dashmap::DashMap;
use store_core::*;

use crate::backend::{Backend, Instance};
use crate::linearizability::{HistoryOptions, run_histories};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    /// Settings update replaces the whole record instead of merging per key.
    SettingsReplacedNotMerged,
    /// An update with several meter values drops the last one.
    AppendedMeterValueDropped,
    /// Settings pages come in reverse order.
    ListOrderReversed,
    /// The list cursor is inclusive: the cursor's own record starts the next page.
    CursorInclusive,
    /// A missing cursor restarts from the first record (upstream's in-memory store).
    CursorRestartsWhenMissing,
    /// NUL characters in tokens are silently dropped instead of rejected.
    NulCheckSkipped,
    /// Ending an existing transaction overwrites its id token and type.
    EndOverwritesIdToken,
    /// Certificates are keyed with padded base64url.
    CertificateKeyPadded,
    /// Updating an existing transaction does not increment the counter.
    UpdateCounterNotIncremented,
    /// Token lookups hand out one shared snapshot per uid, so later writes are not seen.
    ReturnedValueAliased,
    /// Trigger messages are read back with an empty station id.
    TriggerStationIdLeftEmpty,
    /// Updating a missing transaction does nothing instead of creating it.
    TransactionNotUpserted,
    /// Token list ignores the offset.
    TokenOffsetIgnored,
    /// Token last_updated comes from the wall clock, not the injected clock.
    LastUpdatedFromWallClock,
    /// Meter values lose their sign bit on zero (`-0.0` becomes `0.0`).
    NegativeZeroCanonicalised,
    /// A settings merge is followed by a rewrite of the record from a read of it (delete, then
    /// merge what was read), with no lock held between: a concurrent merge's keys can be lost
    /// and readers can see the record vanish.
    MergeReadsThenWrites,
    /// A settings list reads its page, then each record again one by one: the page mixes
    /// records from different moments.
    ListWithoutConsistentView,
    /// A prune ignores its instant: every ended transaction goes, however recently it ended.
    PruneIgnoresCutoff,
    /// A prune deletes nothing and says so.
    PruneSkipped,
    /// An export leaves out when each transaction ended.
    ExportDropsEndedAt,
    /// An import stores tokens through `set_token`, which stamps them with the store's clock
    /// instead of keeping the `last_updated` they were exported with.
    ImportStampsLastUpdated,
}

impl Mutation {
    pub const ALL: [Mutation; 21] = [
        Mutation::SettingsReplacedNotMerged,
        Mutation::AppendedMeterValueDropped,
        Mutation::ListOrderReversed,
        Mutation::CursorInclusive,
        Mutation::CursorRestartsWhenMissing,
        Mutation::NulCheckSkipped,
        Mutation::EndOverwritesIdToken,
        Mutation::CertificateKeyPadded,
        Mutation::UpdateCounterNotIncremented,
        Mutation::ReturnedValueAliased,
        Mutation::TriggerStationIdLeftEmpty,
        Mutation::TransactionNotUpserted,
        Mutation::TokenOffsetIgnored,
        Mutation::LastUpdatedFromWallClock,
        Mutation::NegativeZeroCanonicalised,
        Mutation::MergeReadsThenWrites,
        Mutation::ListWithoutConsistentView,
        Mutation::PruneIgnoresCutoff,
        Mutation::PruneSkipped,
        Mutation::ExportDropsEndedAt,
        Mutation::ImportStampsLastUpdated,
    ];

    /// Whether the mutation only shows under concurrent calls: each call alone is correct,
    /// so only the linearizability check is expected to kill it.
    pub fn is_concurrency_bug(self) -> bool {
        matches!(self, Mutation::MergeReadsThenWrites | Mutation::ListWithoutConsistentView)
    }
}

/// How long the concurrency mutants pause between the steps that should have been one: a
/// slow backend's window, so that the check has overlapping calls to catch on every backend.
/// The model test runs every call of these mutants too (it must pass them), so a longer pause
/// than needed costs minutes there.
const MUTANT_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);

/// `ListWithoutConsistentView`'s pause before each reread. Its failure needs writes to land
/// between reading the page and rereading a record, or between two rereads: on memory the
/// first window is the one that catches (its writes take microseconds, so they must fall into
/// a pause right after the page is read); on PostgreSQL the second, where one task's two
/// writes must both fit. At 5 ms, with three busy cores beside it, the check on PostgreSQL
/// first failed at history 420 of its fixed seed (and it survived CI's 300); at 20 ms within
/// the first 60, loaded or not.
const REREAD_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// A backend whose engines are `base`'s engines broken by one mutation.
#[derive(Clone)]
pub struct MutantBackend {
    pub mutation: Mutation,
    pub base: Arc<dyn Backend>,
}

impl std::fmt::Debug for MutantBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[async_trait]
impl Backend for MutantBackend {
    fn name(&self) -> String {
        format!("{} with mutation {:?}", self.base.name(), self.mutation)
    }

    async fn instance(&self, clock: Arc<dyn Clock>) -> Result<Instance, String> {
        let clock = if self.mutation == Mutation::LastUpdatedFromWallClock { Arc::new(SystemClock) } else { clock };
        let base = self.base.instance(clock).await?;
        let export =
            Arc::new(MutantExport { mutation: self.mutation, inner: base.export, engine: base.engine.clone() });
        let engine = Arc::new(Mutant {
            mutation: self.mutation,
            inner: base.engine,
            token_snapshots: DashMap::new(),
            padded_certificates: DashMap::new(),
        });
        let retention = Arc::new(MutantRetention { mutation: self.mutation, inner: base.retention });
        Ok(Instance { engine, retention, export, teardown: base.teardown })
    }
}

/// The export capability, broken by the export and import mutations.
struct MutantExport {
    mutation: Mutation,
    inner: Arc<dyn ExportImport>,
    engine: Arc<dyn Engine>,
}

#[async_trait]
impl ExportImport for MutantExport {
    fn source_name(&self) -> &'static str {
        self.inner.source_name()
    }

    async fn export_page(&self, kind: RecordKind, after: Option<&Record>, limit: usize) -> StoreResult<Vec<Record>> {
        let mut page = self.inner.export_page(kind, after, limit).await?;
        if self.mutation == Mutation::ExportDropsEndedAt {
            for record in &mut page {
                if let Record::Transaction { ended_at, .. } = record {
                    *ended_at = None;
                }
            }
        }
        Ok(page)
    }

    async fn import_record(&self, record: &Record) -> StoreResult<()> {
        match record {
            Record::Token(token) if self.mutation == Mutation::ImportStampsLastUpdated => {
                self.engine.set_token(token).await
            }
            _ => self.inner.import_record(record).await,
        }
    }
}

/// The retention capability, broken by the prune mutations (and untouched by the others).
struct MutantRetention {
    mutation: Mutation,
    inner: Arc<dyn TransactionRetention>,
}

#[async_trait]
impl TransactionRetention for MutantRetention {
    async fn prune_ended_transactions_batch(&self, ended_before: DateTime<Utc>, limit: usize) -> StoreResult<Pruned> {
        match self.mutation {
            Mutation::PruneIgnoresCutoff => {
                let last_storable = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).single().expect("a valid instant");
                self.inner.prune_ended_transactions_batch(last_storable, limit).await
            }
            Mutation::PruneSkipped => Ok(Pruned::default()),
            _ => self.inner.prune_ended_transactions_batch(ended_before, limit).await,
        }
    }
}

#[derive(Debug)]
pub struct Mutant {
    mutation: Mutation,
    inner: Arc<dyn Engine>,
    token_snapshots: DashMap<String, Option<Token>>,
    padded_certificates: DashMap<String, String>,
}

impl Mutant {
    fn is(&self, mutation: Mutation) -> bool {
        self.mutation == mutation
    }
}

#[async_trait]
impl ChargeStationAuthStore for Mutant {
    async fn set_charge_station_auth(&self, cs: &str, auth: &ChargeStationAuth) -> StoreResult<()> {
        self.inner.set_charge_station_auth(cs, auth).await
    }
    async fn lookup_charge_station_auth(&self, cs: &str) -> StoreResult<Option<ChargeStationAuth>> {
        self.inner.lookup_charge_station_auth(cs).await
    }
}

#[async_trait]
impl ChargeStationSettingsStore for Mutant {
    async fn update_charge_station_settings(&self, cs: &str, settings: &ChargeStationSettings) -> StoreResult<()> {
        if self.is(Mutation::SettingsReplacedNotMerged) {
            self.inner.delete_charge_station_settings(cs).await?;
        }
        if self.is(Mutation::MergeReadsThenWrites) {
            // Merged correctly, then rewritten from a read: alone, the rewrite changes nothing.
            self.inner.update_charge_station_settings(cs, settings).await?;
            let Some(read) = self.inner.lookup_charge_station_settings(cs).await? else { return Ok(()) };
            tokio::time::sleep(MUTANT_PAUSE).await;
            self.inner.delete_charge_station_settings(cs).await?;
            tokio::time::sleep(MUTANT_PAUSE).await;
            return self.inner.update_charge_station_settings(cs, &read).await;
        }
        self.inner.update_charge_station_settings(cs, settings).await
    }
    async fn lookup_charge_station_settings(&self, cs: &str) -> StoreResult<Option<ChargeStationSettings>> {
        self.inner.lookup_charge_station_settings(cs).await
    }
    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        after: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>> {
        let mut page = self.inner.list_charge_station_settings(page_size, after).await?;
        match self.mutation {
            Mutation::ListOrderReversed => page.reverse(),
            Mutation::CursorInclusive => {
                if let Some(cursor) = self.inner.lookup_charge_station_settings(after).await? {
                    page.insert(0, cursor);
                    page.truncate(page_size);
                }
            }
            Mutation::CursorRestartsWhenMissing
                if !after.is_empty() && self.inner.lookup_charge_station_settings(after).await?.is_none() =>
            {
                page = self.inner.list_charge_station_settings(page_size, "").await?;
            }
            Mutation::ListWithoutConsistentView => {
                let mut reread = Vec::with_capacity(page.len());
                for record in &page {
                    tokio::time::sleep(REREAD_PAUSE).await;
                    reread.extend(self.inner.lookup_charge_station_settings(&record.charge_station_id).await?);
                }
                page = reread;
            }
            _ => {}
        }
        Ok(page)
    }
    async fn delete_charge_station_settings(&self, cs: &str) -> StoreResult<()> {
        self.inner.delete_charge_station_settings(cs).await
    }
}

#[async_trait]
impl ChargeStationRuntimeDetailsStore for Mutant {
    async fn set_charge_station_runtime_details(
        &self,
        cs: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> StoreResult<()> {
        self.inner.set_charge_station_runtime_details(cs, details).await
    }
    async fn lookup_charge_station_runtime_details(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationRuntimeDetails>> {
        self.inner.lookup_charge_station_runtime_details(cs).await
    }
}

#[async_trait]
impl ChargeStationInstallCertificatesStore for Mutant {
    async fn update_charge_station_install_certificates(
        &self,
        cs: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> StoreResult<()> {
        self.inner.update_charge_station_install_certificates(cs, certificates).await
    }
    async fn lookup_charge_station_install_certificates(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>> {
        self.inner.lookup_charge_station_install_certificates(cs).await
    }
    async fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        after: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
        self.inner.list_charge_station_install_certificates(page_size, after).await
    }
}

fn without_station_id(mut message: ChargeStationTriggerMessage) -> ChargeStationTriggerMessage {
    message.charge_station_id.clear();
    message
}

#[async_trait]
impl ChargeStationTriggerMessageStore for Mutant {
    async fn set_charge_station_trigger_message(
        &self,
        cs: &str,
        message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()> {
        self.inner.set_charge_station_trigger_message(cs, message).await
    }
    async fn delete_charge_station_trigger_message(&self, cs: &str) -> StoreResult<()> {
        self.inner.delete_charge_station_trigger_message(cs).await
    }
    async fn lookup_charge_station_trigger_message(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationTriggerMessage>> {
        let found = self.inner.lookup_charge_station_trigger_message(cs).await?;
        Ok(if self.is(Mutation::TriggerStationIdLeftEmpty) { found.map(without_station_id) } else { found })
    }
    async fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        after: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>> {
        let page = self.inner.list_charge_station_trigger_messages(page_size, after).await?;
        Ok(if self.is(Mutation::TriggerStationIdLeftEmpty) {
            page.into_iter().map(without_station_id).collect()
        } else {
            page
        })
    }
}

fn strip_nul(text: &str) -> String {
    text.replace('\0', "")
}

#[async_trait]
impl TokenStore for Mutant {
    async fn set_token(&self, token: &Token) -> StoreResult<()> {
        if self.is(Mutation::NulCheckSkipped) {
            let mut cleaned = token.clone();
            for field in [&mut cleaned.uid, &mut cleaned.country_code, &mut cleaned.party_id, &mut cleaned.contract_id]
            {
                *field = strip_nul(field);
            }
            cleaned.group_id = cleaned.group_id.as_deref().map(strip_nul);
            return self.inner.set_token(&cleaned).await;
        }
        self.inner.set_token(token).await
    }
    async fn lookup_token(&self, uid: &str) -> StoreResult<Option<Token>> {
        if self.is(Mutation::ReturnedValueAliased) {
            if let Some(snapshot) = self.token_snapshots.get(uid) {
                return Ok(snapshot.clone());
            }
            let found = self.inner.lookup_token(uid).await?;
            self.token_snapshots.insert(uid.to_owned(), found.clone());
            return Ok(found);
        }
        self.inner.lookup_token(uid).await
    }
    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>> {
        let offset = if self.is(Mutation::TokenOffsetIgnored) { 0 } else { offset };
        self.inner.list_tokens(offset, limit).await
    }
}

fn canonical_zero(meter_values: &[MeterValue]) -> Vec<MeterValue> {
    let mut values = meter_values.to_vec();
    for sampled in values.iter_mut().flat_map(|mv| mv.sampled_values.iter_mut()) {
        if sampled.value == 0.0 {
            sampled.value = 0.0;
        }
    }
    values
}

#[async_trait]
impl TransactionStore for Mutant {
    async fn transactions(&self) -> StoreResult<Vec<Transaction>> {
        self.inner.transactions().await
    }
    async fn find_transaction(&self, cs: &str, tx: &str) -> StoreResult<Option<Transaction>> {
        self.inner.find_transaction(cs, tx).await
    }
    async fn create_transaction(
        &self,
        cs: &str,
        tx: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
        offline: bool,
    ) -> StoreResult<()> {
        self.inner.create_transaction(cs, tx, id_token, token_type, meter_values, seq_no, offline).await
    }
    async fn update_transaction(&self, cs: &str, tx: &str, meter_values: &[MeterValue]) -> StoreResult<()> {
        match self.mutation {
            Mutation::AppendedMeterValueDropped if meter_values.len() > 1 => {
                self.inner.update_transaction(cs, tx, &meter_values[..meter_values.len() - 1]).await
            }
            Mutation::NegativeZeroCanonicalised => {
                self.inner.update_transaction(cs, tx, &canonical_zero(meter_values)).await
            }
            Mutation::UpdateCounterNotIncremented => {
                match self.inner.find_transaction(cs, tx).await? {
                    // `end` appends without counting; re-applying the stored ended seq keeps it.
                    Some(existing) => {
                        self.inner.end_transaction(cs, tx, "", "", meter_values, existing.ended_seq_no).await
                    }
                    None => self.inner.update_transaction(cs, tx, meter_values).await,
                }
            }
            Mutation::TransactionNotUpserted => match self.inner.find_transaction(cs, tx).await? {
                Some(_) => self.inner.update_transaction(cs, tx, meter_values).await,
                None => Ok(()),
            },
            _ => self.inner.update_transaction(cs, tx, meter_values).await,
        }
    }
    async fn end_transaction(
        &self,
        cs: &str,
        tx: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
    ) -> StoreResult<()> {
        let existing = self.inner.find_transaction(cs, tx).await?;
        self.inner.end_transaction(cs, tx, id_token, token_type, meter_values, seq_no).await?;
        if let (Mutation::EndOverwritesIdToken, Some(existing)) = (self.mutation, existing) {
            self.inner
                .create_transaction(cs, tx, id_token, token_type, &[], existing.start_seq_no, existing.offline)
                .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl CertificateStore for Mutant {
    async fn set_certificate(&self, pem: &str) -> StoreResult<()> {
        if self.is(Mutation::CertificateKeyPadded) {
            let key = certificate_key(pem)?;
            let padded =
                URL_SAFE.encode(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(key).unwrap_or_default());
            self.padded_certificates.insert(padded, pem.to_owned());
            return Ok(());
        }
        self.inner.set_certificate(pem).await
    }
    async fn lookup_certificate(&self, hash: &str) -> StoreResult<Option<String>> {
        if self.is(Mutation::CertificateKeyPadded) {
            return Ok(self.padded_certificates.get(hash).map(|pem| pem.clone()));
        }
        self.inner.lookup_certificate(hash).await
    }
    async fn delete_certificate(&self, hash: &str) -> StoreResult<()> {
        self.padded_certificates.remove(hash);
        self.inner.delete_certificate(hash).await
    }
}

#[async_trait]
impl OcpiStore for Mutant {
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()> {
        self.inner.set_registration_details(token, registration).await
    }
    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>> {
        self.inner.get_registration_details(token).await
    }
    async fn delete_registration_details(&self, token: &str) -> StoreResult<()> {
        self.inner.delete_registration_details(token).await
    }
    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()> {
        self.inner.set_party_details(party).await
    }
    async fn get_party_details(
        &self,
        role: &str,
        country_code: &str,
        party_id: &str,
    ) -> StoreResult<Option<OcpiParty>> {
        self.inner.get_party_details(role, country_code, party_id).await
    }
    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>> {
        self.inner.list_party_details_for_role(role).await
    }
}

#[async_trait]
impl LocationStore for Mutant {
    async fn set_location(&self, location: &Location) -> StoreResult<()> {
        self.inner.set_location(location).await
    }
    async fn lookup_location(&self, id: &str) -> StoreResult<Option<Location>> {
        self.inner.lookup_location(id).await
    }
    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>> {
        self.inner.list_locations(offset, limit).await
    }
}

/// Which part of the suite killed a mutant, if any.
#[derive(Debug, Clone)]
pub struct MutantVerdict {
    pub mutation: Mutation,
    /// The first scenario that failed, with its failure.
    pub killed_by_scenario: Option<(&'static str, String)>,
    /// Whether the model-based test failed on it.
    pub killed_by_model: bool,
    /// Whether the linearizability check failed on it (run for concurrency mutants only).
    pub killed_by_linearizability: bool,
}

impl MutantVerdict {
    /// Whether the parts of the suite that test the mutant's clause killed it: a sequential
    /// mutant both a named scenario and the model test; a concurrency mutant (each call alone
    /// correct) the linearizability check, while the sequential model test passes it (the
    /// concurrency scenarios may kill it too, or not: their races are timing's to win).
    pub fn killed_as_expected(&self) -> bool {
        if self.mutation.is_concurrency_bug() {
            self.killed_by_linearizability && !self.killed_by_model
        } else {
            self.killed_by_scenario.is_some() && self.killed_by_model
        }
    }
}

/// Model cases to run against `mutation`. On a concurrency mutant the model test is expected
/// to pass (each call alone is correct) and only confirms that; every one of its calls pauses,
/// so the full budget there would cost minutes and kill nothing. 32 cases confirm it: 100 made
/// MergeReadsThenWrites the longest judgement in CI (65 s through PgBouncer).
fn model_cases_for(mutation: Mutation, model_cases: u32) -> u32 {
    const CONCURRENCY_MUTANT_MODEL_CASES: u32 = 32;
    if mutation.is_concurrency_bug() { model_cases.min(CONCURRENCY_MUTANT_MODEL_CASES) } else { model_cases }
}

/// Runs every scenario and `model_cases` model cases (fewer on concurrency mutations, see
/// [`model_cases_for`]) against each mutation of `base`, and
/// `histories` concurrent histories against each concurrency mutation (all from fixed seeds,
/// so verdicts repeat as far as timing allows).
pub async fn judge_mutants(base: Arc<dyn Backend>, model_cases: u32, histories: u32) -> Vec<MutantVerdict> {
    let mut verdicts = Vec::new();
    for mutation in Mutation::ALL {
        let backend: Arc<dyn Backend> = Arc::new(MutantBackend { mutation, base: base.clone() });
        let started = std::time::Instant::now();
        let report = crate::run_all_scenarios(backend.clone(), true).await;
        let options = crate::model::RunOptions {
            persist_failures: false,
            deterministic: true,
            shrink: false,
            ..crate::model::RunOptions::new(model_cases_for(mutation, model_cases))
        };
        let model = crate::model::run_model(backend.clone(), options).await;
        let killed_by_model = model.is_err();
        if let Err(failure) = &model {
            // The budget a mutant needs, measured: the case that first failed.
            let case = failure.split("(first failing case: ").nth(1).and_then(|rest| rest.split(')').next());
            eprintln!("conformance: {}: model test kills {mutation:?} at case {}", base.name(), case.unwrap_or("?"));
        }
        let killed_by_linearizability = mutation.is_concurrency_bug() && {
            let options = HistoryOptions {
                persist_failures: false,
                deterministic: true,
                shrink: false,
                ..HistoryOptions::new(histories)
            };
            match run_histories(backend, options).await {
                Ok(_) => false,
                Err(failure) => {
                    let history = failure.split("number ").nth(1).and_then(|rest| rest.split(' ').next());
                    eprintln!(
                        "conformance: {}: linearizability kills {mutation:?} at history {}",
                        base.name(),
                        history.unwrap_or("?")
                    );
                    true
                }
            }
        };
        eprintln!("conformance: {}: {mutation:?} judged in {:.1} s", base.name(), started.elapsed().as_secs_f64());
        verdicts.push(MutantVerdict {
            mutation,
            killed_by_scenario: report.failed.into_iter().next().map(|(name, failure)| (name, failure.0)),
            killed_by_model,
            killed_by_linearizability,
        });
    }
    verdicts
}
