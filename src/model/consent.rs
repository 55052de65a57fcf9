//! Consent is given per use and can be withdrawn; a withdrawal is recorded,
//! never erased, because it is part of the clinical record.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentUse {
    /// The family's own shared review.
    Therapy,
    /// The guider's supervisor and peer group.
    Supervision,
    /// Teaching and training events.
    Teaching,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentGrant {
    pub given_on: NaiveDate,
    pub recorded_by: String,
    pub withdrawn_on: Option<NaiveDate>,
    #[serde(default)]
    pub withdrawn_recorded_by: Option<String>,
}

impl ConsentGrant {
    pub fn new(given_on: NaiveDate, recorded_by: impl Into<String>) -> Self {
        Self {
            given_on,
            recorded_by: recorded_by.into(),
            withdrawn_on: None,
            withdrawn_recorded_by: None,
        }
    }

    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn_on.is_some()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    #[serde(default)]
    pub therapy: Option<ConsentGrant>,
    #[serde(default)]
    pub supervision: Option<ConsentGrant>,
    #[serde(default)]
    pub teaching: Option<ConsentGrant>,
}

impl Consent {
    /// Whether the footage may be used this way today: a withdrawn grant
    /// counts as no grant.
    pub fn allows(&self, used_for: ConsentUse) -> bool {
        self.get(used_for).is_some_and(|g| !g.is_withdrawn())
    }

    pub fn get(&self, used_for: ConsentUse) -> Option<&ConsentGrant> {
        match used_for {
            ConsentUse::Therapy => self.therapy.as_ref(),
            ConsentUse::Supervision => self.supervision.as_ref(),
            ConsentUse::Teaching => self.teaching.as_ref(),
        }
    }

    pub fn set(&mut self, used_for: ConsentUse, grant: Option<ConsentGrant>) {
        match used_for {
            ConsentUse::Therapy => self.therapy = grant,
            ConsentUse::Supervision => self.supervision = grant,
            ConsentUse::Teaching => self.teaching = grant,
        }
    }

    /// Records a withdrawal on the existing grant; `false` when there was no
    /// grant to withdraw.
    pub fn withdraw(&mut self, used_for: ConsentUse, on: NaiveDate, recorded_by: &str) -> bool {
        let grant = match used_for {
            ConsentUse::Therapy => self.therapy.as_mut(),
            ConsentUse::Supervision => self.supervision.as_mut(),
            ConsentUse::Teaching => self.teaching.as_mut(),
        };
        match grant {
            Some(g) => {
                g.withdrawn_on = Some(on);
                g.withdrawn_recorded_by = Some(recorded_by.to_owned());
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn a_withdrawn_grant_allows_nothing_but_stays_on_record() {
        let mut consent = Consent::default();
        assert!(!consent.allows(ConsentUse::Teaching));
        consent.set(
            ConsentUse::Teaching,
            Some(ConsentGrant::new(day(1), "Dr Okafor")),
        );
        consent.set(
            ConsentUse::Therapy,
            Some(ConsentGrant::new(day(1), "Dr Okafor")),
        );
        assert!(consent.allows(ConsentUse::Teaching));
        assert!(!consent.allows(ConsentUse::Supervision));

        assert!(consent.withdraw(ConsentUse::Teaching, day(9), "Sam Reid"));
        assert!(!consent.allows(ConsentUse::Teaching));
        assert!(
            consent.allows(ConsentUse::Therapy),
            "other uses are unaffected"
        );
        let grant = consent.get(ConsentUse::Teaching).unwrap();
        assert_eq!(grant.given_on, day(1));
        assert_eq!(grant.withdrawn_recorded_by.as_deref(), Some("Sam Reid"));
        assert!(!consent.withdraw(ConsentUse::Supervision, day(9), "Sam Reid"));
    }

    #[test]
    fn consent_uses_are_lowercase_and_missing_grants_default() {
        assert_eq!(
            serde_json::to_string(&ConsentUse::Supervision).unwrap(),
            "\"supervision\""
        );
        let c: Consent = serde_json::from_str(
            r#"{"therapy":{"given_on":"2026-03-01","recorded_by":"A","withdrawn_on":null}}"#,
        )
        .unwrap();
        assert!(c.allows(ConsentUse::Therapy));
        assert!(c.supervision.is_none() && c.teaching.is_none());
    }
}
