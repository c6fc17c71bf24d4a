#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod headers;
mod secret;
mod signature;
mod time;
mod verifier;

pub use error::{Error, HeaderFault, SecretFault};
pub use headers::{MAX_ID_LEN, WebhookHeaders};
pub use secret::SecretKey;
pub use signature::{DEFAULT_MAX_SIGNATURE_HEADER_LEN, DEFAULT_MAX_SIGNATURES};
pub use time::{DEFAULT_TOLERANCE, UnixTime};
pub use verifier::{DEFAULT_CAPACITY, PendingVerification, Verified, Verifier};
