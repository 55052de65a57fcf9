//! The audio waveform: peaks of the mono downmix in short buckets.
//!
//! Bucket times count from the first video frame (the timeline's zero), not
//! from the first audio sample, so a voice lines up with the mouth that
//! makes it even when the audio track starts a little earlier or later.

use ffmpeg::format::{Sample, sample};
use ffmpeg::software::resampling;
use ffmpeg::{ChannelLayout, frame};
use ffmpeg_next as ffmpeg;

use crate::media::ffmpeg::{Threads, frame_timestamp, ts_to_us, with_channel_layout};

use super::{Cancel, OverviewError, OverviewJob, Waveform, cancelled};

/// 10 ms buckets: a syllable spans several, a turn's gap is clearly visible.
pub const BUCKETS_PER_SECOND: u32 = 100;

/// Decodes the whole audio stream of `job.path`. `Ok(None)` when the clip
/// has no audio track: silence is not an error. The waveform covers no more
/// than the video's duration, since the timeline ends where the video does.
pub fn compute_waveform(
    job: &OverviewJob,
    buckets_per_second: u32,
    cancel: &Cancel,
    progress: &mut dyn FnMut(f32),
) -> Result<Option<Waveform>, OverviewError> {
    let path = job.path.as_path();
    let bps = buckets_per_second.max(1);
    let mut input = super::open_input(path)?;
    let Some(audio) = input.audio() else {
        return Ok(None);
    };
    let index = audio.index;
    let tb = audio.time_base;
    let zero_us = input
        .video()
        .map(|v| ts_to_us(v.start, v.time_base))
        .unwrap_or(0);
    let mut decoder = input
        .audio_decoder(&audio, Threads::One)
        .map_err(|e| OverviewError::audio(path, e))?;
    let duration_us = input.duration_us().max(1);
    // Known up front, so a bogus timestamp cannot make us allocate without
    // bound either.
    let video_buckets = (u64::from(job.frames) * u64::from(job.frame_rate.den) * u64::from(bps))
        .div_ceil(u64::from(job.frame_rate.num.max(1)));
    let max_buckets = usize::try_from(video_buckets.max(1)).unwrap_or(usize::MAX);

    let mut acc = Peaks::new(max_buckets);
    let mut resampler: Option<(resampling::Context, (Sample, u32, i32))> = None;
    let mut decoded = frame::Audio::empty();
    let mut next_pos: Option<i64> = None;
    let mut eof = false;
    let mut any_frame = false;
    let mut last_progress = 0f32;
    while !eof {
        if cancelled(cancel) {
            return Err(OverviewError::Cancelled { path: path.into() });
        }
        match input.read_packet() {
            Ok(Some(packet)) if packet.stream() == index => {
                if let Some(pts) = packet.pts() {
                    let f = (ts_to_us(pts, tb) as f32 / duration_us as f32).clamp(0.0, 1.0);
                    // Reported in whole percents: the UI need not repaint
                    // for every packet.
                    if f - last_progress >= 0.01 {
                        last_progress = f;
                        progress(f);
                    }
                }
                // A damaged packet is a moment of silence, not a failure.
                if let Err(e) = decoder.send_packet(&packet) {
                    log::debug!("waveform: an audio packet was refused: {e}");
                }
            }
            Ok(Some(_)) => continue,
            // A read error mid-file (truncated copy) ends the waveform there.
            end => {
                if let Err(e) = end {
                    log::debug!("waveform: reading stopped early: {e}");
                }
                if let Err(e) = decoder.send_eof() {
                    log::debug!("waveform: the decoder would not drain: {e}");
                }
                eof = true;
            }
        }
        while decoder.receive_frame(&mut decoded).is_ok() {
            any_frame = true;
            let rate = decoded.rate().max(1);
            let pos = match frame_timestamp(&decoded) {
                Some(pts) => {
                    let t_us = i128::from(ts_to_us(pts, tb)) - i128::from(zero_us);
                    (t_us * i128::from(rate) / 1_000_000) as i64
                }
                None => next_pos.unwrap_or(0),
            };
            let layout = with_channel_layout(&mut decoded);
            let key = (decoded.format(), rate, i32::from(decoded.channels()));
            if resampler.as_ref().is_none_or(|(_, k)| *k != key) {
                // Same rate out as in: only the sample format and the
                // channel count change, so no samples are delayed.
                let rs = resampling::Context::get(
                    decoded.format(),
                    layout,
                    rate,
                    Sample::F32(sample::Type::Packed),
                    ChannelLayout::MONO,
                    rate,
                )
                .map_err(|e| OverviewError::audio(path, e))?;
                resampler = Some((rs, key));
            }
            let Some((rs, _)) = resampler.as_mut() else {
                continue;
            };
            let mut mono = frame::Audio::new(
                Sample::F32(sample::Type::Packed),
                decoded.samples() + 64,
                ChannelLayout::MONO,
            );
            rs.run(&decoded, &mut mono)
                .map_err(|e| OverviewError::audio(path, e))?;
            let n = mono.samples();
            let samples = mono.plane::<f32>(0);
            acc.add(pos, rate, bps, samples.get(..n).unwrap_or(samples));
            next_pos = Some(pos + n as i64);
        }
    }
    if !any_frame {
        return Err(OverviewError::audio(path, "no sound could be decoded"));
    }
    progress(1.0);
    Ok(Some(Waveform {
        buckets_per_second: bps,
        peaks: acc.finish(),
    }))
}

/// Running (min, max) per bucket.
struct Peaks {
    buckets: Vec<(f32, f32)>,
    max: usize,
}

impl Peaks {
    fn new(max: usize) -> Self {
        Self {
            buckets: Vec::new(),
            max,
        }
    }

    /// Adds samples whose first one is sample `pos` (at `rate` Hz) after the
    /// timeline's zero. Samples before zero or past the video's end are
    /// dropped.
    fn add(&mut self, pos: i64, rate: u32, bps: u32, samples: &[f32]) {
        for (k, &v) in samples.iter().enumerate() {
            let p = pos + k as i64;
            if p < 0 {
                continue;
            }
            let bucket = (p as u64 * u64::from(bps) / u64::from(rate)) as usize;
            if bucket >= self.max {
                break;
            }
            if bucket >= self.buckets.len() {
                self.buckets
                    .resize(bucket + 1, (f32::INFINITY, f32::NEG_INFINITY));
            }
            let b = &mut self.buckets[bucket];
            // NaN from a broken stream must not poison the bucket.
            if v.is_finite() {
                b.0 = b.0.min(v);
                b.1 = b.1.max(v);
            }
        }
    }

    fn finish(self) -> Vec<(i8, i8)> {
        let q = |v: f32| (v.clamp(-1.0, 1.0) * 127.0).round() as i8;
        self.buckets
            .into_iter()
            .map(|(lo, hi)| {
                if lo > hi {
                    // No sample landed here (a gap in the track): silence.
                    (0, 0)
                } else {
                    (q(lo), q(hi))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Peaks;

    #[test]
    fn peaks_bucket_by_time_and_clip_to_range() {
        let mut p = Peaks::new(10);
        // 1000 Hz, 100 buckets per second: 10 samples per bucket.
        let mut s = vec![0.0f32; 30];
        s[3] = 0.5;
        s[15] = -2.0;
        s[25] = f32::NAN;
        p.add(0, 1000, 100, &s);
        assert_eq!(p.finish(), vec![(0, 64), (-127, 0), (0, 0)]);
        let mut p = Peaks::new(10);
        p.add(0, 1000, 100, &[0.25; 10]);
        p.add(20, 1000, 100, &[0.25; 10]);
        // Only positive samples: the minimum is theirs, not zero; the
        // bucket no sample reached is silent.
        assert_eq!(p.finish(), vec![(32, 32), (0, 0), (32, 32)]);
    }

    #[test]
    fn samples_before_zero_and_past_the_end_are_dropped() {
        let mut p = Peaks::new(2);
        p.add(-10, 1000, 100, &[1.0; 50]);
        assert_eq!(p.finish(), vec![(127, 127), (127, 127)]);
    }
}
