//! Words and whitespace read from a text's bytes. Every line of every article is
//! measured (how many words, whether it is a sentence) and a page's text is collapsed
//! to single spaces: decoding each character for that, as `str::split_whitespace`
//! does, cost more than all the rules run on a line.

/// The number of words in `line`.
pub(super) fn words(line: &str) -> usize {
    count_words(line, usize::MAX)
}

/// Whether `line` has more than `n` words, counting no further than needed: cheap on
/// long paragraphs.
pub(super) fn more_words_than(line: &str, n: usize) -> bool {
    // Words are set apart by whitespace: `n + 1` of them take `2n + 1` bytes at least.
    let room = line.len() > 2 * n;
    room && (ascii_words_over(line.as_bytes(), n) || count_words(line, n) > n)
}

/// Whether `bytes` has more than `n` words by a count of the plainest ones only: a
/// printable ASCII character at the start or after ASCII whitespace starts a word
/// whatever else the text holds, so this count never exceeds the true one. It is a sum
/// over 64-byte chunks that the compiler vectorizes: on a paragraph it settles the
/// question long before a character-by-character count would.
fn ascii_words_over(bytes: &[u8], n: usize) -> bool {
    let space = |b: u8| (b == b' ') | (b.wrapping_sub(b'\t') < 5);
    let printable = |b: u8| b.wrapping_sub(b'!') < 94;
    let mut starts = usize::from(bytes.first().is_some_and(|&b| printable(b)));
    let mut chunks = bytes
        .chunks(64)
        .zip(bytes.get(1..).unwrap_or_default().chunks(64));
    while starts <= n {
        let Some((before, at)) = chunks.next() else {
            return false;
        };
        let chunk: u8 = before
            .iter()
            .zip(at)
            .map(|(&b, &a)| u8::from(space(b) & printable(a)))
            .fold(0, u8::wrapping_add);
        starts += usize::from(chunk);
    }
    true
}

/// The words of `line`, up to one more than `limit`.
pub(super) fn count_words(line: &str, limit: usize) -> usize {
    split_words(line).take(limit.saturating_add(1)).count()
}

/// The words of `text` as `str::split_whitespace` finds them, told from its bytes by
/// [`whitespace_at`] rather than by decoding every character: several times cheaper,
/// which counts on long paragraphs.
pub(super) fn split_words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            match whitespace_at(bytes, at) {
                0 => break,
                len => at += len,
            }
        }
        let start = at;
        while at < bytes.len() && whitespace_at(bytes, at) == 0 {
            at += 1;
        }
        (start < at).then(|| &text[start..at])
    })
}

/// Whether `text` is as its words joined by single spaces would be: no whitespace at
/// either end, nothing but single spaces between words. Most text of a page is, and is
/// then kept as it is.
pub(super) fn is_collapsed(text: &str) -> bool {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let ends_in_space = text.chars().next_back().is_some_and(char::is_whitespace);
    if whitespace_at(bytes, 0) != 0 || ends_in_space {
        return false;
    }
    // A byte starting whitespace other than a space, or a space after a space, told from
    // it and its neighbours with plain arithmetic over 64-byte chunks, which the
    // compiler vectorizes (the cases of [`whitespace_at`], restated).
    let irregular = |before: u8, at: u8, next: u8, after: u8| {
        let control = at.wrapping_sub(b'\t') < 5;
        let wide = matches!(after, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF);
        (at == b' ' && before == b' ')
            | control
            | (at == 0xC2 && (next == 0x85 || next == 0xA0))
            | (at == 0xE1 && next == 0x9A && after == 0x80)
            | (at == 0xE2 && ((next == 0x80 && wide) || (next == 0x81 && after == 0x9F)))
            | (at == 0xE3 && next == 0x80 && after == 0x80)
    };
    // Positions 1 to `end` have two bytes after them.
    let end = n.saturating_sub(2).max(1);
    let shifted = |by: usize| &bytes[by.min(n)..(end - 1 + by).min(n)];
    let quads = shifted(0)
        .chunks(64)
        .zip(shifted(1).chunks(64))
        .zip(shifted(2).chunks(64))
        .zip(shifted(3).chunks(64));
    let bad_inside = quads.into_iter().any(|(((before, at), next), after)| {
        before
            .iter()
            .zip(at)
            .zip(next)
            .zip(after)
            .fold(false, |bad, (((&b, &a), &x), &y)| {
                bad | irregular(b, a, x, y)
            })
    });
    // The last two bytes, which have no two after them.
    let bad_at_end = (end..n)
        .any(|i| whitespace_at(bytes, i) != 0 && !(bytes[i] == b' ' && bytes[i - 1] != b' '));
    !bad_inside && !bad_at_end
}

/// The length in bytes of the whitespace character (as `char::is_whitespace` has it)
/// that starts at byte `i` of the UTF-8 `bytes`, or 0 if none does (or `i` is past the
/// end). Continuation bytes never start one, so any byte offset may be asked about.
#[inline]
pub(super) fn whitespace_at(bytes: &[u8], i: usize) -> usize {
    let next = |n: usize| bytes.get(i + 1..i + 1 + n).unwrap_or_default();
    match bytes.get(i) {
        // Most bytes: printable ASCII, continuation bytes, the leads of other letters.
        Some(0x21..=0xC1) | None => 0,
        Some(b' ' | b'\t'..=b'\r') => 1,
        // U+0085, U+00A0
        Some(0xC2) => 2 * usize::from(matches!(next(1), [0x85 | 0xA0])),
        // U+1680
        Some(0xE1) => 3 * usize::from(next(2) == [0x9A, 0x80]),
        // U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F
        Some(0xE2) => {
            3 * usize::from(matches!(
                next(2),
                [0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF] | [0x81, 0x9F]
            ))
        }
        // U+3000
        Some(0xE3) => 3 * usize::from(next(2) == [0x80, 0x80]),
        Some(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_told_from_bytes_as_from_characters() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let expected = if c.is_whitespace() { c.len_utf8() } else { 0 };
            assert_eq!(
                whitespace_at(text.as_bytes(), 1),
                expected,
                "{:X}",
                c as u32
            );
            // No byte inside a character starts one.
            for i in 2..=c.len_utf8() {
                assert_eq!(whitespace_at(text.as_bytes(), i), 0, "{:X}", c as u32);
            }
        }
        let text = " a\u{a0}b\t\u{2003} “c”\u{3000}d\u{85}\n";
        assert!(split_words(text).eq(text.split_whitespace()));
        assert_eq!(count_words(text, 2), 3);
    }

    #[test]
    fn tells_collapsed_text_from_any_other() {
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let mut texts = vec![String::new(), "a".into(), "a b".into(), "ab cd e".into()];
        for space in &spaces {
            for pattern in [
                "{}a b", "a{}b", "a {}b", "a{} b", "a b{}", "ab{}", "{}", "a{}{}b",
            ] {
                texts.push(pattern.replace("{}", &space.to_string()));
            }
        }
        texts.push("“a” — b’s".into());
        texts.push(format!("{} end", "word ".repeat(40).trim()));
        texts.push(format!("{}  end", "word ".repeat(40).trim()));
        for text in &texts {
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(is_collapsed(text), *text == collapsed, "{text:?}");
        }
    }
}
