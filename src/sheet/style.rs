//! Cell formats for XLSX: a user's cell style as calamine reads it, turned back into a
//! rust_xlsxwriter format (font, fill, borders, alignment, number format, protection), and the
//! formats of the tool's own cells (grade colours, dates, percentages, links, the header).

use calamine::{
    BorderStyle, FillPattern, HorizontalAlignment, Style, TextRotation, UnderlineStyle,
    VerticalAlignment,
};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, FormatPattern, FormatUnderline};

/// The number format of the tool's dates.
pub const DATE_FORMAT: &str = "yyyy-mm-dd";
/// The number format of a date with a time of day (a user's cell without a format of its own).
pub const DATETIME_FORMAT: &str = "yyyy-mm-dd hh:mm";
/// The number format of `match_share`.
pub const PERCENT_FORMAT: &str = "0%";

/// The fill colour of a grade cell.
pub fn grade_color(grade: &str) -> Option<u32> {
    match grade
        .trim()
        .trim_start_matches('\'')
        .to_ascii_uppercase()
        .as_str()
    {
        "A" => Some(0xC6EFCE),
        "B" => Some(0xE2EFDA),
        "C" => Some(0xFFEB9C),
        "D" => Some(0xFCE4D6),
        "X" => Some(0xEDEDED),
        _ => None,
    }
}

/// Whether a style shows on an empty cell (a fill, a border …); fonts alone do not.
pub fn shows_when_empty(s: &Style) -> bool {
    s.fill.as_ref().is_some_and(|f| f.is_visible())
        || s.borders.as_ref().is_some_and(|b| b.has_visible_borders())
        || s.alignment.as_ref().is_some_and(|a| {
            a.horizontal != HorizontalAlignment::General || a.wrap_text || a.indent.is_some()
        })
        || s.protection.as_ref().is_some_and(|p| !p.locked || p.hidden)
}

/// A user's cell style as a format rust_xlsxwriter writes.
pub fn format_of(s: &Style) -> Format {
    let mut f = Format::new();
    if let Some(font) = &s.font {
        f = with_font(f, font);
    }
    if let Some(fill) = s.fill.as_ref().filter(|fill| fill.is_visible()) {
        f = with_fill(f, fill);
    }
    if let Some(b) = &s.borders {
        f = with_borders(f, b);
    }
    if let Some(a) = &s.alignment {
        f = with_alignment(f, a);
    }
    if let Some(n) = &s.number_format
        && !n.format_code.is_empty()
        && !n.format_code.eq_ignore_ascii_case("general")
    {
        f = f.set_num_format(&n.format_code);
    }
    if let Some(p) = &s.protection {
        if !p.locked {
            f = f.set_unlocked();
        }
        if p.hidden {
            f = f.set_hidden();
        }
    }
    f
}

fn with_font(mut f: Format, font: &calamine::Font) -> Format {
    if let Some(name) = &font.name {
        f = f.set_font_name(name);
    }
    if let Some(size) = font.size {
        f = f.set_font_size(size);
    }
    if font.is_bold() {
        f = f.set_bold();
    }
    if font.is_italic() {
        f = f.set_italic();
    }
    if font.has_strikethrough() {
        f = f.set_font_strikethrough();
    }
    f = match font.underline {
        UnderlineStyle::Single => f.set_underline(FormatUnderline::Single),
        UnderlineStyle::Double => f.set_underline(FormatUnderline::Double),
        UnderlineStyle::SingleAccounting => f.set_underline(FormatUnderline::SingleAccounting),
        UnderlineStyle::DoubleAccounting => f.set_underline(FormatUnderline::DoubleAccounting),
        _ => f,
    };
    if let Some(c) = font.color.filter(|c| !c.is_black()) {
        f = f.set_font_color(rgb(c));
    }
    f
}

fn with_fill(mut f: Format, fill: &calamine::Fill) -> Format {
    if fill.pattern == FillPattern::Solid {
        if let Some(c) = fill.get_color() {
            f = f.set_background_color(rgb(c));
        }
    } else {
        f = f.set_pattern(pattern(fill.pattern));
        if let Some(c) = fill.foreground_color {
            f = f.set_foreground_color(rgb(c));
        }
        if let Some(c) = fill.background_color {
            f = f.set_background_color(rgb(c));
        }
    }
    f
}

fn with_borders(mut f: Format, b: &calamine::Borders) -> Format {
    let sides = [(&b.top, 0), (&b.bottom, 1), (&b.left, 2), (&b.right, 3)];
    for (side, which) in sides {
        if side.style == BorderStyle::None {
            continue;
        }
        let style = border(side.style);
        f = match which {
            0 => f.set_border_top(style),
            1 => f.set_border_bottom(style),
            2 => f.set_border_left(style),
            _ => f.set_border_right(style),
        };
        if let Some(c) = side.color {
            f = match which {
                0 => f.set_border_top_color(rgb(c)),
                1 => f.set_border_bottom_color(rgb(c)),
                2 => f.set_border_left_color(rgb(c)),
                _ => f.set_border_right_color(rgb(c)),
            };
        }
    }
    f
}

fn with_alignment(mut f: Format, a: &calamine::Alignment) -> Format {
    let h = match a.horizontal {
        HorizontalAlignment::Left => Some(FormatAlign::Left),
        HorizontalAlignment::Center => Some(FormatAlign::Center),
        HorizontalAlignment::CenterContinuous => Some(FormatAlign::CenterAcross),
        HorizontalAlignment::Right => Some(FormatAlign::Right),
        HorizontalAlignment::Justify => Some(FormatAlign::Justify),
        HorizontalAlignment::Distributed => Some(FormatAlign::Distributed),
        HorizontalAlignment::Fill => Some(FormatAlign::Fill),
        _ => None,
    };
    if let Some(h) = h {
        f = f.set_align(h);
    }
    let v = match a.vertical {
        VerticalAlignment::Top => Some(FormatAlign::Top),
        VerticalAlignment::Center => Some(FormatAlign::VerticalCenter),
        VerticalAlignment::Justify => Some(FormatAlign::VerticalJustify),
        VerticalAlignment::Distributed => Some(FormatAlign::VerticalDistributed),
        _ => None,
    };
    if let Some(v) = v {
        f = f.set_align(v);
    }
    if a.wrap_text {
        f = f.set_text_wrap();
    }
    if let Some(i) = a.indent.filter(|i| *i > 0) {
        f = f.set_indent(i);
    }
    if a.shrink_to_fit {
        f = f.set_shrink();
    }
    match a.text_rotation {
        TextRotation::Degrees(d) if d > 0 && d <= 90 => f = f.set_rotation(d as i16),
        TextRotation::Degrees(d) if d > 90 && d <= 180 => f = f.set_rotation(90 - d as i16),
        TextRotation::Stacked => f = f.set_rotation(270),
        _ => {}
    }
    f
}

/// Whether a style has a number format of its own (a date cell keeps its look).
pub fn has_number_format(s: &Style) -> bool {
    s.number_format.as_ref().is_some_and(|n| {
        !n.format_code.is_empty() && !n.format_code.eq_ignore_ascii_case("general")
    })
}

fn rgb(c: calamine::Color) -> Color {
    Color::RGB((u32::from(c.red) << 16) | (u32::from(c.green) << 8) | u32::from(c.blue))
}

fn pattern(p: FillPattern) -> FormatPattern {
    match p {
        FillPattern::Solid => FormatPattern::Solid,
        FillPattern::DarkGray => FormatPattern::DarkGray,
        FillPattern::MediumGray => FormatPattern::MediumGray,
        FillPattern::LightGray => FormatPattern::LightGray,
        FillPattern::Gray125 => FormatPattern::Gray125,
        FillPattern::Gray0625 => FormatPattern::Gray0625,
        FillPattern::DarkHorizontal => FormatPattern::DarkHorizontal,
        FillPattern::DarkVertical => FormatPattern::DarkVertical,
        FillPattern::DarkDown => FormatPattern::DarkDown,
        FillPattern::DarkUp => FormatPattern::DarkUp,
        FillPattern::DarkGrid => FormatPattern::DarkGrid,
        FillPattern::DarkTrellis => FormatPattern::DarkTrellis,
        FillPattern::LightHorizontal => FormatPattern::LightHorizontal,
        FillPattern::LightVertical => FormatPattern::LightVertical,
        FillPattern::LightDown => FormatPattern::LightDown,
        FillPattern::LightUp => FormatPattern::LightUp,
        FillPattern::LightGrid => FormatPattern::LightGrid,
        FillPattern::LightTrellis => FormatPattern::LightTrellis,
        _ => FormatPattern::None,
    }
}

fn border(b: BorderStyle) -> FormatBorder {
    match b {
        BorderStyle::Thin => FormatBorder::Thin,
        BorderStyle::Medium => FormatBorder::Medium,
        BorderStyle::Thick => FormatBorder::Thick,
        BorderStyle::Double => FormatBorder::Double,
        BorderStyle::Hair => FormatBorder::Hair,
        BorderStyle::Dashed => FormatBorder::Dashed,
        BorderStyle::Dotted => FormatBorder::Dotted,
        BorderStyle::MediumDashed => FormatBorder::MediumDashed,
        BorderStyle::DashDot => FormatBorder::DashDot,
        BorderStyle::MediumDashDot => FormatBorder::MediumDashDot,
        BorderStyle::DashDotDot => FormatBorder::DashDotDot,
        BorderStyle::MediumDashDotDot => FormatBorder::MediumDashDotDot,
        BorderStyle::SlantDashDot => FormatBorder::SlantDashDot,
        _ => FormatBorder::None,
    }
}

/// The width (in characters) of a tool column.
pub fn tool_width(column: &str) -> f64 {
    match column {
        "grade" | "big" | "level" | "scam" | "free_mail" | "site_grade" => 7.0,
        "match_share" | "country" => 9.0,
        "first_seen" | "last_seen" => 11.0,
        "date" | "reply_by" => 16.0,
        "sender_email" | "subject" | "products" | "buyer_type" => 24.0,
        "details" | "signs" | "next_step" => 50.0,
        "customer_type" => 14.0,
        "domain" | "phones" => 22.0,
        "company" | "website" | "emails" | "contact_page" | "matched_products" => 30.0,
        "evidence" | "queries" => 50.0,
        _ => 12.0,
    }
}
