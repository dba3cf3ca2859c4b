//! Reference data below the plan: language data (countries, regions, customer-type words) and
//! the word lists of grading and of reading contacts. Data files, not code
//! (`query-templates/lang/`, `query-templates/data/`); the templates catalogue loads them.

pub mod grading_words;
pub mod lang;
pub mod page_words;

pub use grading_words::GradingWords;
pub use lang::LangData;
pub use page_words::PageWords;
