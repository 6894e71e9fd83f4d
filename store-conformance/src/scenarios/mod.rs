//! Named scenarios, one per contract clause. Each takes a fresh engine and its test clock.

pub mod auth_runtime;
pub mod certificate;
pub mod concurrency;
pub mod export;
pub mod install_certificates;
pub mod location;
pub mod ocpi;
pub mod races;
pub mod retention;
pub mod settings;
pub mod token;
pub mod transaction;
pub mod trigger;
pub mod validation;

use crate::runner::ScenarioFn;

/// Invokes `$crate::$callback!` with the given arguments and every scenario as
/// `module::function`. This list is the one place that names them all.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_scenario {
    ($callback:ident; $($args:tt)*) => {
        $crate::$callback! { $($args)*;
            auth_runtime::auth_lookup_absent_is_none,
            auth_runtime::auth_set_replaces_whole_record,
            auth_runtime::runtime_details_set_replaces_and_absent_is_none,
            settings::settings_lookup_absent_is_none,
            settings::settings_update_merges_per_key,
            settings::settings_empty_update_creates_empty_record,
            settings::settings_delete_removes_record_and_is_idempotent,
            settings::settings_list_pages_in_byte_order_with_exclusive_cursor,
            settings::settings_long_ids_and_large_values_roundtrip,
            install_certificates::install_certificates_lookup_absent_is_none,
            install_certificates::install_certificates_merge_appends_new_ids_in_order,
            install_certificates::install_certificates_merge_replaces_existing_in_place,
            install_certificates::install_certificates_repeated_id_in_one_call_last_wins,
            install_certificates::install_certificates_empty_update_creates_empty_record,
            install_certificates::install_certificates_list_pages_in_byte_order,
            trigger::trigger_lookup_absent_is_none_and_delete_is_idempotent,
            trigger::trigger_set_replaces_and_station_id_comes_from_key,
            trigger::trigger_list_pages_with_station_ids,
            token::token_lookup_absent_is_none,
            token::token_set_replaces_by_uid_only,
            token::token_last_updated_comes_from_the_clock,
            token::token_list_orders_by_uid_with_offset_and_limit,
            transaction::transaction_find_absent_is_none,
            transaction::transaction_create_new_record,
            transaction::transaction_create_existing_appends_and_keeps_counters,
            transaction::transaction_update_new_record_counts_one,
            transaction::transaction_update_existing_appends_and_counts_every_call,
            transaction::transaction_end_new_record,
            transaction::transaction_end_existing_keeps_id_token,
            transaction::transaction_keys_are_composite_and_listed_in_order,
            transaction::meter_values_roundtrip_bit_exactly,
            retention::prune_deletes_transactions_ended_before_the_instant_with_every_meter_value,
            retention::prune_never_deletes_an_open_transaction,
            retention::prune_measures_from_the_first_end,
            retention::prune_is_idempotent,
            retention::a_write_after_a_prune_starts_a_new_transaction,
            retention::prune_deletes_more_than_one_batch,
            retention::prune_rejects_an_instant_outside_years_1_to_9999,
            retention::concurrent_prunes_and_appends_leave_no_orphan_values,
            export::export_lists_every_record_with_its_store_generated_fields,
            export::import_stores_each_record_exactly_as_exported,
            export::importing_an_export_twice_changes_nothing,
            export::export_pages_cover_every_record_once,
            export::import_rejects_an_invalid_record_and_stores_nothing,
            export::import_refuses_a_file_that_is_not_a_whole_export,
            certificate::certificate_key_is_base64url_sha256_of_first_block,
            certificate::certificate_stored_byte_for_byte,
            certificate::certificate_lookup_is_exact_and_delete_idempotent,
            certificate::certificate_rejects_non_certificates,
            ocpi::registration_set_replaces_and_delete_is_idempotent,
            ocpi::party_set_replaces_by_composite_key,
            ocpi::party_list_for_role_filters_and_orders,
            location::location_evses_three_states_preserved,
            location::location_set_replaces_whole_value,
            location::location_last_updated_comes_from_the_clock,
            location::location_list_orders_by_id_with_offset_and_limit,
            validation::nul_rejected_in_charge_station_ids,
            validation::nul_rejected_in_charge_station_values,
            validation::nul_rejected_in_tokens_and_transactions,
            validation::nul_rejected_in_certificates_ocpi_and_locations,
            validation::send_after_truncated_to_microseconds,
            validation::send_after_outside_storable_range_rejected,
            validation::keys_longer_than_the_limit_rejected_on_write,
            concurrency::concurrent_transaction_updates_lose_nothing,
            concurrency::concurrent_settings_merges_keep_every_key,
            concurrency::concurrent_install_certificate_merges_keep_every_id,
            races::concurrent_settings_merges_and_deletes_never_fail,
            races::concurrent_install_certificate_merges_in_opposite_orders_never_fail,
            races::concurrent_lists_never_skip_an_earlier_write,
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __scenario_table {
    (; $($group:ident :: $name:ident),* $(,)?) => {
        /// Every scenario with its name, in contract order.
        pub const SCENARIOS: &[(&str, ScenarioFn)] = &[
            $((stringify!($name), |fixture| Box::pin($group::$name(fixture)))),*
        ];
    };
}

crate::for_each_scenario!(__scenario_table;);
