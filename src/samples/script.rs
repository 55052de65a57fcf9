//! What happens when in each sample clip: who looks where, who smiles, who
//! vocalises. The picture (`scene`) and the sound (`voice`) both read this,
//! so a mouth opens exactly when its voice sounds, and the scripted moments
//! offered for tagging match what is seen and heard.

use super::SampleClip;

/// One of the two people in the scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Parent,
    Infant,
}

/// Where someone looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gaze {
    /// At the other person's face.
    Other,
    /// Away from the other (a break, gaze aversion).
    Away,
    /// Down at the shared object (toy, bottle, duck).
    Object,
}

/// A stretch of the clip from `start` (seconds) until the next beat.
#[derive(Debug, Clone, Copy)]
pub struct Beat {
    pub start: f32,
    pub parent_gaze: Gaze,
    pub infant_gaze: Gaze,
    /// 0 = neutral, 1 = broad smile.
    pub parent_smile: f32,
    pub infant_smile: f32,
    /// The parent nods during this beat.
    pub parent_nod: bool,
}

/// A vocal turn from `start` to `end` seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turn {
    pub who: Who,
    pub start: f32,
    pub end: f32,
}

/// A moment worth tagging, in seconds (converted to frames per clip rate).
#[derive(Debug, Clone, Copy)]
pub struct MomentSpec {
    pub start: f32,
    pub end: f32,
    pub vig_item: &'static str,
    pub caption: &'static str,
    pub note: &'static str,
}

/// A clip's whole timeline. It repeats every `period` seconds, so longer
/// renders (the benchmark clip) loop it.
#[derive(Debug, Clone, Copy)]
pub struct Script {
    pub period: f32,
    pub beats: &'static [Beat],
    pub turns: &'static [Turn],
    pub moments: &'static [MomentSpec],
}

/// How someone looks and moves at one instant (all values blended smoothly
/// between beats).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigurePose {
    /// Gaze direction: x > 0 towards the other person, y > 0 downwards.
    pub gaze: (f32, f32),
    pub smile: f32,
    /// 0 = closed, 1 = wide open (follows the voice envelope).
    pub mouth_open: f32,
    /// Vertical head offset from nodding, in head radii.
    pub nod: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    pub parent: FigurePose,
    pub infant: FigurePose,
}

/// Seconds a change of gaze or expression takes.
const TRANSITION: f32 = 0.35;

const fn beat(start: f32, pg: Gaze, ig: Gaze, ps: f32, is: f32, nod: bool) -> Beat {
    Beat {
        start,
        parent_gaze: pg,
        infant_gaze: ig,
        parent_smile: ps,
        infant_smile: is,
        parent_nod: nod,
    }
}

const fn turn(who: Who, start: f32, end: f32) -> Turn {
    Turn { who, start, end }
}

use Gaze::{Away, Object, Other};
use Who::{Infant, Parent};

const PLAY_MAT: Script = Script {
    period: 24.0,
    beats: &[
        beat(0.0, Other, Object, 0.3, 0.1, false),
        beat(3.2, Other, Other, 0.35, 0.3, false),
        beat(4.6, Other, Other, 1.0, 0.6, true),
        beat(6.4, Other, Other, 0.8, 0.7, false),
        beat(13.4, Other, Away, 0.3, 0.0, false),
        beat(17.0, Other, Other, 0.5, 0.5, false),
        beat(17.4, Other, Other, 1.0, 0.8, true),
        beat(19.0, Object, Object, 0.6, 0.5, false),
        beat(22.8, Other, Other, 0.8, 0.8, false),
    ],
    turns: &[
        turn(Infant, 3.6, 4.4),
        turn(Parent, 5.0, 6.2),
        turn(Infant, 6.8, 7.6),
        turn(Parent, 8.0, 9.0),
        turn(Infant, 9.4, 10.2),
        turn(Parent, 10.6, 11.6),
        turn(Infant, 12.0, 12.8),
        turn(Infant, 17.6, 18.2),
        turn(Parent, 19.8, 21.0),
        turn(Infant, 21.6, 22.4),
    ],
    moments: &[
        MomentSpec {
            start: 0.0,
            end: 4.5,
            vig_item: "initiative-by-infant",
            caption: "You gave her time to play, and she looked up and called to you",
            note: "Infant disengages from the toy, orients to parent and vocalises \
                   (initiative). Parent had been watching without directing: available.",
        },
        MomentSpec {
            start: 4.4,
            end: 6.4,
            vig_item: "returning-eye-contact-smiling-nodding",
            caption: "You smiled and nodded, and she knew you had heard her",
            note: "Initiative received: parent returns gaze with a broad smile and nods, \
                   then answers vocally within about half a second.",
        },
        MomentSpec {
            start: 6.6,
            end: 13.0,
            vig_item: "giving-and-taking-short-turns",
            caption: "You took turns, like a little conversation",
            note: "Five alternating vocal turns with pauses of about 0.4 s; parent leaves \
                   space for each infant turn. Sustained mutual gaze, shared positive affect.",
        },
        MomentSpec {
            start: 13.4,
            end: 17.6,
            vig_item: "waiting",
            caption: "When she needed a little break, you waited, and she came back to you",
            note: "Infant gaze aversion after a long exchange (self-regulation). Parent does \
                   not pursue: stays quiet and available with a soft gaze; infant re-engages \
                   after about 3.5 s.",
        },
        MomentSpec {
            start: 19.0,
            end: 22.8,
            vig_item: "shared-attention",
            caption: "You both looked at the rattle together",
            note: "Joint attention to the toy; parent names the object, infant vocalises \
                   in reply while both keep attending to it.",
        },
    ],
};

const FEEDING: Script = Script {
    period: 15.0,
    beats: &[
        beat(0.0, Other, Other, 0.6, 0.2, false),
        beat(3.0, Other, Away, 0.3, 0.0, false),
        beat(6.0, Other, Other, 0.4, 0.4, false),
        beat(7.4, Other, Other, 1.0, 0.6, true),
        beat(9.4, Other, Other, 0.7, 0.6, false),
    ],
    turns: &[
        turn(Infant, 6.4, 7.2),
        turn(Parent, 7.8, 9.0),
        turn(Parent, 10.0, 10.8),
        turn(Infant, 11.3, 12.0),
        turn(Parent, 12.5, 13.4),
        turn(Infant, 13.8, 14.5),
    ],
    moments: &[
        MomentSpec {
            start: 0.0,
            end: 3.0,
            vig_item: "turning-towards",
            caption: "You held her close and looked at each other",
            note: "Sustained mutual gaze during the feed; parent's face turned to the infant, \
                   relaxed holding.",
        },
        MomentSpec {
            start: 3.0,
            end: 6.4,
            vig_item: "waiting",
            caption: "You let her pause, and waited for her to come back",
            note: "Infant breaks gaze and pauses; parent does not re-prompt. Infant re-orients \
                   after about 3 s.",
        },
        MomentSpec {
            start: 6.0,
            end: 9.2,
            vig_item: "receiving-and-then-responding",
            caption: "She cooed, and you answered her",
            note: "Infant vocal initiative received: parent smiles and nods, then responds \
                   vocally, matching the infant's pitch contour.",
        },
        MomentSpec {
            start: 9.6,
            end: 14.8,
            vig_item: "giving-and-taking-short-turns",
            caption: "A lovely back-and-forth between you",
            note: "Four alternating turns, parent pausing for the infant each time; mutual \
                   gaze and positive affect held throughout.",
        },
    ],
};

const BATH: Script = Script {
    period: 6.0,
    beats: &[
        beat(0.0, Other, Object, 0.5, 0.2, false),
        beat(0.6, Other, Object, 0.9, 0.2, false),
        beat(2.2, Other, Other, 0.9, 0.5, false),
        beat(3.0, Other, Other, 1.0, 1.0, true),
        beat(4.6, Object, Object, 0.8, 0.8, false),
    ],
    turns: &[turn(Parent, 0.8, 1.8)],
    moments: &[
        MomentSpec {
            start: 0.6,
            end: 3.0,
            vig_item: "initiative-by-parent",
            caption: "You called to her, and she turned to you",
            note: "Parent initiates with voice and smile; infant orients from the bath toy \
                   to the parent within about 1.4 s.",
        },
        MomentSpec {
            start: 3.0,
            end: 6.0,
            vig_item: "attuned-exchange",
            caption: "Big smiles together, then the duck, together",
            note: "Shared positive affect in mutual gaze, then a shared look at the duck.",
        },
    ],
};

/// The script of a sample clip.
pub fn script(clip: SampleClip) -> &'static Script {
    match clip {
        SampleClip::PlayMatLandscape => &PLAY_MAT,
        SampleClip::FeedingPortrait => &FEEDING,
        SampleClip::BathNoAudio => &BATH,
    }
}

impl Script {
    /// The vocal turns in `[0, duration)`, repeating the script as needed.
    pub fn turns_until(&self, duration: f32) -> Vec<Turn> {
        let mut out = Vec::new();
        // Bounded: one pass per period of the requested duration.
        let repeats = (duration / self.period).ceil().max(1.0) as u32;
        for r in 0..repeats {
            let offset = r as f32 * self.period;
            out.extend(
                self.turns
                    .iter()
                    .map(|t| turn(t.who, t.start + offset, t.end + offset))
                    .filter(|t| t.start < duration),
            );
        }
        out
    }

    /// The pose at `t` seconds. `mouth` gives the voice envelope of each
    /// person at `t` (0..=1) so the picture follows the sound.
    pub fn pose_at(&self, t: f32, mouth: impl Fn(Who) -> f32) -> Pose {
        let t = t.rem_euclid(self.period);
        let idx = self.beats.iter().rposition(|b| b.start <= t).unwrap_or(0);
        let cur = &self.beats[idx];
        let prev = &self.beats[idx.saturating_sub(1)];
        let k = smoothstep(((t - cur.start) / TRANSITION).clamp(0.0, 1.0));
        let lerp = |a: f32, b: f32| a + (b - a) * k;
        let lerp2 = |a: (f32, f32), b: (f32, f32)| (lerp(a.0, b.0), lerp(a.1, b.1));
        let nod_wave = (t * std::f32::consts::TAU * 1.6).sin();
        let nod = |b: &Beat| if b.parent_nod { 0.12 * nod_wave } else { 0.0 };
        Pose {
            parent: FigurePose {
                gaze: lerp2(
                    gaze_vec(Parent, prev.parent_gaze),
                    gaze_vec(Parent, cur.parent_gaze),
                ),
                smile: lerp(prev.parent_smile, cur.parent_smile),
                mouth_open: mouth(Parent),
                nod: lerp(nod(prev), nod(cur)),
            },
            infant: FigurePose {
                gaze: lerp2(
                    gaze_vec(Infant, prev.infant_gaze),
                    gaze_vec(Infant, cur.infant_gaze),
                ),
                smile: lerp(prev.infant_smile, cur.infant_smile),
                mouth_open: mouth(Infant),
                nod: 0.0,
            },
        }
    }
}

/// Gaze direction in "towards the other" coordinates. The parent's head is
/// higher, so looking at the infant means looking slightly down, and the
/// infant looks slightly up.
fn gaze_vec(who: Who, gaze: Gaze) -> (f32, f32) {
    match (who, gaze) {
        (Parent, Other) => (1.0, 0.35),
        (Infant, Other) => (1.0, -0.35),
        (_, Away) => (-0.9, -0.25),
        (_, Object) => (0.45, 0.9),
    }
}

fn smoothstep(x: f32) -> f32 {
    x * x * (3.0 - 2.0 * x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_ordered_and_within_their_period() {
        for clip in SampleClip::ALL {
            let s = script(clip);
            assert_eq!(s.beats[0].start, 0.0);
            assert!(s.beats.windows(2).all(|w| w[0].start < w[1].start));
            assert!(s.turns.windows(2).all(|w| w[0].end < w[1].start));
            assert!(s.turns.iter().all(|t| t.start < t.end && t.end <= s.period));
            assert!(
                s.moments
                    .iter()
                    .all(|m| m.start < m.end && m.end <= s.period)
            );
        }
    }

    #[test]
    fn turns_repeat_for_longer_renders() {
        let s = script(SampleClip::BathNoAudio);
        let turns = s.turns_until(13.0);
        assert_eq!(turns.len(), 3);
        assert!((turns[2].start - 12.8).abs() < 1e-4);
    }

    #[test]
    fn poses_blend_smoothly() {
        let s = script(SampleClip::PlayMatLandscape);
        let a = s.pose_at(13.39, |_| 0.0);
        let b = s.pose_at(13.41, |_| 0.0);
        assert!((a.infant.gaze.0 - b.infant.gaze.0).abs() < 0.1);
    }
}
