//! Functions AWS Step Functions adds to JSONata: `$partition`, `$range`, `$hash`, `$uuid`,
//! `$parse` (and the seedable `$random`, in `functions.rs`), and the base64 codec of
//! `$base64encode`/`$base64decode`. The digests of `$hash` are shared with `States.Hash`
//! (`query::digest`).

use super::error::Error;
use crate::query::digest::{hex, md5, sha1, sha256, sha512_family};
use super::eval::{Ctx, R};
use super::jvalue::JV;

pub fn call(ctx: &mut Ctx, name: &str, a: &[Option<JV>]) -> R {
    let arg = |i: usize| a.get(i).and_then(|x| x.as_ref());
    match name {
        "partition" => {
            let Some(items) = arg(0) else { return Ok(None) };
            let items = match items {
                JV::Arr(v, _) => v.to_vec(),
                other => vec![other.clone()],
            };
            let size = arg(1).and_then(JV::as_num).unwrap_or(0.0);
            if size < 1.0 || size.fract() != 0.0 {
                return Err(Error::new("D3040", "The size argument of $partition must be a positive integer"));
            }
            let chunks = items.chunks(size as usize).map(|c| JV::arr(c.to_vec())).collect();
            Ok(Some(JV::arr(chunks)))
        }
        "range" => {
            let (Some(start), Some(end)) = (arg(0).and_then(JV::as_num), arg(1).and_then(JV::as_num)) else {
                return Ok(None);
            };
            let step = arg(2).and_then(JV::as_num).unwrap_or(1.0);
            if step == 0.0 || !step.is_finite() {
                return Err(Error::new("D3040", "The step argument of $range must be a non-zero number"));
            }
            let count = ((end - start) / step).floor() + 1.0;
            if count > 1e7 {
                return Err(Error::new("D2014", "The size of the sequence allocated by $range must not exceed 1e7"));
            }
            let mut out = Vec::new();
            let mut i = 0.0;
            while i < count {
                out.push(JV::Num(start + i * step));
                i += 1.0;
            }
            // A sequence, as AWS returns it: a single number stands alone.
            Ok(Some(JV::seq(out)))
        }
        "hash" => {
            let Some(JV::Str(data)) = arg(0) else { return Ok(None) };
            let alg = arg(1).and_then(JV::as_str).unwrap_or("SHA-256");
            let digest = match alg {
                "MD5" => md5(data.as_bytes()).to_vec(),
                "SHA-1" => sha1(data.as_bytes()).to_vec(),
                "SHA-256" => sha256(data.as_bytes()).to_vec(),
                "SHA-384" => sha512_family(data.as_bytes(), true),
                "SHA-512" => sha512_family(data.as_bytes(), false),
                other => {
                    return Err(Error::new(
                        "D3040",
                        format!("Unsupported hash algorithm \"{other}\": use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"),
                    ))
                }
            };
            Ok(Some(JV::Str(hex(&digest).into())))
        }
        "uuid" => {
            let mut bytes = [0u8; 16];
            for chunk in bytes.chunks_mut(8) {
                chunk.copy_from_slice(&ctx.rng.next_u64().to_le_bytes());
            }
            bytes[6] = (bytes[6] & 0x0f) | 0x40;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            let h = hex(&bytes);
            Ok(Some(JV::Str(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]).into())))
        }
        "parse" => {
            let Some(JV::Str(text)) = arg(0) else { return Ok(None) };
            match crate::value::parse(text) {
                Ok(v) => Ok(Some(JV::from_value(&v))),
                Err(e) => Err(Error::new("D3140", format!("Unable to parse JSON string: {}", e.message))),
            }
        }
        _ => Ok(None),
    }
}

// ------------------------------------------------------------------ base64

pub use crate::query::digest::base64_encode;

/// Decodes base64, ignoring whitespace and tolerating missing padding.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = crate::query::digest::Base64Bytes::with_text_len(text.len());
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        bytes.push(v);
    }
    Some(bytes.finish().0)
}

// ------------------------------------------------------------------ hashes

/// Message padding shared by MD5 and SHA-1/SHA-256 (64-byte blocks, 64-bit length).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_known_vectors() {
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"The quick brown fox jumps over the lazy dog")), "9e107d9d372bb6826bd81d3542a419d6");
        assert_eq!(hex(&sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            hex(&sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            hex(&sha512_family(b"abc", true)),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hex(&sha512_family(b"abc", false)),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        // Two blocks for SHA-512.
        let long = vec![b'a'; 200];
        assert_eq!(sha512_family(&long, false).len(), 64);
    }

    #[test]
    fn base64_roundtrip() {
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_encode(b"hi"), "aGk=");
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGk").unwrap(), b"hi");
    }
}
