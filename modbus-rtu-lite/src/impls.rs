//! `serde::Serialize` and `defmt::Format` written by hand, where a derive
//! cannot see the values: file record groups kept as raw bytes, device
//! identification objects, and a client's [`Reply`] (a borrowed ADU) and
//! [`OwnedReply`](crate::OwnedReply). No allocation: everything is written
//! as it is read from the frame.

#[cfg(feature = "serde")]
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

#[cfg(feature = "defmt")]
use crate::OwnedReply;
use crate::Reply;
#[cfg(feature = "serde")]
use crate::{DeviceId, Words, file};

/// FC14 request groups as their references: `[{file, record, length}]`.
#[cfg(feature = "serde")]
pub(crate) fn file_read_requests<S: Serializer>(groups: &&[u8], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(file::read_requests(groups))
}

/// FC15 groups (request or echo) as `[{file, record, values}]`.
#[cfg(feature = "serde")]
pub(crate) fn file_write_groups<S: Serializer>(groups: &&[u8], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(None)?;
    for (r, values) in file::write_groups(groups) {
        seq.serialize_element(&WriteGroup {
            file: r.file,
            record: r.record,
            values,
        })?;
    }
    seq.end()
}

/// FC14 response groups as their registers: `[[u16]]`.
#[cfg(feature = "serde")]
pub(crate) fn file_read_responses<S: Serializer>(groups: &&[u8], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(file::read_responses(groups))
}

/// One FC15 group: where it goes and the registers written.
#[cfg(feature = "serde")]
struct WriteGroup<'a> {
    file: u16,
    record: u16,
    values: Words<'a>,
}

#[cfg(feature = "serde")]
impl Serialize for WriteGroup<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("WriteGroup", 3)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("record", &self.record)?;
        st.serialize_field("values", &self.values)?;
        st.end()
    }
}

/// An object's value: text when it is UTF-8 (the standard objects 0–6
/// are ASCII strings), its bytes otherwise.
#[cfg(feature = "serde")]
struct ObjectValue<'a>(&'a [u8]);

#[cfg(feature = "serde")]
impl Serialize for ObjectValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match core::str::from_utf8(self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => s.collect_seq(self.0),
        }
    }
}

/// The objects, as a map from object id to value.
#[cfg(feature = "serde")]
struct Objects<'a>(DeviceId<'a>);

#[cfg(feature = "serde")]
impl Serialize for Objects<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (id, value) in self.0.objects() {
            m.serialize_entry(&id, &ObjectValue(value))?;
        }
        m.end()
    }
}

#[cfg(feature = "serde")]
impl Serialize for DeviceId<'_> {
    /// `{read_code, conformity, more_follows, next_object, objects}`, the
    /// objects a map from id to value (a string when the value is UTF-8,
    /// as the standard objects are, its bytes otherwise).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("DeviceId", 5)?;
        st.serialize_field("read_code", &self.read_code)?;
        st.serialize_field("conformity", &self.conformity)?;
        st.serialize_field("more_follows", &self.more_follows)?;
        st.serialize_field("next_object", &self.next_object)?;
        st.serialize_field("objects", &Objects(*self))?;
        st.end()
    }
}

/// The unit address a reply came from.
fn reply_address(r: &Reply<'_>) -> u8 {
    r.bytes().first().copied().unwrap_or_default()
}

#[cfg(feature = "serde")]
impl Serialize for Reply<'_> {
    /// `{address, response, adu}`: the unit that answered, the decoded
    /// response, and the ADU as received (CRC included).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Reply", 3)?;
        st.serialize_field("address", &reply_address(self))?;
        st.serialize_field("response", &self.response())?;
        st.serialize_field("adu", self.bytes())?;
        st.end()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Reply<'_> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "Reply {{ address: {=u8}, response: {}, adu: {=[u8]:02x} }}",
            reply_address(self),
            self.response(),
            self.bytes()
        )
    }
}

/// As the [`Reply`] it holds: its 256-byte buffer only as far as filled.
#[cfg(feature = "defmt")]
impl defmt::Format for OwnedReply {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "OwnedReply {{ reply: {} }}", self.reply())
    }
}
