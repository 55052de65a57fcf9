//! Which lines reach the log: `ATTUNE_LOG` as `LEVEL` and/or `target=LEVEL`
//! pairs, comma-separated (`debug`, `info,attune::store=trace`).
//!
//! A bare level sets Attune's own targets; other crates (eframe, wgpu, …)
//! stay at `warn` at most unless named, because we cannot vouch for what
//! their debug lines say (window titles, paths).

use ::log::LevelFilter;

/// Attune's own lines when `ATTUNE_LOG` is unset.
pub(super) const DEFAULT_LEVEL: LevelFilter = LevelFilter::Info;

/// The most other crates may log unless `ATTUNE_LOG` names them.
const OTHERS_MAX: LevelFilter = LevelFilter::Warn;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Filter {
    ours: LevelFilter,
    /// `(target prefix, level)`, most specific (longest) first.
    rules: Vec<(String, LevelFilter)>,
}

/// `ATTUNE_LOG` held a word that is not a level.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("ATTUNE_LOG: \"{0}\" is not one of error, warn, info, debug, trace, off")]
pub(crate) struct BadLevel(pub String);

impl Default for Filter {
    fn default() -> Self {
        Self {
            ours: DEFAULT_LEVEL,
            rules: Vec::new(),
        }
    }
}

impl Filter {
    /// Parses a spec; an empty one is the default.
    pub(crate) fn parse(spec: &str) -> Result<Self, BadLevel> {
        let mut filter = Self::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                Some((target, level)) => {
                    let target = target.trim();
                    let level = level_of(level)?;
                    if target.is_empty() {
                        filter.ours = level;
                    } else {
                        filter.rules.push((target.to_owned(), level));
                    }
                }
                None => filter.ours = level_of(part)?,
            }
        }
        filter
            .rules
            .sort_by_key(|(target, _)| std::cmp::Reverse(target.len()));
        Ok(filter)
    }

    /// The most detailed level `target` may log at.
    pub(crate) fn level_for(&self, target: &str) -> LevelFilter {
        let named = self.rules.iter().find(|(prefix, _)| {
            target == prefix
                || target
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.starts_with("::"))
        });
        match named {
            Some((_, level)) => *level,
            None if is_ours(target) => self.ours,
            None => self.ours.min(OTHERS_MAX),
        }
    }

    /// The most detailed level anything may log at, for `log::set_max_level`.
    pub(crate) fn max(&self) -> LevelFilter {
        self.rules
            .iter()
            .map(|(_, level)| *level)
            .fold(self.ours, Ord::max)
    }
}

fn is_ours(target: &str) -> bool {
    target == "attune" || target.starts_with("attune::")
}

fn level_of(word: &str) -> Result<LevelFilter, BadLevel> {
    word.trim()
        .parse()
        .map_err(|_| BadLevel(word.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_level_sets_ours_and_others_stay_at_warn() {
        let f = Filter::parse("trace").unwrap();
        assert_eq!(f.level_for("attune::store::save"), LevelFilter::Trace);
        assert_eq!(f.level_for("attune"), LevelFilter::Trace);
        assert_eq!(f.level_for("wgpu_core::device"), LevelFilter::Warn);
        assert_eq!(f.level_for("attuned"), LevelFilter::Warn, "not ours");
        assert_eq!(f.max(), LevelFilter::Trace);
    }

    #[test]
    fn pairs_name_targets_and_the_longest_prefix_wins() {
        let f =
            Filter::parse(" warn , attune::store=debug,attune::store::lock=off,wgpu=info").unwrap();
        assert_eq!(f.level_for("attune::cli"), LevelFilter::Warn);
        assert_eq!(f.level_for("attune::store::save"), LevelFilter::Debug);
        assert_eq!(f.level_for("attune::store::lock"), LevelFilter::Off);
        assert_eq!(f.level_for("attune::storehouse"), LevelFilter::Warn);
        assert_eq!(f.level_for("wgpu::backend"), LevelFilter::Info);
        assert_eq!(f.max(), LevelFilter::Debug);
    }

    #[test]
    fn off_silences_everything_and_nonsense_is_refused() {
        let f = Filter::parse("off").unwrap();
        assert_eq!(f.level_for("attune::cli"), LevelFilter::Off);
        assert_eq!(f.level_for("eframe"), LevelFilter::Off);
        assert_eq!(Filter::parse("").unwrap(), Filter::default());
        assert_eq!(Filter::parse("loud"), Err(BadLevel("loud".into())));
        assert!(Filter::parse("attune=loud").is_err());
    }
}
