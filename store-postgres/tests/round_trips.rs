//! Every store call is one round trip once its statement is prepared: a counting TCP proxy
//! between the store and the server counts request flights (client bytes sent after the last
//! server reply). Taking a connection from the pool and returning it costs none (sqlx's own pool
//! pinged every returned connection); a pool that pinged on acquire or release, or a
//! read-modify-write in Rust, would show up here as two or more.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sqlx::postgres::PgConnectOptions;
use store_conformance::fixtures::*;
use store_core::ChargeStationSettingStatus::Pending;
use store_core::*;
use store_postgres::PgStorage;
use store_postgres::test_support::ScratchSchema;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
struct Flights {
    count: AtomicUsize,
    /// Whether the last bytes went client → server (a flight in progress).
    client_spoke_last: AtomicBool,
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    flights: Arc<Flights>,
    client: bool,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        if client {
            if !flights.client_spoke_last.swap(true, Ordering::SeqCst) {
                flights.count.fetch_add(1, Ordering::SeqCst);
            }
        } else {
            flights.client_spoke_last.store(false, Ordering::SeqCst);
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

/// Listens on a local port and forwards every connection to `upstream`, counting flights.
async fn counting_proxy(upstream: (String, u16)) -> (u16, Arc<Flights>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let port = listener.local_addr().expect("proxy address").port();
    let flights = Arc::new(Flights::default());
    let counter = flights.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect((upstream.0.as_str(), upstream.1)).await.expect("connect upstream");
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::spawn(pump(client_read, server_write, counter.clone(), true));
            tokio::spawn(pump(server_read, client_write, counter.clone(), false));
        }
    });
    (port, flights)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_store_call_is_one_round_trip() {
    let schema = ScratchSchema::create("round_trips").await.unwrap_or_else(|err| panic!("{err}"));
    schema.store(Arc::new(SystemClock), 1).await.expect("migrate").storage().close().await;

    let config = schema.config(1);
    let direct: PgConnectOptions = config.connect_options().expect("options");
    let (port, flights) = counting_proxy((direct.get_host().to_owned(), direct.get_port())).await;
    let proxied = direct.host("127.0.0.1").port(port).options([("search_path", schema.name.as_str())]);
    let store = PgStorage::connect_lazy_with(&config, proxied)
        .expect("storage")
        .into_store(Arc::new(TestClock::new(instant(0))));
    store.storage().health().await.expect("connect via proxy");

    let many_values: Vec<MeterValue> = (0..50).map(|n| meter_value("t", &[n as f64, 1.0, 2.0, 3.0, 4.0])).collect();
    let merge = settings(&[("a", setting("1", Pending, None)), ("b", setting("2", Pending, Some(instant(1))))]);
    let certs = install_certificates(vec![
        install_certificate("c1", CertificateType::V2g, CertificateInstallationStatus::Pending, None),
        install_certificate("c2", CertificateType::Csms, CertificateInstallationStatus::Accepted, None),
    ]);

    // Counts the flights of `work` once the connection is back in the pool.
    let pool = store.storage().pool().clone();
    let settled = || async {
        while pool.status().idle < 1 {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        // Anything the pool would send on return has gone out by now.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        flights.count.load(Ordering::SeqCst)
    };
    let before = settled().await;
    let mut lease = pool.acquire().await.expect("acquire");
    lease.keep();
    drop(lease);
    assert_eq!(settled().await - before, 0, "taking a connection and returning it should cost no round trip");

    let mut report = Vec::new();
    macro_rules! measure {
        ($name:literal, $call:expr) => {{
            $call.await.expect($name); // prepares the statement
            let before = settled().await;
            $call.await.expect($name);
            report.push(($name, settled().await - before));
        }};
    }
    measure!(
        "set_charge_station_auth",
        store.set_charge_station_auth("cs", &auth(SecurityProfile::TlsWithBasicAuth, "pw"))
    );
    measure!("lookup_charge_station_auth", store.lookup_charge_station_auth("cs"));
    measure!("update_charge_station_settings", store.update_charge_station_settings("cs", &merge));
    measure!("lookup_charge_station_settings", store.lookup_charge_station_settings("cs"));
    measure!("list_charge_station_settings", store.list_charge_station_settings(50, ""));
    measure!("delete_charge_station_settings", store.delete_charge_station_settings("cs"));
    measure!(
        "update_charge_station_install_certificates",
        store.update_charge_station_install_certificates("cs", &certs)
    );
    measure!("lookup_charge_station_install_certificates", store.lookup_charge_station_install_certificates("cs"));
    measure!("set_token", store.set_token(&token("uid")));
    measure!("lookup_token", store.lookup_token("uid"));
    measure!("list_tokens", store.list_tokens(0, 20));
    measure!(
        "create_transaction (50 meter values)",
        store.create_transaction("cs", "tx", "id", "RFID", &many_values, 1, false)
    );
    measure!("update_transaction (50 meter values)", store.update_transaction("cs", "tx", &many_values));
    measure!("update_transaction (no meter values)", store.update_transaction("cs", "tx", &[]));
    measure!("end_transaction (50 meter values)", store.end_transaction("cs", "tx", "id", "RFID", &many_values, 9));
    measure!("find_transaction", store.find_transaction("cs", "tx"));
    measure!("set_certificate", store.set_certificate(CERT1));
    measure!("lookup_certificate", store.lookup_certificate(CERT1_KEY));
    measure!("set_location", store.set_location(&location("loc", Some(vec![evse("1", vec![connector("1")])]))));
    measure!("lookup_location", store.lookup_location("loc"));
    measure!("health", store.storage().health());

    store.storage().close().await;
    schema.drop_now().await;
    for (operation, round_trips) in &report {
        println!("{operation}: {round_trips} round trip(s)");
    }
    let over: Vec<_> = report.iter().filter(|(_, round_trips)| *round_trips != 1).collect();
    assert!(over.is_empty(), "operations not at exactly one round trip: {over:?}");
}
