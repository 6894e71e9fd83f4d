use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// What an authorisation may cache about a token.
    CacheMode {
        Always => "ALWAYS",
        Allowed => "ALLOWED",
        AllowedOffline => "ALLOWED_OFFLINE",
        Never => "NEVER",
    }
}

string_enum! {
    /// The kinds of token upstream issues. `Token::token_type` stays free text (R2: stored as
    /// given); this is the set the manager's API accepts.
    TokenType {
        AdHocUser => "AD_HOC_USER",
        AppUser => "APP_USER",
        Other => "OTHER",
        Rfid => "RFID",
    }
}

/// An authorisation token, keyed by `uid` alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub country_code: String,
    pub party_id: String,
    #[serde(rename = "type")]
    pub token_type: String,
    pub uid: String,
    pub contract_id: String,
    pub visual_number: Option<String>,
    pub issuer: String,
    pub group_id: Option<String>,
    pub valid: bool,
    pub language_code: Option<String>,
    pub cache_mode: CacheMode,
    /// Set by the store at write time (`YYYY-MM-DDTHH:MM:SSZ`); ignored on write.
    pub last_updated: String,
}
