//! Search engines' own addresses: which hosts belong to an engine, and the redirect links
//! engines wrap results in (`/url?q=`, `uddg=`, `ck/a?u=a1…`, `link?url=`), unwrapped where the
//! target is written in the link.

use url::Url;

use crate::extract::Domain;
use crate::search::Source;

/// Redirects inside redirects (DuckDuckGo's ad link wraps Bing's) are followed this deep.
const MAX_HOPS: usize = 4;

/// The engine a host belongs to (its search pages, images, caches, static files, ad servers);
/// `None` for every other site. YouTube and Blogger are sites like any other here.
pub fn engine_of_host(host: &str) -> Option<Source> {
    let domain = Domain::of_host(host)?;
    let domain = domain.as_str();
    // Google's page translations (`www-example-de.translate.goog`; a public suffix itself).
    if domain == "translate.goog" || domain.ends_with(".translate.goog") {
        return Some(Source::Google);
    }
    if domain == "ya.ru" {
        return Some(Source::Yandex);
    }
    let label = domain.split('.').next().unwrap_or("");
    match label {
        "google" | "gstatic" | "googleusercontent" | "googleadservices" | "googlesyndication"
        | "googleapis" | "doubleclick" => Some(Source::Google),
        "bing" | "bingj" => Some(Source::Bing),
        "duckduckgo" | "duck" => Some(Source::Duckduckgo),
        "yandex" | "yastatic" | "yastat" => Some(Source::Yandex),
        "baidu" | "bdstatic" | "bdimg" | "baiducontent" => Some(Source::Baidu),
        _ => None,
    }
}

/// One step of unwrapping.
enum Step {
    /// The link names its target: follow it.
    Target(Url),
    /// An engine redirect whose target is not in the link (Baidu `link?url=`, ad counters).
    Opaque,
    /// Not a redirect.
    Plain,
}

/// An address with the engines' redirects taken off: the target, and whether it is still a
/// redirect that only the engine can resolve.
pub(super) fn unwrap_url(url: Url) -> (Url, bool) {
    let mut url = url;
    for _ in 0..MAX_HOPS {
        match step(&url) {
            Step::Target(next) => url = next,
            Step::Opaque => return (url, true),
            Step::Plain => return (url, false),
        }
    }
    // Still wrapped after MAX_HOPS: whatever is left is a redirect.
    let still = !matches!(step(&url), Step::Plain);
    (url, still)
}

/// `url` with the engines' redirects taken off, and whether it is still a redirect whose
/// target cannot be read offline (`true` for Baidu's `link?url=`).
///
/// Relative Google links (`/url?q=…`) are read as Google's, protocol-relative ones
/// (`//duckduckgo.com/l/?uddg=…`) as `https:`. Anything that is not an address comes back
/// as given.
pub fn unwrap_redirect(url: &str) -> (String, bool) {
    let trimmed = url.trim();
    let parsed = if trimmed.starts_with("//") {
        Url::parse(&format!("https:{trimmed}"))
    } else if trimmed.starts_with('/') {
        Url::parse("https://www.google.com/").and_then(|b| b.join(trimmed))
    } else {
        Url::parse(trimmed)
    };
    match parsed {
        Ok(u) => {
            let (target, redirect) = unwrap_url(u);
            (target.to_string(), redirect)
        }
        Err(_) => (url.to_string(), false),
    }
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// An absolute http(s) address, or `None`.
pub(super) fn web_url(s: &str) -> Option<Url> {
    let u = Url::parse(s.trim()).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
        .then_some(u)
}

/// The first of `names` whose value is an absolute http(s) address.
fn target_param(url: &Url, names: &[&str]) -> Option<Url> {
    names
        .iter()
        .find_map(|n| param(url, n).and_then(|v| web_url(&v)))
}

fn step(url: &Url) -> Step {
    let Some(host) = url.host_str() else {
        return Step::Plain;
    };
    let Some(engine) = engine_of_host(host) else {
        return Step::Plain;
    };
    let path = url.path();
    let target = |names: &[&str]| match target_param(url, names) {
        Some(t) => Step::Target(t),
        None => Step::Opaque,
    };
    match engine {
        Source::Google => {
            if path == "/url" || path == "/interstitial" {
                // `/url?q=` (basic HTML), `/url?url=` (pings, mobile); a `/url` without a
                // target is navigation.
                match target_param(url, &["q", "url"]) {
                    Some(t) => Step::Target(t),
                    None => Step::Plain,
                }
            } else if path.ends_with("/aclk") {
                // Ads: googleadservices.com/pagead/aclk, google.com/aclk.
                target(&["adurl"])
            } else {
                Step::Plain
            }
        }
        Source::Bing => {
            if path == "/ck/a" || path == "/aclk" {
                match param(url, "u").and_then(|u| bing_target(&u)) {
                    Some(t) => Step::Target(t),
                    None => Step::Opaque,
                }
            } else if path == "/alink/link" {
                target(&["url"])
            } else {
                Step::Plain
            }
        }
        Source::Duckduckgo => {
            if path == "/l/" || path == "/l" {
                target(&["uddg"])
            } else if path == "/y.js" {
                target(&["u3", "u"])
            } else {
                Step::Plain
            }
        }
        Source::Yandex => {
            if host.starts_with("yabs.") {
                Step::Opaque
            } else if path.starts_with("/clck/") {
                target(&["url", "u"])
            } else {
                Step::Plain
            }
        }
        Source::Baidu => {
            if path == "/link" || path == "/baidu.php" || path == "/adrc.php" {
                target(&["target"])
            } else {
                Step::Plain
            }
        }
        _ => Step::Plain,
    }
}

/// Bing's `u` parameter: `a1` + the target in base64url, or (in ad links) plain base64 or the
/// address itself.
fn bing_target(u: &str) -> Option<Url> {
    if let Some(t) = web_url(u) {
        return Some(t);
    }
    let encoded = u.strip_prefix("a1").unwrap_or(u);
    // A `+` left unescaped in the address reads back as a space.
    let bytes = base64_decode(&encoded.replace(' ', "+"))?;
    web_url(std::str::from_utf8(&bytes).ok()?)
}

/// Base64 in either alphabet (`+/` or `-_`), padding optional; `None` on any other byte.
pub(super) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for b in s.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_both_alphabets_with_and_without_padding() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode("Pz8-Pw").unwrap(), b"??>?");
        assert_eq!(base64_decode("Pz8+Pw==").unwrap(), b"??>?");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert!(base64_decode("a b").is_none());
    }

    #[test]
    fn google_links() {
        assert_eq!(
            unwrap_redirect(
                "/url?q=https://lichtimport-berlin.de/produkte&sa=U&ved=2ahUKE&usg=AOv"
            ),
            ("https://lichtimport-berlin.de/produkte".into(), false)
        );
        assert_eq!(
            unwrap_redirect(
                "https://www.google.de/url?sa=t&source=web&rct=j&url=https%3A%2F%2Fwww.leuchtmittel-grosshandel.at%2Fimport%3Fa%3D1%26b%3D2&ved=0"
            ),
            (
                "https://www.leuchtmittel-grosshandel.at/import?a=1&b=2".into(),
                false
            )
        );
        // `/url?esrc=s&q=&rct=j&sa=U&url=…`: an empty q, the target in url.
        assert_eq!(
            unwrap_redirect("/url?esrc=s&q=&rct=j&sa=U&url=https://lampen.example/&ved=x").0,
            "https://lampen.example/"
        );
        assert_eq!(
            unwrap_redirect(
                "https://www.googleadservices.com/pagead/aclk?sa=L&ai=DChc&adurl=https://www.lampenwelt-shop.de/led%3Fgclid%3D1"
            ),
            ("https://www.lampenwelt-shop.de/led?gclid=1".into(), false)
        );
        assert_eq!(
            unwrap_redirect("https://www.googleadservices.com/pagead/aclk?sa=L&ai=DChc&adurl="),
            (
                "https://www.googleadservices.com/pagead/aclk?sa=L&ai=DChc&adurl=".into(),
                true
            )
        );
        // Navigation stays as it is (and is not a redirect).
        assert_eq!(
            unwrap_redirect("/search?q=led&tbm=isch"),
            ("https://www.google.com/search?q=led&tbm=isch".into(), false)
        );
    }

    #[test]
    fn bing_duckduckgo_yandex_baidu_links() {
        // base64url of https://www.lichtimport-berlin.de/kontakt
        assert_eq!(
            unwrap_redirect(
                "https://www.bing.com/ck/a?!&&p=0f3e&ptn=3&ver=2&hsh=4&fclid=1&u=a1aHR0cHM6Ly93d3cubGljaHRpbXBvcnQtYmVybGluLmRlL2tvbnRha3Q&ntb=1"
            ),
            ("https://www.lichtimport-berlin.de/kontakt".into(), false)
        );
        assert_eq!(
            unwrap_redirect("https://www.bing.com/ck/a?!&&p=0f3e&ntb=1"),
            ("https://www.bing.com/ck/a?!&&p=0f3e&ntb=1".into(), true)
        );
        assert_eq!(
            unwrap_redirect(
                "//duckduckgo.com/l/?uddg=https%3A%2F%2Fwww.led%2Dhandel.example%2Fen%2F&rut=abc"
            ),
            ("https://www.led-handel.example/en/".into(), false)
        );
        // DuckDuckGo's ad link wraps Bing's, which has the target in base64.
        assert_eq!(
            unwrap_redirect(
                "https://duckduckgo.com/y.js?ad_domain=lampenwelt-shop.de&ad_provider=bingv7aa&u3=https%3A%2F%2Fwww.bing.com%2Faclk%3Fld%3De8%26u%3DaHR0cHM6Ly93d3cubGFtcGVud2VsdC1zaG9wLmRlLw%26rlid%3D1"
            ),
            ("https://www.lampenwelt-shop.de/".into(), false)
        );
        assert_eq!(
            unwrap_redirect(
                "https://yandex.ru/clck/jsredir?from=yandex.ru&url=https%3A%2F%2Fsvet-opt.example%2Fled%2F&sign=1"
            ),
            ("https://svet-opt.example/led/".into(), false)
        );
        assert!(unwrap_redirect("https://yabs.yandex.ru/count/WXyejI_zO2").1);
        let baidu = "http://www.baidu.com/link?url=Xc4Yt2x0mFVbq3CcMHKkkdG";
        assert_eq!(unwrap_redirect(baidu), (baidu.into(), true));
    }

    #[test]
    fn plain_addresses_and_junk_come_back_as_given() {
        assert_eq!(
            unwrap_redirect("https://www.youtube.com/watch?v=x"),
            ("https://www.youtube.com/watch?v=x".into(), false)
        );
        assert_eq!(unwrap_redirect("not a url"), ("not a url".into(), false));
        assert_eq!(unwrap_redirect(""), ("".into(), false));
        // A loop of redirects ends.
        let mut u = "https://lichtimport-berlin.de/".to_string();
        for _ in 0..10 {
            u = format!("https://www.google.com/url?q={}", urlencode(&u));
        }
        let (_, redirect) = unwrap_redirect(&u);
        assert!(redirect);
    }

    fn urlencode(s: &str) -> String {
        url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }

    #[test]
    fn engine_hosts() {
        for h in [
            "www.google.de",
            "consent.google.com",
            "webcache.googleusercontent.com",
            "maps.google.co.uk",
            "www-example-de.translate.goog",
            "th.bing.com",
            "html.duckduckgo.com",
            "yandex.com.tr",
            "ya.ru",
            "wappass.baidu.com",
        ] {
            assert!(engine_of_host(h).is_some(), "{h}");
        }
        for h in [
            "www.youtube.com",
            "lichtimport-berlin.de",
            "googleled.example",
        ] {
            assert!(engine_of_host(h).is_none(), "{h}");
        }
    }
}
