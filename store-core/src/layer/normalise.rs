//! What the core changes in an argument before a backend sees it (R3: `send_after` kept to
//! whole microseconds, truncated). Borrowed unchanged when there is nothing to change, which
//! is the common case, so large settings are not copied.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::model::*;
use crate::time::truncate_to_micros;

fn needs_truncation(send_after: Option<DateTime<Utc>>) -> bool {
    send_after.is_some_and(|instant| truncate_to_micros(instant) != instant)
}

fn truncated(send_after: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    send_after.map(truncate_to_micros)
}

pub(super) fn settings(settings: &ChargeStationSettings) -> Cow<'_, ChargeStationSettings> {
    if !settings.settings.values().any(|setting| needs_truncation(setting.send_after)) {
        return Cow::Borrowed(settings);
    }
    let mut owned = settings.clone();
    for setting in owned.settings.values_mut() {
        setting.send_after = truncated(setting.send_after);
    }
    Cow::Owned(owned)
}

pub(super) fn install_certificates(
    certificates: &ChargeStationInstallCertificates,
) -> Cow<'_, ChargeStationInstallCertificates> {
    if !certificates.certificates.iter().any(|certificate| needs_truncation(certificate.send_after)) {
        return Cow::Borrowed(certificates);
    }
    let mut owned = certificates.clone();
    for certificate in &mut owned.certificates {
        certificate.send_after = truncated(certificate.send_after);
    }
    Cow::Owned(owned)
}

pub(super) fn trigger_message(message: &ChargeStationTriggerMessage) -> Cow<'_, ChargeStationTriggerMessage> {
    if !needs_truncation(message.send_after) {
        return Cow::Borrowed(message);
    }
    Cow::Owned(ChargeStationTriggerMessage { send_after: truncated(message.send_after), ..message.clone() })
}
