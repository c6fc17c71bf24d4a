//! JOSE: base64url, JSON Web Keys and Key Sets (RFC 7517), and JWTs over compact JWS
//! (RFC 7515, RFC 7519) with their policy.

pub(crate) mod b64url;
pub(crate) mod canonical;
pub(crate) mod claims;
pub(crate) mod jwk;
pub(crate) mod jwks;
pub(crate) mod jwt;
pub(crate) mod policy;
pub(crate) mod token;
