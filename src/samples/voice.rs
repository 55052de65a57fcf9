//! The sound of the sample clips: alternating vocal turns.
//!
//! The parent is a lower voice (about 180–250 Hz) in syllables with a gentle
//! rise-and-fall contour; the infant a higher coo (about 400–600 Hz) that
//! glides up and down. Between turns there is silence. The same envelope
//! drives the mouths in the picture, so sound and picture agree.

use std::f64::consts::TAU;

use super::script::{Turn, Who};

/// Parent syllables per second (unhurried, infant-directed speech).
const SYLLABLE_RATE: f32 = 4.0;
/// Peak amplitude of a voice (leaves headroom; turns never overlap).
const LEVEL: f64 = 0.3;

/// Loudness of `who` at time `t` seconds, 0..=1.
pub(crate) fn envelope(turns: &[Turn], who: Who, t: f32) -> f32 {
    turns
        .iter()
        .filter(|tr| tr.who == who && t >= tr.start && t < tr.end)
        .map(|tr| turn_envelope(tr, t))
        .fold(0.0, f32::max)
}

fn turn_envelope(turn: &Turn, t: f32) -> f32 {
    let dur = turn.end - turn.start;
    let u = ((t - turn.start) / dur).clamp(0.0, 1.0);
    match turn.who {
        Who::Parent => {
            // Syllables: raised-cosine bumps with a short gap between, each
            // a little different in loudness.
            let n = (dur * SYLLABLE_RATE).round().max(1.0);
            let s = u * n;
            let idx = s.floor();
            let frac = s - idx;
            let bump = (std::f32::consts::PI * frac).sin().powi(2);
            let accent = 0.75 + 0.25 * (idx * 2.1).sin().abs();
            bump * accent
        }
        Who::Infant => {
            // One soft coo: quick onset, long gentle decay.
            let a = (u / 0.15).min(1.0);
            let d = ((1.0 - u) / 0.45).min(1.0);
            (a * d).sqrt()
        }
    }
}

/// Fundamental frequency of `turn` at relative position `u` (0..=1).
fn pitch(turn: &Turn, u: f64, t: f64) -> f64 {
    match turn.who {
        // Rise then fall, ending lower, as in an infant-directed phrase.
        Who::Parent => 205.0 * (1.0 + 0.14 * (std::f64::consts::PI * u).sin() - 0.1 * u),
        // Glide up from 440 to about 590 and back, with a light vibrato.
        Who::Infant => {
            (440.0 + 150.0 * (std::f64::consts::PI * u).sin())
                * (1.0 + 0.012 * (TAU * 5.5 * t).sin())
        }
    }
}

/// Harmonic amplitudes: the parent voice is richer, the coo purer.
fn harmonics(who: Who) -> &'static [f64] {
    match who {
        Who::Parent => &[1.0, 0.55, 0.4, 0.22, 0.14, 0.08],
        Who::Infant => &[1.0, 0.3, 0.08],
    }
}

/// Renders `total` mono samples at `sample_rate` for these turns.
pub(crate) fn render(turns: &[Turn], sample_rate: u32, total: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; total];
    let sr = f64::from(sample_rate);
    for turn in turns {
        let first = ((f64::from(turn.start) * sr).ceil() as usize).min(total);
        let last = ((f64::from(turn.end) * sr).floor() as usize).min(total);
        let dur = f64::from(turn.end - turn.start);
        let amps = harmonics(turn.who);
        let norm: f64 = amps.iter().sum();
        // Phase accumulates so pitch glides are continuous (no clicks).
        let mut phase = 0.0f64;
        for (i, sample) in out[first..last].iter_mut().enumerate() {
            let t = (first + i) as f64 / sr;
            let u = (t - f64::from(turn.start)) / dur;
            phase = (phase + TAU * pitch(turn, u, t) / sr) % TAU;
            let wave: f64 = amps
                .iter()
                .enumerate()
                .map(|(k, a)| a * (phase * (k + 1) as f64).sin())
                .sum();
            let env = f64::from(turn_envelope(turn, t as f32));
            *sample = (LEVEL * env * wave / norm) as f32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns() -> Vec<Turn> {
        vec![
            Turn {
                who: Who::Infant,
                start: 0.1,
                end: 0.5,
            },
            Turn {
                who: Who::Parent,
                start: 0.7,
                end: 1.2,
            },
        ]
    }

    #[test]
    fn silence_between_turns_and_sound_within() {
        let pcm = render(&turns(), 48_000, 48_000 * 3 / 2);
        let rms = |a: usize, b: usize| {
            (pcm[a..b].iter().map(|s| s * s).sum::<f32>() / (b - a) as f32).sqrt()
        };
        assert_eq!(rms(0, 4_800), 0.0);
        assert!(rms(9_600, 19_200) > 0.03);
        assert_eq!(rms(26_400, 31_200), 0.0);
        assert!(rms(33_600, 57_600) > 0.03);
        assert!(pcm.iter().all(|s| s.abs() <= 0.31));
    }

    #[test]
    fn envelope_matches_turns() {
        let t = turns();
        assert_eq!(envelope(&t, Who::Parent, 0.3), 0.0);
        assert!(envelope(&t, Who::Infant, 0.3) > 0.5);
        assert_eq!(envelope(&t, Who::Infant, 0.6), 0.0);
    }

    #[test]
    fn infant_is_higher_than_parent() {
        let (p, i) = (&turns()[1], &turns()[0]);
        for u in [0.0, 0.3, 0.7, 1.0] {
            let fp = pitch(p, u, 0.0);
            let fi = pitch(i, u, 0.0);
            assert!((175.0..=255.0).contains(&fp), "{fp}");
            assert!((390.0..=610.0).contains(&fi), "{fi}");
        }
    }
}
