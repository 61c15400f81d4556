//! Copying to the clipboard of the terminal the console runs in, wherever that is (over SSH, in
//! tmux): OSC 52, as helix and k9s do. The terminal receives `ESC ] 52 ; c ; <base64> BEL` and
//! puts the decoded text on the system clipboard if it allows programs to (most do; tmux needs
//! `set -g set-clipboard on`). Nothing is read back: the console cannot tell whether it worked.

/// The escape sequence that asks the terminal to put `text` on the clipboard (`c`).
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64 (RFC 4648, section 4) with padding, as OSC 52 expects.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                encoded.push(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_test_vectors() {
        // RFC 4648, section 10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
    }

    #[test]
    fn base64_uses_the_whole_alphabet_and_utf8() {
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
        assert_eq!(base64(&[0, 0, 0]), "AAAA");
        assert_eq!(base64("テナント".as_bytes()), "44OG44OK44Oz44OI");
    }

    #[test]
    fn osc52_is_escape_52_clipboard_base64_bell() {
        assert_eq!(
            osc52("aws s3 ls\nSELECT 1;"),
            "\x1b]52;c;YXdzIHMzIGxzClNFTEVDVCAxOw==\x07"
        );
    }
}
