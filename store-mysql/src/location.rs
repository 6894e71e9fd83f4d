use chrono::{DateTime, Utc};
use store_core::*;

use crate::error::map;
use crate::rows::{self, LocationRow, micros};
use crate::{MySqlStorage, sql_count};

impl LocationStorage for MySqlStorage {
    async fn set_location(&self, location: &Location, last_updated: DateTime<Utc>) -> StoreResult<()> {
        let evses = rows::evses_json(location.evses.as_ref());
        let last_updated = micros(last_updated);
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO location (id, address, city, latitude, longitude, country, evses, last_updated_micros,
                                         name, parking_type, postal_code)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON DUPLICATE KEY UPDATE
                       address = VALUES(address), city = VALUES(city), latitude = VALUES(latitude),
                       longitude = VALUES(longitude), country = VALUES(country), evses = VALUES(evses),
                       last_updated_micros = VALUES(last_updated_micros), name = VALUES(name),
                       parking_type = VALUES(parking_type), postal_code = VALUES(postal_code)"#,
                location.id,
                location.address,
                location.city,
                location.coordinates.latitude,
                location.coordinates.longitude,
                location.country,
                evses,
                last_updated,
                location.name,
                location.parking_type,
                location.postal_code,
            )
            .execute(connection)
        })
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_location(&self, location_id: &str) -> StoreResult<Option<Location>> {
        let row = run!(self, |connection| sqlx::query_as!(
            LocationRow,
            r#"SELECT id AS "id: String", address, city, latitude, longitude, country, evses, last_updated_micros,
                      name, parking_type, postal_code
               FROM location WHERE id = ?"#,
            location_id,
        )
        .fetch_optional(connection))
        .await
        .map_err(map)?;
        row.map(rows::location).transpose()
    }

    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>> {
        let rows = run!(self, |connection| sqlx::query_as!(
            LocationRow,
            r#"SELECT id AS "id: String", address, city, latitude, longitude, country, evses, last_updated_micros,
                      name, parking_type, postal_code
               FROM location ORDER BY id LIMIT ? OFFSET ?"#,
            sql_count(limit),
            sql_count(offset),
        )
        .fetch_all(connection))
        .await
        .map_err(map)?;
        rows.into_iter().map(rows::location).collect()
    }
}
