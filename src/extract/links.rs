//! Choosing the pages of a company site that matter (catalogue, about us, contact, legal notice).
