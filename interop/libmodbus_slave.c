/* A small libmodbus RTU slave for interoperability tests: unit 1 on PORT,
 * 100 coils, 100 discrete inputs (alternating), 100 holding registers
 * (register n holds n), 100 input registers (0x1234). Runs until killed. */
#include <errno.h>
#include <modbus.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    modbus_t *ctx = modbus_new_rtu(argv[1], 9600, 'N', 8, 1);
    modbus_mapping_t *map = modbus_mapping_new(100, 100, 100, 100);
    if (!ctx || !map) return 1;
    for (int i = 0; i < 100; i++) {
        map->tab_registers[i] = i;
        map->tab_input_registers[i] = 0x1234;
        map->tab_input_bits[i] = i % 2 == 0;
    }
    modbus_set_slave(ctx, 1);
    if (modbus_connect(ctx) == -1) {
        fprintf(stderr, "connect: %s\n", modbus_strerror(errno));
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    uint8_t query[MODBUS_RTU_MAX_ADU_LENGTH];
    for (;;) {
        int rc = modbus_receive(ctx, query);
        if (rc > 0) modbus_reply(ctx, query, rc, map);
    }
}
