//! The only code that talks to the network: politeness, robots.txt, retries, decoding.

pub mod decode;
