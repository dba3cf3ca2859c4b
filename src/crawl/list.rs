//! URL lists (`harvest --urls FILE`): one site per registrable domain, in list order.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::control::Excluded;
use crate::extract::Domain;
use crate::extract::domain::{home_of, parse_site_url};

/// A URL list that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("{path}: cannot read the URL list: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: no site to visit")]
    Empty(PathBuf),
}

/// The sites of a URL list, and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listed {
    /// (registrable domain, home page), one per domain, in list order.
    pub sites: Vec<(Domain, String)>,
    /// Lines left out as never prospects (the excluded domains).
    pub excluded: usize,
    /// Lines that are not web addresses: `file:line: why`.
    pub skipped: Vec<String>,
}

/// Reads a URL list (`-` for standard input): full URLs or bare domains, `#` comments.
pub fn read(path: &Path, excluded: &Excluded) -> Result<Listed, ListError> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map_err(|source| {
            ListError::Read {
                path: path.to_path_buf(),
                source,
            }
        })?;
        s
    } else {
        let bytes = std::fs::read(path).map_err(|source| ListError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let listed = parse(&path.display().to_string(), &text, excluded);
    if listed.sites.is_empty() {
        return Err(ListError::Empty(path.to_path_buf()));
    }
    Ok(listed)
}

/// The sites of a list's text (`name` names it in messages).
pub fn parse(name: &str, text: &str, excluded: &Excluded) -> Listed {
    let mut seen = HashSet::new();
    let mut listed = Listed::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let url = match parse_site_url(line) {
            Ok(u) => u,
            Err(e) => {
                listed.skipped.push(format!("{name}:{}: {e}", i + 1));
                continue;
            }
        };
        if excluded.contains(&url) {
            listed.excluded += 1;
            continue;
        }
        let domain = Domain::of_host_or_self(url.host_str().unwrap_or_default());
        if seen.insert(domain.clone()) {
            listed.sites.push((domain, home_of(&url).to_string()));
        }
    }
    listed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_site_per_domain_in_list_order() {
        let excluded = Excluded::new(&[], ["amazon.de"]);
        let text = "# leads\nhttps://www.lampen.de/shop\nlampen.de/kontakt\namazon.de\n\nnot a url\nhttp://b.fr # b\n";
        let l = parse("list.txt", text, &excluded);
        let sites: Vec<(&str, &str)> = l
            .sites
            .iter()
            .map(|(d, h)| (d.as_str(), h.as_str()))
            .collect();
        assert_eq!(
            sites,
            [
                ("lampen.de", "https://www.lampen.de/"),
                ("b.fr", "http://b.fr/")
            ]
        );
        assert_eq!(l.excluded, 1);
        assert_eq!(l.skipped.len(), 1);
        assert!(l.skipped[0].starts_with("list.txt:6: "), "{:?}", l.skipped);
    }
}
