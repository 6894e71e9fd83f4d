use chrono::{DateTime, Utc};
use store_core::time::format_last_updated;
use store_core::*;

use crate::MemoryStorage;
use crate::paging::offset_page;

impl TokenStorage for MemoryStorage {
    async fn set_token(&self, token: &Token, last_updated: DateTime<Utc>) -> StoreResult<()> {
        let stored = Token { last_updated: format_last_updated(last_updated), ..token.clone() };
        self.tokens.insert(token.uid.clone(), stored);
        Ok(())
    }

    async fn lookup_token(&self, token_uid: &str) -> StoreResult<Option<Token>> {
        Ok(self.tokens.get(token_uid).map(|token| token.clone()))
    }

    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>> {
        Ok(self.tokens.scan(|rows| offset_page(rows, offset, limit)))
    }
}
