//! Tables that fit the terminal: columns get the width their content needs, the widest
//! give way first, text wraps at spaces, and a timestamp is never split. A word is
//! broken only when whole words cannot fit at all (a long e-mail address on a narrow
//! terminal); a timestamp not even then, unless the terminal is narrower than the
//! timestamps themselves.
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use unicode_width::UnicodeWidthStr;

/// The width when nothing says otherwise: not a terminal, or one that reports 0 columns.
pub const DEFAULT_WIDTH: usize = 100;
/// The narrowest a column is made when its words must be broken.
const MIN_COLUMN: usize = 6;

/// The width to draw tables in: `COLUMNS` when it is a positive number (explicit beats
/// detected), else the width the terminal on standard output reports, else
/// [`DEFAULT_WIDTH`] (a pipe, a file, or a terminal that reports none or 0).
pub fn width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    match terminal_size::terminal_size_of(std::io::stdout()) {
        Some((terminal_size::Width(w), _)) if w > 0 => usize::from(w),
        _ => DEFAULT_WIDTH,
    }
}

/// A piece of a cell that is kept on one line when it can be.
#[derive(Debug, PartialEq, Eq)]
struct Atom {
    text: String,
    /// A timestamp: never broken if the column can hold it.
    timestamp: bool,
}

fn is_date(w: &str) -> bool {
    is_date_bytes(w.as_bytes())
}

fn is_date_bytes(b: &[u8]) -> bool {
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// `23:50`, `23:50:36`, optionally followed by `Z` or an offset.
fn is_time(w: &str) -> bool {
    is_time_bytes(w.as_bytes())
}

fn is_time_bytes(b: &[u8]) -> bool {
    b.len() >= 5 && b[0..2].iter().all(u8::is_ascii_digit) && b[2] == b':' && {
        b[3..5].iter().all(u8::is_ascii_digit)
    }
}

/// A zone after a time: `CET`, `CEST`, `UTC`, `+01:00`.
fn is_zone(w: &str) -> bool {
    let b = w.as_bytes();
    let abbreviation = (2..=5).contains(&b.len()) && b.iter().all(u8::is_ascii_uppercase);
    let offset = b.len() >= 3
        && (b[0] == b'+' || b[0] == b'-')
        && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b':');
    abbreviation || offset
}

/// An RFC 3339 timestamp as one word (`2026-11-28T23:50:36Z`, with an offset too).
fn is_timestamp_word(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 16 && is_date_bytes(&b[..10]) && b[10] == b'T' && is_time_bytes(&b[11..])
}

/// The atoms of a cell: its words, where a date followed by a time (and a zone) as
/// separate words is one timestamp atom (`2026-11-29 00:50:36 CET`).
fn atoms(text: &str) -> Vec<Atom> {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if is_date(w) && words.get(i + 1).is_some_and(|t| is_time(t)) {
            let mut parts = vec![w, words[i + 1]];
            i += 2;
            if let Some(z) = words.get(i).filter(|z| is_zone(z)) {
                parts.push(z);
                i += 1;
            }
            out.push(Atom {
                text: parts.join(" "),
                timestamp: true,
            });
            continue;
        }
        out.push(Atom {
            text: w.to_string(),
            timestamp: is_timestamp_word(w) || is_date(w),
        });
        i += 1;
    }
    out
}

fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// What a column needs: its widest line, its widest word, its widest timestamp.
#[derive(Debug, Default, Clone, Copy)]
struct Needs {
    max: usize,
    word: usize,
    timestamp: usize,
}

/// What a column needs; its header may break after `_` (`rule_` `description`).
fn needs(header: &str, cells: &[&str]) -> Needs {
    let mut n = Needs {
        max: display_width(header),
        word: header
            .split_inclusive(['_', ' '])
            .map(|p| display_width(p.trim_end()))
            .max()
            .unwrap_or(0),
        timestamp: 0,
    };
    for cell in cells {
        n.max = n.max.max(display_width(cell));
        for a in atoms(cell) {
            let w = display_width(&a.text);
            n.word = n.word.max(w);
            if a.timestamp {
                n.timestamp = n.timestamp.max(w);
            }
        }
    }
    n
}

/// The width of each column so that the table fits `width` terminal columns.
fn column_widths(columns: &[Needs], width: usize, padding: usize) -> Vec<usize> {
    // "│ a ┆ b │": one border, then per column its padding and a separator.
    let overhead = (padding + 1) * columns.len() + 1;
    let available = width.saturating_sub(overhead);
    let max: Vec<usize> = columns.iter().map(|c| c.max.max(1)).collect();
    if max.iter().sum::<usize>() <= available {
        return max;
    }
    // Every column at least as wide as its widest word; when even that does not fit,
    // break the longest words first, never below the timestamps or MIN_COLUMN.
    let lower: Vec<usize> = columns
        .iter()
        .zip(&max)
        .map(|(c, m)| c.timestamp.max((*m).min(MIN_COLUMN)))
        .collect();
    let mut widths: Vec<usize> = columns
        .iter()
        .zip(&max)
        .zip(&lower)
        .map(|((c, m), l)| c.word.min(*m).max(*l))
        .collect();
    let floors = widths.clone();
    let mut excess = widths.iter().sum::<usize>().saturating_sub(available);
    if excess > 0 {
        // Some words must be broken. Break as few columns as possible, each near the
        // middle of its longest word ("voorkeu" "rencentrum", not "nieuwsbrie" "f"):
        // first the columns that give the most room that way.
        let half: Vec<usize> = (0..widths.len())
            .map(|j| lower[j].max(floors[j].div_ceil(2)))
            .collect();
        let mut order: Vec<usize> = (0..widths.len())
            .filter(|j| half[*j] < floors[*j])
            .collect();
        order.sort_by_key(|j| {
            (
                usize::MAX - (floors[*j] - half[*j]),
                usize::MAX - max[*j],
                *j,
            )
        });
        let room: usize = order.iter().map(|j| floors[*j] - half[*j]).sum();
        if room >= excess {
            for j in order {
                if excess == 0 {
                    break;
                }
                let cut = floors[j] - half[j];
                widths[j] = half[j];
                excess = excess.saturating_sub(cut);
            }
        } else {
            // A very narrow terminal: level from the top, the widest column first, down
            // to the timestamps and MIN_COLUMN.
            while excess > 0 {
                let Some(j) = (0..widths.len())
                    .filter(|j| widths[*j] > lower[*j])
                    .max_by_key(|j| (widths[*j], max[*j], usize::MAX - j))
                else {
                    break; // wider than the terminal: the terminal wraps it
                };
                widths[j] -= 1;
                excess -= 1;
            }
        }
    }
    // Share what is left: a broken column gets its whole word back if the room allows;
    // then the columns that are whole but wrap, narrowest first, so that short columns
    // stay whole and the long texts wrap less. A broken column never grows to within a
    // few characters of its word, which would leave a stub on the next line.
    let mut left = available.saturating_sub(widths.iter().sum::<usize>());
    let mut broken: Vec<usize> = (0..widths.len())
        .filter(|j| widths[*j] < floors[*j])
        .collect();
    broken.sort_by_key(|j| floors[*j] - widths[*j]);
    for j in broken {
        let need = floors[j] - widths[j];
        if need <= left {
            widths[j] = floors[j];
            left -= need;
        }
    }
    while left > 0 {
        let Some(j) = (0..widths.len())
            .filter(|j| widths[*j] < max[*j])
            .filter(|j| widths[*j] >= floors[*j] || widths[*j] + 3 < floors[*j])
            .min_by_key(|j| (widths[*j], *j))
        else {
            break;
        };
        widths[j] += 1;
        left -= 1;
    }
    widths
}

/// Where a word may be broken when it must: after one of these (`contact_` `moment`,
/// `jan.de.vries@` `example.nl`).
fn soft_break(c: char) -> bool {
    matches!(c, '_' | '-' | '.' | '@' | '/' | ',' | ';')
}

/// Split a word that is wider than `width` into pieces that fit, after a soft break
/// character where there is one, else anywhere.
fn break_word(word: &str, width: usize, lines: &mut Vec<String>) {
    let mut rest: &str = word;
    while display_width(rest) > width {
        // The longest prefix that fits, and the last soft break inside it.
        let mut fit = 0;
        let mut soft = None;
        let mut used = 0;
        for (i, c) in rest.char_indices() {
            let mut buf = [0u8; 4];
            let cw = display_width(c.encode_utf8(&mut buf));
            if used + cw > width {
                break;
            }
            used += cw;
            fit = i + c.len_utf8();
            if soft_break(c) {
                soft = Some(fit);
            }
        }
        if fit == 0 {
            // Not even one character fits (a wide glyph in a 1-wide column).
            fit = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let cut = soft.filter(|s| *s < rest.len()).unwrap_or(fit);
        lines.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    if !rest.is_empty() {
        lines.push(rest.to_string());
    }
}

/// A cell's text in lines of at most `width` columns, broken at spaces.
fn wrap(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_string();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for atom in atoms(text) {
        let w = display_width(&atom.text);
        if line.is_empty() {
            if w <= width {
                line = atom.text;
            } else {
                break_word(&atom.text, width, &mut lines);
                line = lines.pop().unwrap_or_default();
            }
        } else if display_width(&line) + 1 + w <= width {
            line.push(' ');
            line.push_str(&atom.text);
        } else {
            lines.push(std::mem::take(&mut line));
            if w <= width {
                line = atom.text;
            } else {
                break_word(&atom.text, width, &mut lines);
                line = lines.pop().unwrap_or_default();
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

/// Draw a table in the house style, `width` terminal columns wide at most (unless its
/// timestamps alone need more). Cells must already be inert (one line, no escapes).
pub fn draw(header: &[String], rows: &[Vec<String>], width: usize) -> String {
    let n = header.len();
    let needs: Vec<Needs> = (0..n)
        .map(|i| {
            let cells: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get(i).map(String::as_str))
                .collect();
            needs(&header[i], &cells)
        })
        .collect();
    // A space on either side of each cell; when that leaves no room for whole words, a
    // space on the right only ("│12 ┆2026-11-28T23:50:36Z ┆profileren ┆"), which keeps
    // more words whole.
    let whole_words = |padding: usize| {
        let overhead = (padding + 1) * n + 1;
        needs
            .iter()
            .map(|c| c.word.max(c.timestamp).min(c.max))
            .sum::<usize>()
            + overhead
            <= width
    };
    let padding = if whole_words(2) { 2 } else { 1 };
    let widths = column_widths(&needs, width, padding);
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(
            header
                .iter()
                .zip(&widths)
                .map(|(h, w)| wrap(h, *w))
                .collect::<Vec<_>>(),
        );
    for row in rows {
        table.add_row(
            row.iter()
                .zip(&widths)
                .map(|(c, w)| wrap(c, *w))
                .collect::<Vec<_>>(),
        );
    }
    if padding == 1 {
        for column in table.column_iter_mut() {
            column.set_padding((0, 1));
        }
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn longest_line(s: &str) -> usize {
        s.lines().map(display_width).max().unwrap_or(0)
    }

    #[test]
    fn words_wrap_at_spaces_never_inside() {
        let text = "Zachte opt-in voor profileren op basis van transacties";
        let wrapped = wrap(text, 14);
        for line in wrapped.lines() {
            assert!(display_width(line) <= 14, "{wrapped}");
        }
        let words: Vec<&str> = wrapped.split_whitespace().collect();
        assert_eq!(words, text.split(' ').collect::<Vec<_>>(), "{wrapped}");
    }

    #[test]
    fn timestamps_stay_whole_in_either_shape() {
        for ts in ["2026-11-28T23:50:36Z", "2026-11-29 00:50:36 CET"] {
            let text = format!("gezien {ts} door de operator");
            let wrapped = wrap(&text, 24);
            assert!(
                wrapped.lines().any(|l| l.contains(ts)),
                "{ts} was split: {wrapped}"
            );
        }
    }

    #[test]
    fn a_wide_table_fits_80_columns_without_breaking_words() {
        let header: Vec<String> = [
            "id",
            "recorded_at",
            "type",
            "opt_in",
            "channel",
            "description",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows = vec![vec![
            "12".to_string(),
            "2026-11-28T23:50:36Z".to_string(),
            "profileren".to_string(),
            "opt-in".to_string(),
            "voorkeurencentrum".to_string(),
            "Zachte opt-in voor profileren op basis van alle transacties van de afgelopen jaren"
                .to_string(),
        ]];
        let t = draw(&header, &rows, 80);
        assert!(longest_line(&t) <= 80, "{t}");
        assert!(t.contains("2026-11-28T23:50:36Z"), "{t}");
        assert!(t.contains("profileren"), "{t}");
        assert!(t.contains("voorkeurencentrum"), "{t}");
    }

    #[test]
    fn narrow_terminals_break_long_words_but_not_timestamps() {
        let header = vec!["at".to_string(), "email".to_string()];
        let rows = vec![vec![
            "2026-11-28T23:50:36Z".to_string(),
            "a.very.long.address.indeed@mail.example.com".to_string(),
        ]];
        let t = draw(&header, &rows, 40);
        assert!(longest_line(&t) <= 40, "{t}");
        assert!(t.contains("2026-11-28T23:50:36Z"), "{t}");
    }

    #[test]
    fn a_table_that_fits_is_left_alone() {
        let header = vec!["a".to_string(), "b".to_string()];
        let rows = vec![vec!["one two".to_string(), "three".to_string()]];
        let t = draw(&header, &rows, 100);
        assert!(t.contains("one two"), "{t}");
        assert_eq!(t.lines().count(), 5, "{t}");
    }

    #[test]
    fn widths_share_the_room_narrowest_first() {
        let cols = [
            Needs {
                max: 3,
                word: 3,
                timestamp: 0,
            },
            Needs {
                max: 200,
                word: 10,
                timestamp: 0,
            },
        ];
        assert_eq!(column_widths(&cols, 50, 2), vec![3, 50 - 7 - 3]);
    }
}
