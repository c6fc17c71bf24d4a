//! Shared by the firmware binaries: the embedded cases, the exit through semihosting, and
//! stack painting for the peak-stack measurement.

#![no_std]

use cortex_m_semihosting::debug;

/// A Standard Webhooks delivery (`v1`, or `v1a` under a `whpk_` key) and its verdict.
pub struct StandardCase {
    pub name: &'static str,
    pub secret: &'static str,
    pub public_key: Option<&'static str>,
    pub id: &'static str,
    pub ts: &'static str,
    pub sig: &'static str,
    pub body: &'static [u8],
    pub now: u64,
    pub tolerance: u64,
    pub expect: &'static str,
}

/// A `v1a` delivery under the Ed25519 keys of a JWKS (and a secret, for mixed headers).
pub struct V1aCase {
    pub name: &'static str,
    pub jwks: &'static str,
    pub secret: &'static str,
    pub id: &'static str,
    pub ts: &'static str,
    pub sig: &'static str,
    pub body: &'static [u8],
    pub now: u64,
    pub expect: &'static str,
}

/// A bare signature: Ed25519 (`key` is the public key, `y` empty) or ES256 (`key` and `y`
/// are the point's coordinates).
pub struct SignatureCase {
    pub name: &'static str,
    pub key: &'static [u8],
    pub y: &'static [u8],
    pub msg: &'static [u8],
    pub sig: &'static [u8],
    pub valid: bool,
}

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

/// Ends the emulation with the run's verdict as QEMU's exit status.
pub fn exit(success: bool) -> ! {
    debug::exit(if success {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Semihosting exit does not return under QEMU; spin if it ever does.
    loop {
        cortex_m::asm::nop();
    }
}

/// Stack painting: fill the stack below the caller with a pattern, then find how deep a
/// computation wrote. The stack grows down from the top of RAM.
pub mod stack {
    const PATTERN: u8 = 0xa5;
    /// How much below the current stack pointer is painted.
    pub const DEPTH: usize = 1024 * 1024;
    /// Left alone just below the stack pointer: the painting function's own frame.
    const MARGIN: usize = 1024;

    /// Paints the stack below the current frame; returns the stack pointer it started from.
    #[inline(never)]
    pub fn paint() -> usize {
        let sp = cortex_m::register::msp::read() as usize;
        let top = sp - MARGIN;
        for address in (sp - DEPTH)..top {
            // SAFETY: the addresses are below this function's frame, in the stack region of
            // RAM (4 MiB, the stack at its top), not used by anything live.
            #[allow(unsafe_code)]
            unsafe {
                core::ptr::write_volatile(address as *mut u8, PATTERN);
            }
        }
        sp
    }

    /// The deepest stack use since `paint`, in bytes below `sp`.
    #[inline(never)]
    pub fn peak(sp: usize) -> usize {
        for address in (sp - DEPTH)..sp {
            // SAFETY: reads of the painted region, which is RAM.
            #[allow(unsafe_code)]
            let byte = unsafe { core::ptr::read_volatile(address as *const u8) };
            if byte != PATTERN {
                return sp - address;
            }
        }
        0
    }
}
