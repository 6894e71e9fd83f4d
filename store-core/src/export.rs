//! Export and import (R12: a capability beside the contract, not part of [`Engine`](crate::Engine)):
//! every record of every store, as JSON Lines in a versioned format, read and written a page at
//! a time so memory stays flat whatever the size of the store.
//!
//! Format version 1, one JSON object per line:
//!
//! 1. a header: `{"format":"maeve-store-export","version":1,"source":"sqlite","exported_at":"…"}`;
//! 2. the records, each `{"<kind>":{…}}` with the kinds in [`RecordKind::ALL`]'s order and each
//!    kind's records in key order (byte order), e.g.
//!    `{"token":{"country_code":"GB",…,"last_updated":"2026-11-30T10:00:00Z"}}`;
//! 3. a trailer, `{"end":{"records":N}}`: a file without one was cut short.
//!
//! Store-generated fields travel with their record: a token's and a location's `last_updated`,
//! and a transaction's `ended_at` (the instant its first end was applied, which retention
//! measures from). A sampled value is a JSON number when finite and otherwise the 16 hex digits
//! of its IEEE 754 bits (`"7ff8000000000000"`), so NaN payloads, infinities and `-0.0` survive.

use std::io::{BufRead, Write};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::model::*;

/// The `format` of the header line.
pub const EXPORT_FORMAT: &str = "maeve-store-export";
/// The version this build writes, and the only one it reads.
pub const EXPORT_FORMAT_VERSION: u32 = 1;
/// Records read from the source per call while exporting or copying.
pub const EXPORT_PAGE_RECORDS: usize = 500;
/// Transactions per page: each carries its meter values (often a hundred or more), so pages
/// of them are kept to a few thousand values, and memory flat (a page of 500 held ~100 MiB).
pub const EXPORT_PAGE_TRANSACTIONS: usize = 20;

fn page_size(kind: RecordKind) -> usize {
    if kind == RecordKind::Transaction { EXPORT_PAGE_TRANSACTIONS } else { EXPORT_PAGE_RECORDS }
}

/// The first line of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportHeader {
    pub format: String,
    pub version: u32,
    /// The backend it was read from: `memory`, `postgres`, `sqlite`, `mysql`.
    pub source: String,
    pub exported_at: DateTime<Utc>,
}

/// One stored record, with every field its store keeps (store-generated ones included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    ChargeStationAuth { charge_station_id: String, auth: ChargeStationAuth },
    ChargeStationSettings(ChargeStationSettings),
    ChargeStationRuntimeDetails { charge_station_id: String, details: ChargeStationRuntimeDetails },
    ChargeStationInstallCertificates(ChargeStationInstallCertificates),
    ChargeStationTriggerMessage(ChargeStationTriggerMessage),
    Token(Token),
    Transaction { transaction: Transaction, ended_at: Option<DateTime<Utc>> },
    Certificate { certificate_hash: String, pem: String },
    OcpiRegistration { token: String, registration: OcpiRegistration },
    OcpiParty(OcpiParty),
    Location(Location),
}

/// Which store a record belongs to; [`RecordKind::ALL`] is the order of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    ChargeStationAuth,
    ChargeStationSettings,
    ChargeStationRuntimeDetails,
    ChargeStationInstallCertificates,
    ChargeStationTriggerMessage,
    Token,
    Transaction,
    Certificate,
    OcpiRegistration,
    OcpiParty,
    Location,
}

impl RecordKind {
    pub const ALL: [RecordKind; 11] = [
        RecordKind::ChargeStationAuth,
        RecordKind::ChargeStationSettings,
        RecordKind::ChargeStationRuntimeDetails,
        RecordKind::ChargeStationInstallCertificates,
        RecordKind::ChargeStationTriggerMessage,
        RecordKind::Token,
        RecordKind::Transaction,
        RecordKind::Certificate,
        RecordKind::OcpiRegistration,
        RecordKind::OcpiParty,
        RecordKind::Location,
    ];
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::ChargeStationAuth { .. } => RecordKind::ChargeStationAuth,
            Record::ChargeStationSettings(_) => RecordKind::ChargeStationSettings,
            Record::ChargeStationRuntimeDetails { .. } => RecordKind::ChargeStationRuntimeDetails,
            Record::ChargeStationInstallCertificates(_) => RecordKind::ChargeStationInstallCertificates,
            Record::ChargeStationTriggerMessage(_) => RecordKind::ChargeStationTriggerMessage,
            Record::Token(_) => RecordKind::Token,
            Record::Transaction { .. } => RecordKind::Transaction,
            Record::Certificate { .. } => RecordKind::Certificate,
            Record::OcpiRegistration { .. } => RecordKind::OcpiRegistration,
            Record::OcpiParty(_) => RecordKind::OcpiParty,
            Record::Location(_) => RecordKind::Location,
        }
    }

    /// The record's key within its kind, as up to three parts (unused parts empty); records of
    /// one kind sort by it.
    pub fn key(&self) -> [&str; 3] {
        match self {
            Record::ChargeStationAuth { charge_station_id, .. }
            | Record::ChargeStationRuntimeDetails { charge_station_id, .. } => [charge_station_id, "", ""],
            Record::ChargeStationSettings(settings) => [&settings.charge_station_id, "", ""],
            Record::ChargeStationInstallCertificates(certificates) => [&certificates.charge_station_id, "", ""],
            Record::ChargeStationTriggerMessage(message) => [&message.charge_station_id, "", ""],
            Record::Token(token) => [&token.uid, "", ""],
            Record::Transaction { transaction, .. } => {
                [&transaction.charge_station_id, &transaction.transaction_id, ""]
            }
            Record::Certificate { certificate_hash, .. } => [certificate_hash, "", ""],
            Record::OcpiRegistration { token, .. } => [token, "", ""],
            Record::OcpiParty(party) => [&party.role, &party.country_code, &party.party_id],
            Record::Location(location) => [&location.id, "", ""],
        }
    }

    /// How many records this line counts for in progress reports: a transaction counts
    /// itself and each of its meter values.
    pub fn weight(&self) -> u64 {
        match self {
            Record::Transaction { transaction, .. } => 1 + transaction.meter_values.len() as u64,
            _ => 1,
        }
    }
}

/// Reading every record out of a store and writing records into one.
#[async_trait]
pub trait ExportImport: Send + Sync {
    /// The backend's short name, for the export header.
    fn source_name(&self) -> &'static str;

    /// At most `limit` records of `kind` whose key sorts after `after`'s (from the first when
    /// `None`), in key order. Each page is read atomically; pages are not one snapshot, so an
    /// export taken while writers run shows each record as it was when its page was read.
    async fn export_page(&self, kind: RecordKind, after: Option<&Record>, limit: usize) -> StoreResult<Vec<Record>>;

    /// Stores `record` as it is, store-generated fields included, replacing any record with
    /// the same key (settings and install certificates merge by name and id, as their updates
    /// do). Checked like the write it stands for; an invalid record stores nothing.
    async fn import_record(&self, record: &Record) -> StoreResult<()>;
}

/// What an export, import or copy moved: lines (records) and weight (records plus meter values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    pub records: u64,
    pub weight: u64,
}

impl Moved {
    fn add(&mut self, record: &Record) {
        self.records += 1;
        self.weight += record.weight();
    }
}

/// Every record of a source, page by page: kind by kind, each in key order.
#[allow(missing_debug_implementations)]
pub struct Pages<'a> {
    source: &'a dyn ExportImport,
    kinds: std::slice::Iter<'static, RecordKind>,
    kind: Option<RecordKind>,
    after: Option<Record>,
}

impl<'a> Pages<'a> {
    pub fn new(source: &'a dyn ExportImport) -> Self {
        let mut kinds = RecordKind::ALL.iter();
        let kind = kinds.next().copied();
        Pages { source, kinds, kind, after: None }
    }

    /// The next non-empty page, or `None` when every kind has been read.
    pub async fn next_page(&mut self) -> StoreResult<Option<Vec<Record>>> {
        while let Some(kind) = self.kind {
            let limit = page_size(kind);
            let page = self.source.export_page(kind, self.after.as_ref(), limit).await?;
            if page.len() < limit {
                self.kind = self.kinds.next().copied();
                self.after = None;
            } else {
                self.after = page.last().cloned();
            }
            if !page.is_empty() {
                return Ok(Some(page));
            }
        }
        Ok(None)
    }
}

/// Every record of `source`, in export order (for tests and small stores: it holds them all).
pub async fn export_records(source: &dyn ExportImport) -> StoreResult<Vec<Record>> {
    let mut pages = Pages::new(source);
    let mut records = Vec::new();
    while let Some(page) = pages.next_page().await? {
        records.extend(page);
    }
    Ok(records)
}

/// Why an export, import or copy stopped.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// A store call failed (reading the source, or storing a record of line `line`).
    #[error("{}{source}", line.map(|line| format!("line {line}: ")).unwrap_or_default())]
    Store { line: Option<usize>, source: StoreError },
    /// The input is not an export this build reads.
    #[error("line {line}: {reason}")]
    Format { line: usize, reason: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<StoreError> for TransferError {
    fn from(source: StoreError) -> Self {
        TransferError::Store { line: None, source }
    }
}

pub type TransferResult<T> = Result<T, TransferError>;

/// Writes `source` to `out` in the format above; `progress` sees the running total after
/// each page.
pub async fn export_to(
    source: &dyn ExportImport,
    exported_at: DateTime<Utc>,
    out: &mut (dyn Write + Send),
    mut progress: impl FnMut(Moved),
) -> TransferResult<Moved> {
    let header = ExportHeader {
        format: EXPORT_FORMAT.to_owned(),
        version: EXPORT_FORMAT_VERSION,
        source: source.source_name().to_owned(),
        exported_at,
    };
    write_line(out, &header)?;
    let mut moved = Moved::default();
    let mut pages = Pages::new(source);
    while let Some(page) = pages.next_page().await? {
        for record in &page {
            write_line(out, record)?;
            moved.add(record);
        }
        progress(moved);
    }
    write_line(out, &Trailer::End { records: moved.records })?;
    out.flush()?;
    Ok(moved)
}

fn write_line(out: &mut (dyn Write + Send), value: &impl Serialize) -> TransferResult<()> {
    // Every field is a string, number, bool or map with string keys: only the writer can fail.
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Trailer {
    End { records: u64 },
}

/// A line of the body: a record, or the trailer that ends the file.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum BodyLine {
    Record(Box<Record>),
    End(Trailer),
}

/// Imports every record `input` holds into `target`, checking the header first and the
/// trailer last (a file cut short is an error, after what it held was imported: importing the
/// whole file again is safe, since importing is idempotent). Errors name the line.
pub async fn import_from(
    target: &dyn ExportImport,
    input: &mut (dyn BufRead + Send),
    mut progress: impl FnMut(Moved),
) -> TransferResult<Moved> {
    let format_error = |line: usize, reason: String| TransferError::Format { line, reason };
    let mut lines = input.lines().enumerate().map(|(index, line)| (index + 1, line));
    let Some((_, first)) = lines.next() else { return Err(format_error(1, "the input is empty".to_owned())) };
    let header: ExportHeader =
        serde_json::from_str(&first?).map_err(|err| format_error(1, format!("not a {EXPORT_FORMAT} header: {err}")))?;
    if header.format != EXPORT_FORMAT || header.version != EXPORT_FORMAT_VERSION {
        let reason = format!(
            "format {:?} version {}: this build reads {EXPORT_FORMAT:?} version {EXPORT_FORMAT_VERSION}",
            header.format, header.version
        );
        return Err(format_error(1, reason));
    }
    let mut moved = Moved::default();
    let mut last = 1;
    for (number, line) in lines {
        let line = line?;
        last = number;
        match serde_json::from_str::<BodyLine>(&line) {
            Ok(BodyLine::Record(record)) => {
                target
                    .import_record(&record)
                    .await
                    .map_err(|source| TransferError::Store { line: Some(number), source })?;
                moved.add(&record);
                if moved.records % EXPORT_PAGE_RECORDS as u64 == 0 {
                    progress(moved);
                }
            }
            Ok(BodyLine::End(Trailer::End { records })) if records == moved.records => {
                progress(moved);
                return Ok(moved);
            }
            Ok(BodyLine::End(Trailer::End { records })) => {
                let reason = format!("the trailer counts {records} records, the file held {}", moved.records);
                return Err(format_error(number, reason));
            }
            Err(err) => return Err(format_error(number, format!("not a record: {}", record_error(&line, err)))),
        }
    }
    let reason = format!("the input ends after {} records without its trailer line: cut short?", moved.records);
    Err(format_error(last, reason))
}

/// An untagged enum reports only that nothing matched; parsing as a record says what is wrong.
fn record_error(line: &str, err: serde_json::Error) -> String {
    match serde_json::from_str::<Record>(line) {
        Err(detail) => detail.to_string(),
        Ok(_) => err.to_string(),
    }
}

/// Copies every record of `source` into `target`, page by page.
pub async fn copy(
    source: &dyn ExportImport,
    target: &dyn ExportImport,
    mut progress: impl FnMut(Moved),
) -> StoreResult<Moved> {
    let mut moved = Moved::default();
    let mut pages = Pages::new(source);
    while let Some(page) = pages.next_page().await? {
        for record in &page {
            target.import_record(record).await?;
            moved.add(record);
        }
        progress(moved);
    }
    Ok(moved)
}
