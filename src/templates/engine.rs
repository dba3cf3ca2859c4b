//! Search engines: their query limits and the links that open a query in the right country and language.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use super::lang::Country;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Google,
    Bing,
    Duckduckgo,
    Yandex,
    Baidu,
    /// Brave's search API (used by `run`; its limits apply to queries sent there).
    Brave,
}

/// The size of a query as engines count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// Whitespace-separated terms (operators and `OR` included).
    pub words: usize,
    pub chars: usize,
    /// Baidu-style width: non-ASCII characters count two.
    pub width: usize,
}

impl Measure {
    pub fn of(query: &str) -> Measure {
        if query.is_ascii() {
            let words = query.split_ascii_whitespace().count();
            return Measure {
                words,
                chars: query.len(),
                width: query.len(),
            };
        }
        let mut m = Measure {
            words: query.split_whitespace().count(),
            chars: 0,
            width: 0,
        };
        for c in query.chars() {
            m.chars += 1;
            m.width += if c.is_ascii() { 1 } else { 2 };
        }
        m
    }
}

/// How much of a query an engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Words (whitespace-separated terms, operators included) the engine reads.
    pub max_words: Option<usize>,
    /// Characters the engine accepts.
    pub max_chars: Option<usize>,
    /// Baidu-style width: CJK characters count two, others one.
    pub max_width: Option<usize>,
}

impl Engine {
    pub const BROWSER: [Engine; 5] = [
        Engine::Google,
        Engine::Bing,
        Engine::Duckduckgo,
        Engine::Yandex,
        Engine::Baidu,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Google => "google",
            Engine::Bing => "bing",
            Engine::Duckduckgo => "duckduckgo",
            Engine::Yandex => "yandex",
            Engine::Baidu => "baidu",
            Engine::Brave => "brave",
        }
    }

    /// Query limits, conservative: a query that passes is read whole.
    pub fn limits(self) -> Limits {
        match self {
            // Google ignores words after the 32nd; its URL limit is far above any query here.
            Engine::Google => Limits {
                max_words: Some(32),
                max_chars: Some(2048),
                max_width: None,
            },
            // Bing reads only the first 10 terms.
            Engine::Bing => Limits {
                max_words: Some(10),
                max_chars: Some(2048),
                max_width: None,
            },
            // DuckDuckGo rejects queries over 499 characters.
            Engine::Duckduckgo => Limits {
                max_words: None,
                max_chars: Some(499),
                max_width: None,
            },
            // Yandex: at most 400 characters and 40 words.
            Engine::Yandex => Limits {
                max_words: Some(40),
                max_chars: Some(400),
                max_width: None,
            },
            // Baidu cuts queries after 38 Chinese characters (76 bytes of width).
            Engine::Baidu => Limits {
                max_words: None,
                max_chars: None,
                max_width: Some(76),
            },
            // Brave's API: at most 400 characters and 50 words.
            Engine::Brave => Limits {
                max_words: Some(50),
                max_chars: Some(400),
                max_width: None,
            },
        }
    }

    /// Whether the engine reads `query` whole.
    pub fn fits(self, query: &str) -> bool {
        self.fits_measure(&Measure::of(query))
    }

    /// Whether the engine reads a query of this size whole.
    pub fn fits_measure(self, m: &Measure) -> bool {
        let limits = self.limits();
        limits.max_words.is_none_or(|max| m.words <= max)
            && limits.max_chars.is_none_or(|max| m.chars <= max)
            && limits.max_width.is_none_or(|max| m.width <= max)
    }

    /// A link that opens `query` in this engine for `country` (ISO code) and `lang` (ISO 639-1).
    pub fn url(self, query: &str, code: &str, country: Option<&Country>, lang: &str) -> String {
        let q = encode(query);
        let cc = code.to_ascii_lowercase();
        match self {
            Engine::Google => {
                let domain = country.map_or("google.com", |c| c.google.as_str());
                let hl = google_lang(lang, code);
                let mut url = format!("https://www.{domain}/search?q={q}&gl={cc}&hl={hl}");
                if lang != "en" {
                    url.push_str("&lr=lang_");
                    url.push_str(&hl);
                }
                url
            }
            Engine::Bing => format!("https://www.bing.com/search?q={q}&cc={cc}&setlang={lang}"),
            Engine::Duckduckgo => {
                let kl = country.and_then(|c| c.ddg.as_deref()).unwrap_or("wt-wt");
                format!("https://duckduckgo.com/?q={q}&kl={kl}")
            }
            Engine::Yandex => {
                let tld = match code {
                    "RU" => "ru",
                    "TR" => "com.tr",
                    "KZ" => "kz",
                    "BY" => "by",
                    "UZ" => "uz",
                    _ => "com",
                };
                let mut url = format!("https://yandex.{tld}/search/?text={q}");
                if let Some(lr) = country.and_then(|c| c.yandex) {
                    url.push_str(&format!("&lr={lr}"));
                }
                url
            }
            Engine::Baidu => format!("https://www.baidu.com/s?wd={q}&ie=utf-8"),
            Engine::Brave => format!("https://search.brave.com/search?q={q}&country={cc}"),
        }
    }
}

/// Google's spelling of a language for `hl` and `lr` (it keeps some old codes).
pub(crate) fn google_lang(lang: &str, code: &str) -> String {
    match lang {
        "zh" if matches!(code, "TW" | "HK" | "MO") => "zh-TW".into(),
        "zh" => "zh-CN".into(),
        "he" => "iw".into(),
        "nb" | "nn" => "no".into(),
        other => other.into(),
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Engine {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "google" => Ok(Engine::Google),
            "bing" => Ok(Engine::Bing),
            "duckduckgo" | "ddg" => Ok(Engine::Duckduckgo),
            "yandex" => Ok(Engine::Yandex),
            "baidu" => Ok(Engine::Baidu),
            "brave" => Ok(Engine::Brave),
            _ => Err(format!(
                "unknown engine `{s}`; engines: google, bing, duckduckgo, yandex, baidu"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_words_chars_and_width() {
        assert!(Engine::Bing.fits("a b c d e f g h i j"));
        assert!(!Engine::Bing.fits("a b c d e f g h i j k"));
        assert!(Engine::Duckduckgo.fits(&"x".repeat(499)));
        assert!(!Engine::Duckduckgo.fits(&"x".repeat(500)));
        assert!(Engine::Baidu.fits(&"灯".repeat(38)));
        assert!(!Engine::Baidu.fits(&"灯".repeat(39)));
    }

    #[test]
    fn google_links_carry_country_and_language() {
        let u = Engine::Google.url("LED-Lampe Großhändler", "AT", None, "de");
        assert_eq!(
            u,
            "https://www.google.com/search?q=LED-Lampe+Gro%C3%9Fh%C3%A4ndler&gl=at&hl=de&lr=lang_de"
        );
        let u = Engine::Google.url("x", "TW", None, "zh");
        assert!(u.ends_with("&hl=zh-TW&lr=lang_zh-TW"));
    }
}
