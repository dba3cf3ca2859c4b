//! The private-address guard and `--resolve` pins: no request reaches loopback, private,
//! link-local, unique-local or unspecified addresses unless the plan allows it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// A `--resolve HOST:PORT:ADDR` pin (curl's syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub host: String,
    pub port: u16,
    pub addr: IpAddr,
}

/// A `--resolve` value that is not `HOST:PORT:ADDRESS`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not HOST:PORT:ADDRESS (like example.com:443:127.0.0.1)")]
pub struct PinError(pub String);

/// An address the guard refuses (loopback, private, link-local, …): why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

impl std::str::FromStr for Pin {
    type Err = PinError;
    fn from_str(s: &str) -> Result<Pin, PinError> {
        let bad = || PinError(s.to_string());
        let (host, rest) = s.split_once(':').ok_or_else(bad)?;
        let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        Ok(Pin {
            host: host.trim().trim_end_matches('.').to_ascii_lowercase(),
            port: port.parse().map_err(|_| bad())?,
            addr: addr.parse().map_err(|_| bad())?,
        })
        .and_then(|p: Pin| if p.host.is_empty() { Err(bad()) } else { Ok(p) })
    }
}

/// Whether an address may be visited without `allow_private`: a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                // carrier-grade NAT 100.64.0.0/10
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                // benchmarking 198.18.0.0/15, reserved 240.0.0.0/4
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // unique local fc00::/7, link-local fe80::/10, documentation 2001:db8::/32
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8))
        }
    }
}

/// Why an address was refused.
pub fn refusal(ip: IpAddr) -> String {
    format!(
        "{ip} is a local or private address; set fetch.allow_private: true in the plan to visit it"
    )
}

/// DNS resolution with `--resolve` pins and the guard applied to every answer.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pins: Arc<HashMap<String, Vec<IpAddr>>>,
    allow_private: bool,
    /// Host names the user configured themselves (a search backend): not guarded.
    trusted: Arc<Vec<String>>,
}

impl GuardedResolver {
    pub fn new(pins: &[Pin], allow_private: bool, trusted: &[String]) -> GuardedResolver {
        let mut map: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for p in pins {
            map.entry(p.host.clone()).or_default().push(p.addr);
        }
        GuardedResolver {
            pins: Arc::new(map),
            allow_private,
            trusted: Arc::new(trusted.iter().map(|h| h.to_ascii_lowercase()).collect()),
        }
    }

    /// The pinned addresses of a host, if any.
    pub fn pinned(&self, host: &str) -> Option<&[IpAddr]> {
        self.pins.get(&host.to_ascii_lowercase()).map(Vec::as_slice)
    }

    /// Checks an address against the guard.
    pub fn check(&self, ip: IpAddr) -> Result<(), Refused> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(Refused(refusal(ip)))
        }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let pinned = self.pinned(&host).map(<[IpAddr]>::to_vec);
        let this = self.clone();
        Box::pin(async move {
            let addrs: Vec<IpAddr> = match pinned {
                Some(p) => p,
                None => tokio::net::lookup_host((host.as_str(), 0))
                    .await?
                    .map(|sa| sa.ip())
                    .collect(),
            };
            let trusted = this.trusted.contains(&host);
            let allowed: Vec<SocketAddr> = addrs
                .iter()
                .filter(|ip| trusted || this.check(**ip).is_ok())
                .map(|ip| SocketAddr::new(*ip, 0))
                .collect();
            if allowed.is_empty() {
                let why = addrs.first().map_or_else(
                    || format!("{host} has no address"),
                    |ip| format!("{host}: {}", refusal(*ip)),
                );
                return Err(why.into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.1.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "93.184.216.34",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn pins_parse_like_curl() {
        let p: Pin = "Shop.Example.com:443:127.0.0.1".parse().unwrap();
        assert_eq!((p.host.as_str(), p.port), ("shop.example.com", 443));
        let p: Pin = "a.test:8080:[::1]".parse().unwrap();
        assert_eq!(p.addr, "::1".parse::<IpAddr>().unwrap());
        assert!("a.test:x:127.0.0.1".parse::<Pin>().is_err());
        assert!("a.test:80".parse::<Pin>().is_err());
    }

    #[tokio::test]
    async fn resolver_applies_pins_and_the_guard() {
        let pins = vec!["a.test:80:127.0.0.1".parse::<Pin>().unwrap()];
        let guarded = GuardedResolver::new(&pins, false, &[]);
        let err = guarded
            .resolve("a.test".parse().unwrap())
            .await
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("local or private address"),
            "{err}"
        );
        let open = GuardedResolver::new(&pins, true, &[]);
        let trusted = GuardedResolver::new(&pins, false, &["A.test".to_string()]);
        assert!(trusted.resolve("a.test".parse().unwrap()).await.is_ok());
        let addrs: Vec<SocketAddr> = open
            .resolve("a.test".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert_eq!(addrs, vec!["127.0.0.1:0".parse().unwrap()]);
    }
}
