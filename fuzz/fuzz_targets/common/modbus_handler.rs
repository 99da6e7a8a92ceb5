//! The Modbus handler the server targets share: every kind of data (so
//! every function's code path runs), answers and exceptions both.

use modbus_rtu_lite::{Bits, Exception, Handler, Words};

/// 256 of each: coils, inputs, registers; files 1-2 of 256 records; a FIFO.
pub struct Everything {
    pub coils: [bool; 256],
    pub regs: [u16; 256],
    pub files: [[u16; 256]; 2],
}

fn span(start: u16, n: usize) -> Result<core::ops::Range<usize>, Exception> {
    let s = usize::from(start);
    if s + n > 256 {
        return Err(Exception::IllegalDataAddress);
    }
    Ok(s..s + n)
}

impl Handler for Everything {
    fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        out.copy_from_slice(&self.coils[span(start, out.len())?]);
        Ok(())
    }
    fn read_discrete_inputs(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        self.read_coils(start, out)
    }
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        out.copy_from_slice(&self.regs[span(start, out.len())?]);
        Ok(())
    }
    fn read_input_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        self.read_holding_registers(start, out)
    }
    fn write_coils(&mut self, start: u16, values: Bits<'_>) -> Result<(), Exception> {
        let r = span(start, usize::from(values.len()))?;
        for (d, v) in self.coils[r].iter_mut().zip(values.iter()) {
            *d = v;
        }
        Ok(())
    }
    fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
        let r = span(start, values.len())?;
        for (d, v) in self.regs[r].iter_mut().zip(values.iter()) {
            *d = v;
        }
        Ok(())
    }
    fn read_exception_status(&mut self) -> Result<u8, Exception> {
        Ok(0x5A)
    }
    fn report_server_id(&mut self, out: &mut [u8]) -> Result<usize, Exception> {
        let id = b"\x01\xFFfuzz";
        out.get_mut(..id.len())
            .ok_or(Exception::ServerDeviceFailure)?
            .copy_from_slice(id);
        Ok(id.len())
    }
    fn read_fifo_queue(&mut self, pointer: u16, out: &mut [u16; 31]) -> Result<usize, Exception> {
        let n = usize::from(pointer % 40);
        if n > 31 {
            return Err(Exception::IllegalDataValue);
        }
        out[..n].copy_from_slice(&self.regs[..n]);
        Ok(n)
    }
    fn read_file_record(
        &mut self,
        file: u16,
        record: u16,
        out: &mut [u16],
    ) -> Result<(), Exception> {
        let f = self
            .files
            .get(usize::from(file).wrapping_sub(1))
            .ok_or(Exception::IllegalDataAddress)?;
        out.copy_from_slice(&f[span(record, out.len())?]);
        Ok(())
    }
    fn write_file_record(
        &mut self,
        file: u16,
        record: u16,
        values: Words<'_>,
    ) -> Result<(), Exception> {
        let r = span(record, values.len())?;
        let f = self
            .files
            .get_mut(usize::from(file).wrapping_sub(1))
            .ok_or(Exception::IllegalDataAddress)?;
        for (d, v) in f[r].iter_mut().zip(values.iter()) {
            *d = v;
        }
        Ok(())
    }
    fn device_id_object(&mut self, id: u8) -> Option<&[u8]> {
        (id < 8).then(|| &b"fuzzing object value"[..usize::from(id) * 2 + 1])
    }
    fn custom(&mut self, _function: u8, data: &[u8], out: &mut [u8]) -> Result<usize, Exception> {
        let n = data.len().min(out.len());
        out[..n].copy_from_slice(&data[..n]);
        Ok(n)
    }
}

impl Everything {
    /// Coils off, registers 7, file records 3.
    pub fn new() -> Self {
        Everything {
            coils: [false; 256],
            regs: [7; 256],
            files: [[3; 256]; 2],
        }
    }
}
