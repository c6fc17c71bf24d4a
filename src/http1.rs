//! `http` 1.x integration (feature `http1`): the signed headers from `http::HeaderMap`, the
//! type axum, hyper, reqwest and tower share, and one call that verifies an `http::Request`.
//! The feature is named after the major version it serves, so a later `http` 2 gets its own
//! feature beside this one and no dependent is locked into one major version
//! (svix-webhooks#1245 is the failure this avoids).

use crate::delivery::Delivery;
use crate::error::Error;
use crate::headers::WebhookHeaders;
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
        Self::from_lookup(|name| map.get_all(name).iter().map(http::HeaderValue::as_bytes))
    }
}

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
