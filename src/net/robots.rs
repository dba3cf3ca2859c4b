//! robots.txt: fetched once per origin and cached for the run, parsed with texting_robots.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::fetch::FetchError;

/// What robots.txt says for our user agent.
pub enum Rules {
    /// No robots.txt (4xx) or an unreadable one: everything allowed.
    All,
    Parsed(texting_robots::Robot),
    /// 5xx: nothing allowed for now (RFC 9309), tried again next run.
    Unavailable(String),
    /// The host could not be reached at all (nothing allowed, as for 5xx): this error.
    Unreachable(FetchError),
}

pub struct RobotsCache {
    agent: String,
    entries: Mutex<HashMap<String, Arc<OnceCell<Arc<Rules>>>>>,
}

impl RobotsCache {
    pub fn new(user_agent: &str) -> RobotsCache {
        RobotsCache {
            agent: agent_token(user_agent),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The rules for an origin, fetching them with `fetch` the first time (concurrent callers wait).
    pub async fn rules<F, Fut>(&self, origin: &str, fetch: F) -> Arc<Rules>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Rules, FetchError>>,
    {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            entries.entry(origin.to_string()).or_default().clone()
        };
        cell.get_or_init(|| async {
            Arc::new(match fetch().await {
                Ok(rules) => rules,
                Err(e) => Rules::Unreachable(e),
            })
        })
        .await
        .clone()
    }

    /// Parses a robots.txt body for our agent; an unparseable file allows everything.
    pub fn parse(user_agent: &str, body: &[u8]) -> Rules {
        match texting_robots::Robot::new(&agent_token(user_agent), body) {
            Ok(robot) => Rules::Parsed(robot),
            Err(_) => Rules::All,
        }
    }

    pub fn agent(&self) -> &str {
        &self.agent
    }
}

/// The product token robots.txt groups are matched against: `prospect/0.1 (...)` → `prospect`.
fn agent_token(user_agent: &str) -> String {
    user_agent
        .split(['/', ' '])
        .next()
        .filter(|t| !t.is_empty())
        .unwrap_or("prospect")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_our_agent() {
        let body = b"User-agent: *\nDisallow: /intern/\nCrawl-delay: 1\n\nUser-agent: prospect\nDisallow: /private\n";
        let Rules::Parsed(r) = RobotsCache::parse("prospect/0.1 (x)", body) else {
            panic!()
        };
        assert!(!r.allowed("http://a.test/private/x"));
        assert!(
            r.allowed("http://a.test/intern/x"),
            "our own group replaces *"
        );
        let Rules::Parsed(r) = RobotsCache::parse("other/1.0", body) else {
            panic!()
        };
        assert!(!r.allowed("http://a.test/intern/secret.html"));
        assert_eq!(r.delay, Some(1.0));
        assert_eq!(agent_token("prospect/0.1.0 (lead research)"), "prospect");
    }
}
