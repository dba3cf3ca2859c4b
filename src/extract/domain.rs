//! Registrable domains (`shop.example.co.uk` → `example.co.uk`), the identity of a company site.

use std::fmt;

use url::Url;

/// A registrable domain (public suffix + one label), lower case, without a trailing dot.
/// Sites, politeness budgets and leads are keyed by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain(String);

impl Domain {
    /// The registrable domain of a host name; `None` for IP addresses, bare public suffixes
    /// and names that are not domain names.
    pub fn of_host(host: &str) -> Option<Domain> {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
            return None;
        }
        if !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        {
            // Unicode names are compared in their ASCII (punycode) form: go through Url.
            let url = Url::parse(&format!("http://{host}/")).ok()?;
            return Domain::of_host(url.host_str()?);
        }
        let registrable = psl::domain_str(&host)?;
        Some(Domain(registrable.to_string()))
    }

    /// The registrable domain of a URL's host.
    pub fn of_url(url: &Url) -> Option<Domain> {
        Domain::of_host(url.host_str()?)
    }

    /// A domain for a host that has none (an IP address, `localhost`): the host itself.
    /// Used as a politeness key so such hosts still get one budget each.
    pub fn of_host_or_self(host: &str) -> Domain {
        Domain::of_host(host)
            .unwrap_or_else(|| Domain(host.trim_end_matches('.').to_ascii_lowercase()))
    }

    /// A host or domain as a list names it (`www.` and a trailing dot dropped, lower case,
    /// Unicode in its ASCII form), not reduced to its registrable domain: a list may name one
    /// host of a domain. `None` for an empty entry or one that is not a host name.
    pub fn listed(entry: &str) -> Option<Domain> {
        let host = entry.trim().trim_end_matches('.').to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        if host.is_empty() {
            return None;
        }
        if host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        {
            return Some(Domain(host.to_string()));
        }
        let url = Url::parse(&format!("http://{host}/")).ok()?;
        Some(Domain(url.host_str()?.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The home page of the site a URL belongs to (same scheme, host and port, path `/`).
pub fn home_of(url: &Url) -> Url {
    let mut home = url.clone();
    home.set_path("/");
    home.set_query(None);
    home.set_fragment(None);
    home
}

/// Why a line is not a site's address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteUrlError {
    #[error("`{text}` is not a web address: {why}")]
    NotAnAddress { text: String, why: String },
    #[error("`{0}`: only http and https addresses can be visited")]
    NotHttp(String),
    #[error("`{0}` has no host name")]
    NoHost(String),
}

/// Parses a line of a URL list: a full http(s) URL or a bare domain (`example.com/path`).
pub fn parse_site_url(line: &str) -> Result<Url, SiteUrlError> {
    let t = line.trim();
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| SiteUrlError::NotAnAddress {
        text: t.to_string(),
        why: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SiteUrlError::NotHttp(t.to_string()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SiteUrlError::NoHost(t.to_string()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        let d = |h: &str| Domain::of_host(h).map(|d| d.0);
        assert_eq!(d("www.example.com").as_deref(), Some("example.com"));
        assert_eq!(d("shop.Example.co.uk.").as_deref(), Some("example.co.uk"));
        assert_eq!(d("lampen-import.de").as_deref(), Some("lampen-import.de"));
        assert_eq!(d("co.uk"), None);
        assert_eq!(d("127.0.0.1"), None);
        assert_eq!(d("bücher.de").as_deref(), Some("xn--bcher-kva.de"));
        assert_eq!(Domain::of_host_or_self("localhost").as_str(), "localhost");
    }

    #[test]
    fn url_list_lines() {
        assert_eq!(
            parse_site_url("example.com").unwrap().as_str(),
            "https://example.com/"
        );
        assert_eq!(
            parse_site_url(" http://a.de/x ").unwrap().as_str(),
            "http://a.de/x"
        );
        assert!(parse_site_url("ftp://a.de").is_err());
        assert!(parse_site_url("not a url at all").is_err());
    }
}
