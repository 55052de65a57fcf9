//! The time-slice clock, kept in decimal as BORIS keeps it.
//!
//! BORIS starts at `Decimal(str(first_event))`, adds a `Decimal` interval,
//! stops once `current > last_event` (a Decimal compared exactly with a
//! float), and looks events up at `float(current)`. Stepping in `f64`
//! instead drifts (0.1 + 0.1 + 0.1 > 0.3) and samples land on the wrong side
//! of a moment's edge, so the kappa would differ from BORIS's. Here a time is
//! `digits × 10^exp`, exactly.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Decimal {
    digits: i128,
    /// Never above 0.
    exp: i32,
}

impl Decimal {
    /// Python's `Decimal(str(x))`: the shortest decimal that reads back as
    /// `x`. `None` when not finite or too large to hold exactly.
    pub(super) fn shortest(x: f64) -> Option<Decimal> {
        if !x.is_finite() {
            return None;
        }
        let text = format!("{x:e}");
        let (mantissa, exp) = text.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
        let exp = exp.checked_sub(i32::try_from(fraction.len()).ok()?)?;
        if exp > 0 {
            let scale = 10i128.checked_pow(u32::try_from(exp).ok()?)?;
            Some(Decimal {
                digits: digits.checked_mul(scale)?,
                exp: 0,
            })
        } else {
            Some(Decimal { digits, exp })
        }
    }

    /// `self + k × step`, exactly; `None` on overflow.
    pub(super) fn plus_times(self, k: u64, step: Decimal) -> Option<Decimal> {
        let exp = self.exp.min(step.exp);
        let a = self
            .digits
            .checked_mul(10i128.checked_pow(self.exp.abs_diff(exp))?)?;
        let s = step
            .digits
            .checked_mul(10i128.checked_pow(step.exp.abs_diff(exp))?)?;
        let digits = a.checked_add(s.checked_mul(i128::from(k))?)?;
        Some(Decimal { digits, exp })
    }

    /// Half of it, exactly (BORIS's `interval / 2`).
    pub(super) fn half(self) -> Option<Decimal> {
        Some(Decimal {
            digits: self.digits.checked_mul(5)?,
            exp: self.exp.checked_sub(1)?,
        })
    }

    /// `float(self)`: the nearest `f64` (Rust's parser rounds correctly, as
    /// Python's does).
    pub(super) fn to_f64(self) -> f64 {
        format!("{}e{}", self.digits, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// `self <= x`, exactly, as Python compares a Decimal with a float.
    pub(super) fn at_most(self, x: f64) -> bool {
        if x.is_nan() {
            return false;
        }
        if x.is_infinite() {
            return x > 0.0;
        }
        let (d_negative, x_negative) = (self.digits < 0, x < 0.0);
        if self.digits == 0 || x == 0.0 {
            // 0 <= x, or d <= 0.
            return if self.digits == 0 {
                x >= 0.0
            } else {
                d_negative
            };
        }
        if d_negative != x_negative {
            return d_negative;
        }
        let magnitude = cmp_magnitude(self.digits.unsigned_abs(), self.exp, x.abs());
        if d_negative {
            magnitude != Ordering::Less
        } else {
            magnitude != Ordering::Greater
        }
    }
}

/// `digits × 10^exp` against `x` (both > 0, `exp <= 0`), exactly.
fn cmp_magnitude(digits: u128, exp: i32, x: f64) -> Ordering {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = mantissa × 2^power
    let (mantissa, power) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    // digits / 10^E  vs  mantissa × 2^power, E = -exp; multiply out.
    let mut left = Big::from(digits);
    let mut right = Big::from(u128::from(mantissa));
    for _ in 0..exp.unsigned_abs() {
        right.times_small(10);
    }
    if power < 0 {
        left.shift_left(power.unsigned_abs());
    } else {
        right.shift_left(power.unsigned_abs());
    }
    left.cmp(&right)
}

/// Just enough of an unsigned big integer for [`cmp_magnitude`]: 32-bit
/// limbs, least significant first.
struct Big(Vec<u32>);

impl Big {
    fn from(mut v: u128) -> Big {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Big(limbs)
    }

    fn times_small(&mut self, k: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let p = u64::from(*limb) * u64::from(k) + carry;
            *limb = p as u32;
            carry = p >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn shift_left(&mut self, bits: u32) {
        let (words, rest) = ((bits / 32) as usize, bits % 32);
        if rest > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = *limb;
                *limb = (v << rest) | carry;
                carry = v >> (32 - rest);
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, words));
    }

    fn significant(&self) -> &[u32] {
        let len = self.0.iter().rposition(|&l| l != 0).map_or(0, |p| p + 1);
        &self.0[..len]
    }

    fn cmp(&self, other: &Big) -> Ordering {
        let (a, b) = (self.significant(), other.significant());
        a.len()
            .cmp(&b.len())
            .then_with(|| a.iter().rev().cmp(b.iter().rev()))
    }
}
