//! Gemini API webhook events, typed without allocation: the envelope
//! `{"type", "version", "timestamp", "data"}` and the `data` fields the documented events carry.
//! The sources disagree on the exact set of types and fields, and it will grow: an unknown
//! type is [`EventKind::Other`] and unknown members are kept (the `data` object as written,
//! [`EventData::raw`]), never an error.
//!
//! Events are read only from what verification authenticated: a body through
//! [`Delivery::gemini_event`] (refused when the body is not authenticated, as under a JWT
//! policy that does not bind it), or a token's claims through [`VerifiedJwt::gemini_event`].

use core::fmt;

use crate::delivery::Delivery;
use crate::error::Error;
#[cfg(feature = "jwks")]
use crate::jose::token::VerifiedJwt;
use crate::json::{JsonError, Kind, Reader};

/// A JSON string as the event carries it: its escapes are decoded on request (`Display`,
/// [`decode`](Self::decode), [`eq_str`](Self::eq_str)), and it borrows from the body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text<'b> {
    /// The string with its quotes, as written.
    quoted: &'b [u8],
}

impl<'b> Text<'b> {
    /// The string as written, when it holds no escapes (almost always).
    #[must_use]
    pub fn as_str(&self) -> Option<&'b str> {
        let inner = self.quoted.get(1..self.quoted.len().saturating_sub(1))?;
        let inner = core::str::from_utf8(inner).ok()?;
        (!inner.contains('\\')).then_some(inner)
    }

    /// The string with its escapes decoded, into `buf`.
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] when it does not fit (its length as written always
    /// suffices).
    pub fn decode<'o>(&self, buf: &'o mut [u8]) -> Result<&'o str, Error> {
        let mut len = 0usize;
        let fits = Reader::new(self.quoted)
            .read_string_with(|piece| {
                let end = len.saturating_add(piece.len());
                match buf.get_mut(len..end) {
                    Some(slot) => {
                        slot.copy_from_slice(piece.as_bytes());
                        len = end;
                        true
                    }
                    None => false,
                }
            })
            .map_err(|_| Error::InvalidEvent)?;
        if !fits {
            return Err(Error::BufferTooSmall {
                needed: self.quoted.len(),
            });
        }
        core::str::from_utf8(buf.get(..len).unwrap_or_default()).map_err(|_| Error::InvalidEvent)
    }

    /// Whether the decoded string equals `other`.
    #[must_use]
    pub fn eq_str(&self, other: &str) -> bool {
        let mut rest = other.as_bytes();
        let whole = Reader::new(self.quoted).read_string_with(|piece| {
            match rest.strip_prefix(piece.as_bytes()) {
                Some(tail) => {
                    rest = tail;
                    true
                }
                None => false,
            }
        });
        whole == Ok(true) && rest.is_empty()
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        let _ = Reader::new(self.quoted).read_string_with(|piece| {
            result = f.write_str(piece);
            result.is_ok()
        });
        result
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(core::str::from_utf8(self.quoted).unwrap_or("\"?\""))
    }
}

/// The event types of the Gemini API's webhooks, and any other one as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind<'b> {
    /// `batch.succeeded`: a batch job finished; its output is in `data.output_file_uri`.
    BatchSucceeded,
    /// `batch.failed`.
    BatchFailed,
    /// `batch.cancelled`.
    BatchCancelled,
    /// `batch.expired`.
    BatchExpired,
    /// `interaction.requires_action`.
    InteractionRequiresAction,
    /// `interaction.completed`.
    InteractionCompleted,
    /// `interaction.failed`.
    InteractionFailed,
    /// `interaction.cancelled`.
    InteractionCancelled,
    /// `video.generated`: the video is at `data.video_uri` (or `data.file_name`).
    VideoGenerated,
    /// Any other type, kept as written (new types are added without notice).
    Other(Text<'b>),
}

/// The known types, by name.
const KINDS: [(&str, EventKind<'static>); 9] = [
    ("batch.succeeded", EventKind::BatchSucceeded),
    ("batch.failed", EventKind::BatchFailed),
    ("batch.cancelled", EventKind::BatchCancelled),
    ("batch.expired", EventKind::BatchExpired),
    (
        "interaction.requires_action",
        EventKind::InteractionRequiresAction,
    ),
    ("interaction.completed", EventKind::InteractionCompleted),
    ("interaction.failed", EventKind::InteractionFailed),
    ("interaction.cancelled", EventKind::InteractionCancelled),
    ("video.generated", EventKind::VideoGenerated),
];

impl EventKind<'_> {
    /// The type's name (`batch.succeeded`...); `None` for [`Other`](Self::Other), whose name
    /// is its [`Text`].
    #[must_use]
    pub fn name(&self) -> Option<&'static str> {
        KINDS
            .iter()
            .find(|(_, kind)| kind == self)
            .map(|(name, _)| *name)
    }
}

/// The `data` members of the documented events. Every member is optional (events carry
/// different ones); a member of another JSON type than documented is left out, and every
/// member, typed or not, stays in [`raw`](Self::raw).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventData<'b> {
    /// `id`: the batch, interaction or operation the event is about.
    pub id: Option<Text<'b>>,
    /// `output_file_uri`: where a batch's results are.
    pub output_file_uri: Option<Text<'b>>,
    /// `file_name`: the generated file (video events).
    pub file_name: Option<Text<'b>>,
    /// `video_uri`: the generated video.
    pub video_uri: Option<Text<'b>>,
    /// `error_code`, as written: a number or a string, depending on the source.
    pub error_code: Option<&'b str>,
    /// `error_message`.
    pub error_message: Option<Text<'b>>,
    /// The `data` value as written (every member, known or not); empty when absent.
    pub raw: &'b [u8],
}

/// A Gemini API webhook event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GeminiEvent<'b> {
    /// `type`.
    pub kind: EventKind<'b>,
    /// `version`, when present as a string.
    pub version: Option<Text<'b>>,
    /// `timestamp`, when present as a string (the time of the event, not a freshness proof:
    /// the delivery's signed timestamp is that).
    pub timestamp: Option<Text<'b>>,
    /// `data`.
    pub data: EventData<'b>,
}

impl<'b> GeminiEvent<'b> {
    /// Reads an event from JSON text that was authenticated.
    pub(crate) fn parse(json: &'b [u8]) -> Result<Self, Error> {
        let invalid = |_: JsonError| Error::InvalidEvent;
        let mut kind = None;
        let mut event = Self {
            kind: EventKind::BatchSucceeded,
            version: None,
            timestamp: None,
            data: EventData::default(),
        };
        let mut r = Reader::new(json);
        r.object::<JsonError>(|r, name| {
            match name {
                Some("type") if kind.is_none() => kind = optional_text(r)?,
                Some("version") if event.version.is_none() => event.version = optional_text(r)?,
                Some("timestamp") if event.timestamp.is_none() => {
                    event.timestamp = optional_text(r)?;
                }
                Some("data") if event.data.raw.is_empty() => event.data = read_data(r)?,
                _ => r.skip()?,
            }
            Ok(())
        })
        .and_then(|()| r.end())
        .map_err(invalid)?;
        let kind: Text<'b> = kind.ok_or(Error::InvalidEvent)?;
        event.kind = KINDS
            .iter()
            .find(|(name, _)| kind.eq_str(name))
            .map_or(EventKind::Other(kind), |(_, known)| *known);
        Ok(event)
    }
}

/// A string member as [`Text`]; `None` for another type (consumed).
fn optional_text<'b>(r: &mut Reader<'b>) -> Result<Option<Text<'b>>, JsonError> {
    let raw = r.read_raw_value()?;
    Ok((raw.first() == Some(&b'"')).then_some(Text { quoted: raw }))
}

fn read_data<'b>(r: &mut Reader<'b>) -> Result<EventData<'b>, JsonError> {
    let raw = r.read_raw_value()?;
    let mut data = EventData {
        raw,
        ..EventData::default()
    };
    let mut inner = Reader::new(raw);
    if inner.kind()? != Kind::Object {
        return Ok(data);
    }
    inner.object::<JsonError>(|r, name| {
        let slot = match name {
            Some("id") => &mut data.id,
            Some("output_file_uri") => &mut data.output_file_uri,
            Some("file_name") => &mut data.file_name,
            Some("video_uri") => &mut data.video_uri,
            Some("error_message") => &mut data.error_message,
            Some("error_code") => {
                let value = r.read_raw_value()?;
                if data.error_code.is_none() {
                    data.error_code = core::str::from_utf8(value).ok();
                }
                return Ok(());
            }
            _ => return r.skip(),
        };
        let text = optional_text(r)?;
        if slot.is_none() {
            *slot = text;
        }
        Ok(())
    })?;
    Ok(data)
}

impl Delivery<'_> {
    /// The Gemini API event in `body`, the body this delivery was verified with.
    ///
    /// # Errors
    ///
    /// [`Error::UnauthenticatedBody`] when the body is not authenticated (a JWT under a
    /// policy that does not bind it: read the event from the token's claims instead);
    /// [`Error::InvalidEvent`] when the body is not a JSON object with a string `type`.
    pub fn gemini_event<'b>(&self, body: &'b [u8]) -> Result<GeminiEvent<'b>, Error> {
        if !self.body_is_authenticated() {
            return Err(Error::UnauthenticatedBody);
        }
        GeminiEvent::parse(body)
    }
}

#[cfg(feature = "jwks")]
impl VerifiedJwt<'_> {
    /// The Gemini API event carried in the token's claims, decoded into `buf` (the claims'
    /// length, [`claims_len`](Self::claims_len), suffices).
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`]; [`Error::InvalidEvent`] when the claims hold no string
    /// `type`.
    pub fn gemini_event<'s>(&self, buf: &'s mut [u8]) -> Result<GeminiEvent<'s>, Error> {
        let claims = self.claims_json(buf)?;
        GeminiEvent::parse(claims)
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on small known values
mod tests {
    use super::*;

    #[test]
    fn documented_events_are_typed() {
        let json = br#"{"type":"batch.succeeded","version":"v1","timestamp":"2026-05-28T20:26:40Z",
            "data":{"id":"batches/abc","output_file_uri":"files/batch-abc-output","extra":[1,{"x":2}]}}"#;
        let event = GeminiEvent::parse(json).unwrap();
        assert_eq!(event.kind, EventKind::BatchSucceeded);
        assert_eq!(event.kind.name(), Some("batch.succeeded"));
        assert_eq!(event.version.unwrap().as_str(), Some("v1"));
        assert_eq!(event.data.id.unwrap().as_str(), Some("batches/abc"));
        assert_eq!(
            event.data.output_file_uri.unwrap().as_str(),
            Some("files/batch-abc-output")
        );
        assert!(event.data.raw.starts_with(b"{\"id\""));
        for (name, kind) in KINDS {
            let json = alloc::format!(r#"{{"type":"{name}"}}"#);
            assert_eq!(GeminiEvent::parse(json.as_bytes()).unwrap().kind, kind);
        }
    }

    extern crate alloc;

    #[test]
    fn unknown_types_members_and_shapes_are_kept() {
        let json = br#"{"type":"model.tuned","data":{"error_code":8,"error_message":"Quota \u2014 later","id":7},"more":true}"#;
        let event = GeminiEvent::parse(json).unwrap();
        let EventKind::Other(kind) = event.kind else {
            panic!("{:?}", event.kind)
        };
        assert!(kind.eq_str("model.tuned"));
        assert_eq!(event.data.error_code, Some("8"));
        let message = event.data.error_message.unwrap();
        assert_eq!(message.as_str(), None);
        assert_eq!(alloc::format!("{message}"), "Quota — later");
        assert_eq!(message.decode(&mut [0u8; 64]).unwrap(), "Quota — later");
        assert_eq!(
            message.decode(&mut [0u8; 4]).unwrap_err().code(),
            "buffer-too-small"
        );
        // `id` of another type than documented is left out, still in `raw`.
        assert_eq!(event.data.id, None);
        assert!(event.data.raw.windows(6).any(|w| w == b"\"id\":7"));
        // Escaped type names are compared decoded.
        let escaped = GeminiEvent::parse(br#"{"type":"video\u002egenerated"}"#).unwrap();
        assert_eq!(escaped.kind, EventKind::VideoGenerated);
    }

    #[test]
    fn not_an_event() {
        for json in [
            &b""[..],
            b"[]",
            b"{}",
            b"{\"type\":1}",
            b"{\"type\":\"a\"",
            b"{\"type\":\"a\"} x",
        ] {
            assert_eq!(
                GeminiEvent::parse(json),
                Err(Error::InvalidEvent),
                "{json:?}"
            );
        }
    }
}
