//! Any bytes, with a correct CRC appended, as a request to a server whose
//! handler has every kind of data (so every function's code path runs):
//! no panic, and a reply is a well-formed ADU of at most 256 bytes.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use modbus_rtu_lite::{
    Bits, Exception, Handler, Line, Mode, Parity, Server, Words, crc16, decode_response,
};

/// 256 of each: coils, inputs, registers; files 1-2 of 256 records; a FIFO.
struct Everything {
    coils: [bool; 256],
    regs: [u16; 256],
    files: [[u16; 256]; 2],
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

fuzz_target!(|data: &[u8]| {
    if data.len() > 254 {
        return;
    }
    let mut adu = [0u8; 256];
    adu[..data.len()].copy_from_slice(data);
    let crc = crc16(data);
    adu[data.len()..data.len() + 2].copy_from_slice(&crc.to_le_bytes());
    let adu = &adu[..data.len() + 2];

    let line = Line::new(19200, Parity::Even, 1);
    let handler = Everything {
        coils: [false; 256],
        regs: [7; 256],
        files: [[3; 256]; 2],
    };
    let mut server = Server::new(handler, [1, 2, 0, 0], line, Mode::Timing, Duration::ZERO);
    // Twice: the second time after the first may have changed the data
    // or entered listen-only mode.
    for _ in 0..2 {
        server.process(adu);
        if let Some(reply) = server.poll_transmit(Duration::ZERO) {
            assert!(reply.len() <= 256);
            assert!(decode_response(reply).is_ok(), "{reply:02X?}");
        }
    }
});
