//! The footprint baseline: the same runtime, semihosting output and stack measurement as
//! `footprint`, and no verifier. Flash figures are `footprint` minus this.

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use hookverify_embedded::{exit, stack};

#[entry]
fn main() -> ! {
    let sp = stack::paint();
    let ok = core::hint::black_box(true);
    let peak = stack::peak(sp);
    let sp = stack::paint();
    let again = stack::peak(sp);
    hprintln!(
        "footprint configure={} verify={} state=0 ok={}",
        peak,
        again,
        ok
    );
    exit(ok);
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    exit(false);
}
