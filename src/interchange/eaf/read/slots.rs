//! Time slots ELAN leaves without a value (time-subdivision and
//! included-in tiers) get the time ELAN shows for them: spread evenly
//! between the nearest aligned slots of the same chain, within the parent.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Doc, Kind};
use crate::interchange::error::FormatError;

/// Every slot's time: its own value, or (for the slots ELAN leaves
/// unaligned on time-subdivision and included-in tiers) spread evenly
/// between the nearest aligned slots along the chain of annotations, the
/// chain's ends bounded by the parent annotation it lies in.
pub(super) fn resolve_times(
    doc: &Doc,
    text: &str,
    file: &Path,
) -> Result<Vec<Option<u64>>, FormatError> {
    let mut times: Vec<Option<u64>> = doc.slots.iter().map(|s| s.value).collect();
    let by_id: HashMap<&str, usize> = doc
        .tiers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let depth = |mut t: usize| {
        let mut d = 0;
        while let Some(p) = doc.tiers[t].parent.as_deref().and_then(|p| by_id.get(p)) {
            d += 1;
            t = *p;
            if d > doc.tiers.len() {
                break;
            }
        }
        d
    };
    let mut order: Vec<usize> = (0..doc.tiers.len()).collect();
    order.sort_by_key(|&t| depth(t));

    for &t in &order {
        let tier = &doc.tiers[t];
        let aligned: Vec<(usize, usize)> = tier
            .annotations
            .iter()
            .filter_map(|&a| match doc.annotations[a].kind {
                Kind::Aligned(s1, s2) => Some((s1, s2)),
                Kind::Ref(_) => None,
            })
            .collect();
        if aligned
            .iter()
            .all(|&(a, b)| times[a].is_some() && times[b].is_some())
        {
            continue;
        }
        let parent = tier.parent.as_deref().and_then(|p| by_id.get(p)).map(|&p| {
            doc.tiers[p]
                .annotations
                .iter()
                .filter_map(|&a| match doc.annotations[a].kind {
                    Kind::Aligned(s1, s2) => Some((times[s1]?, times[s2]?)),
                    Kind::Ref(_) => None,
                })
                .collect::<Vec<_>>()
        });
        for chain in chains(&aligned) {
            fill_chain(&chain, &mut times, parent.as_deref());
        }
    }

    for tier in &doc.tiers {
        for &a in &tier.annotations {
            if let Kind::Aligned(s1, s2) = doc.annotations[a].kind {
                for s in [s1, s2] {
                    if times[s].is_none() {
                        let slot = &doc.slots[s];
                        return Err(FormatError::in_element(
                            file,
                            text,
                            slot.pos,
                            format!("<TIME_SLOT {}>", slot.id),
                            format!(
                                "no TIME_VALUE, and none can be interpolated: annotation {} on tier \"{}\" has no aligned slot of the same parent annotation on that side",
                                doc.annotations[a].id, tier.id
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(times)
}

/// The slot sequences of a tier: annotations joined where one's end slot
/// is the next one's start slot.
pub(super) fn chains(aligned: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let next: HashMap<usize, usize> = aligned.iter().map(|&(a, b)| (a, b)).collect();
    let ends: HashSet<usize> = aligned.iter().map(|&(_, b)| b).collect();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    let starts = aligned
        .iter()
        .map(|&(a, _)| a)
        .filter(|a| !ends.contains(a))
        .chain(aligned.iter().map(|&(a, _)| a));
    for start in starts {
        if seen.contains(&start) {
            continue;
        }
        let mut chain = vec![start];
        seen.insert(start);
        let mut at = start;
        while let Some(&n) = next.get(&at) {
            chain.push(n);
            if !seen.insert(n) {
                break;
            }
            at = n;
        }
        out.push(chain);
    }
    out
}

pub(super) fn fill_chain(
    chain: &[usize],
    times: &mut [Option<u64>],
    parent: Option<&[(u64, u64)]>,
) {
    let first_known = chain.iter().find_map(|&s| times[s]);
    let last_known = chain.iter().rev().find_map(|&s| times[s]);
    // A chain with no aligned slot at all is still placed when its parent
    // tier has a single annotation.
    let only = match parent {
        Some([p]) => Some(*p),
        _ => None,
    };
    let last = chain.len() - 1;
    // Unaligned chain ends sit on the parent annotation's boundaries (a
    // subdivision leaves no gap at either end).
    if times[chain[0]].is_none() {
        let p = match first_known {
            Some(t) => parent.and_then(|ps| enclosing(ps, t, true)),
            None => only,
        };
        times[chain[0]] = p.map(|p| p.0);
    }
    if times[chain[last]].is_none() {
        let p = match last_known {
            Some(t) => parent.and_then(|ps| enclosing(ps, t, false)),
            None => only,
        };
        times[chain[last]] = p.map(|p| p.1);
    }
    let mut i = 1;
    while i < last {
        if times[chain[i]].is_some() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < last && times[chain[j + 1]].is_none() {
            j += 1;
        }
        if let (Some(l), Some(r)) = (times[chain[i - 1]], times[chain[j + 1]]) {
            let r = r.max(l);
            let steps = (j - i + 2) as u64;
            for k in i..=j {
                let n = (k - i + 1) as u64;
                times[chain[k]] = Some(l + (r - l) * n / steps);
            }
        }
        i = j + 1;
    }
}

/// The parent annotation a chain lies in, found from a time on it: for the
/// chain's start, one that begins before `t`; for its end, one that ends
/// after it.
pub(super) fn enclosing(parent: &[(u64, u64)], t: u64, before: bool) -> Option<(u64, u64)> {
    let strict = parent.iter().find(|&&(s, e)| {
        if before {
            s < t && t <= e
        } else {
            s <= t && t < e
        }
    });
    strict
        .or_else(|| parent.iter().find(|&&(s, e)| s <= t && t <= e))
        .copied()
}
