//! The on-disk cache of overviews: `<root>/<fingerprint hash>/filmstrip.bin`
//! and `waveform.bin`, in the user's cache folder, never next to footage.
//!
//! Both files are little-endian binary:
//!
//! ```text
//! magic (8 bytes)  "ATNFILM\0" or "ATNWAVE\0"
//! version u32      FORMAT_VERSION
//! what it was computed for, checked on load:
//!   frames u32, rate num u32, rate den u32,
//!   filmstrip: rotation u16, long side u32
//!   waveform:  buckets per second u32
//! filmstrip: count u32, then per thumbnail frame u32, width u32,
//!            height u32, width*height*4 bytes of RGBA
//! waveform:  has audio u8, count u32, then count (min i8, max i8)
//! BLAKE3 of everything above (32 bytes)
//! ```
//!
//! A file that is missing, truncated, corrupt (checksum), of another version
//! or computed with other settings reads as absent, and the overview is
//! computed again: a cache is never worth an error. Files are written to a
//! temporary name in the same folder and renamed, so a crash leaves either
//! the old file or the new one.

use std::path::{Path, PathBuf};

use super::{Filmstrip, OverviewJob, Thumbnail, Waveform};

/// Bump whenever the layout or the meaning of the contents changes.
pub(super) const FORMAT_VERSION: u32 = 1;
const FILM_MAGIC: &[u8; 8] = b"ATNFILM\0";
const WAVE_MAGIC: &[u8; 8] = b"ATNWAVE\0";
const FILM_NAME: &str = "filmstrip.bin";
const WAVE_NAME: &str = "waveform.bin";
const CHECKSUM_LEN: usize = 32;
/// Thumbnails larger than this are not ours; refuse before allocating.
const MAX_THUMB_SIDE: u32 = 4096;

/// `$XDG_CACHE_HOME/attune/overview`, else `~/.cache/attune/overview`;
/// `None` when neither is known (then nothing is cached).
pub(super) fn default_cache_dir() -> Option<PathBuf> {
    let base = crate::files::xdg_dir("XDG_CACHE_HOME", ".cache")?;
    Some(base.join("attune").join("overview"))
}

#[derive(Debug, Clone)]
pub struct OverviewCache {
    root: PathBuf,
}

impl OverviewCache {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The clip's folder, or `None` for a hash that is not plain hex: a
    /// hand-edited project must not steer writes outside the cache.
    pub fn clip_dir(&self, fingerprint_hash: &str) -> Option<PathBuf> {
        let plain = !fingerprint_hash.is_empty()
            && fingerprint_hash.len() <= 128
            && fingerprint_hash.bytes().all(|b| b.is_ascii_hexdigit());
        plain.then(|| self.root.join(fingerprint_hash))
    }

    pub fn filmstrip_path(&self, fingerprint_hash: &str) -> Option<PathBuf> {
        self.clip_dir(fingerprint_hash).map(|d| d.join(FILM_NAME))
    }

    pub fn waveform_path(&self, fingerprint_hash: &str) -> Option<PathBuf> {
        self.clip_dir(fingerprint_hash).map(|d| d.join(WAVE_NAME))
    }

    pub fn load_filmstrip(&self, job: &OverviewJob, long_side: u32) -> Option<Filmstrip> {
        let bytes = std::fs::read(self.filmstrip_path(&job.fingerprint.hash)?).ok()?;
        let mut r = Reader::checked(&bytes, FILM_MAGIC)?;
        if !r.matches_job(job) || r.u16()? != job.rotation || r.u32()? != long_side {
            return None;
        }
        let count = r.u32()?;
        let mut thumbs = Vec::new();
        for _ in 0..count {
            let frame = r.u32()?;
            let (width, height) = (r.u32()?, r.u32()?);
            if width == 0 || height == 0 || width > MAX_THUMB_SIDE || height > MAX_THUMB_SIDE {
                return None;
            }
            let rgba = r.take(width as usize * height as usize * 4)?.to_vec();
            thumbs.push(Thumbnail {
                frame,
                width,
                height,
                rgba,
            });
        }
        r.at_end().then_some(Filmstrip { thumbs })
    }

    pub fn store_filmstrip(
        &self,
        job: &OverviewJob,
        long_side: u32,
        strip: &Filmstrip,
    ) -> std::io::Result<()> {
        let Some(path) = self.filmstrip_path(&job.fingerprint.hash) else {
            return Ok(());
        };
        let pixels: usize = strip.thumbs.iter().map(|t| t.rgba.len() + 12).sum();
        let mut out = header(FILM_MAGIC, job, 64 + pixels);
        out.extend_from_slice(&job.rotation.to_le_bytes());
        out.extend_from_slice(&long_side.to_le_bytes());
        out.extend_from_slice(&len_u32(strip.thumbs.len()).to_le_bytes());
        for t in &strip.thumbs {
            for v in [t.frame, t.width, t.height] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&t.rgba);
        }
        write_atomically(&path, out)
    }

    /// `Some(None)` means "computed before: the clip has no audio".
    pub fn load_waveform(&self, job: &OverviewJob, bps: u32) -> Option<Option<Waveform>> {
        let bytes = std::fs::read(self.waveform_path(&job.fingerprint.hash)?).ok()?;
        let mut r = Reader::checked(&bytes, WAVE_MAGIC)?;
        if !r.matches_job(job) || r.u32()? != bps {
            return None;
        }
        let has_audio = match r.take(1)?[0] {
            0 => false,
            1 => true,
            _ => return None,
        };
        let count = r.u32()? as usize;
        let raw = r.take(count.checked_mul(2)?)?;
        if !r.at_end() {
            return None;
        }
        if !has_audio {
            return Some(None);
        }
        let peaks = raw
            .chunks_exact(2)
            .map(|p| (p[0] as i8, p[1] as i8))
            .collect();
        Some(Some(Waveform {
            buckets_per_second: bps,
            peaks,
        }))
    }

    pub fn store_waveform(
        &self,
        job: &OverviewJob,
        bps: u32,
        waveform: Option<&Waveform>,
    ) -> std::io::Result<()> {
        let Some(path) = self.waveform_path(&job.fingerprint.hash) else {
            return Ok(());
        };
        let peaks = waveform.map_or(&[][..], |w| &w.peaks[..]);
        let mut out = header(WAVE_MAGIC, job, 64 + peaks.len() * 2);
        out.extend_from_slice(&bps.to_le_bytes());
        out.push(u8::from(waveform.is_some()));
        out.extend_from_slice(&len_u32(peaks.len()).to_le_bytes());
        for &(lo, hi) in peaks {
            out.extend_from_slice(&[lo as u8, hi as u8]);
        }
        write_atomically(&path, out)
    }
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn header(magic: &[u8; 8], job: &OverviewJob, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(magic);
    for v in [
        FORMAT_VERSION,
        job.frames,
        job.frame_rate.num,
        job.frame_rate.den,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Appends the checksum and writes the file through the atomic writer
/// (private, flushed, renamed into place).
fn write_atomically(path: &Path, mut bytes: Vec<u8>) -> std::io::Result<()> {
    let sum = blake3::hash(&bytes);
    bytes.extend_from_slice(sum.as_bytes());
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("cache file has no folder"))?;
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
    folder.create(dir)?;
    let write = || {
        let mut file = crate::files::AtomicFile::create(path)?.without_ledger();
        file.write_all(&bytes)?;
        file.commit()
    };
    write().map(|_| ()).map_err(std::io::Error::other)
}

/// Reads the fields of a cache file whose magic, version and checksum are
/// already known good.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn checked(bytes: &'a [u8], magic: &[u8; 8]) -> Option<Self> {
        let body_len = bytes.len().checked_sub(CHECKSUM_LEN)?;
        let (body, sum) = bytes.split_at(body_len);
        if blake3::hash(body).as_bytes() != sum {
            return None;
        }
        let mut r = Reader { rest: body };
        if r.take(8)? != magic || r.u32()? != FORMAT_VERSION {
            return None;
        }
        Some(r)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    /// The clip facts the file was computed for equal the job's.
    fn matches_job(&mut self, job: &OverviewJob) -> bool {
        let facts = (|| Some((self.u32()?, self.u32()?, self.u32()?)))();
        facts == Some((job.frames, job.frame_rate.num, job.frame_rate.den))
    }

    fn at_end(&self) -> bool {
        self.rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Fingerprint, FrameRate};

    fn job(hash: &str) -> OverviewJob {
        OverviewJob {
            path: PathBuf::from("/nowhere/clip.mp4"),
            fingerprint: Fingerprint {
                size: 1,
                hash: hash.into(),
            },
            rotation: 90,
            frames: 300,
            frame_rate: FrameRate::new(30, 1).unwrap(),
        }
    }

    fn strip() -> Filmstrip {
        Filmstrip {
            thumbs: vec![
                Thumbnail {
                    frame: 0,
                    width: 2,
                    height: 3,
                    rgba: (0..24).collect(),
                },
                Thumbnail {
                    frame: 61,
                    width: 2,
                    height: 3,
                    rgba: vec![7; 24],
                },
            ],
        }
    }

    #[test]
    fn round_trips_and_rejects_damage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = OverviewCache::new(dir.path().to_path_buf());
        let j = job("abc123");
        assert!(cache.load_filmstrip(&j, 160).is_none());
        cache.store_filmstrip(&j, 160, &strip()).unwrap();
        assert_eq!(cache.load_filmstrip(&j, 160), Some(strip()));
        // Other settings: not ours.
        assert!(cache.load_filmstrip(&j, 120).is_none());
        let mut turned = j.clone();
        turned.rotation = 0;
        assert!(cache.load_filmstrip(&turned, 160).is_none());

        let path = cache.filmstrip_path("abc123").unwrap();
        let good = std::fs::read(&path).unwrap();
        for cut in [0, 7, 20, good.len() / 2, good.len() - 1] {
            std::fs::write(&path, &good[..cut]).unwrap();
            assert!(cache.load_filmstrip(&j, 160).is_none(), "cut at {cut}");
        }
        let mut flipped = good.clone();
        flipped[60] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(cache.load_filmstrip(&j, 160).is_none());
        // Another version with a valid checksum is still refused.
        let mut old = good[..good.len() - CHECKSUM_LEN].to_vec();
        old[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        write_atomically(&path, old).unwrap();
        assert!(cache.load_filmstrip(&j, 160).is_none());
        // No temp files left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(FILM_NAME)]);
    }

    #[test]
    fn waveforms_and_silence_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = OverviewCache::new(dir.path().to_path_buf());
        let j = job("ff00");
        let w = Waveform {
            buckets_per_second: 100,
            peaks: vec![(-127, 127), (0, 0), (-3, 5)],
        };
        cache.store_waveform(&j, 100, Some(&w)).unwrap();
        assert_eq!(cache.load_waveform(&j, 100), Some(Some(w)));
        assert_eq!(cache.load_waveform(&j, 50), None);
        cache.store_waveform(&j, 100, None).unwrap();
        assert_eq!(cache.load_waveform(&j, 100), Some(None));
    }

    #[test]
    fn hashes_that_are_not_hex_are_not_paths() {
        let cache = OverviewCache::new(PathBuf::from("/cache"));
        assert!(cache.clip_dir("../../etc").is_none());
        assert!(cache.clip_dir("").is_none());
        assert_eq!(cache.clip_dir("09af"), Some(PathBuf::from("/cache/09af")));
    }
}
