use chrono::{DateTime, Utc};
use sqlx::types::Json;
use store_core::*;

use crate::error::map;
use crate::rows::{self, LocationRow};
use crate::{PgStorage, sql_count};

impl LocationStorage for PgStorage {
    async fn set_location(&self, location: &Location, last_updated: DateTime<Utc>) -> StoreResult<()> {
        run!(self, |connection| {
            sqlx::query!(
                r#"INSERT INTO location (id, address, city, latitude, longitude, country, evses, last_updated, name,
                                     parking_type, postal_code)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
               ON CONFLICT (id) DO UPDATE
               SET address = excluded.address, city = excluded.city, latitude = excluded.latitude,
                   longitude = excluded.longitude, country = excluded.country, evses = excluded.evses,
                   last_updated = excluded.last_updated, name = excluded.name,
                   parking_type = excluded.parking_type, postal_code = excluded.postal_code"#,
                location.id,
                location.address,
                location.city,
                location.coordinates.latitude,
                location.coordinates.longitude,
                location.country,
                location.evses.as_ref().map(Json) as _,
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
        let row = read!(self, |connection| {
            sqlx::query_as!(
                LocationRow,
                r#"SELECT id, address, city, latitude, longitude, country, evses AS "evses: Json<Vec<Evse>>",
                      last_updated, name, parking_type, postal_code
               FROM location WHERE id = $1"#,
                location_id,
            )
            .fetch_optional(connection)
        })
        .await
        .map_err(map)?;
        Ok(row.map(rows::location))
    }

    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>> {
        let rows = read!(self, |connection| {
            sqlx::query_as!(
                LocationRow,
                r#"SELECT id, address, city, latitude, longitude, country, evses AS "evses: Json<Vec<Evse>>",
                      last_updated, name, parking_type, postal_code
               FROM location ORDER BY id OFFSET $1 LIMIT $2"#,
                sql_count(offset),
                sql_count(limit),
            )
            .fetch_all(connection)
        })
        .await
        .map_err(map)?;
        Ok(rows.into_iter().map(rows::location).collect())
    }
}
