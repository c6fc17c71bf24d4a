//! One entry point for receivers that serve both static (HMAC) and dynamic (JWT) webhooks:
//! the scheme is chosen from the shape of the signature header.

use crate::headers::parse_id;
use crate::{Error, JwtVerifier, UnixTime, Verified, VerifiedJwt, Verifier, WebhookHeaders};

/// The signature scheme a `webhook-signature` value has the shape of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// A space-separated list of `<version>,<base64>` entries (Standard Webhooks).
    Hmac,
    /// A compact JWS: three base64url segments separated by two dots, no comma or space.
    Jwt,
}

impl Scheme {
    /// The scheme of a signature header value: [`Jwt`](Self::Jwt) when it is exactly three
    /// dot-separated runs of base64url characters, [`Hmac`](Self::Hmac) otherwise.
    #[must_use]
    pub fn of(signature: &[u8]) -> Self {
        let base64url = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
        let dots = signature.iter().filter(|b| **b == b'.').count();
        if dots == 2 && signature.iter().all(|b| *b == b'.' || base64url(b)) {
            Self::Jwt
        } else {
            Self::Hmac
        }
    }
}

/// A verified delivery of either scheme.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Delivery<'h, 'b> {
    /// A Standard Webhooks HMAC delivery.
    Static(Verified<'h>),
    /// A JWT-signed delivery.
    Dynamic {
        /// The `webhook-id` header. **Not covered by the JWT's signature**: deduplicate on
        /// an authenticated claim (such as `jti`) where the sender provides one.
        webhook_id: &'h str,
        /// The verified token and its claims.
        token: VerifiedJwt<'b>,
    },
}

/// Verifies a delivery with whichever scheme its `webhook-signature` has the shape of.
///
/// HMAC deliveries go to [`Verifier::verify`] (the three headers, freshness against `now`);
/// JWT deliveries to [`JwtVerifier::verify`] (freshness from the token's own `exp`, `nbf`,
/// `iat` against `now`; the `webhook-timestamp` header is not used, as it is not signed).
/// A delivery of a scheme with no verifier configured is refused: an HMAC-shaped header with
/// [`Error::NoMatchingSignature`], a JWT-shaped one with [`Error::UnsupportedAlgorithm`].
///
/// # Errors
///
/// Any error of the selected scheme.
pub fn verify_delivery<'h, 'b, const N: usize, const K: usize>(
    hmac: Option<&Verifier<N>>,
    jwt: Option<&JwtVerifier<'_, K>>,
    headers: &WebhookHeaders<'h>,
    body: &[u8],
    now: UnixTime,
    buf: &'b mut [u8],
) -> Result<Delivery<'h, 'b>, Error> {
    match (Scheme::of(headers.signature()), hmac, jwt) {
        (Scheme::Jwt, _, Some(jwt)) => {
            let webhook_id = parse_id(headers.id, headers.names.id)?;
            let token = jwt.verify(headers.signature(), body, now, buf)?;
            Ok(Delivery::Dynamic { webhook_id, token })
        }
        (Scheme::Jwt, _, None) => Err(Error::UnsupportedAlgorithm),
        (_, Some(hmac), _) => hmac.verify(headers, body, now).map(Delivery::Static),
        (_, None, _) => Err(Error::NoMatchingSignature {
            tried: 0,
            skipped: 0,
            secrets: 0,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            Scheme::of(b"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
            Scheme::Hmac
        );
        assert_eq!(
            Scheme::of(b"eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.c2ln"),
            Scheme::Jwt
        );
        assert_eq!(Scheme::of(b"a.b.c"), Scheme::Jwt);
        assert_eq!(Scheme::of(b"a.b"), Scheme::Hmac);
        assert_eq!(Scheme::of(b"v1,a.b.c"), Scheme::Hmac);
        assert_eq!(Scheme::of(b"a.b.c d"), Scheme::Hmac);
        assert_eq!(Scheme::of(b""), Scheme::Hmac);
    }
}
