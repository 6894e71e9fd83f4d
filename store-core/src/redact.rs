//! Secrets kept out of messages: connection URLs are shown with their password replaced.

const REDACTED: &str = "<redacted>";

/// The URL with any password replaced, however it is written: in the user-info part, where a
/// password may hold an unencoded `/`, `?`, `#` or `@` (so the user info is taken to run from
/// the first `:` to the *last* `@`: showing too little of a mistyped URL is better than showing
/// a password); as the "port" of a URL that has a password but no host (`postgres://u:secret`);
/// or in a parameter whose name ends in `password` (`password=`, `sslpassword=`).
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return redact_parameters(url) };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    if let Some(at) = rest.rfind('@')
        && let Some(colon) = rest[..at].find(':')
    {
        return format!("{}{REDACTED}{}", &url[..rest_start + colon + 1], redact_parameters(&rest[at..]));
    }
    // No password in the user info: one can still sit where the port goes.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host_start = rest[..authority_end].rfind('@').map_or(0, |at| at + 1);
    let host = &rest[host_start..authority_end];
    let port = if host.starts_with('[') { host.find("]:").map(|end| end + 1) } else { host.rfind(':') };
    match port {
        Some(colon) if !host[colon + 1..].bytes().all(|byte| byte.is_ascii_digit()) => format!(
            "{}{REDACTED}{}",
            &url[..rest_start + host_start + colon + 1],
            redact_parameters(&rest[authority_end..])
        ),
        _ => format!("{}{}", &url[..rest_start], redact_parameters(rest)),
    }
}

/// `text` with the value of every `…password=` parameter after its first `?` replaced.
fn redact_parameters(text: &str) -> String {
    let Some(query_start) = text.find('?') else { return text.to_owned() };
    let (head, query) = text.split_at(query_start + 1);
    let parameters: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if name.to_ascii_lowercase().ends_with("password") => format!("{name}={REDACTED}"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{head}{}", parameters.join("&"))
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

    /// The independent probe's cases: a password holding what a URL parser would read as the
    /// path, the query, the fragment or the host, or given where the port goes.
    #[test]
    fn redacts_passwords_however_they_are_written() {
        for (url, shown) in [
            ("postgres://u:Sl4sh/Secr3t@db:5432/maeve", "postgres://u:<redacted>@db:5432/maeve"),
            ("postgres://u:Qu3ry?Secr3t@db/maeve", "postgres://u:<redacted>@db/maeve"),
            ("mysql://u:Fr4g#Secr3t@db/maeve", "mysql://u:<redacted>@db/maeve"),
            ("mysql://u:At@Secr3t@db/maeve?ssl-mode=disabled", "mysql://u:<redacted>@db/maeve?ssl-mode=disabled"),
            ("postgres://u:Secr3t", "postgres://u:<redacted>"),
            ("postgres://u:Secr3t/maeve?sslmode=disable", "postgres://u:<redacted>/maeve?sslmode=disable"),
            ("postgres://db/maeve?sslpassword=Secr3t", "postgres://db/maeve?sslpassword=<redacted>"),
            ("postgres://db/maeve?PASSWORD=Secr3t&user=u", "postgres://db/maeve?PASSWORD=<redacted>&user=u"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
            assert!(!redact_url(url).contains("Secr3t"), "{url}");
        }
    }

    #[test]
    fn leaves_urls_without_a_password_alone() {
        for url in [
            "postgres://db:5432/maeve",
            "postgres://[::1]:5432/maeve",
            "mysql://root@127.0.0.1:3306",
            "sqlite://maeve.db",
            "postgres://db/maeve?user=app@tenant",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }

    #[test]
    fn redacts_mysql_urls_too() {
        assert_eq!(redact_url("mysql://root:pw@127.0.0.1:3306/maeve"), "mysql://root:<redacted>@127.0.0.1:3306/maeve");
    }
}
