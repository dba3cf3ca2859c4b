//! Query patterns: `'"{product}" ({customer_type|or})'` parsed into literal text and variables.

use std::fmt;

/// A template variable, filled from the plan and the language data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Var {
    Product,
    ProductLocal,
    CustomerType,
    CustomerTypeLocal,
    Country,
    CountryLocal,
    Related,
    Industry,
    Buyer,
    BuyerDomain,
    Filetype,
    Year,
    HsCode,
}

impl Var {
    pub const ALL: [Var; 13] = [
        Var::Product,
        Var::ProductLocal,
        Var::CustomerType,
        Var::CustomerTypeLocal,
        Var::Country,
        Var::CountryLocal,
        Var::Related,
        Var::Industry,
        Var::Buyer,
        Var::BuyerDomain,
        Var::Filetype,
        Var::Year,
        Var::HsCode,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Var::Product => "product",
            Var::ProductLocal => "product_local",
            Var::CustomerType => "customer_type",
            Var::CustomerTypeLocal => "customer_type_local",
            Var::Country => "country",
            Var::CountryLocal => "country_local",
            Var::Related => "related",
            Var::Industry => "industry",
            Var::Buyer => "buyer",
            Var::BuyerDomain => "buyer_domain",
            Var::Filetype => "filetype",
            Var::Year => "year",
            Var::HsCode => "hs_code",
        }
    }

    fn from_name(name: &str) -> Option<Var> {
        Var::ALL.into_iter().find(|v| v.name() == name)
    }

    /// Local variables make a pattern a local-language pattern.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            Var::ProductLocal | Var::CustomerTypeLocal | Var::CountryLocal
        )
    }

    /// What the plan needs for this variable to have values (for `check`'s explanations).
    pub fn source(self) -> &'static str {
        match self {
            Var::Product => "products",
            Var::ProductLocal => "products[].names",
            Var::CustomerType | Var::CustomerTypeLocal => "customer_types",
            Var::Country | Var::CountryLocal => "countries",
            Var::Related => "related_products",
            Var::Industry => "industry",
            Var::Buyer | Var::BuyerDomain => "big_buyers",
            Var::Filetype => "filetypes",
            Var::Year => "the current year",
            Var::HsCode => "hs_codes",
        }
    }
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a variable's values are written into the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// The value as it is (one query per value).
    Plain,
    /// In double quotes when it has several words.
    Quote,
    /// All values in one `(a OR b)` group.
    Or,
    /// Lower case without spaces (for `inurl:`).
    Slug,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Var(Var, Filter),
}

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub source: String,
    pub segments: Vec<Segment>,
}

/// Why a pattern could not be parsed; `offset` is the byte position in the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Pattern {
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        let mut segments = Vec::new();
        let mut text = String::new();
        let mut rest = source;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| PatternError {
                offset: offset + open,
                message: "`{` without a closing `}`".into(),
                hint: None,
            })?;
            let inner = after[..close].trim();
            let (name, filter) = match inner.split_once('|') {
                Some((n, f)) => (n.trim(), Some(f.trim())),
                None => (inner, None),
            };
            let var = Var::from_name(name).ok_or_else(|| {
                let names = Var::ALL.map(Var::name);
                PatternError {
                    offset: offset + open,
                    message: format!("unknown variable `{{{name}}}`"),
                    hint: Some(match crate::diag::closest(name, names) {
                        Some(best) => format!("did you mean `{{{best}}}`?"),
                        None => {
                            format!("variables: {}", names.map(|n| format!("{{{n}}}")).join(" "))
                        }
                    }),
                }
            })?;
            let filter = match filter {
                None => Filter::Plain,
                Some("q") => Filter::Quote,
                Some("or") => Filter::Or,
                Some("slug") => Filter::Slug,
                Some(other) => {
                    return Err(PatternError {
                        offset: offset + open,
                        message: format!("unknown filter `|{other}` on `{{{name}}}`"),
                        hint: Some("filters: |q (quote multi-word values), |or (one OR group), |slug (for inurl:)".into()),
                    });
                }
            };
            if !text.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut text)));
            }
            segments.push(Segment::Var(var, filter));
            let consumed = open + 1 + close + 1;
            offset += consumed;
            rest = &rest[consumed..];
        }
        if let Some(pos) = rest.find('}') {
            return Err(PatternError {
                offset: offset + pos,
                message: "`}` without an opening `{`".into(),
                hint: None,
            });
        }
        text.push_str(rest);
        if !text.is_empty() {
            segments.push(Segment::Text(text));
        }
        Ok(Pattern {
            source: source.to_string(),
            segments,
        })
    }

    pub fn vars(&self) -> impl Iterator<Item = (Var, Filter)> + '_ {
        self.segments.iter().filter_map(|s| match s {
            Segment::Var(v, f) => Some((*v, *f)),
            Segment::Text(_) => None,
        })
    }

    /// A local-language pattern uses at least one `*_local` variable.
    pub fn is_local(&self) -> bool {
        self.vars().any(|(v, _)| v.is_local())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_variables_filters_and_text() {
        let p = Pattern::parse(r#""{product}" ({customer_type|or}) site:{buyer_domain}"#).unwrap();
        assert_eq!(
            p.segments,
            vec![
                Segment::Text("\"".into()),
                Segment::Var(Var::Product, Filter::Plain),
                Segment::Text("\" (".into()),
                Segment::Var(Var::CustomerType, Filter::Or),
                Segment::Text(") site:".into()),
                Segment::Var(Var::BuyerDomain, Filter::Plain),
            ]
        );
        assert!(!p.is_local());
        assert!(Pattern::parse("{product_local} x").unwrap().is_local());
    }

    #[test]
    fn unknown_variable_names_offset_and_suggests() {
        let e = Pattern::parse("buy {prodcut}").unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(e.message.contains("{prodcut}"));
        assert_eq!(e.hint.as_deref(), Some("did you mean `{product}`?"));
        assert!(Pattern::parse("{product").is_err());
        assert!(Pattern::parse("product}").is_err());
        assert!(Pattern::parse("{product|upper}").is_err());
    }
}
