use async_trait::async_trait;
use store_core::time::format_last_updated;
use store_core::validate::argument;
use store_core::*;

use crate::MemoryStore;
use crate::paging::offset_page;

#[async_trait]
impl TokenStore for MemoryStore {
    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "set_token")
    )]
    async fn set_token(&self, token: &Token) -> StoreResult<()> {
        argument("token", token)?;
        let stored = Token { last_updated: format_last_updated(self.clock.now()), ..token.clone() };
        self.tokens.insert(token.uid.clone(), stored);
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "lookup_token")
    )]
    async fn lookup_token(&self, token_uid: &str) -> StoreResult<Option<Token>> {
        argument("token_uid", token_uid)?;
        Ok(self.tokens.get(token_uid).map(|token| token.clone()))
    }

    #[tracing::instrument(
        level = "debug",
        name = "store",
        skip_all,
        fields(backend = "memory", operation = "list_tokens")
    )]
    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>> {
        Ok(offset_page(&self.tokens, offset, limit))
    }
}
