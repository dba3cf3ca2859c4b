//! The bodies of the farm's fault replies: filler, dripping, big chunked bodies, gzip bombs.

use std::io::Write as _;
use std::sync::OnceLock;
use std::time::Duration;

use flate2::Compression;
use flate2::write::DeflateEncoder;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::{BOMB_PREFIX, BOMB_SUFFIX, FILLER_LINE, HTML_FILLER_PREFIX, Io};

/// Spaces per independently compressed piece of a gzip bomb.
const BOMB_UNIT: usize = 1 << 20;
/// Bomb pieces per HTTP chunk (about 16 KB on the wire).
const BOMB_BATCH: usize = 16;
/// Filler bytes per HTTP chunk for [`Reply::Big`].
const FILL_BLOCK: usize = 64 * 1024;

/// The first `len` bytes of the filler stream: [`HTML_FILLER_PREFIX`] (for HTML), then
/// [`FILLER_LINE`] repeated.
pub(super) fn filler(html: bool, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + FILLER_LINE.len());
    if html {
        out.extend_from_slice(HTML_FILLER_PREFIX);
    }
    while out.len() < len {
        out.extend_from_slice(FILLER_LINE);
    }
    out.truncate(len);
    out
}

pub(super) async fn drip(stream: &mut TcpStream, body: &[u8], bytes_per_sec: u32) -> Io<()> {
    let rate = u64::from(bytes_per_sec.max(1));
    let step = (rate / 20).max(1);
    let period = Duration::from_nanos(step * 1_000_000_000 / rate);
    let start = tokio::time::Instant::now();
    for (i, piece) in body.chunks(step as usize).enumerate() {
        if i > 0 {
            tokio::time::sleep_until(start + period * i as u32).await;
        }
        stream.write_all(piece).await?;
        stream.flush().await?;
    }
    Ok(())
}

async fn write_chunk(stream: &mut TcpStream, data: &[u8]) -> Io<()> {
    if data.is_empty() {
        return Ok(());
    }
    let mut out = Vec::with_capacity(data.len() + 16);
    out.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    stream.write_all(&out).await
}

pub(super) async fn send_big(stream: &mut TcpStream, size: u64, html: bool) -> Io<()> {
    let mut left = size;
    if html {
        let first = &HTML_FILLER_PREFIX[..left.min(HTML_FILLER_PREFIX.len() as u64) as usize];
        write_chunk(stream, first).await?;
        left -= first.len() as u64;
    }
    let block = filler(false, FILL_BLOCK - FILL_BLOCK % FILLER_LINE.len());
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        write_chunk(stream, &block[..n]).await?;
        left -= n as u64;
    }
    stream.write_all(b"0\r\n\r\n").await
}

/// A piece of raw deflate stream that decompresses to `data` on its own (it never refers
/// back past its start) and ends byte-aligned: with a sync flush (a non-final block), or with
/// a final block when `last`. Such pieces can be concatenated.
fn deflate_piece(data: &[u8], last: bool) -> Vec<u8> {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(data).expect("deflate into memory");
    if last {
        return enc.finish().expect("deflate into memory");
    }
    enc.flush().expect("deflate into memory");
    // Dropping the encoder finishes the stream into the emptied vector, which is thrown away.
    std::mem::take(enc.get_mut())
}

struct BombUnit {
    deflated: Vec<u8>,
    crc: flate2::Crc,
}

fn bomb_unit() -> &'static BombUnit {
    static UNIT: OnceLock<BombUnit> = OnceLock::new();
    UNIT.get_or_init(|| {
        let spaces = vec![b' '; BOMB_UNIT];
        let mut crc = flate2::Crc::new();
        crc.update(&spaces);
        BombUnit {
            deflated: deflate_piece(&spaces, false),
            crc,
        }
    })
}

/// The gzip bomb's body: header, the prefix, the precomputed unit again and again, the rest
/// of the spaces with the suffix, the trailer; each piece one HTTP chunk.
pub(super) async fn send_bomb(stream: &mut TcpStream, decompressed: u64) -> Io<()> {
    let plain_ends = BOMB_PREFIX.len() as u64 + BOMB_SUFFIX.len() as u64;
    let (prefix, spaces, suffix): (Vec<u8>, u64, Vec<u8>) = if decompressed >= plain_ends {
        (
            BOMB_PREFIX.to_vec(),
            decompressed - plain_ends,
            BOMB_SUFFIX.to_vec(),
        )
    } else {
        let mut both = [BOMB_PREFIX, BOMB_SUFFIX].concat();
        both.truncate(decompressed as usize);
        (both, 0, Vec::new())
    };
    let unit = bomb_unit();
    let units = spaces / BOMB_UNIT as u64;
    let mut tail = vec![b' '; (spaces % BOMB_UNIT as u64) as usize];
    tail.extend_from_slice(&suffix);

    // Gzip header: magic, deflate, no flags, no mtime, no extra flags, unknown OS.
    let mut first = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    first.extend_from_slice(&deflate_piece(&prefix, false));
    write_chunk(stream, &first).await?;

    let batch = unit.deflated.repeat(BOMB_BATCH);
    let mut left = units;
    while left > 0 {
        let n = left.min(BOMB_BATCH as u64) as usize;
        write_chunk(stream, &batch[..n * unit.deflated.len()]).await?;
        left -= n as u64;
    }

    let mut crc = flate2::Crc::new();
    crc.update(&prefix);
    for _ in 0..units {
        crc.combine(&unit.crc);
    }
    let mut tail_crc = flate2::Crc::new();
    tail_crc.update(&tail);
    crc.combine(&tail_crc);
    let mut last = deflate_piece(&tail, true);
    last.extend_from_slice(&crc.sum().to_le_bytes());
    last.extend_from_slice(&(decompressed as u32).to_le_bytes());
    write_chunk(stream, &last).await?;
    stream.write_all(b"0\r\n\r\n").await
}
