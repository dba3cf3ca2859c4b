//! Expansion speed: 5 products × 4 synonyms × 3 local names, 30 countries, 10 customer types, all methods.
fn main() {}
