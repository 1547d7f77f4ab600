//! The bundled font: DejaVu Sans (assets/DejaVuSans.ttf, license in assets/LICENSE-DejaVu.txt),
//! registered once with plotters as `sans-serif`, so that bitmaps get text on any machine.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

use crate::Error;

/// The family every chart and grid uses; SVG files name it and leave the font to the viewer.
pub(crate) const FAMILY: &str = "sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Registers the bundled font (once per process); every rendering calls this first, as
/// plotters measures text with it for SVG too.
pub(crate) fn ensure() -> Result<(), Error> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok =
        *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok {
        Ok(())
    } else {
        Err(Error::Draw {
            what: "text".into(),
            message: "the bundled DejaVu Sans font could not be parsed".into(),
        })
    }
}
