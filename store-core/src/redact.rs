//! Secrets kept out of messages: connection URLs are shown with their password replaced.

/// The URL with any password (in the user-info part or a `password=` parameter) replaced.
pub fn redact_url(url: &str) -> String {
    let mut redacted = url.to_owned();
    if let Some(scheme_end) = redacted.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end =
            redacted[authority_start..].find(['/', '?']).map_or(redacted.len(), |end| authority_start + end);
        if let Some(at) = redacted[authority_start..authority_end].rfind('@') {
            let user_info = &redacted[authority_start..authority_start + at];
            if let Some(colon) = user_info.find(':') {
                redacted.replace_range(authority_start + colon + 1..authority_start + at, "<redacted>");
            }
        }
    }
    if let Some(query_start) = redacted.find('?') {
        let (head, query) = redacted.split_at(query_start + 1);
        let parameters: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=<redacted>"),
                _ => pair.to_owned(),
            })
            .collect();
        redacted = format!("{head}{}", parameters.join("&"));
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_in_urls() {
        assert_eq!(redact_url("postgres://app:s3cr@t@db:5432/maeve"), "postgres://app:<redacted>@db:5432/maeve");
        assert_eq!(
            redact_url("postgres://db/maeve?user=app&password=s3cret&sslmode=require"),
            "postgres://db/maeve?user=app&password=<redacted>&sslmode=require"
        );
        assert_eq!(redact_url("postgres://app@db/maeve"), "postgres://app@db/maeve");
    }

    #[test]
    fn redacts_mysql_urls_too() {
        assert_eq!(redact_url("mysql://root:pw@127.0.0.1:3306/maeve"), "mysql://root:<redacted>@127.0.0.1:3306/maeve");
    }
}
