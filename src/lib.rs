#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The HMAC core: no `alloc`, no `std`.
mod error;
mod headers;
mod secret;
mod signature;
mod time;
mod verifier;

// JWKS and JWT (feature `jwks`), with one file per algorithm.
#[cfg(feature = "jwks")]
mod b64url;
#[cfg(feature = "jwks")]
mod canonical;
#[cfg(feature = "jwks")]
mod claims;
#[cfg(feature = "jwks")]
mod delivery;
#[cfg(feature = "es256")]
mod es256;
#[cfg(feature = "jwks")]
mod json;
#[cfg(feature = "jwks")]
mod jwks;
#[cfg(feature = "jwks")]
mod jwt;
#[cfg(feature = "rs256")]
mod rs256;

pub use error::{ConfigFault, Error, HeaderFault, JwksFault, SecretFault, TokenFault};
pub use headers::{MAX_ID_LEN, WebhookHeaders};
pub use secret::SecretKey;
pub use signature::{DEFAULT_MAX_SIGNATURE_HEADER_LEN, DEFAULT_MAX_SIGNATURES};
pub use time::{DEFAULT_TOLERANCE, UnixTime};
pub use verifier::{DEFAULT_CAPACITY, PendingVerification, Verified, Verifier};

#[cfg(feature = "jwks")]
pub use claims::{MAX_AUDIENCES, MAX_CLAIM_STRING_LEN};
#[cfg(feature = "jwks")]
pub use delivery::{Delivery, Scheme, verify_delivery};
#[cfg(feature = "jwks")]
pub use json::MAX_CLAIM_NAME_LEN;
#[cfg(feature = "jwks")]
pub use json::MAX_JSON_DEPTH;
#[cfg(feature = "jwks")]
pub use jwks::{Algorithm, KeyFault, KeySet, MAX_JWKS_ENTRIES, MAX_JWKS_LEN, MAX_KID_LEN, Refusal};
#[cfg(feature = "jwks")]
pub use jwt::{DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LEN, JwtVerifier, VerifiedJwt};
