//! Modbus requests and responses as JSON (their data borrows from the
//! frame, so they are described here rather than serialised).

use modbus_rtu_lite::{Request, Response, file};
use serde_json::{Value, json};

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// FC15 groups: each reference with its values.
fn write_groups(groups: &[u8]) -> Value {
    file::write_groups(groups)
        .map(|(r, values)| {
            json!({"file": r.file, "record": r.record, "values": values.iter().collect::<Vec<_>>()})
        })
        .collect()
}

/// A request as JSON.
pub fn request(address: u8, r: &Request<'_>) -> Value {
    let body = match *r {
        Request::ReadCoils { start, quantity } => {
            json!({"read_coils": {"start": start, "quantity": quantity}})
        }
        Request::ReadDiscreteInputs { start, quantity } => {
            json!({"read_discrete_inputs": {"start": start, "quantity": quantity}})
        }
        Request::ReadHoldingRegisters { start, quantity } => {
            json!({"read_holding_registers": {"start": start, "quantity": quantity}})
        }
        Request::ReadInputRegisters { start, quantity } => {
            json!({"read_input_registers": {"start": start, "quantity": quantity}})
        }
        Request::WriteSingleCoil { address, value } => {
            json!({"write_single_coil": {"address": address, "value": value}})
        }
        Request::WriteSingleRegister { address, value } => {
            json!({"write_single_register": {"address": address, "value": value}})
        }
        Request::ReadExceptionStatus => json!("read_exception_status"),
        Request::Diagnostics { sub, data } => {
            json!({"diagnostics": {"sub_function": sub, "data": hex(data)}})
        }
        Request::GetCommEventCounter => json!("get_comm_event_counter"),
        Request::GetCommEventLog => json!("get_comm_event_log"),
        Request::WriteMultipleCoils { start, coils } => {
            json!({"write_multiple_coils": {"start": start, "values": coils.iter().collect::<Vec<_>>()}})
        }
        Request::WriteMultipleRegisters { start, values } => {
            json!({"write_multiple_registers": {"start": start, "values": values.iter().collect::<Vec<_>>()}})
        }
        Request::ReportServerId => json!("report_server_id"),
        Request::ReadFileRecord { groups } => {
            let refs: Vec<Value> = file::read_requests(groups)
                .map(|r| json!({"file": r.file, "record": r.record, "length": r.length}))
                .collect();
            json!({"read_file_record": refs})
        }
        Request::WriteFileRecord { groups } => {
            json!({"write_file_record": write_groups(groups)})
        }
        Request::MaskWriteRegister {
            address,
            and_mask,
            or_mask,
        } => {
            json!({"mask_write_register": {"address": address, "and_mask": and_mask, "or_mask": or_mask}})
        }
        Request::ReadWriteMultipleRegisters {
            read_start,
            read_quantity,
            write_start,
            values,
        } => json!({
            "read_write_multiple_registers": {"read_start": read_start, "read_quantity": read_quantity,
                "write_start": write_start, "values": values.iter().collect::<Vec<_>>()}}),
        Request::ReadFifoQueue { pointer } => json!({"read_fifo_queue": {"pointer": pointer}}),
        Request::ReadDeviceId { read_code, object } => {
            json!({"read_device_id": {"read_code": read_code, "object": object}})
        }
        Request::Custom { function, data } => {
            json!({"custom": {"function": function, "data": hex(data)}})
        }
    };
    json!({"address": address, "broadcast": address == 0, "request": body})
}

/// A response as JSON; with its request, coil responses are cut to the
/// quantity asked.
pub fn response(address: u8, r: &Response<'_>, request: Option<&Request<'_>>) -> Value {
    let asked = match request {
        Some(
            Request::ReadCoils { quantity, .. } | Request::ReadDiscreteInputs { quantity, .. },
        ) => Some(*quantity),
        _ => None,
    };
    let bits = |b: &modbus_rtu_lite::Bits<'_>| -> Vec<bool> {
        b.iter()
            .take(usize::from(asked.unwrap_or(b.len())))
            .collect()
    };
    let body = match *r {
        Response::ReadCoils(b) => json!({"read_coils": bits(&b)}),
        Response::ReadDiscreteInputs(b) => json!({"read_discrete_inputs": bits(&b)}),
        Response::ReadHoldingRegisters(w) => {
            json!({"read_holding_registers": w.iter().collect::<Vec<_>>()})
        }
        Response::ReadInputRegisters(w) => {
            json!({"read_input_registers": w.iter().collect::<Vec<_>>()})
        }
        Response::ReadWriteMultipleRegisters(w) => {
            json!({"read_write_multiple_registers": w.iter().collect::<Vec<_>>()})
        }
        Response::ReadFifoQueue(w) => json!({"read_fifo_queue": w.iter().collect::<Vec<_>>()}),
        Response::WriteSingleCoil { address, value } => {
            json!({"write_single_coil": {"address": address, "value": value}})
        }
        Response::WriteSingleRegister { address, value } => {
            json!({"write_single_register": {"address": address, "value": value}})
        }
        Response::ReadExceptionStatus(s) => json!({"read_exception_status": s}),
        Response::Diagnostics { sub, data } => {
            json!({"diagnostics": {"sub_function": sub, "data": hex(data)}})
        }
        Response::GetCommEventCounter { status, count } => {
            json!({"get_comm_event_counter": {"status": status, "count": count}})
        }
        Response::GetCommEventLog {
            status,
            event_count,
            message_count,
            events,
        } => json!({"get_comm_event_log": {
            "status": status, "event_count": event_count, "message_count": message_count, "events": hex(events)}}),
        Response::WriteMultipleCoils { start, quantity } => {
            json!({"write_multiple_coils": {"start": start, "quantity": quantity}})
        }
        Response::WriteMultipleRegisters { start, quantity } => {
            json!({"write_multiple_registers": {"start": start, "quantity": quantity}})
        }
        Response::ReportServerId(d) => json!({"report_server_id": hex(d)}),
        Response::ReadFileRecord(d) => {
            let groups: Vec<Vec<u16>> = file::read_responses(d)
                .map(|w| w.iter().collect())
                .collect();
            json!({"read_file_record": groups})
        }
        Response::WriteFileRecord(d) => json!({"write_file_record": write_groups(d)}),
        Response::MaskWriteRegister {
            address,
            and_mask,
            or_mask,
        } => {
            json!({"mask_write_register": {"address": address, "and_mask": and_mask, "or_mask": or_mask}})
        }
        Response::ReadDeviceId(id) => {
            let objects: serde_json::Map<String, Value> = id
                .objects()
                .map(|(k, v)| (format!("{k}"), json!(String::from_utf8_lossy(v))))
                .collect();
            json!({"read_device_id": {"conformity": id.conformity, "more_follows": id.more(), "objects": objects}})
        }
        Response::Custom { function, data } => {
            json!({"custom": {"function": function, "data": hex(data)}})
        }
        Response::Exception { function, code } => {
            json!({"exception": {"function": function, "code": code.code(), "name": format!("{code:?}")}})
        }
    };
    json!({"address": address, "response": body})
}
