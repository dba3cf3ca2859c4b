//! Company profiles on social networks, from links. Share buttons, posts, videos and login
//! pages are not profiles; a profile is written canonically (`https://linkedin.com/company/x`,
//! no `www.`, no query, no trailing slash) so the same profile linked twice is kept once.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Network {
    LinkedIn,
    Facebook,
    Instagram,
    Twitter,
    YouTube,
    Xing,
    Vk,
    TikTok,
    WhatsApp,
}

/// Network domains (a link's host is the domain or one of its subdomains).
const NETWORKS: &[(&str, Network)] = &[
    ("linkedin.com", Network::LinkedIn),
    ("facebook.com", Network::Facebook),
    ("instagram.com", Network::Instagram),
    ("twitter.com", Network::Twitter),
    ("x.com", Network::Twitter),
    ("youtube.com", Network::YouTube),
    ("xing.com", Network::Xing),
    ("vk.com", Network::Vk),
    ("tiktok.com", Network::TikTok),
    ("wa.me", Network::WhatsApp),
];

/// First path segments (lower case) that are not profiles on Facebook.
const FACEBOOK_NOT_PROFILE: &[&str] = &[
    "sharer",
    "share",
    "dialog",
    "plugins",
    "tr",
    "login",
    "policies",
    "privacy",
    "help",
    "hashtag",
    "watch",
    "events",
    "groups",
    "photo",
    "photos",
    "search",
    "marketplace",
    "ads",
    "legal",
    "business",
    "gaming",
    "reel",
    "stories",
    "l.php",
];
/// … on X/Twitter.
const TWITTER_NOT_PROFILE: &[&str] = &[
    "share",
    "intent",
    "home",
    "search",
    "hashtag",
    "i",
    "login",
    "signup",
    "privacy",
    "tos",
    "explore",
    "settings",
    "messages",
    "notifications",
];
/// … on Instagram.
const INSTAGRAM_NOT_PROFILE: &[&str] = &[
    "p", "reel", "reels", "explore", "accounts", "stories", "tv", "direct", "share",
];
/// … on VK.
const VK_NOT_PROFILE: &[&str] = &["share", "away", "login", "search", "feed", "im"];
/// First segments of LinkedIn paths that name a profile (followed by its name).
const LINKEDIN_PROFILE: &[&str] = &["company", "in", "school", "showcase"];
/// … of YouTube paths.
const YOUTUBE_PROFILE: &[&str] = &["channel", "c", "user"];
/// … of Xing paths.
const XING_PROFILE: &[&str] = &["pages", "companies", "profile"];

/// URLs in JSON (JSON-LD `sameAs`), with `\/` already unescaped.
static URL_IN_JSON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"https?://[^\s"'<>\\,\]\}]+"#).expect("valid URL pattern"));

/// The profile a link points to, canonically written; `None` for anything else.
pub(super) fn profile(url: &Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let &(domain, network) = NETWORKS
        .iter()
        .find(|(d, _)| host == *d || host.strip_suffix(d).is_some_and(|sub| sub.ends_with('.')))?;
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let first = segments.first()?.to_ascii_lowercase();
    let is_php = first.ends_with(".php");
    let at_name = first.starts_with('@') && first.len() > 1;
    let keep = match network {
        Network::LinkedIn => named(&first, LINKEDIN_PROFILE, segments.len())?,
        Network::Xing => named(&first, XING_PROFILE, segments.len())?,
        Network::YouTube if at_name => 1,
        Network::YouTube => named(&first, YOUTUBE_PROFILE, segments.len())?,
        Network::TikTok if at_name => 1,
        Network::Facebook => match first.as_str() {
            "profile.php" => return facebook_id(url, domain),
            "pages" | "people" if segments.len() >= 2 => segments.len().min(3),
            "pages" | "people" => return None,
            f if !is_php && !FACEBOOK_NOT_PROFILE.contains(&f) => 1,
            _ => return None,
        },
        Network::Twitter if handle(&first) && !TWITTER_NOT_PROFILE.contains(&first.as_str()) => 1,
        Network::Instagram
            if handle(&first) && !INSTAGRAM_NOT_PROFILE.contains(&first.as_str()) =>
        {
            1
        }
        Network::Vk if !is_php && !VK_NOT_PROFILE.contains(&first.as_str()) => 1,
        Network::WhatsApp if first.len() >= 6 && first.bytes().all(|b| b.is_ascii_digit()) => 1,
        _ => return None,
    };
    // YouTube channel ids are case-sensitive; the other networks' names are not.
    let path: Vec<String> = segments[..keep]
        .iter()
        .map(|s| {
            if network == Network::YouTube {
                (*s).to_string()
            } else {
                s.to_ascii_lowercase()
            }
        })
        .collect();
    Url::parse(&format!("https://{domain}/{}", path.join("/"))).ok()
}

/// Profiles among the URLs written in a JSON text.
pub(super) fn urls_in(json: &str) -> Vec<Url> {
    URL_IN_JSON
        .find_iter(json)
        .filter_map(|m| Url::parse(m.as_str()).ok())
        .filter_map(|u| profile(&u))
        .collect()
}

/// Two segments (`/company/name`) when the path starts with one of `kinds`.
fn named(first: &str, kinds: &[&str], segments: usize) -> Option<usize> {
    (segments >= 2 && kinds.contains(&first)).then_some(2)
}

/// `facebook.com/profile.php?id=123`: the profile is its numeric id.
fn facebook_id(url: &Url, domain: &str) -> Option<Url> {
    let id = url.query_pairs().find(|(k, _)| k == "id")?.1;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Url::parse(&format!("https://{domain}/profile.php?id={id}")).ok()
}

/// A user name of X or Instagram: letters, digits, `_` and `.`.
fn handle(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}
