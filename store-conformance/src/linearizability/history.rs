//! Concurrent plans to try: a few tasks, each a short sequence of calls over a key space of one
//! or two records per store, so that calls on the same record overlap in time. The clock does
//! not move during a plan (every call of a plan reads the same time).

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::{BoxedStrategy, Union};
use serde::Serialize;
use store_core::*;

use crate::model::Op;
use crate::model::strategy::{
    auth, certificate_hash, create_transaction, end_transaction, instant, location, party, pem, registration,
    set_runtime_details, text, token, trigger, update_transaction,
};

/// Calls made one after another first (so that the concurrent calls meet existing records),
/// then the calls each task makes, in order, all tasks at once.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub setup: Vec<Op>,
    pub tasks: Vec<Vec<Op>>,
}

impl Plan {
    pub fn calls(&self) -> usize {
        self.setup.len() + self.tasks.iter().map(Vec::len).sum::<usize>()
    }

    /// The setup and then each task's calls, one line of JSON each.
    pub fn to_json_lines(&self) -> String {
        let line = |ops: &Vec<Op>| serde_json::to_string(ops).unwrap_or_else(|err| format!("(unprintable: {err})"));
        let tasks = self.tasks.iter().enumerate().map(|(task, ops)| format!("task {task}: {}", line(ops)));
        std::iter::once(format!("setup: {}", line(&self.setup))).chain(tasks).collect::<Vec<_>>().join("\n")
    }
}

/// Two stations, so that calls meet on one and lists see both.
fn station() -> BoxedStrategy<String> {
    select(&["a", "b"][..]).prop_map(str::to_owned).boxed()
}

fn uid() -> BoxedStrategy<String> {
    select(&["u1", "u2"][..]).prop_map(str::to_owned).boxed()
}

fn transaction_id() -> BoxedStrategy<String> {
    select(&["t1", "t2"][..]).prop_map(str::to_owned).boxed()
}

fn location_id() -> BoxedStrategy<String> {
    select(&["l1", "l2"][..]).prop_map(str::to_owned).boxed()
}

/// Small pages and whole lists: a page boundary moves when a record appears or goes.
fn page_size() -> BoxedStrategy<usize> {
    select(&[1usize, 2, usize::MAX][..]).boxed()
}

type Arms = Vec<(u32, BoxedStrategy<Op>)>;

fn setting() -> BoxedStrategy<ChargeStationSetting> {
    (text(), select(ChargeStationSettingStatus::ALL), instant())
        .prop_map(|(value, status, send_after)| ChargeStationSetting { value, status, send_after })
        .boxed()
}

/// Merges of one or two of two keys.
fn settings() -> BoxedStrategy<ChargeStationSettings> {
    btree_map(select(&["k1", "k2"][..]).prop_map(str::to_owned), setting(), 0..=2)
        .prop_map(|settings| ChargeStationSettings { charge_station_id: String::new(), settings })
        .boxed()
}

/// One to three certificates with ids out of two, so that merges repeat and reorder ids.
fn install_certificates() -> BoxedStrategy<ChargeStationInstallCertificates> {
    let certificate = (
        select(CertificateType::ALL),
        select(&["c1", "c2"][..]),
        text(),
        select(CertificateInstallationStatus::ALL),
        instant(),
    )
        .prop_map(|(certificate_type, id, certificate_data, status, send_after)| ChargeStationInstallCertificate {
            certificate_type,
            certificate_id: id.to_owned(),
            certificate_data,
            certificate_installation_status: status,
            send_after,
        });
    vec(certificate, 1..=3)
        .prop_map(|certificates| ChargeStationInstallCertificates { charge_station_id: String::new(), certificates })
        .boxed()
}

fn settings_calls() -> Arms {
    vec![
        (4, (station(), settings()).prop_map(|(cs, settings)| Op::UpdateSettings { cs, settings }).boxed()),
        (3, station().prop_map(|cs| Op::DeleteSettings { cs }).boxed()),
        (2, station().prop_map(|cs| Op::LookupSettings { cs }).boxed()),
        (1, page_size().prop_map(|page_size| Op::ListSettings { page_size, after: String::new() }).boxed()),
    ]
}

fn install_certificate_calls() -> Arms {
    vec![
        (
            4,
            (station(), install_certificates())
                .prop_map(|(cs, certificates)| Op::UpdateInstallCertificates { cs, certificates })
                .boxed(),
        ),
        (2, station().prop_map(|cs| Op::LookupInstallCertificates { cs }).boxed()),
        (1, page_size().prop_map(|page_size| Op::ListInstallCertificates { page_size, after: String::new() }).boxed()),
    ]
}

fn trigger_calls() -> Arms {
    vec![
        (2, (station(), trigger()).prop_map(|(cs, trigger)| Op::SetTrigger { cs, trigger }).boxed()),
        (2, station().prop_map(|cs| Op::DeleteTrigger { cs }).boxed()),
        (1, station().prop_map(|cs| Op::LookupTrigger { cs }).boxed()),
        (1, page_size().prop_map(|page_size| Op::ListTriggers { page_size, after: String::new() }).boxed()),
    ]
}

fn token_calls() -> Arms {
    vec![
        (3, (token(), uid()).prop_map(|(token, uid)| Op::SetToken { token: Token { uid, ..token } }).boxed()),
        (2, uid().prop_map(|uid| Op::LookupToken { uid }).boxed()),
        (1, page_size().prop_map(|limit| Op::ListTokens { offset: 0, limit }).boxed()),
    ]
}

fn transaction_calls() -> Arms {
    let cs = || Just("a".to_owned()).boxed();
    vec![
        (2, create_transaction(cs(), transaction_id())),
        (4, update_transaction(cs(), transaction_id())),
        (2, end_transaction(cs(), transaction_id())),
        (2, transaction_id().prop_map(|tx| Op::FindTransaction { cs: "a".to_owned(), tx }).boxed()),
        (1, Just(Op::Transactions).boxed()),
    ]
}

/// The stores whose writes replace a whole record.
fn other_calls() -> Arms {
    vec![
        (1, (station(), auth()).prop_map(|(cs, auth)| Op::SetAuth { cs, auth }).boxed()),
        (1, station().prop_map(|cs| Op::LookupAuth { cs }).boxed()),
        (1, set_runtime_details(station())),
        (1, station().prop_map(|cs| Op::LookupRuntimeDetails { cs }).boxed()),
        (1, pem().prop_map(|pem| Op::SetCertificate { pem }).boxed()),
        (1, certificate_hash().prop_map(|hash| Op::LookupCertificate { hash }).boxed()),
        (1, certificate_hash().prop_map(|hash| Op::DeleteCertificate { hash }).boxed()),
        (
            1,
            registration()
                .prop_map(|registration| Op::SetRegistration { token: "r1".to_owned(), registration })
                .boxed(),
        ),
        (1, Just(Op::GetRegistration { token: "r1".to_owned() }).boxed()),
        (1, Just(Op::DeleteRegistration { token: "r1".to_owned() }).boxed()),
        (1, party().prop_map(|party| Op::SetParty { party }).boxed()),
        (1, select(&["EMSP", "CPO"][..]).prop_map(|role| Op::ListParties { role: role.to_owned() }).boxed()),
        (
            1,
            (location(), location_id())
                .prop_map(|(location, id)| Op::SetLocation { location: Location { id, ..location } })
                .boxed(),
        ),
        (1, location_id().prop_map(|id| Op::LookupLocation { id }).boxed()),
        (1, page_size().prop_map(|limit| Op::ListLocations { offset: 0, limit }).boxed()),
    ]
}

/// The calls of one history: most histories stay within one store, so that their calls meet
/// on the same records; the stores whose writes merge or append (where a backend needs more
/// than one row lock) come up more often; some histories mix every store.
fn calls() -> BoxedStrategy<BoxedStrategy<Op>> {
    let families: [(u32, fn() -> Arms); 6] = [
        (3, settings_calls),
        (3, install_certificate_calls),
        (2, transaction_calls),
        (1, trigger_calls),
        (1, token_calls),
        (1, other_calls),
    ];
    let everything: Arms = families.iter().flat_map(|(_, family)| family()).collect();
    let mut choices: Vec<(u32, BoxedStrategy<BoxedStrategy<Op>>)> = families
        .iter()
        .map(|(weight, family)| (*weight, Just(Union::new_weighted(family()).boxed()).boxed()))
        .collect();
    choices.push((1, Just(Union::new_weighted(everything).boxed()).boxed()));
    Union::new_weighted(choices).boxed()
}

/// Up to `max_calls_per_task` setup calls, then two to `max_tasks` tasks of one to
/// `max_calls_per_task` calls each.
pub fn plan(max_tasks: usize, max_calls_per_task: usize) -> BoxedStrategy<Plan> {
    calls()
        .prop_flat_map(move |call| {
            (vec(call.clone(), 0..=max_calls_per_task), vec(vec(call, 1..=max_calls_per_task), 2..=max_tasks))
        })
        .prop_map(|(setup, tasks)| Plan { setup, tasks })
        .boxed()
}
