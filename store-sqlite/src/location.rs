use chrono::{DateTime, Utc};
use store_core::*;

use crate::error::map;
use crate::rows::{self, LocationRow, micros};
use crate::{SqliteStorage, sql_count};

impl LocationStorage for SqliteStorage {
    async fn set_location(&self, location: &Location, last_updated: DateTime<Utc>) -> StoreResult<()> {
        let evses = rows::evses_json(location.evses.as_ref());
        let last_updated = micros(last_updated);
        sqlx::query!(
            r#"INSERT INTO location (id, address, city, latitude, longitude, country, evses, last_updated_micros,
                                     name, parking_type, postal_code)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
               ON CONFLICT (id) DO UPDATE
               SET address = excluded.address, city = excluded.city, latitude = excluded.latitude,
                   longitude = excluded.longitude, country = excluded.country, evses = excluded.evses,
                   last_updated_micros = excluded.last_updated_micros, name = excluded.name,
                   parking_type = excluded.parking_type, postal_code = excluded.postal_code"#,
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
        .execute(self.writer()?)
        .await
        .map_err(map)?;
        Ok(())
    }

    async fn lookup_location(&self, location_id: &str) -> StoreResult<Option<Location>> {
        let row = sqlx::query_as!(
            LocationRow,
            r#"SELECT id, address, city, latitude, longitude, country, evses, last_updated_micros, name,
                      parking_type, postal_code
               FROM location WHERE id = ?1"#,
            location_id,
        )
        .fetch_optional(&self.readers)
        .await
        .map_err(map)?;
        row.map(rows::location).transpose()
    }

    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>> {
        let rows = sqlx::query_as!(
            LocationRow,
            r#"SELECT id, address, city, latitude, longitude, country, evses, last_updated_micros, name,
                      parking_type, postal_code
               FROM location ORDER BY id LIMIT ?2 OFFSET ?1"#,
            sql_count(offset),
            sql_count(limit),
        )
        .fetch_all(&self.readers)
        .await
        .map_err(map)?;
        rows.into_iter().map(rows::location).collect()
    }
}
