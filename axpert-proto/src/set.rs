//! Command sets: which commands a [`Link`](crate::Link) sends and whose
//! replies it decodes, fixed at compile time.
//!
//! A host tool wants every command ([`EVERY_COMMAND`], the default). A
//! firmware image that polls QPIGS and QPIRI does not want the decoders
//! of the sixteen other replies, nor the range checks of every setting:
//! a link built for a smaller set answers anything outside it with
//! [`Error::NotInSet`](crate::Error::NotInSet), so the encoders and
//! decoders outside the set are dead code the linker drops.
//!
//! ```
//! use axpert_proto::{CommandSet, Inquiry, command_set};
//!
//! const POLLER: CommandSet = command_set(&[Inquiry::GeneralStatus, Inquiry::RatedInfo]);
//! type Poller = axpert_proto::Client<256, POLLER>;
//! ```

use crate::Inquiry;

/// A set of commands, as a const generic argument of
/// [`Link`](crate::Link) and [`Client`](crate::Client): one bit per
/// inquiry ([`Inquiry::bit`]) and [`SETTINGS`] for settings and raw
/// commands.
pub type CommandSet = u32;

/// Settings and raw commands (whose replies are `(ACK`, `(NAK` or kept
/// raw).
pub const SETTINGS: CommandSet = 1 << 31;

/// Every inquiry.
pub const INQUIRIES: CommandSet = (1 << Inquiry::ALL.len()) - 1;

/// Every command: the default set.
pub const EVERY_COMMAND: CommandSet = INQUIRIES | SETTINGS;

/// The set of exactly these inquiries (no settings; add [`SETTINGS`] for
/// them).
pub const fn command_set(inquiries: &[Inquiry]) -> CommandSet {
    let mut set = 0;
    let mut k = 0;
    while k < inquiries.len() {
        // `k` is below the length: the loop's condition.
        #[allow(clippy::indexing_slicing)]
        {
            set |= inquiries[k].bit();
        }
        k += 1;
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inquiry_has_its_own_bit_below_settings() {
        let mut seen = 0;
        for i in Inquiry::ALL {
            assert_eq!(i.bit().count_ones(), 1, "{i:?}");
            assert_eq!(seen & i.bit(), 0, "{i:?} shares a bit");
            seen |= i.bit();
        }
        assert_eq!(seen, INQUIRIES);
        assert_eq!(INQUIRIES & SETTINGS, 0);
        assert_eq!(command_set(&Inquiry::ALL), INQUIRIES);
        assert_eq!(
            Inquiry::ParallelStatus(7).bit(),
            Inquiry::ParallelStatus(0).bit()
        );
    }
}
