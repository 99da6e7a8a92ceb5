//! The legacy INI family (to be written).

use super::{File, LoadError};

impl File {
    /// Reads a table of the legacy INI family (UTF-8 or GBK text).
    pub fn from_ini(name: &str, bytes: &[u8]) -> Result<File, LoadError> {
        let _ = (name, bytes);
        Err(LoadError::Encoding)
    }
}
